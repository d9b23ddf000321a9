"""Creating, finding, dropping and restoring indexes, with ArangoDB's rules.

Creation follows ``IndexFactory::enhanceIndexDefinition`` and
``RocksDBCollection::createIndex``: validate the type and the name, normalize the
definition (per type), return an existing equivalent index instead of creating a
second one (the name is not part of equivalence), refuse a second TTL index and
id/name clashes (1005), then build the index over the existing documents (1210
for data that breaks a new unique index) and journal it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E

# imported for their registration in INDEX_TYPES
from arangolite.storage import (  # noqa: F401
    index_fulltext,
    index_geo,
    index_persistent,
    index_search,
    index_ttl,
)
from arangolite.storage.indexes import INDEX_TYPES, Index

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["create_index", "get_index", "drop_index", "restore_index", "is_valid_index_name"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,255}$")
_HANDLE_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def is_valid_index_name(name: object) -> bool:
    """Index names follow the (traditional) collection name rules, without system names."""
    return isinstance(name, str) and _NAME.match(name) is not None


def _requested_id(body: dict[str, Any]) -> str | None:
    value = body.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return str(int(value))
    return None


def create_index(collection: Collection, body: Any) -> tuple[Index, bool]:
    """Create the index ``body`` describes, or find the equivalent existing one.

    Returns ``(index, created)``.
    """
    if not isinstance(body, dict):
        raise ArangoError(E.BAD_PARAMETER, "expecting object for index definition")
    kind = body.get("type")
    if not isinstance(kind, str):
        raise ArangoError(E.BAD_PARAMETER, "invalid index type")
    if kind in ("primary", "edge"):
        raise ArangoError(E.FORBIDDEN)  # creating these yourself is forbidden
    cls = INDEX_TYPES.get(kind)
    if cls is None:
        raise ArangoError(E.BAD_PARAMETER, f"invalid index type '{kind}'")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        name = None
    elif not is_valid_index_name(name):
        raise ArangoError(E.ILLEGAL_NAME)
    definition = cls.normalize(body)
    requested = _requested_id(body)

    indexes = collection.indexes
    for index in indexes.secondary:
        if type(index) is not cls:
            continue
        if requested is not None and index.id == requested:
            return index, False
        if index.matches(definition):
            return index, False
        if cls.type == "ttl":
            raise ArangoError(E.BAD_PARAMETER, "there can only be one ttl index per collection")
    for index in indexes.all():
        if index.id == requested or (name is not None and index.name == name):
            raise ArangoError(E.DUPLICATE_IDENTIFIER, "duplicate value for `id` or `name`")

    engine = collection.engine
    index_id = requested or engine.next_id()
    if requested is not None:
        engine.observe_id(requested)
    index = cls(collection, id=index_id, name=name or f"idx_{index_id}", **definition)
    index.fill()
    indexes.add(index)
    engine.journal.log(
        {
            "op": "create_index",
            "db": collection.database.name,
            "c": collection.id,
            "index": index.persisted(),
        }
    )
    return index, True


def get_index(collection: Collection, handle: str) -> Index:
    """The index with this id or name (``GET /_api/index/{collection}/{handle}``), else 1212."""
    found = collection.indexes.find(handle) if _HANDLE_NAME.match(handle) else None
    if found is None:
        raise ArangoError(E.INDEX_NOT_FOUND)
    return found


def drop_index(collection: Collection, handle: str) -> Index:
    """Drop a secondary index by id or name; 1214 for a malformed handle, 1212 if unknown,
    403 for the edge index (the primary index is "not found", as in ArangoDB)."""
    if handle.isdigit():
        found = next((i for i in collection.indexes.all() if i.id == str(int(handle))), None)
    elif is_valid_index_name(handle):
        found = next((i for i in collection.indexes.all() if i.name == handle), None)
    else:
        raise ArangoError(E.INDEX_HANDLE_BAD)
    if found is None or found is collection.indexes.primary:
        raise ArangoError(E.INDEX_NOT_FOUND)
    if not found.user_defined:
        raise ArangoError(E.FORBIDDEN)
    collection.indexes.drop(found)
    collection.engine.journal.log(
        {
            "op": "drop_index",
            "db": collection.database.name,
            "c": collection.id,
            "id": found.id,
            # the durability layer reads the id under "index"
            "index": found.id,
        }
    )
    return found


def restore_index(collection: Collection, persisted: dict[str, Any]) -> Index:
    """Rebuild an index from :meth:`Index.persisted` (recovery): no checks, no journal."""
    cls = INDEX_TYPES[persisted["type"]]
    index_id = str(persisted["id"])
    collection.indexes.drop(index_id)  # replayed twice (snapshot + journal): keep one
    index = cls(
        collection,
        id=index_id,
        name=persisted.get("name") or f"idx_{index_id}",
        fields=list(persisted.get("fields") or []),
        unique=bool(persisted.get("unique", False)),
        sparse=bool(persisted.get("sparse", False)),
        options=dict(persisted.get("options") or {}),
    )
    index.fill(check=False)
    collection.indexes.add(index)
    collection.engine.observe_id(index_id)
    return index
