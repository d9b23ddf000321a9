"""A collection: its documents, indexes, schema and the one write path.

Documents are stored as compact JSON bytes (orjson), not dicts: about a fifth of
the memory for small documents, and no caller can mutate stored state by
accident. Every mutation — REST, bulk import, AQL, graph API, transaction commit —
goes through :meth:`Collection.write`, which validates, checks unique indexes
before anything changes, updates indexes, stores, and journals the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.errors import ArangoError, E
from arangolite.storage.indexes import IndexSet
from arangolite.storage.keys import KeyGenerator, is_valid_key, split_id, validate_key

if TYPE_CHECKING:
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = ["Collection", "WriteResult", "DOCUMENT", "EDGE", "dumps", "loads"]

DOCUMENT = 2
EDGE = 3
SYSTEM_ATTRIBUTES = ("_key", "_id", "_from", "_to", "_rev")

dumps = orjson.dumps
loads = orjson.loads


@dataclass(slots=True)
class WriteResult:
    """What one document write did, enough for any API to shape its reply."""

    key: str
    rev: str
    old_rev: str | None = None
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    ignored: bool = False

    def header(self, collection: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "_id": f"{collection}/{self.key}",
            "_key": self.key,
            "_rev": self.rev,
        }
        if self.old_rev is not None:
            out["_oldRev"] = self.old_rev
        return out


def _strip_nulls(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_strip_nulls(v) if isinstance(v, dict) else v)
        for k, v in value.items()
        if v is not None
    }


def merge_patch(
    old: dict[str, Any], patch: dict[str, Any], *, keep_null: bool, merge_objects: bool
) -> dict[str, Any]:
    """ArangoDB's update semantics: patch attributes win; ``keepNull=false`` deletes
    attributes set to null; ``mergeObjects`` merges nested objects instead of
    replacing them."""
    out = dict(old)
    for name, value in patch.items():
        if value is None and not keep_null:
            out.pop(name, None)
        elif merge_objects and isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = merge_patch(out[name], value, keep_null=keep_null, merge_objects=True)
        elif isinstance(value, dict) and not keep_null:
            out[name] = _strip_nulls(value)
        else:
            out[name] = value
    return out


class Collection:
    """One collection of one database. Pure state: no HTTP, no AQL."""

    def __init__(
        self,
        database: Database,
        name: str,
        *,
        id: str,
        type: int = DOCUMENT,
        key_generator: KeyGenerator | None = None,
        wait_for_sync: bool = False,
        schema: dict[str, Any] | None = None,
        is_system: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        if type not in (DOCUMENT, EDGE):
            raise ArangoError(E.COLLECTION_TYPE_INVALID)
        self.database = database
        self.name = name
        self.id = id
        self.type = type
        self.key_generator = key_generator or KeyGenerator()
        self.wait_for_sync = wait_for_sync
        self.is_system = is_system
        self.extra: dict[str, Any] = extra or {}
        self.docs: dict[str, bytes] = {}
        self.indexes = IndexSet(self)
        self.validator: Any = None
        self.schema = schema

    # ------------------------------------------------------------------ metadata
    @property
    def is_edge(self) -> bool:
        return self.type == EDGE

    @property
    def schema(self) -> dict[str, Any] | None:
        return self._schema

    @schema.setter
    def schema(self, value: dict[str, Any] | None) -> None:
        # imported lazily: schema compilation pulls in jsonschema
        from arangolite.storage.schema import compile_schema

        self.validator = compile_schema(value)
        self._schema = self.validator.definition if self.validator is not None else None

    @property
    def engine(self) -> Any:
        return self.database.engine

    def journal(self, record: dict[str, Any]) -> None:
        self.engine.journal.log(record)

    # ------------------------------------------------------------------ reads
    def get_raw(self, key: str, trx: Transaction | None = None) -> bytes | None:
        if trx is not None:
            staged = trx.staged(self, key)
            if staged is not None:
                return staged or None
        return self.docs.get(key)

    def get(self, key: str, trx: Transaction | None = None) -> dict[str, Any] | None:
        raw = self.get_raw(key, trx)
        return loads(raw) if raw is not None else None

    def count(self, trx: Transaction | None = None) -> int:
        if trx is None:
            return len(self.docs)
        return sum(1 for _ in self.keys(trx))

    def keys(self, trx: Transaction | None = None) -> Iterator[str]:
        overlay = trx.overlay_for(self) if trx is not None else None
        if not overlay:
            yield from list(self.docs)
            return
        for key in list(self.docs):
            if overlay.get(key, b"x"):
                yield key
        for key, raw in overlay.items():
            if raw and key not in self.docs:
                yield key

    def iter_docs(self, trx: Transaction | None = None) -> Iterator[dict[str, Any]]:
        """All documents, a snapshot of the key list taken at the start."""
        for key in self.keys(trx):
            raw = self.get_raw(key, trx)
            if raw is not None:
                yield loads(raw)

    # ------------------------------------------------------------------ document shaping
    def _check_edge_attribute(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ArangoError(E.INVALID_EDGE_ATTRIBUTE)
        try:
            split_id(value)
        except ArangoError:
            raise ArangoError(E.INVALID_EDGE_ATTRIBUTE) from None
        return value

    def _shape(self, key: str, body: dict[str, Any], rev: str) -> dict[str, Any]:
        """Put system attributes first, in ArangoDB's order."""
        doc: dict[str, Any] = {"_key": key, "_id": f"{self.name}/{key}"}
        if self.is_edge:
            doc["_from"] = self._check_edge_attribute(body.get("_from"))
            doc["_to"] = self._check_edge_attribute(body.get("_to"))
        doc["_rev"] = rev
        for name, value in body.items():
            if name not in SYSTEM_ATTRIBUTES:
                doc[name] = value
        return doc

    def _new_key(self, body: dict[str, Any]) -> str:
        if "_key" in body and body["_key"] is not None:
            key = body["_key"]
            if not self.key_generator.allow_user_keys:
                raise ArangoError(E.DOCUMENT_KEY_UNEXPECTED)
            validate_key(key)
            self.key_generator.track(key)
            return key
        for _ in range(1000):
            key = self.key_generator.generate()
            if key not in self.docs:
                return key
        raise ArangoError(E.OUT_OF_KEYS)

    @staticmethod
    def _check_rev(current: dict[str, Any], expected: str | None) -> None:
        if expected is not None and expected != current["_rev"]:
            raise ArangoError(
                E.CONFLICT,
                "conflict, _rev values do not match",
                status=412,
                extra={"_id": current["_id"], "_key": current["_key"], "_rev": current["_rev"]},
            )

    # ------------------------------------------------------------------ writes
    def insert(
        self,
        body: Any,
        *,
        trx: Transaction | None = None,
        overwrite_mode: str | None = None,
        keep_null: bool = True,
        merge_objects: bool = True,
        validate: bool = True,
    ) -> WriteResult:
        """Insert one document; ``overwrite_mode`` decides what an existing key means."""
        if not isinstance(body, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        existing_key = body.get("_key")
        if existing_key is not None and is_valid_key(existing_key):
            current = self.get(existing_key, trx)
            if current is not None:
                if overwrite_mode in (None, "conflict"):
                    raise self.indexes.primary.unique_violation(existing_key)
                if overwrite_mode == "ignore":
                    return WriteResult(
                        key=existing_key,
                        rev=current["_rev"],
                        old=current,
                        new=current,
                        ignored=True,
                    )
                if overwrite_mode == "update":
                    return self.update(
                        existing_key,
                        body,
                        trx=trx,
                        keep_null=keep_null,
                        merge_objects=merge_objects,
                        validate=validate,
                    )
                return self.replace(existing_key, body, trx=trx, validate=validate)
        key = self._new_key(body)
        if not keep_null:
            body = _strip_nulls(body)
        doc = self._shape(key, body, self.engine.revisions.next())
        self.write(key, None, doc, trx=trx, validate=validate)
        return WriteResult(key=key, rev=doc["_rev"], new=doc)

    def replace(
        self,
        key: str,
        body: Any,
        *,
        trx: Transaction | None = None,
        expected_rev: str | None = None,
        validate: bool = True,
    ) -> WriteResult:
        if not isinstance(body, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        current = self._require(key, trx)
        self._check_rev(current, expected_rev)
        doc = self._shape(key, body, self.engine.revisions.next())
        self.write(key, current, doc, trx=trx, validate=validate)
        return WriteResult(key=key, rev=doc["_rev"], old_rev=current["_rev"], new=doc, old=current)

    def update(
        self,
        key: str,
        patch: Any,
        *,
        trx: Transaction | None = None,
        expected_rev: str | None = None,
        keep_null: bool = True,
        merge_objects: bool = True,
        validate: bool = True,
    ) -> WriteResult:
        if not isinstance(patch, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        current = self._require(key, trx)
        self._check_rev(current, expected_rev)
        user_patch = {k: v for k, v in patch.items() if k not in ("_key", "_id", "_rev")}
        merged = merge_patch(current, user_patch, keep_null=keep_null, merge_objects=merge_objects)
        doc = self._shape(key, merged, self.engine.revisions.next())
        self.write(key, current, doc, trx=trx, validate=validate)
        return WriteResult(key=key, rev=doc["_rev"], old_rev=current["_rev"], new=doc, old=current)

    def remove(
        self,
        key: str,
        *,
        trx: Transaction | None = None,
        expected_rev: str | None = None,
    ) -> WriteResult:
        current = self._require(key, trx)
        self._check_rev(current, expected_rev)
        self.write(key, current, None, trx=trx, validate=False)
        return WriteResult(key=key, rev=current["_rev"], old=current)

    def _require(self, key: Any, trx: Transaction | None) -> dict[str, Any]:
        if not is_valid_key(key):
            raise ArangoError(E.DOCUMENT_HANDLE_BAD if key else E.DOCUMENT_KEY_MISSING)
        current = self.get(key, trx)
        if current is None:
            raise ArangoError(E.DOCUMENT_NOT_FOUND)
        return current

    def write(
        self,
        key: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        *,
        trx: Transaction | None = None,
        validate: bool = True,
    ) -> None:
        """The single write path: validate, check unique indexes, apply, journal.

        ``old`` is the current document (None for an insert), ``new`` the
        document to store (None for a removal).
        """
        if new is not None and validate and self.validator is not None:
            self.validator.check(new, old)
        if trx is not None:
            trx.stage(self, key, old, new)
            return
        if new is not None:
            self.indexes.check(key, new)
        self.apply(key, old, new)
        self.journal(
            {"op": "put", "db": self.database.name, "c": self.id, "k": key, "d": self.docs[key]}
            if new is not None
            else {"op": "del", "db": self.database.name, "c": self.id, "k": key}
        )

    def apply(self, key: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """Change state and indexes, with no checks and no journal (commit and recovery)."""
        if old is not None:
            self.indexes.remove(key, old)
        if new is None:
            self.docs.pop(key, None)
        else:
            self.docs[key] = dumps(new)
            self.indexes.insert(key, new)

    def truncate(self, trx: Transaction | None = None) -> None:
        if trx is not None:
            for key in list(self.keys(trx)):
                self.remove(key, trx=trx)
            return
        self.docs.clear()
        self.indexes.clear()
        self.journal({"op": "truncate", "db": self.database.name, "c": self.id})

    # ------------------------------------------------------------------ description
    def info(self) -> dict[str, Any]:
        """The short description ArangoDB returns from ``GET /_api/collection/{name}``."""
        return {
            "id": self.id,
            "name": self.name,
            "status": 3,
            "type": self.type,
            "isSystem": self.is_system,
            "globallyUniqueId": f"h{self.id}",
        }

    def properties(self) -> dict[str, Any]:
        out = self.info()
        out.update(
            {
                "waitForSync": self.wait_for_sync,
                "keyOptions": self.key_generator.to_dict(),
                "schema": self.schema,
                "computedValues": None,
                "cacheEnabled": bool(self.extra.get("cacheEnabled", False)),
                "syncByRevision": True,
                "usesRevisionsAsDocumentIds": True,
                "isSmartChild": False,
                "isDisjoint": False,
                "internalValidatorType": 0,
                "objectId": self.id,
                "statusString": "loaded",
                "writeConcern": 1,
                "replicationFactor": 1,
                "minReplicationFactor": 1,
                "numberOfShards": 1,
                "shardKeys": ["_key"],
                "shardingStrategy": "hash",
            }
        )
        return out
