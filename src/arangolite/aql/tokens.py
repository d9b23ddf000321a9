"""AQL's tokenizer: query text -> a list of :class:`Token` with positions.

The token set, the keyword list and the spelling rules for names, numbers, bind
parameters and strings follow ArangoDB's lexer. Every token keeps where it
starts (1-based ``line`` and ``col``, 0-based ``start``/``end`` offsets into the
query), because ArangoDB's syntax errors name the position of the unexpected
token and quote the query text from there (``near '…' at position L:C``).

Column convention (pinned in ``test_tokens.py``): ``col`` is the 1-based column
of the token's *first* character; ``end`` is the offset just past its last one.

Tokenizing never raises for ordinary input: a character AQL does not know
becomes an ``UNKNOWN`` token, so the parser reports it with ArangoDB's
"unexpected …" wording. Only unterminated strings, names and comments raise
here, with ArangoDB's own texts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from arangolite.aql.errors import syntax_error

__all__ = ["TokenType", "Token", "KEYWORDS", "tokenize"]


class TokenType(enum.IntEnum):
    # high-level operations and keywords (reserved, case-insensitive)
    FOR = enum.auto()
    LET = enum.auto()
    FILTER = enum.auto()
    RETURN = enum.auto()
    COLLECT = enum.auto()
    SORT = enum.auto()
    LIMIT = enum.auto()
    WINDOW = enum.auto()
    ASC = enum.auto()
    DESC = enum.auto()
    IN = enum.auto()
    WITH = enum.auto()
    INTO = enum.auto()
    AGGREGATE = enum.auto()
    GRAPH = enum.auto()
    SHORTEST_PATH = enum.auto()
    K_SHORTEST_PATHS = enum.auto()
    K_PATHS = enum.auto()
    ALL_SHORTEST_PATHS = enum.auto()
    DISTINCT = enum.auto()
    REMOVE = enum.auto()
    INSERT = enum.auto()
    UPDATE = enum.auto()
    REPLACE = enum.auto()
    UPSERT = enum.auto()
    OUTBOUND = enum.auto()
    INBOUND = enum.auto()
    ANY = enum.auto()
    ALL = enum.auto()
    NONE = enum.auto()
    AT_LEAST = enum.auto()
    LIKE = enum.auto()
    NOT = enum.auto()
    AND = enum.auto()
    OR = enum.auto()
    NOT_IN = enum.auto()
    # literals and names
    NULL = enum.auto()
    TRUE = enum.auto()
    FALSE = enum.auto()
    IDENTIFIER = enum.auto()
    STRING = enum.auto()
    INTEGER = enum.auto()
    DOUBLE = enum.auto()
    PARAMETER = enum.auto()
    DATA_SOURCE_PARAMETER = enum.auto()
    # operators
    ASSIGN = enum.auto()
    REGEX_MATCH = enum.auto()
    REGEX_NON_MATCH = enum.auto()
    EQ = enum.auto()
    NE = enum.auto()
    LT = enum.auto()
    GT = enum.auto()
    LE = enum.auto()
    GE = enum.auto()
    PLUS = enum.auto()
    MINUS = enum.auto()
    TIMES = enum.auto()
    DIV = enum.auto()
    MOD = enum.auto()
    QUESTION = enum.auto()
    COLON = enum.auto()
    SCOPE = enum.auto()
    RANGE = enum.auto()
    DOT = enum.auto()
    # punctuation
    COMMA = enum.auto()
    OPEN = enum.auto()
    CLOSE = enum.auto()
    OBJECT_OPEN = enum.auto()
    OBJECT_CLOSE = enum.auto()
    ARRAY_OPEN = enum.auto()
    ARRAY_CLOSE = enum.auto()
    UNKNOWN = enum.auto()
    END = enum.auto()


T = TokenType

#: reserved words (matched case-insensitively) -> token type
KEYWORDS: dict[str, TokenType] = {
    "FOR": T.FOR,
    "LET": T.LET,
    "FILTER": T.FILTER,
    "RETURN": T.RETURN,
    "COLLECT": T.COLLECT,
    "SORT": T.SORT,
    "LIMIT": T.LIMIT,
    "WINDOW": T.WINDOW,
    "ASC": T.ASC,
    "DESC": T.DESC,
    "IN": T.IN,
    "WITH": T.WITH,
    "INTO": T.INTO,
    "AGGREGATE": T.AGGREGATE,
    "GRAPH": T.GRAPH,
    "SHORTEST_PATH": T.SHORTEST_PATH,
    "K_SHORTEST_PATHS": T.K_SHORTEST_PATHS,
    "K_PATHS": T.K_PATHS,
    "ALL_SHORTEST_PATHS": T.ALL_SHORTEST_PATHS,
    "DISTINCT": T.DISTINCT,
    "REMOVE": T.REMOVE,
    "INSERT": T.INSERT,
    "UPDATE": T.UPDATE,
    "REPLACE": T.REPLACE,
    "UPSERT": T.UPSERT,
    "OUTBOUND": T.OUTBOUND,
    "INBOUND": T.INBOUND,
    "ANY": T.ANY,
    "ALL": T.ALL,
    "NONE": T.NONE,
    "LIKE": T.LIKE,
    "NOT": T.NOT,
    "AND": T.AND,
    "OR": T.OR,
    "NULL": T.NULL,
    "TRUE": T.TRUE,
    "FALSE": T.FALSE,
}

#: how ArangoDB's parser names a token in "syntax error, unexpected <name>"
TOKEN_NAMES: dict[TokenType, str] = {
    T.FOR: "FOR declaration",
    T.LET: "LET declaration",
    T.FILTER: "FILTER declaration",
    T.RETURN: "RETURN declaration",
    T.COLLECT: "COLLECT declaration",
    T.SORT: "SORT declaration",
    T.LIMIT: "LIMIT declaration",
    T.WINDOW: "WINDOW declaration",
    T.ASC: "ASC keyword",
    T.DESC: "DESC keyword",
    T.IN: "IN keyword",
    T.WITH: "WITH keyword",
    T.INTO: "INTO keyword",
    T.AGGREGATE: "AGGREGATE keyword",
    T.GRAPH: "GRAPH keyword",
    T.SHORTEST_PATH: "SHORTEST_PATH keyword",
    T.K_SHORTEST_PATHS: "K_SHORTEST_PATHS keyword",
    T.K_PATHS: "K_PATHS keyword",
    T.ALL_SHORTEST_PATHS: "ALL_SHORTEST_PATHS keyword",
    T.DISTINCT: "DISTINCT modifier",
    T.REMOVE: "REMOVE command",
    T.INSERT: "INSERT command",
    T.UPDATE: "UPDATE command",
    T.REPLACE: "REPLACE command",
    T.UPSERT: "UPSERT command",
    T.OUTBOUND: "outbound modifier",
    T.INBOUND: "inbound modifier",
    T.ANY: "any modifier",
    T.ALL: "all modifier",
    T.NONE: "none modifier",
    T.AT_LEAST: "at least modifier",
    T.LIKE: "like operator",
    T.NOT: "not operator",
    T.AND: "and operator",
    T.OR: "or operator",
    T.NOT_IN: "not in operator",
    T.NULL: "null",
    T.TRUE: "true",
    T.FALSE: "false",
    T.IDENTIFIER: "identifier",
    T.STRING: "quoted string",
    T.INTEGER: "integer number",
    T.DOUBLE: "number",
    T.PARAMETER: "bind parameter",
    T.DATA_SOURCE_PARAMETER: "bind data source parameter",
    T.ASSIGN: "assignment",
    T.REGEX_MATCH: "~= operator",
    T.REGEX_NON_MATCH: "~! operator",
    T.EQ: "== operator",
    T.NE: "!= operator",
    T.LT: "< operator",
    T.GT: "> operator",
    T.LE: "<= operator",
    T.GE: ">= operator",
    T.PLUS: "+ operator",
    T.MINUS: "- operator",
    T.TIMES: "* operator",
    T.DIV: "/ operator",
    T.MOD: "% operator",
    T.QUESTION: "?",
    T.COLON: ":",
    T.SCOPE: "::",
    T.RANGE: "..",
    T.DOT: "'.'",
    T.COMMA: '","',
    T.OPEN: "(",
    T.CLOSE: ")",
    T.OBJECT_OPEN: "{",
    T.OBJECT_CLOSE: "}",
    T.ARRAY_OPEN: "[",
    T.ARRAY_CLOSE: "]",
    T.UNKNOWN: "$undefined",
    T.END: "end of query string",
}

# longest first: two-character operators before their one-character prefixes
_OPERATORS: tuple[tuple[str, TokenType], ...] = (
    ("=~", T.REGEX_MATCH),
    ("!~", T.REGEX_NON_MATCH),
    ("==", T.EQ),
    ("!=", T.NE),
    (">=", T.GE),
    ("<=", T.LE),
    ("&&", T.AND),
    ("||", T.OR),
    ("::", T.SCOPE),
    ("..", T.RANGE),
    (">", T.GT),
    ("<", T.LT),
    ("=", T.ASSIGN),
    ("!", T.NOT),
    ("+", T.PLUS),
    ("-", T.MINUS),
    ("*", T.TIMES),
    ("/", T.DIV),
    ("%", T.MOD),
    ("?", T.QUESTION),
    (":", T.COLON),
    (".", T.DOT),
    (",", T.COMMA),
    ("(", T.OPEN),
    (")", T.CLOSE),
    ("{", T.OBJECT_OPEN),
    ("}", T.OBJECT_CLOSE),
    ("[", T.ARRAY_OPEN),
    ("]", T.ARRAY_CLOSE),
)

_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    "/": "/",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "`": "`",
}

_WHITESPACE = " \t\r\n"
_FORWARD_TICK = "\u00b4"


@dataclass(slots=True)
class Token:
    """One token: its type, its source text (or decoded value) and where it starts."""

    type: TokenType
    text: str
    line: int
    col: int
    start: int
    end: int
    #: parsed value of numbers and decoded text of strings/names
    value: object = None

    @property
    def name(self) -> str:
        """The token as ArangoDB's syntax errors name it."""
        return TOKEN_NAMES[self.type]

    def __repr__(self) -> str:
        return f"Token({self.type.name}, {self.text!r}, {self.line}:{self.col})"


def _is_ident_start(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_ident_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _unescape(raw: str) -> str:
    """Decode backslash escapes as ArangoDB does (unknown escapes keep the character)."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt == "u" and i + 6 <= n and _is_hex(raw[i + 2 : i + 6]):
            code = int(raw[i + 2 : i + 6], 16)
            i += 6
            # combine a UTF-16 surrogate pair
            if 0xD800 <= code < 0xDC00 and raw[i : i + 2] == "\\u" and _is_hex(raw[i + 2 : i + 6]):
                low = int(raw[i + 2 : i + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            out.append(chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd")
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return "".join(out)


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)


class _Lexer:
    def __init__(self, query: str) -> None:
        self.q = query
        self.n = len(query)
        self.pos = 0
        self.line = 1
        self.col = 1
        self.tokens: list[Token] = []
        # start of the last lexeme (token, whitespace run or comment); the end
        # token is reported there, as ArangoDB's scanner does
        self.last_lexeme = (0, 1, 1)

    def advance(self, count: int) -> None:
        q = self.q
        for i in range(self.pos, self.pos + count):
            if q[i] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
        self.pos += count

    def emit(self, type: TokenType, start: int, line: int, col: int, value: object = None) -> None:
        self.tokens.append(Token(type, self.q[start : self.pos], line, col, start, self.pos, value))

    def run(self) -> list[Token]:
        q, n = self.q, self.n
        while self.pos < n:
            ch = q[self.pos]
            start, line, col = self.pos, self.line, self.col
            self.last_lexeme = (start, line, col)
            if ch in _WHITESPACE:
                if ch == "\n":
                    self.advance(1)
                    continue
                end = self.pos
                while end < n and q[end] in " \t\r":
                    end += 1
                self.advance(end - self.pos)
                continue
            if q.startswith("//", self.pos):
                end = q.find("\n", self.pos)
                self.advance((n if end < 0 else end) - self.pos)
                continue
            if q.startswith("/*", self.pos):
                end = q.find("*/", self.pos + 2)
                if end < 0:
                    raise syntax_error(
                        "unexpected unterminated multi-line comment", q, start, line, col
                    )
                self.advance(end + 2 - self.pos)
                continue
            if ch in "\"'":
                self.quoted(ch, T.STRING, "unexpected unterminated string literal")
                continue
            if ch == "`" or ch == _FORWARD_TICK:
                self.quoted(ch, T.IDENTIFIER, "unexpected unterminated identifier")
                continue
            if ch.isdigit() or (ch == "." and self.pos + 1 < n and q[self.pos + 1].isdigit()):
                self.number()
                continue
            if ch == "@":
                self.parameter()
                continue
            if _is_ident_start(ch) or ch == "_" or ch == "$":
                if self.word():
                    continue
            for text, type in _OPERATORS:
                if q.startswith(text, self.pos):
                    self.advance(len(text))
                    self.emit(type, start, line, col)
                    break
            else:
                self.advance(1)
                self.emit(T.UNKNOWN, start, line, col)
        start, line, col = self.last_lexeme
        self.tokens.append(Token(T.END, "", line, col, start, start))
        return self.tokens

    def quoted(self, quote: str, type: TokenType, unterminated: str) -> None:
        q, n = self.q, self.n
        start, line, col = self.pos, self.line, self.col
        i = self.pos + 1
        while i < n:
            c = q[i]
            if c == "\\":
                i += 2
                continue
            if c == quote:
                break
            i += 1
        if i >= n:
            raise syntax_error(unterminated, q, start, line, col)
        raw = q[self.pos + 1 : i]
        self.advance(i + 1 - self.pos)
        self.emit(type, start, line, col, _unescape(raw))

    def number(self) -> None:
        q, n = self.q, self.n
        start, line, col = self.pos, self.line, self.col
        i = self.pos
        if q.startswith(("0x", "0X"), i) and i + 2 < n and q[i + 2] in "0123456789abcdefABCDEF":
            j = i + 2
            while j < n and q[j] in "0123456789abcdefABCDEF":
                j += 1
            self.advance(j - i)
            self.emit(T.INTEGER, start, line, col, int(q[i + 2 : j], 16))
            return
        if q.startswith(("0b", "0B"), i) and i + 2 < n and q[i + 2] in "01":
            j = i + 2
            while j < n and q[j] in "01":
                j += 1
            self.advance(j - i)
            self.emit(T.INTEGER, start, line, col, int(q[i + 2 : j], 2))
            return
        j = i
        is_double = False
        if q[j] == ".":
            is_double = True
            j += 1
            while j < n and q[j].isdigit():
                j += 1
        elif q[j] == "0":
            j += 1
        else:
            while j < n and q[j].isdigit():
                j += 1
        if not is_double and j + 1 < n and q[j] == "." and q[j + 1].isdigit():
            is_double = True
            j += 1
            while j < n and q[j].isdigit():
                j += 1
        if j < n and q[j] in "eE":
            k = j + 1
            if k < n and q[k] in "+-":
                k += 1
            if k < n and q[k].isdigit():
                while k < n and q[k].isdigit():
                    k += 1
                j = k
                is_double = True
        text = q[i:j]
        self.advance(j - i)
        if is_double:
            value = float(text)
            if value in (float("inf"), float("-inf")):
                value = None  # ArangoDB: number out of range -> null (plus a warning)
            self.emit(T.DOUBLE, start, line, col, value)
        else:
            self.emit(T.INTEGER, start, line, col, int(text))

    def parameter(self) -> None:
        q, n = self.q, self.n
        start, line, col = self.pos, self.line, self.col
        i = self.pos + 1
        type = T.PARAMETER
        if i < n and q[i] == "@":
            type = T.DATA_SOURCE_PARAMETER
            i += 1
        j = i
        if j < n and q[j] == "_":
            while j < n and q[j] == "_":
                j += 1
            if j < n and q[j].isascii() and q[j].isalnum():
                while j < n and _is_ident_char(q[j]):
                    j += 1
            else:
                j = i
        elif j < n and q[j].isascii() and q[j].isalnum():
            while j < n and _is_ident_char(q[j]):
                j += 1
        if j == i:
            self.advance(1)
            self.emit(T.UNKNOWN, start, line, col)
            return
        name = q[i:j]
        self.advance(j - start)
        self.emit(type, start, line, col, name)

    def word(self) -> bool:
        """An unquoted name or keyword; False when the text is not a name at all."""
        q, n = self.q, self.n
        start, line, col = self.pos, self.line, self.col
        i = self.pos
        if q[i] == "$":
            i += 1
            if not (i < n and _is_ident_start(q[i])):
                return False
        elif q[i] == "_":
            while i < n and q[i] == "_":
                i += 1
            if not (i < n and _is_ident_start(q[i])):
                return False
        while i < n and _is_ident_char(q[i]):
            i += 1
        text = q[start:i]
        upper = text.upper()
        self.advance(i - start)
        if upper == "AT" and self._follows_word("LEAST"):
            self.emit(T.AT_LEAST, start, line, col)
            return True
        if upper == "NOT" and self._follows_word("IN"):
            self.emit(T.NOT_IN, start, line, col)
            return True
        keyword = KEYWORDS.get(upper)
        if keyword is not None:
            self.emit(keyword, start, line, col)
        else:
            self.emit(T.IDENTIFIER, start, line, col, text)
        return True

    def _follows_word(self, word: str) -> bool:
        """If only whitespace and then ``word`` follow, consume them and say so."""
        q, n = self.q, self.n
        i = self.pos
        while i < n and q[i] in _WHITESPACE:
            i += 1
        if i == self.pos:
            return False
        end = i + len(word)
        if q[i:end].upper() != word or (end < n and _is_ident_char(q[end])):
            return False
        self.advance(end - self.pos)
        return True


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens; the list always ends with an ``END`` token."""
    return _Lexer(query).run()
