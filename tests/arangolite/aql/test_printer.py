"""``to_aql``: every query of ``fixtures/identity.aql`` prints back unchanged after parsing.

A parser-only test (no server): it checks the printer against the parser, the
way sqlglot's identity fixture does.
"""

from __future__ import annotations

import pytest

from arangolite.aql.parser import parse
from arangolite.aql.printer import to_aql
from tests.arangolite.aql.fixture_files import FIXTURES

QUERIES = [
    line.strip()
    for line in (FIXTURES / "identity.aql").read_text().splitlines()
    if line.strip() and not line.startswith("//")
]


@pytest.mark.parametrize("query", QUERIES)
def test_round_trip(query: str):
    assert to_aql(parse(query).ast) == query


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        (
            "for u in users filter u.a && u.b || !u.c return u",
            "FOR u IN users FILTER u.a AND u.b OR NOT u.c RETURN u",
        ),
        (
            "FOR u IN users SORT u.a ASC LIMIT 0, 3 RETURN u",
            "FOR u IN users SORT u.a LIMIT 0, 3 RETURN u",
        ),
        ("RETURN count([1])", "RETURN LENGTH([1])"),
        ("LET a = 1, b = 2 RETURN a", "LET a = 1 LET b = 2 RETURN a"),
        ("RETURN [1][* RETURN CURRENT]", "RETURN [1][*]"),
        ("RETURN ((1 + 2))", "RETURN 1 + 2"),
        ("INSERT {} IN users", "INSERT {} INTO users"),
    ],
)
def test_canonical_form(query: str, canonical: str):
    assert to_aql(parse(query).ast) == canonical
    assert to_aql(parse(canonical).ast) == canonical


def _fixture_queries() -> list[tuple[str, str]]:
    from arangolite.errors import ArangoError
    from tests.arangolite.aql.fixture_files import all_files

    out = []
    for fixture in all_files():
        for case in fixture.cases:
            try:
                parse(case.query)
            except ArangoError:
                continue  # the error fixtures
            out.append((f"{case.file}:{case.line}", case.query))
    return out


FIXTURE_QUERIES = _fixture_queries()


@pytest.mark.parametrize(
    "query", [q for _w, q in FIXTURE_QUERIES], ids=[w for w, _q in FIXTURE_QUERIES]
)
def test_printed_fixture_queries_are_stable(query: str):
    """Every query of the result fixtures prints to text that parses to the same print."""
    printed = to_aql(parse(query).ast)
    assert to_aql(parse(printed).ast) == printed
