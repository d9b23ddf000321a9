"""The tokenizer: token types, values and the position convention.

Convention (also used in error messages): ``line`` and ``col`` are 1-based and
point at a token's *first* character; ``start``/``end`` are 0-based offsets.
"""

from __future__ import annotations

import pytest

from arangolite.aql.tokens import TokenType as T
from arangolite.aql.tokens import tokenize
from arangolite.errors import AqlError


def kinds(query: str) -> list[T]:
    return [t.type for t in tokenize(query)]


def test_keywords_are_case_insensitive_and_names_keep_case():
    tokens = tokenize("for Doc iN users RETURN doc")
    assert [t.type for t in tokens] == [
        T.FOR,
        T.IDENTIFIER,
        T.IN,
        T.IDENTIFIER,
        T.RETURN,
        T.IDENTIFIER,
        T.END,
    ]
    assert tokens[1].value == "Doc"


def test_positions_across_lines_comments_and_strings():
    query = 'FOR u IN users // c\n  /* multi\nline */ FILTER u.a == "x\\ny"\nSORT u.b'
    tokens = tokenize(query)
    by_text = {t.text: t for t in tokens}
    assert (by_text["FOR"].line, by_text["FOR"].col) == (1, 1)
    assert (by_text["FILTER"].line, by_text["FILTER"].col) == (3, 9)
    assert (by_text['"x\\ny"'].line, by_text['"x\\ny"'].col) == (3, 23)
    assert by_text['"x\\ny"'].value == "x\ny"
    assert (by_text["SORT"].line, by_text["SORT"].col) == (4, 1)
    sort = by_text["SORT"]
    assert query[sort.start : sort.end] == "SORT"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("1", T.INTEGER, 1),
        ("1e3", T.DOUBLE, 1000.0),
        (".5", T.DOUBLE, 0.5),
        ("1.25", T.DOUBLE, 1.25),
        ("0x1F", T.INTEGER, 31),
        ("0b101", T.INTEGER, 5),
        ("'it''s'", T.STRING, "it"),
        ("'a\\'b'", T.STRING, "a'b"),
        ('"\\u00e4\\t"', T.STRING, "ä\t"),
        ("`filter`", T.IDENTIFIER, "filter"),
        ("\u00b4my-coll\u00b4", T.IDENTIFIER, "my-coll"),
        ("@value", T.PARAMETER, "value"),
        ("@@coll", T.DATA_SOURCE_PARAMETER, "coll"),
        ("_key", T.IDENTIFIER, "_key"),
        ("$x", T.IDENTIFIER, "$x"),
    ],
)
def test_literals_names_and_parameters(text, kind, value):
    token = tokenize(text)[0]
    assert (token.type, token.value) == (kind, value)


def test_ranges_are_not_numbers():
    assert kinds("1..10") == [T.INTEGER, T.RANGE, T.INTEGER, T.END]


def test_operators_longest_match():
    assert kinds("a =~ b !~ c == d != e <= f >= g && h || i") == [
        T.IDENTIFIER, T.REGEX_MATCH, T.IDENTIFIER, T.REGEX_NON_MATCH, T.IDENTIFIER, T.EQ,
        T.IDENTIFIER, T.NE, T.IDENTIFIER, T.LE, T.IDENTIFIER, T.GE, T.IDENTIFIER, T.AND,
        T.IDENTIFIER, T.OR, T.IDENTIFIER, T.END,
    ]  # fmt: skip


def test_not_in_and_at_least_are_single_tokens():
    assert kinds("a NOT  IN b") == [T.IDENTIFIER, T.NOT_IN, T.IDENTIFIER, T.END]
    assert kinds("a AT LEAST (1)")[1] == T.AT_LEAST
    assert kinds("NOT IN_RANGE(1)")[:2] == [T.NOT, T.IDENTIFIER]
    assert kinds("at")[0] == T.IDENTIFIER


def test_unknown_characters_become_tokens():
    tokens = tokenize("RETURN 1;")
    assert tokens[2].type == T.UNKNOWN and tokens[2].name == "$undefined"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('RETURN "abc', "unexpected unterminated string literal near '\"abc' at position 1:8"),
        ("RETURN `abc", "unexpected unterminated identifier near '`abc' at position 1:8"),
        (
            "RETURN 1 /* x",
            "unexpected unterminated multi-line comment near '/* x' at position 1:10",
        ),
    ],
)
def test_unterminated_input(query, message):
    with pytest.raises(AqlError) as exc:
        tokenize(query)
    assert exc.value.error_num == 1501 and exc.value.message == message


def test_end_token_sits_at_the_last_lexeme():
    tokens = tokenize("FOR x IN")
    assert tokens[-1].type == T.END and (tokens[-1].line, tokens[-1].col) == (1, 7)
