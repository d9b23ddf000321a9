"""Persistent indexes (``hash`` and ``skiplist`` are aliases) and multi-dimensional
(``mdi``, ``mdi-prefixed``) indexes.

Each document contributes zero or more *entries*, one tuple of values per index
field combination (``tags[*]`` expands to one entry per array element). Two
structures hold them:

- a hash map ``entry -> {document keys}`` for equality lookups and unique checks;
- a ``SortedList`` of ``(sort_key(v1), …, sort_key(vn), key)`` for ranges and
  sorted scans, ordered exactly as AQL's ``SORT`` orders values.

Null semantics follow ArangoDB: a sparse index skips documents whose (non
expanded) indexed attributes are null or missing; a non-sparse index stores
missing attributes as null, so a unique non-sparse index admits one document
without the attribute. Array elements that are null are always indexed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedList

from arangolite.aql.values import sort_key
from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import FieldPath, hashable, parse_fields
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["PersistentIndex", "MdiIndex", "flag", "TOP"]

MAX_STORED_VALUES = 32


def flag(body: dict[str, Any], name: str, default: bool) -> bool:
    """ArangoDB's ``getBooleanValue``: a boolean attribute, anything else means the default."""
    value = body.get(name)
    return value if isinstance(value, bool) else default


class _Top:
    """Sorts after every value: closes a prefix bound (``(a, TOP)`` > every ``(a, …)``)."""

    def __lt__(self, other: Any) -> bool:
        return False

    def __le__(self, other: Any) -> bool:
        return other is self

    def __gt__(self, other: Any) -> bool:
        return other is not self

    def __ge__(self, other: Any) -> bool:
        return True

    def __eq__(self, other: Any) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


TOP = _Top()


def _stored_values(body: dict[str, Any], fields: list[str], *, allow_overlap: bool) -> list[str]:
    """``storedValues``: optional, 1..32 paths, no ``[*]``, no overlap with ``fields``."""
    value = body.get("storedValues")
    if value is None and "storedValues" not in body:
        return []
    prefix = "when parsing fields for stored values: "
    if not isinstance(value, list):
        raise ArangoError(E.BAD_PARAMETER, prefix + "storedValues must be an array")
    try:
        parse_fields(value, max_fields=MAX_STORED_VALUES, allow_id=True)
    except ArangoError as exc:
        raise ArangoError(exc.error_num, prefix + exc.message) from None
    if not allow_overlap and set(value) & set(fields):
        raise ArangoError(
            E.BAD_PARAMETER,
            prefix + "duplicate attribute name (overlap between index fields and index "
            "stored values list)",
        )
    return list(value)


@register("persistent", "hash", "skiplist")
class PersistentIndex(Index):
    """A sorted index over one or more attribute paths.

    Methods the AQL engine uses (all return document keys; sub-linear in the
    collection size):

    - ``lookup(values)``: documents whose entry equals ``values``, a tuple with one
      value per field (or a shorter tuple: a prefix, answered from the sorted list).
      For an expanded field (``tags[*]``) the value is one array element.
    - ``range(lower, upper, include_lower, include_upper, reverse=False)``: keys in
      index order with ``lower <= entry <= upper``. Bounds are tuples of values
      forming a prefix of the fields (equal on all but the last, a range on the
      last), or ``None`` for "unbounded". ``(None,)`` is the value null.
    - ``scan(reverse=False)``: every indexed document in index order.

    Keys come back once each, even from array indexes. Sparse indexes do not
    contain documents with null/missing attributes: the planner must not use them
    for conditions that could match null.
    """

    type = "persistent"

    def __init__(
        self,
        collection: Collection,
        *,
        id: str,
        name: str,
        fields: list[Any],
        unique: bool = False,
        sparse: bool = False,
        options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            collection,
            id=id,
            name=name,
            fields=fields,
            unique=unique,
            sparse=sparse,
            options=options,
        )
        self.paths: list[FieldPath] = parse_fields(
            self.key_fields(), allow_expansion=True, allow_id=True
        )
        self.expands = any(path.expands for path in self.paths)
        self.deduplicate = bool(self.options.get("deduplicate", True))
        self.estimates = bool(self.options.get("estimates", True))
        self._hash: dict[tuple[Any, ...], set[str]] = {}
        self._sorted: SortedList = SortedList()

    def key_fields(self) -> list[str]:
        """The attribute paths an entry is made of, in order."""
        return list(self.fields)

    # ------------------------------------------------------------------ definitions
    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        fields = body.get("fields")
        parse_fields(fields, allow_expansion=True)
        options: dict[str, Any] = {}
        stored = _stored_values(body, fields, allow_overlap=False)
        if stored:
            options["storedValues"] = stored
        options["deduplicate"] = flag(body, "deduplicate", True)
        options["estimates"] = flag(body, "estimates", True)
        options["cacheEnabled"] = flag(body, "cacheEnabled", False)
        return {
            "fields": list(fields),
            "unique": flag(body, "unique", False),
            "sparse": flag(body, "sparse", False),
            "options": options,
        }

    # ------------------------------------------------------------------ entries
    def entries(self, doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The index entries of ``doc`` (duplicates kept unless ``deduplicate``)."""
        columns: list[list[Any]] = []
        for path in self.paths:
            values = path.values(doc)
            if values is None or not values:
                return []  # an expansion without an array (or an empty one): not indexed
            if not path.expands and values[0] is None and self.sparse:
                return []
            columns.append(values)
        if len(columns) == 1:
            found = [(value,) for value in columns[0]]
        else:
            found = list(itertools.product(*columns))
        if self.expands and self.deduplicate and len(found) > 1:
            unique: dict[Any, tuple[Any, ...]] = {}
            for entry in found:
                unique.setdefault(tuple(hashable(v) for v in entry), entry)
            found = list(unique.values())
        return found

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        for entry in self.entries(doc):
            self._hash.setdefault(tuple(hashable(v) for v in entry), set()).add(key)
            self._sorted.add((*(sort_key(v) for v in entry), key))

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        for entry in self.entries(doc):
            probe = tuple(hashable(v) for v in entry)
            owners = self._hash.get(probe)
            if owners is not None:
                owners.discard(key)
                if not owners:
                    del self._hash[probe]
            self._sorted.discard((*(sort_key(v) for v in entry), key))

    def check(self, key: str, doc: dict[str, Any]) -> None:
        if not self.unique:
            return
        seen: set[tuple[Any, ...]] = set()
        for entry in self.entries(doc):
            probe = tuple(hashable(v) for v in entry)
            if probe in seen:  # the same value twice in one document, deduplicate=false
                raise self.unique_violation(key)
            seen.add(probe)
            for owner in self._hash.get(probe, ()):
                if owner != key:
                    raise self.unique_violation(owner)

    def clear(self) -> None:
        self._hash.clear()
        self._sorted.clear()

    # ------------------------------------------------------------------ reads
    def lookup(self, values: tuple[Any, ...]) -> Iterable[str]:
        if len(values) < len(self.paths):
            return self.range(values, values, True, True)
        owners = self._hash.get(tuple(hashable(v) for v in values))
        return sorted(owners) if owners else ()

    def range(
        self,
        lower: tuple[Any, ...] | None,
        upper: tuple[Any, ...] | None,
        include_lower: bool = True,
        include_upper: bool = True,
        reverse: bool = False,
    ) -> Iterator[str]:
        low = high = None
        if lower is not None:
            low = tuple(sort_key(v) for v in lower)
            if not include_lower:
                low = (*low, TOP)
        if upper is not None:
            high = tuple(sort_key(v) for v in upper)
            if include_upper:
                high = (*high, TOP)
        return self._keys(self._sorted.irange(low, high, reverse=reverse))

    def scan(self, reverse: bool = False) -> Iterator[str]:
        return self._keys(reversed(self._sorted) if reverse else iter(self._sorted))

    def _keys(self, items: Iterable[tuple[Any, ...]]) -> Iterator[str]:
        if not self.expands:
            for item in items:
                yield item[-1]
            return
        seen: set[str] = set()
        for item in items:
            key = item[-1]
            if key not in seen:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        return len(self._sorted)

    # ------------------------------------------------------------------ description
    def selectivity(self) -> float | None:
        if self.unique:
            return 1
        if not self.estimates:
            return None
        total = len(self._sorted)
        return 1 if not total else round(len(self._hash) / total, 6)

    def figures(self) -> dict[str, Any]:
        return {"memory": 48 * len(self._sorted), "cacheInUse": False}


@register("mdi", "mdi-prefixed")
class MdiIndex(PersistentIndex):
    """Multi-dimensional indexes over numeric attributes (``fieldValueTypes: "double"``).

    Stored in the same structure as a persistent index over ``prefixFields +
    fields``, which serves the prefix equality and the box ranges AQL asks of it.
    A non-sparse index refuses documents whose indexed values are not numbers
    (errorNum 1561, as ArangoDB); a sparse one leaves them out.
    """

    type = "mdi"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        options = kwargs.get("options") or {}
        self.prefix_fields: list[str] = list(options.get("prefixFields") or [])
        super().__init__(collection, **kwargs)
        if self.prefix_fields:
            self.type = "mdi-prefixed"

    def key_fields(self) -> list[str]:
        return self.prefix_fields + list(self.fields)

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("fieldValueTypes") != "double":
            raise ArangoError(
                E.BAD_PARAMETER,
                "mdi requires `fieldValueTypes` to be set to `double` - future releases "
                "might lift this requirement",
            )
        fields = body.get("fields")
        parse_fields(fields)
        options: dict[str, Any] = {"fieldValueTypes": "double"}
        stored = _stored_values(body, fields, allow_overlap=True)
        if body.get("type") == "mdi-prefixed":
            options["prefixFields"] = _prefix_fields(body, stored)
        if stored:
            options["storedValues"] = stored
        options["estimates"] = flag(body, "estimates", True)
        return {
            "fields": list(fields),
            "unique": flag(body, "unique", False),
            "sparse": flag(body, "sparse", False),
            "options": options,
        }

    def matches(self, definition: dict[str, Any]) -> bool:
        prefix = definition["options"].get("prefixFields") or []
        return super().matches(definition) and prefix == self.prefix_fields

    def _numeric(self, doc: dict[str, Any]) -> bool:
        for path in self.paths[len(self.prefix_fields) :]:
            value = path.values(doc)
            if value is None or isinstance(value[0], bool) or not isinstance(value[0], int | float):
                return False
        return True

    def entries(self, doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        if not self._numeric(doc):
            return []
        return super().entries(doc)

    def check(self, key: str, doc: dict[str, Any]) -> None:
        if not self.sparse and not self._numeric(doc):
            raise ArangoError(E.QUERY_INVALID_ARITHMETIC_VALUE)
        super().check(key, doc)

    def selectivity(self) -> float | None:
        return 1


def _prefix_fields(body: dict[str, Any], stored: list[str]) -> list[str]:
    prefix = body.get("prefixFields")
    message = "when parsing prefix fields: "
    if not isinstance(prefix, list) or not prefix:
        raise ArangoError(E.BAD_PARAMETER, message + "prefixFields is required for `mdi-prefixed`")
    try:
        parse_fields(prefix, allow_id=True)
    except ArangoError as exc:
        raise ArangoError(exc.error_num, message + exc.message) from None
    if set(prefix) & set(stored):
        raise ArangoError(
            E.BAD_PARAMETER,
            message + "duplicate attribute name (overlap between index sorted prefix fields "
            "and index stored values list)",
        )
    return list(prefix)
