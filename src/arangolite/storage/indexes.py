"""Indexes: one class per index type behind one small interface.

Every write goes through :class:`IndexSet` (owned by a collection): first
``check`` (may raise 1210 for a unique violation, before anything changed), then
``insert``/``remove``. The primary index is the collection's document dict itself;
:class:`PrimaryIndex` exists so it is listed like ArangoDB lists it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["Index", "PrimaryIndex", "EdgeIndex", "IndexSet", "INDEX_TYPES"]


class Index:
    """The interface every index implements.

    ``insert``/``remove`` keep the structure in step with the documents;
    ``check`` raises ArangoDB's 1210 if storing ``doc`` under ``key`` would break
    a unique constraint. Definition attributes are what the index API lists.
    """

    type: str = ""

    def __init__(
        self,
        collection: Collection,
        *,
        id: str,
        name: str,
        fields: list[str],
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

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        raise NotImplementedError("The 'insert' method must be implemented.")

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        raise NotImplementedError("The 'remove' method must be implemented.")

    def check(self, key: str, doc: dict[str, Any]) -> None:
        """Raise 1210 if ``doc`` (to be stored as ``key``) violates this index."""

    def clear(self) -> None:
        raise NotImplementedError("The 'clear' method must be implemented.")

    def definition(self) -> dict[str, Any]:
        """The index as ArangoDB lists it (``GET /_api/index``)."""
        out: dict[str, Any] = {
            "id": f"{self.collection.name}/{self.id}",
            "name": self.name,
            "type": self.type,
            "fields": list(self.fields),
            "unique": self.unique,
            "sparse": self.sparse,
        }
        out.update(self.options)
        return out

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
        fields = ", ".join(f"'{f}'" for f in self.fields)
        error = ArangoError(
            E.UNIQUE_CONSTRAINT_VIOLATED,
            f"unique constraint violated - in index {self.name} of type {self.type} "
            f"over {fields}; conflicting key: {conflicting_key}",
        )
        error.conflicting_key = conflicting_key  # type: ignore[attr-defined]
        return error


class PrimaryIndex(Index):
    """The `_key` index. The collection's document dict is the real structure."""

    type = "primary"

    def __init__(self, collection: Collection) -> None:
        super().__init__(collection, id="0", name="primary", fields=["_key"], unique=True)

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        pass

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        pass

    def clear(self) -> None:
        pass

    def definition(self) -> dict[str, Any]:
        out = super().definition()
        out["selectivityEstimate"] = 1
        return out


class EdgeIndex(Index):
    """`_from` and `_to` lookups for edge collections: vertex id -> set of edge keys."""

    type = "edge"

    def __init__(self, collection: Collection) -> None:
        super().__init__(collection, id="1", name="edge", fields=["_from", "_to"])
        self.by_from: dict[str, set[str]] = {}
        self.by_to: dict[str, set[str]] = {}

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        self.by_from.setdefault(doc["_from"], set()).add(key)
        self.by_to.setdefault(doc["_to"], set()).add(key)

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        for mapping, vertex in ((self.by_from, doc["_from"]), (self.by_to, doc["_to"])):
            keys = mapping.get(vertex)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del mapping[vertex]

    def clear(self) -> None:
        self.by_from.clear()
        self.by_to.clear()

    def outbound(self, vertex_id: str) -> Iterable[str]:
        return self.by_from.get(vertex_id, ())

    def inbound(self, vertex_id: str) -> Iterable[str]:
        return self.by_to.get(vertex_id, ())

    def definition(self) -> dict[str, Any]:
        out = super().definition()
        out["selectivityEstimate"] = 1
        return out


#: type name -> class; index modules register the other types here.
INDEX_TYPES: dict[str, type[Index]] = {}


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
            if index.unique:
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
        for index in self.all():
            if handle in (index.id, index.name):
                return index
        return None
