"""Indexes: one class per index type behind one small interface.

Every write goes through :class:`IndexSet` (owned by a collection): first
``check`` (may raise 1210 for a unique violation, before anything changed), then
``insert``/``remove``. The primary index is the collection's document dict itself;
:class:`PrimaryIndex` exists so it is listed like ArangoDB lists it.

The secondary types live in their own modules (``index_persistent``,
``index_ttl``, ``index_geo``, ``index_fulltext``, ``index_search``) and register
in :data:`INDEX_TYPES`; ``index_factory`` validates definitions, creates, finds
and drops indexes, and rebuilds them from :meth:`Index.persisted` on recovery
(:func:`restore_index`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = [
    "Index",
    "PrimaryIndex",
    "EdgeIndex",
    "IndexSet",
    "INDEX_TYPES",
    "register",
    "restore_index",
]


class Index:
    """The interface every index implements.

    ``insert``/``remove`` keep the structure in step with the documents;
    ``check`` raises ArangoDB's 1210 if storing ``doc`` under ``key`` would break
    a unique constraint. Definition attributes are what the index API lists.

    A subclass declares how a request body becomes its definition
    (:meth:`normalize`, raising ArangoDB's errors for bad input) and when two
    definitions are the same index (:meth:`matches`), so creating an index that
    already exists returns the existing one.
    """

    type: str = ""
    #: False for the implicit indexes (primary, edge): they cannot be created or dropped
    user_defined: bool = True

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
        self.collection = collection
        self.id = id
        self.name = name
        self.fields = fields
        self.unique = unique
        self.sparse = sparse
        self.options = options or {}

    # ------------------------------------------------------------------ definitions
    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        """Validate a create request: ``{"fields", "unique", "sparse", "options"}``."""
        raise NotImplementedError("The 'normalize' method must be implemented.")

    def matches(self, definition: dict[str, Any]) -> bool:
        """Whether the normalized ``definition`` describes this very index."""
        return (
            definition["fields"] == self.fields
            and definition["unique"] == self.unique
            and definition["sparse"] == self.sparse
        )

    # ------------------------------------------------------------------ maintenance
    def insert(self, key: str, doc: dict[str, Any]) -> None:
        raise NotImplementedError("The 'insert' method must be implemented.")

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        raise NotImplementedError("The 'remove' method must be implemented.")

    def check(self, key: str, doc: dict[str, Any]) -> None:
        """Raise if ``doc`` (to be stored as ``key``) cannot go into this index:
        1210 for a unique violation (some types refuse other documents too)."""

    def clear(self) -> None:
        raise NotImplementedError("The 'clear' method must be implemented.")

    def fill(self, *, check: bool = True) -> None:
        """Index every document already in the collection (creation and recovery).

        Constraints are checked document by document, so existing data that
        violates a new unique index fails its creation with 1210.
        """
        from arangolite.storage.collections import loads

        for key, raw in list(self.collection.docs.items()):
            doc = loads(raw)
            if check:
                self.check(key, doc)
            self.insert(key, doc)

    # ------------------------------------------------------------------ description
    def selectivity(self) -> float | None:
        """The selectivity estimate ArangoDB lists, or None when the type has none."""
        return None

    def definition(self, *, with_stats: bool = False) -> dict[str, Any]:
        """The index as ArangoDB lists it (``GET /_api/index``)."""
        out: dict[str, Any] = {
            "id": f"{self.collection.name}/{self.id}",
            "type": self.type,
            "name": self.name,
            "fields": list(self.fields),
            "unique": self.unique,
            "sparse": self.sparse,
        }
        estimate = self.selectivity()
        if estimate is not None:
            out["selectivityEstimate"] = estimate
        out.update(self.options)
        if with_stats:
            out["figures"] = self.figures()
        return out

    def figures(self) -> dict[str, Any]:
        return {"memory": 0}

    def persisted(self) -> dict[str, Any]:
        """What durability stores to recreate the index."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "fields": list(self.fields),
            "unique": self.unique,
            "sparse": self.sparse,
            "options": self.options,
        }

    def unique_violation(self, conflicting_key: str) -> ArangoError:
        """ArangoDB's 1210, naming the index and the document already holding the value."""
        fields = ", ".join(str(f) for f in self.fields)
        error = ArangoError(
            E.UNIQUE_CONSTRAINT_VIOLATED,
            f"unique constraint violated - in index {self.name} of type {self.type} "
            f"over '{fields}'; conflicting key: {conflicting_key}",
        )
        error.conflicting_key = conflicting_key  # type: ignore[attr-defined]
        return error


class PrimaryIndex(Index):
    """The `_key` index. The collection's document dict is the real structure."""

    type = "primary"
    user_defined = False

    def __init__(self, collection: Collection) -> None:
        super().__init__(collection, id="0", name="primary", fields=["_key"], unique=True)

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        pass

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        pass

    def clear(self) -> None:
        pass

    def selectivity(self) -> float | None:
        return 1


class EdgeIndex(Index):
    """`_from` and `_to` lookups for edge collections: vertex id -> set of edge keys.

    ArangoDB keeps two edge indexes (ids 1 for ``_from`` and 2 for ``_to``) and
    lists them merged as one, under the ``_to`` index's id — hence ``2``.
    """

    type = "edge"
    user_defined = False

    def __init__(self, collection: Collection) -> None:
        super().__init__(collection, id="2", name="edge", fields=["_from", "_to"])
        # dicts used as insertion-ordered sets: lookups answer in index order, as
        # ArangoDB's edge index does (traversal result order depends on it)
        self.by_from: dict[str, dict[str, None]] = {}
        self.by_to: dict[str, dict[str, None]] = {}

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        self.by_from.setdefault(doc["_from"], {})[key] = None
        self.by_to.setdefault(doc["_to"], {})[key] = None

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        for mapping, vertex in ((self.by_from, doc["_from"]), (self.by_to, doc["_to"])):
            keys = mapping.get(vertex)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del mapping[vertex]

    def clear(self) -> None:
        self.by_from.clear()
        self.by_to.clear()

    def outbound(self, vertex_id: str) -> Iterable[str]:
        return self.by_from.get(vertex_id, ())

    def inbound(self, vertex_id: str) -> Iterable[str]:
        return self.by_to.get(vertex_id, ())

    def selectivity(self) -> float | None:
        total = len(self.collection.docs)
        if not total:
            return 1
        return (len(self.by_from) / total + len(self.by_to) / total) / 2


#: type name -> class; the index type modules register themselves here.
INDEX_TYPES: dict[str, type[Index]] = {}

_T = TypeVar("_T", bound=type[Index])


def register(*names: str) -> Callable[[_T], _T]:
    """Class decorator: make an index type creatable under ``names``."""

    def decorate(cls: _T) -> _T:
        for name in names:
            INDEX_TYPES[name] = cls
        return cls

    return decorate


class IndexSet:
    """A collection's indexes, applied together on every write."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.primary = PrimaryIndex(collection)
        self.edge = EdgeIndex(collection) if collection.is_edge else None
        self.secondary: list[Index] = []

    def all(self) -> list[Index]:
        head: list[Index] = [self.primary]
        if self.edge is not None:
            head.append(self.edge)
        return head + self.secondary

    def check(self, key: str, doc: dict[str, Any]) -> None:
        for index in self.secondary:
            index.check(key, doc)

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        if self.edge is not None:
            self.edge.insert(key, doc)
        for index in self.secondary:
            index.insert(key, doc)

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        if self.edge is not None:
            self.edge.remove(key, doc)
        for index in self.secondary:
            index.remove(key, doc)

    def clear(self) -> None:
        if self.edge is not None:
            self.edge.clear()
        for index in self.secondary:
            index.clear()

    def find(self, handle: str) -> Index | None:
        """The index with this id (``"123"``) or name."""
        for index in self.all():
            if handle in (index.id, index.name):
                return index
        return None

    def of_type(self, *types: str) -> list[Index]:
        """The secondary indexes of these types (the AQL planner's starting point)."""
        return [index for index in self.secondary if index.type in types]

    def add(self, index: Index) -> None:
        """Attach an index that already holds the collection's documents."""
        self.secondary.append(index)

    def drop(self, index: Index | str) -> Index | None:
        """Detach a secondary index (by object, id or name); None if there is none."""
        if isinstance(index, str):
            found = next((i for i in self.secondary if index in (i.id, i.name)), None)
        else:
            found = index if index in self.secondary else None
        if found is not None:
            self.secondary.remove(found)
        return found


def restore_index(collection: Collection, persisted: dict[str, Any]) -> Index:
    """Rebuild an index from :meth:`Index.persisted` (recovery), indexing existing documents."""
    # imported lazily: the factory imports every index type, which import this module
    from arangolite.storage.index_factory import restore_index as restore

    return restore(collection, persisted)
