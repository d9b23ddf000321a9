"""Index attribute paths: parsing ``"a.b"`` / ``"tags[*]"`` / ``"tags[*].name"`` and
reading the indexed values out of documents.

ArangoDB validates an index's ``fields`` list before anything else and reports
each mistake with a fixed text (``IndexFactory::validateFieldsDefinition`` and
``TRI_ParseAttributeString``); :func:`parse_fields` reproduces those checks and
texts so a bad definition fails exactly as it does there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arangolite.errors import ArangoError, E

__all__ = ["FieldPath", "parse_fields", "get_path", "hashable", "MISSING"]

_ID_ATTRIBUTE = re.compile(r"^(.+\.)?_id$")


class _Missing:
    """An attribute that is not there (distinct from an explicit ``null``)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class FieldPath:
    """One index field: the path to read, and for ``x[*].y`` the path inside each element."""

    text: str
    head: tuple[str, ...]
    #: None when the field has no ``[*]``; else the sub-path inside each array element
    tail: tuple[str, ...] | None = None

    @property
    def expands(self) -> bool:
        return self.tail is not None

    def values(self, doc: Any) -> list[Any] | None:
        """The values ``doc`` contributes: one for a plain path (None when absent),
        the elements for an expansion, or None when an expansion finds no array."""
        value = get_path(doc, self.head)
        if self.tail is None:
            return [None if value is MISSING else value]
        if not isinstance(value, list):
            return None
        if not self.tail:
            return list(value)
        out = []
        for element in value:
            item = get_path(element, self.tail)
            out.append(None if item is MISSING else item)
        return out


def get_path(value: Any, path: tuple[str, ...]) -> Any:
    """``value.a.b`` or :data:`MISSING` when any step is absent or not an object."""
    for name in path:
        if not isinstance(value, dict) or name not in value:
            return MISSING
        value = value[name]
    return value


def _bad(message: str) -> ArangoError:
    return ArangoError(E.BAD_PARAMETER, message)


def parse_fields(
    fields: Any,
    *,
    min_fields: int = 1,
    max_fields: int = 1 << 30,
    allow_expansion: bool = False,
    allow_sub_attributes: bool = True,
    allow_id: bool = False,
) -> list[FieldPath]:
    """Validate an index's ``fields`` (or ``storedValues``/``prefixFields``) list."""
    items = fields if isinstance(fields, list) else []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            raise _bad("index field names must be only strings")
        if not isinstance(item, str) or not item:
            raise _bad("index field names must be non-empty strings")
        if item in seen:
            raise _bad("duplicate attribute name in index fields list")
        if not allow_sub_attributes and "." in item:
            raise _bad("cannot index a sub-attribute in this type of index")
        if not allow_id and _ID_ATTRIBUTE.match(item):
            raise _bad("_id attribute cannot be indexed")
        seen.add(item)
    if not min_fields <= len(seen) <= max_fields:
        raise _bad("invalid number of index attributes")
    return [_parse_one(item, allow_expansion) for item in items]


def _parse_one(text: str, allow_expansion: bool) -> FieldPath:
    position = text.find("[")
    if position < 0:
        return FieldPath(text, tuple(text.split(".")))
    if not allow_expansion:
        raise _bad("cannot use [*] expansion for this type of index")
    rest = text[position:]
    if not rest.startswith("[*]") or (len(rest) > 3 and rest[3] != "."):
        raise ArangoError(E.ATTRIBUTE_PARSER_FAILED, "can only use [*] for indexes")
    tail_text = rest[4:]
    if "[" in tail_text:
        if "[*]" in tail_text:
            raise _bad("cannot use multiple [*] expansions for a single index field")
        raise ArangoError(E.ATTRIBUTE_PARSER_FAILED, "can only use [*] for indexes")
    head = tuple(text[:position].split("."))
    tail = tuple(tail_text.split(".")) if tail_text else ()
    return FieldPath(text, head, tail)


def hashable(value: Any) -> Any:
    """A hashable stand-in for a JSON value that is equal exactly when AQL's ``==`` is.

    Python alone would conflate ``true`` with ``1``; numbers keep Python's
    ``1 == 1.0``; trailing nulls of arrays are dropped because AQL compares a
    missing array element as null.
    """
    if value is None:
        return (0,)
    if value is True or value is False:
        return (1, value is True)
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, list | tuple):
        items = [hashable(v) for v in value]
        while items and items[-1] == (0,):
            items.pop()
        return (4, tuple(items))
    if isinstance(value, dict):
        return (5, tuple(sorted((k, hashable(v)) for k, v in value.items())))
    return (6, repr(value))
