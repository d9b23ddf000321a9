"""Stream transactions: writes staged privately, applied atomically on commit.

A transaction keeps, per collection, an overlay ``key -> bytes`` (``b""`` marks a
removal). Reads inside the transaction see the overlay first; nobody else sees
it. Commit re-checks that no staged key was changed by someone else since the
transaction read it (else 1200, write-write conflict) and that unique indexes
hold, then applies everything and journals it as one record, so a crash never
leaves half a transaction behind. Abort just drops the overlay.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection
    from arangolite.storage.databases import Database

__all__ = ["Transaction"]


class Transaction:
    def __init__(
        self,
        database: Database,
        *,
        id: str,
        read: list[str],
        write: list[str],
        exclusive: list[str],
        lock_timeout: float | None = None,
    ) -> None:
        self.database = database
        self.id = id
        self.read = read
        self.write = write
        self.exclusive = exclusive
        self.status = "running"
        self.created = time.time()
        self.lock_timeout = lock_timeout
        # collection id -> {key: staged bytes or b""}
        self._overlays: dict[str, dict[str, bytes]] = {}
        # collection id -> {key: the _rev the transaction saw (None: absent)}
        self._base: dict[str, dict[str, str | None]] = {}
        self._collections: dict[str, Collection] = {}

    def info(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status}

    # ------------------------------------------------------------------ staging
    def overlay_for(self, collection: Collection) -> dict[str, bytes] | None:
        return self._overlays.get(collection.id)

    def staged(self, collection: Collection, key: str) -> bytes | None:
        overlay = self._overlays.get(collection.id)
        if overlay is None:
            return None
        return overlay.get(key)

    def allows_write(self, collection: Collection) -> bool:
        return collection.name in self.write or collection.name in self.exclusive

    def stage(
        self,
        collection: Collection,
        key: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        if self.status != "running":
            raise ArangoError(E.TRANSACTION_ABORTED, f"transaction '{self.id}' is not running")
        if not self.allows_write(collection):
            raise ArangoError(
                E.TRANSACTION_UNREGISTERED_COLLECTION,
                f"Transaction with id '{self.id}' is not allowed to write to collection "
                f"'{collection.name}' (collection not declared for writing)",
            )
        overlay = self._overlays.setdefault(collection.id, {})
        base = self._base.setdefault(collection.id, {})
        self._collections[collection.id] = collection
        if key not in base:
            committed = collection.docs.get(key)
            base[key] = orjson.loads(committed)["_rev"] if committed is not None else None
        overlay[key] = orjson.dumps(new) if new is not None else b""

    # ------------------------------------------------------------------ ending
    def commit(self) -> None:
        if self.status != "running":
            raise ArangoError(E.TRANSACTION_ABORTED, f"transaction '{self.id}' is not running")
        plan: list[tuple[Collection, str, dict[str, Any] | None, dict[str, Any] | None]] = []
        for cid, overlay in self._overlays.items():
            collection = self._collections[cid]
            for key, raw in overlay.items():
                committed = collection.docs.get(key)
                old = orjson.loads(committed) if committed is not None else None
                if (old["_rev"] if old else None) != self._base[cid][key]:
                    self.abort()
                    raise ArangoError(E.CONFLICT, "conflict, write-write conflict", status=409)
                plan.append((collection, key, old, orjson.loads(raw) if raw else None))
        # unique checks against committed state, before anything changes
        try:
            for collection, key, _old, new in plan:
                if new is not None:
                    self._check_unique(collection, key, new, plan)
        except ArangoError:
            self.abort()
            raise
        records = []
        for collection, key, old, new in plan:
            collection.apply(key, old, new)
            records.append(
                {"c": collection.id, "k": key, "d": collection.docs[key]}
                if new is not None
                else {"c": collection.id, "k": key, "d": None}
            )
        if records:
            self.database.engine.journal.log(
                {"op": "trx", "db": self.database.name, "ops": records}
            )
        self.status = "committed"
        self._overlays.clear()

    def _check_unique(
        self, collection: Collection, key: str, new: dict[str, Any], plan: list[Any]
    ) -> None:
        staged_keys = {k for c, k, _o, _n in plan if c is collection}
        for index in collection.indexes.secondary:
            if not index.unique:
                continue
            try:
                index.check(key, new)
            except ArangoError as exc:
                # a conflict with a document this transaction removes or changes is no conflict
                conflicting = getattr(exc, "conflicting_key", None)
                if conflicting is None or conflicting not in staged_keys:
                    raise

    def abort(self) -> None:
        if self.status == "committed":
            raise ArangoError(
                E.TRANSACTION_DISALLOWED_OPERATION, "transaction is already committed"
            )
        self.status = "aborted"
        self._overlays.clear()
