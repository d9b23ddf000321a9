"""A collection: its documents, indexes, schema and the one write path.

Documents are stored as compact JSON bytes (orjson), not dicts: about a fifth of
the memory for small documents, and no caller can mutate stored state by
accident. Every mutation — REST, bulk import, AQL, graph API, transaction commit —
goes through :meth:`Collection.write`, which validates, checks unique indexes
before anything changes, updates indexes, stores, and journals the change.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.errors import ArangoError, E
from arangolite.storage.indexes import IndexSet
from arangolite.storage.keys import (
    KeyGenerator,
    decode_rev,
    encode_rev,
    is_valid_key,
    split_id,
    validate_key,
)

if TYPE_CHECKING:
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = ["Collection", "WriteResult", "DOCUMENT", "EDGE", "dumps", "loads"]

DOCUMENT = 2
EDGE = 3
SYSTEM_ATTRIBUTES = ("_key", "_id", "_from", "_to", "_rev")

loads = orjson.loads


def dumps(value: Any) -> bytes:
    """Compact JSON bytes, right-sized for keeping.

    orjson >= 3.12 returns bytes backed by an allocation of at least 4 KiB that is
    never shrunk (see home-assistant/core#181240); stored as is, a 150-byte
    document would cost 4 KiB. The copy costs well under a microsecond.
    """
    return bytes(memoryview(orjson.dumps(value)))


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


def version_is_newer(current: dict[str, Any], body: dict[str, Any], attribute: str) -> bool:
    """ArangoDB's external versioning (``versionAttribute``): write unless both
    documents carry a number there and the new one (floored) is not higher.
    A missing, non-numeric or negative new version always writes."""
    new, old = body.get(attribute), current.get(attribute)
    if not _is_number(new) or not _is_number(old) or new < 0:
        return True
    return math.floor(new) > math.floor(old)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unchanged(key: str, current: dict[str, Any]) -> WriteResult:
    """The result of a write that ``versionAttribute`` skipped: nothing changed."""
    rev = current["_rev"]
    return WriteResult(key=key, rev=rev, old_rev=rev, new=current, old=current)


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
        #: the newest revision tick that changed this collection (``GET .../revision``)
        self.last_revision = 0

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
            return trx.get_raw(self, key)
        return self.docs.get(key)

    def get(self, key: str, trx: Transaction | None = None) -> dict[str, Any] | None:
        raw = self.get_raw(key, trx)
        return loads(raw) if raw is not None else None

    def count(self, trx: Transaction | None = None) -> int:
        if trx is None:
            return len(self.docs)
        return trx.count(self)

    def keys(self, trx: Transaction | None = None) -> Iterator[str]:
        if trx is None:
            yield from list(self.docs)
            return
        yield from trx.keys(self)

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
        version_attribute: str | None = None,
    ) -> WriteResult:
        """Insert one document; ``overwrite_mode`` decides what an existing key means.

        ``keep_null``/``merge_objects`` apply to the update-insert only: a plain
        insert stores null attributes as given (ArangoDB ignores keepNull there).
        """
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
                        version_attribute=version_attribute,
                    )
                return self.replace(
                    existing_key,
                    body,
                    trx=trx,
                    validate=validate,
                    version_attribute=version_attribute,
                )
        key = self._new_key(body)
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
        version_attribute: str | None = None,
    ) -> WriteResult:
        if not isinstance(body, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        current = self._require(key, trx)
        self._check_rev(current, expected_rev)
        if version_attribute and not version_is_newer(current, body, version_attribute):
            return _unchanged(key, current)
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
        version_attribute: str | None = None,
    ) -> WriteResult:
        if not isinstance(patch, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        current = self._require(key, trx)
        self._check_rev(current, expected_rev)
        if version_attribute and not version_is_newer(current, patch, version_attribute):
            return _unchanged(key, current)
        if all(name == "_key" for name in patch):
            # ArangoDB's no-op update: nothing to change, no new revision
            return _unchanged(key, current)
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
        self.engine.transactions.guard(self, key)  # keys staged by a transaction are locked
        self.apply(key, old, new)
        self._log_change(key, new is not None)

    def restore(
        self,
        key: str,
        current: dict[str, Any] | None,
        original: dict[str, Any] | None,
        *,
        trx: Transaction | None = None,
    ) -> None:
        """Undo a change this request made: put ``original`` back in place of
        ``current`` (None = absent). No validation or unique checks, since the
        state restored was valid before (all-or-nothing bulk import)."""
        if trx is not None:
            trx.stage(self, key, current, original)
            return
        self.engine.transactions.guard(self, key)
        self.apply(key, current, original)
        self._log_change(key, original is not None)

    def _log_change(self, key: str, present: bool) -> None:
        self.journal(
            {"op": "put", "db": self.database.name, "c": self.id, "k": key, "d": self.docs[key]}
            if present
            else {"op": "del", "db": self.database.name, "c": self.id, "k": key}
        )

    def apply(self, key: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """Change state and indexes, with no checks and no journal (commit and recovery)."""
        if old is not None:
            self.indexes.remove(key, old)
        if new is None:
            self.docs.pop(key, None)
            self._touch(None)
        else:
            self.docs[key] = dumps(new)
            self.indexes.insert(key, new)
            self._touch(new.get("_rev"))

    def _touch(self, rev: Any) -> None:
        tick = decode_rev(rev) if isinstance(rev, str) else None
        if tick is None:  # a removal gets a fresh tick, as in ArangoDB
            tick = self.engine.revisions.next_int()
        if tick > self.last_revision:
            self.last_revision = tick

    def truncate(self, trx: Transaction | None = None) -> None:
        if trx is not None:
            for key in list(self.keys(trx)):
                self.remove(key, trx=trx)
            return
        self.engine.transactions.guard_truncate(self)
        self.docs.clear()
        self.indexes.clear()
        self._touch(None)
        self.journal({"op": "truncate", "db": self.database.name, "c": self.id})

    def revision(self) -> str:
        """The collection's revision id: changes whenever its documents do."""
        return encode_rev(self.last_revision) if self.last_revision else "0"

    def checksum(self, *, with_revisions: bool = False, with_data: bool = False) -> str:
        """An order-independent checksum of the documents (``GET .../checksum``).

        Like ArangoDB's: the XOR of one hash per document over ``_key`` (plus
        ``_from``/``_to`` for edges), optionally ``_rev`` and the user attributes,
        so equal contents give equal checksums whatever the insertion order.
        """
        total = 0
        for raw in list(self.docs.values()):
            doc = loads(raw)
            parts: list[Any] = [doc["_key"]]
            if self.is_edge:
                parts += [doc.get("_from"), doc.get("_to")]
            if with_revisions:
                parts.append(doc.get("_rev"))
            if with_data:
                parts.append({k: v for k, v in doc.items() if k not in SYSTEM_ATTRIBUTES})
            digest = hashlib.blake2b(
                orjson.dumps(parts, option=orjson.OPT_SORT_KEYS), digest_size=8
            ).digest()
            total ^= int.from_bytes(digest, "little")
        return str(total)

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
        """All properties, as a 3.12 single server reports them (no cluster attributes)."""
        out = self.info()
        out.update(
            {
                "waitForSync": self.wait_for_sync,
                "keyOptions": self.key_generator.to_dict(),
                "schema": self.schema,
                "computedValues": self.extra.get("computedValues"),
                "cacheEnabled": bool(self.extra.get("cacheEnabled", False)),
                "syncByRevision": True,
                "usesRevisionsAsDocumentIds": True,
                "isSmartChild": False,
                "internalValidatorType": 0,
                "objectId": self.id,
                "statusString": "loaded",
                "writeConcern": 1,
            }
        )
        return out
