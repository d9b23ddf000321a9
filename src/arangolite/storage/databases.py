"""A database: a namespace of collections (graph definitions live in ``_graphs``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E
from arangolite.storage.collections import DOCUMENT, EDGE, Collection, loads
from arangolite.storage.keys import KeyGenerator
from arangolite.storage.names import is_valid_collection_name

if TYPE_CHECKING:
    from arangolite.storage.engine import Engine

__all__ = ["Database", "SYSTEM_COLLECTIONS"]

#: created in every new database, as ArangoDB 3.12 does
SYSTEM_COLLECTIONS = (
    "_analyzers",
    "_appbundles",
    "_apps",
    "_aqlfunctions",
    "_frontend",
    "_graphs",
    "_jobs",
    "_queues",
)


class Database:
    def __init__(self, engine: Engine, name: str, *, id: str) -> None:
        self.engine = engine
        self.name = name
        self.id = id
        self.collections: dict[str, Collection] = {}

    def info(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "path": "",
            "isSystem": self.name == "_system",
        }

    def collection(self, name: str) -> Collection:
        """The collection called ``name`` (or with that numeric id), else 1203."""
        found = self.collections.get(name)
        if found is None and isinstance(name, str) and name.isdigit():
            found = next((c for c in self.collections.values() if c.id == name), None)
        if found is None:
            raise ArangoError(E.DATA_SOURCE_NOT_FOUND, f"collection or view not found: {name}")
        return found

    def find(self, name: str) -> Collection | None:
        try:
            return self.collection(name)
        except ArangoError:
            return None

    def create_collection(
        self,
        name: Any,
        *,
        type: int = DOCUMENT,
        key_options: dict[str, Any] | None = None,
        wait_for_sync: bool = False,
        schema: dict[str, Any] | None = None,
        is_system: bool | None = None,
        extra: dict[str, Any] | None = None,
        id: str | None = None,
        journal: bool = True,
    ) -> Collection:
        system = bool(is_system) or (isinstance(name, str) and name.startswith("_"))
        if not is_valid_collection_name(name, allow_system=system):
            raise ArangoError(E.ILLEGAL_NAME, f"illegal name: collection name '{name}' is invalid")
        if name in self.collections:
            raise ArangoError(E.DUPLICATE_NAME, f"duplicate name: {name}")
        if type not in (DOCUMENT, EDGE):
            raise ArangoError(E.COLLECTION_TYPE_INVALID)
        collection = Collection(
            self,
            name,
            id=id or self.engine.next_id(),
            type=type,
            key_generator=KeyGenerator.from_options(key_options),
            wait_for_sync=wait_for_sync,
            schema=schema,
            is_system=system,
            extra=extra,
        )
        self.collections[name] = collection
        if journal:
            self.engine.journal.log(
                {
                    "op": "create_collection",
                    "db": self.name,
                    "meta": self.engine.describe_collection(collection),
                }
            )
        return collection

    def drop_collection(self, name: str, *, allow_system: bool = False) -> Collection:
        collection = self.collection(name)
        if collection.is_system and not allow_system:
            raise ArangoError(E.FORBIDDEN, "forbidden", status=403)
        del self.collections[collection.name]
        self.engine.journal.log({"op": "drop_collection", "db": self.name, "c": collection.id})
        return collection

    def rename_collection(self, name: str, new_name: Any, *, journal: bool = True) -> Collection:
        """Rename a collection; its documents' ``_id`` follow the new name.

        Recovery replays this same method (``journal=False``): the ``_id``
        rewrite is derived state and is not journaled per document. Graph
        definitions in ``_graphs`` are renamed too, as ArangoDB does; those are
        ordinary journaled writes, so replay skips them.
        """
        collection = self.collection(name)
        if collection.is_system:
            raise ArangoError(E.FORBIDDEN, "forbidden", status=403)
        if new_name == collection.name:
            return collection
        if not is_valid_collection_name(new_name, allow_system=False):
            raise ArangoError(
                E.ILLEGAL_NAME, f"illegal name: collection name '{new_name}' is invalid"
            )
        if new_name in self.collections:
            raise ArangoError(E.DUPLICATE_NAME, f"duplicate name: {new_name}")
        old_name = collection.name
        del self.collections[old_name]
        collection.name = new_name
        self.collections[new_name] = collection
        for key in list(collection.docs):
            old = loads(collection.docs[key])
            collection.apply(key, old, {**old, "_id": f"{new_name}/{key}"})
        if journal:
            self.engine.journal.log(
                {"op": "rename_collection", "db": self.name, "c": collection.id, "name": new_name}
            )
            self._rename_in_graphs(old_name, new_name)
        return collection

    def _rename_in_graphs(self, old_name: str, new_name: str) -> None:
        graphs = self.collections.get("_graphs")
        if graphs is None:
            return

        def swap(names: Any) -> Any:
            if isinstance(names, str):
                return new_name if names == old_name else names
            if isinstance(names, list):
                return [swap(n) for n in names]
            return names

        def swap_definition(definition: Any) -> Any:
            if not isinstance(definition, dict):
                return definition
            out = dict(definition)
            for field in ("collection", "from", "to"):
                if field in out:
                    out[field] = swap(out[field])
            return out

        for key in list(graphs.docs):
            graph = loads(graphs.docs[key])
            patch: dict[str, Any] = {}
            if isinstance(graph.get("edgeDefinitions"), list):
                patch["edgeDefinitions"] = [swap_definition(d) for d in graph["edgeDefinitions"]]
            if isinstance(graph.get("orphanCollections"), list):
                patch["orphanCollections"] = swap(graph["orphanCollections"])
            if any(graph.get(k) != v for k, v in patch.items()):
                graphs.update(key, patch, validate=False)
