"""Persistent indexes (``hash`` and ``skiplist`` are aliases) and multi-dimensional
(``mdi``, ``mdi-prefixed``) indexes.

Each document contributes zero or more *entries*, one tuple of values per index
field combination (``tags[*]`` expands to one entry per array element).

Memory is the constraint (a million-document collection must fit with its
indexes), so an entry costs no more than its value and a dict slot:

- every distinct entry is encoded as one hashable *item* whose equality is
  AQL's ``==`` (see :func:`_scalar_item` and :func:`_flat_item`); for a single
  string or number field the item is the value itself, no wrapper;
- ``_owners`` maps item -> the document keys holding it: the key itself (a str)
  while one document has the value, a sorted list from the second one, and a
  ``SortedList`` once the value has more than :data:`_SMALL` documents, so
  keys always come out sorted without sorting per read;
- the distinct items in AQL order (for ranges, sorted scans and prefix lookups)
  are built on first demand by sorting once, then kept up to date. Building an
  index and recovery only fill the dict, which is what makes them fast.

Null semantics follow ArangoDB: a sparse index skips documents whose (non
expanded) indexed attributes are null or missing; a non-sparse index stores
missing attributes as null, so a unique non-sparse index admits one document
without the attribute. Array elements that are null are always indexed.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedList

from arangolite.aql.values import compare, type_rank
from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import FieldPath, hashable, parse_fields
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["PersistentIndex", "MdiIndex", "flag", "TOP"]

MAX_STORED_VALUES = 32

#: a value's keys stay in a plain sorted list up to this many, then a SortedList
_SMALL = 64


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


# ---------------------------------------------------------------------- items
class _Bool:
    """``true``/``false`` as a dict key: Python's ``True == 1`` would merge them with numbers."""

    __slots__ = ("flag",)
    rank = 1

    def __init__(self, flag: bool) -> None:
        self.flag = flag

    def __lt__(self, other: Any) -> bool:
        return self.flag < other.flag if isinstance(other, _Bool) else NotImplemented

    def __le__(self, other: Any) -> bool:
        return self.flag <= other.flag if isinstance(other, _Bool) else NotImplemented

    def __gt__(self, other: Any) -> bool:
        return self.flag > other.flag if isinstance(other, _Bool) else NotImplemented

    def __ge__(self, other: Any) -> bool:
        return self.flag >= other.flag if isinstance(other, _Bool) else NotImplemented

    def __repr__(self) -> str:
        return "true" if self.flag else "false"


_TRUE = _Bool(True)
_FALSE = _Bool(False)


class _Compound:
    """An array or object value: equal as AQL's ``==`` (via :func:`hashable`),
    ordered as AQL's ``SORT`` (via :func:`compare`)."""

    __slots__ = ("value", "form", "rank", "_hash")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.form = hashable(value)
        self.rank = type_rank(value)
        self._hash = hash(self.form)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: Any) -> bool:
        return self.form == other.form if isinstance(other, _Compound) else NotImplemented

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, _Compound):
            return NotImplemented
        return compare(self.value, other.value) < 0

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, _Compound):
            return NotImplemented
        return compare(self.value, other.value) <= 0

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, _Compound):
            return NotImplemented
        return compare(self.value, other.value) > 0

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, _Compound):
            return NotImplemented
        return compare(self.value, other.value) >= 0

    def __repr__(self) -> str:
        return f"_Compound({self.value!r})"


def _scalar_item(value: Any) -> Any:
    """A single-field entry as a dict key: strings, numbers and null as they are
    (no two of them are ``==`` in Python unless they are in AQL), booleans as
    singletons, arrays and objects wrapped."""
    kind = type(value)
    if kind is str or kind is int or kind is float or value is None:
        return value
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return _Compound(value)


def _scalar_rank(item: Any) -> int:
    """The AQL type rank of a :func:`_scalar_item` (null 0 … object 5)."""
    kind = type(item)
    if kind is str:
        return 3
    if kind is int or kind is float:
        return 2
    if item is None:
        return 0
    return int(item.rank)


def _flat_item(values: Iterable[Any]) -> tuple[Any, ...]:
    """A multi-field entry (or a prefix of one): ``(rank1, v1, rank2, v2, …)``.

    Tuples compare element by element, so a value is only ever compared with a
    value of the same type rank (Python cannot order a str and an int).
    """
    flat: list[Any] = []
    for value in values:
        kind = type(value)
        if kind is str:
            flat += (3, value)
        elif kind is int or kind is float:
            flat += (2, value)
        elif value is None:
            flat += (0, None)
        elif value is True or value is False:
            flat += (1, value)
        elif isinstance(value, str):
            flat += (3, str(value))
        elif isinstance(value, int | float):
            flat += (2, value)
        else:
            compound = _Compound(value)
            flat += (compound.rank, compound)
    return tuple(flat)


#: "no bound" for a range (None is the value null)
_UNBOUNDED: Any = object()
#: "not indexed" for a document's single entry
_SKIP: Any = object()


def _read(doc: Any, head: tuple[str, ...]) -> Any:
    """``doc.a.b`` with null for anything missing (what a non-expanded field indexes)."""
    value = doc
    for name in head:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


# ---------------------------------------------------------------------- orders
class _ScalarOrder:
    """The distinct items of a single-field index in AQL order: one SortedList
    per type rank (null is just a flag), chained by rank for a range."""

    def __init__(self, items: Iterable[Any]) -> None:
        groups: list[list[Any]] = [[] for _ in range(6)]
        for item in items:
            groups[_scalar_rank(item)].append(item)
        self.null = bool(groups[0])
        self.lists: list[SortedList | None] = [SortedList(g) if g else None for g in groups]
        self.lists[0] = None

    def add(self, item: Any) -> None:
        rank = _scalar_rank(item)
        if rank == 0:
            self.null = True
            return
        found = self.lists[rank]
        if found is None:
            found = self.lists[rank] = SortedList()
        found.add(item)

    def discard(self, item: Any) -> None:
        rank = _scalar_rank(item)
        if rank == 0:
            self.null = False
            return
        found = self.lists[rank]
        if found is not None:
            found.discard(item)

    def irange(
        self, low: Any, high: Any, include_low: bool, include_high: bool, reverse: bool
    ) -> Iterator[Any]:
        """Items between two items (or :data:`_UNBOUNDED`), inclusive as asked."""
        low_rank = 0 if low is _UNBOUNDED else _scalar_rank(low)
        high_rank = 5 if high is _UNBOUNDED else _scalar_rank(high)
        ranks: Iterable[int] = range(low_rank, high_rank + 1)
        if reverse:
            ranks = reversed(ranks)
        for rank in ranks:
            bounded_low = rank == low_rank and low is not _UNBOUNDED
            bounded_high = rank == high_rank and high is not _UNBOUNDED
            if rank == 0:
                # a bound in rank 0 is null itself: it only decides inclusion
                if self.null and not (
                    (bounded_low and not include_low) or (bounded_high and not include_high)
                ):
                    yield None
                continue
            found = self.lists[rank]
            if found:
                yield from found.irange(
                    low if bounded_low else None,
                    high if bounded_high else None,
                    (include_low, include_high),
                    reverse,
                )


class _FlatOrder:
    """The distinct items of a multi-field index (:func:`_flat_item`) in AQL order."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = SortedList(items)

    def add(self, item: Any) -> None:
        self.items.add(item)

    def discard(self, item: Any) -> None:
        self.items.discard(item)

    def irange(
        self, low: Any, high: Any, include_low: bool, include_high: bool, reverse: bool
    ) -> Iterator[Any]:
        """Items from prefix ``low`` to prefix ``high``: an inclusive upper prefix
        (or exclusive lower one) covers every entry that starts with it."""
        minimum = maximum = None
        if low is not _UNBOUNDED:
            minimum = low if include_low else (*low, TOP)
        if high is not _UNBOUNDED:
            maximum = (*high, TOP) if include_high else high
        # an item has no key after its values: it can equal an exclusive upper bound
        return iter(self.items.irange(minimum, maximum, (True, include_high), reverse))


_Order = _ScalarOrder | _FlatOrder


# ---------------------------------------------------------------------- definitions
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
      value per field (or a shorter tuple: a prefix, answered from the sorted order).
      For an expanded field (``tags[*]``) the value is one array element.
    - ``range(lower, upper, include_lower, include_upper, reverse=False)``: keys in
      index order with ``lower <= entry <= upper``. Bounds are tuples of values
      forming a prefix of the fields (equal on all but the last, a range on the
      last), or ``None`` for "unbounded". ``(None,)`` is the value null.
    - ``scan(reverse=False)``: every indexed document in index order.

    Index order is AQL's ``SORT`` order of the entries, then the document key.
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
        self._single = len(self.paths) == 1
        self._heads = [path.head for path in self.paths]
        #: the attribute name of a single, top-level, non-expanded field (the hot path)
        self._name: str | None = None
        if self._single and not self.expands and len(self._heads[0]) == 1:
            self._name = self._heads[0][0]
        #: item -> owning key (str), sorted list of keys, or SortedList of keys
        self._owners: dict[Any, Any] = {}
        #: the distinct items in order; None until a read needs it
        self._order: _Order | None = None
        #: entries stored (an array's repeated value counts each time without deduplicate)
        self._entries = 0

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
    def _items(self, doc: dict[str, Any]) -> list[Any]:
        """The encoded entries of ``doc`` (repeats kept unless ``deduplicate``)."""
        if not self.expands:
            if self._name is not None:
                value = doc.get(self._name)
                if value is None and self.sparse:
                    return []
                return [_scalar_item(value)]
            values = [_read(doc, head) for head in self._heads]
            if self.sparse and None in values:
                return []
            return [_scalar_item(values[0]) if self._single else _flat_item(values)]
        columns: list[list[Any]] = []
        for path in self.paths:
            found = path.values(doc)
            if not found:
                return []  # an expansion without an array (or an empty one): not indexed
            if not path.expands and found[0] is None and self.sparse:
                return []
            columns.append(found)
        if self._single:
            items = [_scalar_item(value) for value in columns[0]]
        else:
            items = [_flat_item(entry) for entry in itertools.product(*columns)]
        if self.deduplicate and len(items) > 1:
            items = list(dict.fromkeys(items))
        return items

    def _refuse(self, doc: dict[str, Any]) -> None:
        """Raise if the type refuses ``doc`` whatever the other documents (MDI)."""

    def _add(self, item: Any, key: str) -> None:
        owners = self._owners.get(item)
        if owners is None:
            self._owners[item] = key
            if self._order is not None:
                self._order.add(item)
        elif type(owners) is str:
            if owners != key:
                self._owners[item] = [owners, key] if owners < key else [key, owners]
        elif type(owners) is list:
            at = bisect_left(owners, key)
            if at == len(owners) or owners[at] != key:
                if len(owners) < _SMALL:
                    owners.insert(at, key)
                else:
                    grown = SortedList(owners)
                    grown.add(key)
                    self._owners[item] = grown
        elif key not in owners:
            owners.add(key)

    def _discard(self, item: Any, key: str) -> bool:
        owners = self._owners.get(item)
        if owners is None:
            return False
        if type(owners) is str:
            if owners != key:
                return False
            del self._owners[item]
            if self._order is not None:
                self._order.discard(item)
            return True
        if type(owners) is list:
            at = bisect_left(owners, key)
            if at == len(owners) or owners[at] != key:
                return False
            del owners[at]
        elif key in owners:
            owners.remove(key)
        else:
            return False
        if len(owners) == 1:
            self._owners[item] = owners[0]
        return True

    def _check_items(self, key: str, items: list[Any]) -> None:
        seen: set[Any] = set()
        for item in items:
            if item in seen:  # the same value twice in one document, deduplicate=false
                raise self.unique_violation(key)
            seen.add(item)
            owners = self._owners.get(item)
            if owners is None:
                continue
            if type(owners) is str:
                if owners != key:
                    raise self.unique_violation(owners)
                continue
            for owner in owners:
                if owner != key:
                    raise self.unique_violation(owner)

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        items = self._items(doc)
        for item in items:
            self._add(item, key)
        self._entries += len(items)

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        items = self._items(doc)
        if len(items) == 1:
            if self._discard(items[0], key):
                self._entries -= 1
            return
        counts: dict[Any, int] = {}
        for item in items:
            counts[item] = counts.get(item, 0) + 1
        for item, times in counts.items():
            if self._discard(item, key):
                self._entries -= times

    def check(self, key: str, doc: dict[str, Any]) -> None:
        self._refuse(doc)
        if self.unique:
            self._check_items(key, self._items(doc))

    def fill(self, *, check: bool = True) -> None:
        """Index every document, checking each before it goes in (1210 names the
        document that already had the value); the sorted order waits for a read."""
        from arangolite.storage.collections import loads

        checking = check and self.unique
        refusing = check and type(self)._refuse is not PersistentIndex._refuse
        owners = self._owners
        # one top-level attribute: read it inline, the common case of a million documents
        name = self._name if type(self)._items is PersistentIndex._items else None
        sparse = self.sparse
        self._order = None  # derived from _owners: rebuilt on the next read
        count = 0
        for key, raw in self.collection.docs.items():
            doc = loads(raw)
            if refusing:
                self._refuse(doc)
            if name is not None:
                value = doc.get(name)
                if value is None and sparse:
                    continue
                item = value if type(value) is str else _scalar_item(value)
                if item not in owners:
                    owners[item] = key
                    count += 1
                    continue
                items = [item]
            else:
                items = self._items(doc)
            if checking:
                self._check_items(key, items)
            for item in items:
                self._add(item, key)
            count += len(items)
        self._entries += count

    def clear(self) -> None:
        self._owners.clear()
        self._order = None
        self._entries = 0

    # ------------------------------------------------------------------ reads
    def lookup(self, values: tuple[Any, ...]) -> Iterable[str]:
        if len(values) != len(self.paths):
            if len(values) < len(self.paths):
                return self.range(values, values, True, True)
            return ()
        item = _scalar_item(values[0]) if self._single else _flat_item(values)
        owners = self._owners.get(item)
        if owners is None:
            return ()
        return [owners] if type(owners) is str else list(owners)

    def range(
        self,
        lower: tuple[Any, ...] | None,
        upper: tuple[Any, ...] | None,
        include_lower: bool = True,
        include_upper: bool = True,
        reverse: bool = False,
    ) -> Iterator[str]:
        if (lower is not None and not len(lower) and not include_lower) or (
            upper is not None and not len(upper) and not include_upper
        ):
            return iter(())  # an exclusive empty prefix: nothing lies beyond it
        order = self._sorted()
        low, high = self._bound(lower), self._bound(upper)
        return self._keys(order.irange(low, high, include_lower, include_upper, reverse), reverse)

    def scan(self, reverse: bool = False) -> Iterator[str]:
        order = self._sorted()
        return self._keys(order.irange(_UNBOUNDED, _UNBOUNDED, True, True, reverse), reverse)

    def _bound(self, values: tuple[Any, ...] | None) -> Any:
        """A range bound as an item (a prefix for several fields), or :data:`_UNBOUNDED`."""
        if values is None or not len(values):
            return _UNBOUNDED
        if self._single:
            return _scalar_item(values[0])
        return _flat_item(values)

    def _sorted(self) -> _Order:
        """The distinct items in order, sorted once on first demand."""
        order = self._order
        if order is None:
            kind = _ScalarOrder if self._single else _FlatOrder
            order = self._order = kind(self._owners)
        return order

    def _keys(self, items: Iterator[Any], reverse: bool) -> Iterator[str]:
        owners_of = self._owners.get
        seen: set[str] | None = set() if self.expands else None
        for item in items:
            owners = owners_of(item)
            if owners is None:
                continue
            if type(owners) is str:
                keys: Iterable[str] = (owners,)
            elif type(owners) is list:
                keys = owners[::-1] if reverse else owners[:]
            else:
                keys = reversed(owners) if reverse else iter(owners)
            if seen is None:
                yield from keys
                continue
            for key in keys:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return self._entries

    # ------------------------------------------------------------------ description
    def selectivity(self) -> float | None:
        if self.unique:
            return 1
        if not self.estimates:
            return None
        total = self._entries
        return 1 if not total else round(len(self._owners) / total, 6)

    def figures(self) -> dict[str, Any]:
        return {"memory": 48 * self._entries, "cacheInUse": False}


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

    def _items(self, doc: dict[str, Any]) -> list[Any]:
        if not self._numeric(doc):
            return []
        return super()._items(doc)

    def _refuse(self, doc: dict[str, Any]) -> None:
        if not self.sparse and not self._numeric(doc):
            raise ArangoError(E.QUERY_INVALID_ARITHMETIC_VALUE)

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
