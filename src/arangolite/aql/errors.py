"""How AQL errors are built and worded.

Every AQL failure is an :class:`arangolite.errors.AqlError` (or a storage
:class:`ArangoError` raised while a query writes). Messages are built in two
steps, exactly like ArangoDB's:

1. the place that detects the problem raises with the bare text —
   ``syntax error, unexpected identifier near 'YODA' at position 1:1`` or
   ``usage of unknown function 'NOPE()'``;
2. :func:`in_phase` (called once, by the query runner) prefixes ``AQL: `` and
   appends the phase: ``(while parsing)``, ``(while executing)``, …

Syntax errors quote the query from the offending token on, cut to 32
characters plus ``...`` (ArangoDB's ``QueryString::extractRegion``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arangolite.errors import AqlError, ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.tokens import Token

__all__ = [
    "SNIPPET_LENGTH",
    "syntax_error",
    "error_at",
    "in_phase",
    "PARSING",
    "EXECUTING",
]

SNIPPET_LENGTH = 32
PARSING = "parsing"
OPTIMIZING = "optimizing plan"
EXECUTING = "executing"


def snippet(query: str, start: int) -> str:
    rest = query[start:]
    if len(rest) > SNIPPET_LENGTH:
        return rest[:SNIPPET_LENGTH] + "..."
    return rest


def syntax_error(message: str, query: str, start: int, line: int, col: int) -> AqlError:
    """A 1501 parse error in ArangoDB's shape: ``<message> near '<query…>' at position L:C``."""
    return AqlError(
        E.QUERY_PARSE,
        f"{message} near '{snippet(query, start)}' at position {line}:{col}",
        line=line,
        column=col,
        offset=start,
    )


def error_at(
    error_num: int, message: str, query: str, token: Token, *, near: bool = True
) -> AqlError:
    """An error of any number at a token; ``near`` adds the quoted query region."""
    text = message
    if near:
        text = (
            f"{message} near '{snippet(query, token.start)}' at position {token.line}:{token.col}"
        )
    return AqlError(error_num, text, line=token.line, column=token.col, offset=token.start)


def in_phase(error: ArangoError, phase: str) -> ArangoError:
    """The error as a client sees it: ``AQL: <message> (while <phase>)``.

    Applied once per error; an error that already carries the prefix is returned
    unchanged.
    """
    if error.message.startswith("AQL: "):
        return error
    decorated = f"AQL: {error.message} (while {phase})"
    if isinstance(error, AqlError):
        out: ArangoError = AqlError(
            error.error_num,
            decorated,
            line=error.line,
            column=error.column,
            offset=error.offset,
            status=error.status,
        )
    else:
        out = ArangoError(error.error_num, decorated, status=error.status, extra=error.extra)
    return out
