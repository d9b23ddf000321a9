"""AQL's built-in functions: a registry built from declarations.

Each function is declared once, in the module for its chapter of ArangoDB's AQL
function reference (``string.py``, ``numeric.py``, ``array.py``,
``document.py``, ``type_cast.py``, ``misc.py``, ``date.py``, …)::

    @aql_function("LENGTH", "COUNT", min_args=1, max_args=1)
    def length(ctx: FunctionContext, value: Any) -> Any:
        ...

The first name is the canonical one, the others are aliases. ``max_args=None``
means "any number". The parser looks every call up in :data:`FUNCTIONS`:
unknown names fail there with 1540 (``usage of unknown function 'NOPE()'``),
a wrong number of arguments with 1541 — both at parse time, in one place
(:func:`lookup`), never inside a function.

Adding a chapter: create ``functions/<chapter>.py``, declare functions with
:func:`aql_function`, and add the module to ``_CHAPTERS`` below. A name declared
twice is an import-time error.

The function context
--------------------
Functions receive evaluated argument values (plain JSON-like Python values:
``None``, ``bool``, ``int``/``float``, ``str``, ``list``, ``dict``) after a
context object with this interface (see :class:`FunctionContext`):

- ``ctx.warn(code, message)``: register a query warning (ArangoDB returns
  ``null`` plus a warning for most bad inputs rather than failing), e.g.
  ``ctx.warn(E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, ...)``;
- ``ctx.invalid_argument(name)``: the common case of the above; warns with
  ArangoDB's text ``invalid argument type in call to function 'NAME()'`` and
  returns ``None`` so a function can ``return ctx.invalid_argument("ABS")``;
- ``ctx.db``: the :class:`~arangolite.storage.databases.Database` the query
  runs in (``DOCUMENT()``, ``COLLECTION_COUNT()``);
- ``ctx.trx``: the stream transaction (or the query's own transaction) reads
  and writes must go through, or ``None``;
- ``ctx.options``: the query options object (``failOnWarning`` etc.).

Functions must not raise for bad *data*; they raise
:class:`~arangolite.errors.ArangoError` only where ArangoDB aborts the query
(``FAIL()``, ``DOCUMENT()`` on a missing collection, …).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = [
    "FunctionContext",
    "AqlFunction",
    "FUNCTIONS",
    "aql_function",
    "lookup",
    "MAX_ARGUMENTS",
    "unknown_function",
]

#: what ArangoDB reports as the maximum for functions taking "any number" of arguments
MAX_ARGUMENTS = 65536


class FunctionContext(Protocol):
    """What a function may use besides its arguments (implemented by the executor)."""

    db: Database
    trx: Transaction | None
    options: dict[str, Any]

    def warn(self, code: int, message: str) -> None: ...

    def invalid_argument(self, name: str) -> None: ...


@dataclass(frozen=True, slots=True)
class AqlFunction:
    """One declared function."""

    name: str
    aliases: tuple[str, ...]
    fn: Callable[..., Any]
    min_args: int
    max_args: int | None
    #: False for functions whose result may differ between calls (RAND, DATE_NOW, …)
    deterministic: bool = True

    def check_arity(self, called_as: str, count: int) -> None:
        maximum = MAX_ARGUMENTS if self.max_args is None else self.max_args
        if not self.min_args <= count <= maximum:
            raise ArangoError(
                E.QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH,
                f"invalid number of arguments for function '{called_as}()', "
                f"expected number of arguments: minimum: {self.min_args}, maximum: {maximum}",
            )


#: upper-case name (canonical and aliases) -> function
FUNCTIONS: dict[str, AqlFunction] = {}


def aql_function(
    name: str,
    *aliases: str,
    min_args: int = 0,
    max_args: int | None = 0,
    deterministic: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an AQL function under ``name`` (and ``aliases``)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = AqlFunction(name, aliases, fn, min_args, max_args, deterministic)
        for key in (name, *aliases):
            if key in FUNCTIONS:
                raise RuntimeError(f"AQL function {key} declared twice")
            if key != key.upper():
                raise RuntimeError(f"AQL function names are upper case: {key}")
            FUNCTIONS[key] = spec
        return fn

    return register


def unknown_function(name: str) -> ArangoError:
    return ArangoError(E.QUERY_FUNCTION_NAME_UNKNOWN, f"usage of unknown function '{name}()'")


def lookup(name: str, arg_count: int) -> AqlFunction:
    """The function called ``name`` (any case), its arity checked; 1540/1541 otherwise."""
    spec = FUNCTIONS.get(name.upper())
    if spec is None:
        raise unknown_function(name.upper())
    spec.check_arity(name.upper(), arg_count)
    return spec


# One module per chapter of the AQL function reference; importing registers them.
_CHAPTERS = (
    "type_cast",
    "string",
    "numeric",
    "array",
    "document",
    "misc",
    "date",
    "bit",
    "geo",
    "fulltext",
    "vector",
)

for _chapter in _CHAPTERS:
    importlib.import_module(f"{__name__}.{_chapter}")
