"""Stream transactions: writes staged privately, applied atomically on commit.

A :class:`Transaction` keeps, per collection, an *overlay* ``key -> bytes``
(``b""`` marks a removal) of what it wrote, and a *snapshot* ``key -> bytes |
None`` of the committed values as they were when it began, filled lazily: every
committed change in the database first hands the value it overwrites to the
running transactions (:meth:`TransactionTable.guard`). Reads through the
transaction see overlay, then snapshot, then the committed state — ArangoDB's
snapshot isolation, with read-your-own-writes. Nobody else sees the overlay.

Writing a key locks it, as RocksDB does: another writer touching a key a running
transaction has staged fails at once with ArangoDB's lock-timeout conflict (1200)
instead of waiting a second for the lock; a transaction writing a key someone
changed after it began fails with a write-write conflict (1200). Unique indexes
are checked when a write is staged (against the committed state and the other
staged documents) and again at commit. Commit applies everything and journals it
as one record, so a crash never leaves half a transaction behind. Abort drops
the overlay and leaves no trace.

:class:`TransactionTable` is ``Engine.transactions``: the id -> transaction map
plus ArangoDB's manager rules (ownership, idle expiry, tombstones of ended
transactions so a repeated commit/abort answers like ArangoDB).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection
    from arangolite.storage.databases import Database
    from arangolite.storage.indexes import Index

__all__ = [
    "Transaction",
    "TransactionTable",
    "DEFAULT_IDLE_TIMEOUT",
    "TOMBSTONE_TTL",
    "RUNNING",
    "COMMITTED",
    "ABORTED",
]

#: ArangoDB's ``--transaction.streaming-idle-timeout`` default (seconds)
DEFAULT_IDLE_TIMEOUT = 60.0
#: how long an ended transaction still answers status/commit/abort (ArangoDB: 10 min)
TOMBSTONE_TTL = 600.0

RUNNING = "running"
COMMITTED = "committed"
ABORTED = "aborted"

_MODES = ("exclusive", "write", "read")  # ArangoDB resolves them in this order

#: who may touch a collection in which mode; raises when denied (the API supplies it)
Permission = Callable[[str, str], None]
#: one commit step: collection, key, committed document (or None), new document (or None)
_Op = tuple["Collection", str, "dict[str, Any] | None", "dict[str, Any] | None"]


def _locked(key: str) -> ArangoError:
    """What a writer gets for a key a running transaction holds (RocksDB's lock
    timeout, reported by ArangoDB as a conflict)."""
    return ArangoError(
        E.CONFLICT,
        "Timeout waiting to lock key - in index primary of type primary over '_key'; "
        f"conflicting key: {key}",
        status=409,
    )


def _write_conflict(key: str) -> ArangoError:
    return ArangoError(E.CONFLICT, f"write-write conflict; key: {key}", status=409)


def _unregistered(collection: Collection, mode: str) -> ArangoError:
    return ArangoError(
        E.TRANSACTION_UNREGISTERED_COLLECTION,
        f"unregistered collection used in transaction: {collection.name} [{mode}]",
    )


def parse_collections(spec: Any) -> dict[str, list[str]]:
    """``collections: {read, write, exclusive}``, each a name or a list of names."""
    if not isinstance(spec, dict):
        raise ArangoError(E.BAD_PARAMETER, "missing 'collections'")
    out: dict[str, list[str]] = {}
    for mode in _MODES:
        value = spec.get(mode)
        if value is None:
            names: list[str] = []
        elif isinstance(value, str):
            names = [value]
        elif isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            names = list(value)
        else:
            raise ArangoError(E.BAD_PARAMETER, "invalid 'collections' attribute")
        out[mode] = names
    return out


class Transaction:
    """One stream transaction of one database."""

    def __init__(
        self,
        table: TransactionTable,
        database: Database,
        *,
        id: str,
        owner: str,
        read: list[Collection],
        write: list[Collection],
        exclusive: list[Collection],
        allow_implicit: bool = True,
        wait_for_sync: bool = False,
        lock_timeout: float | None = None,
        max_size: int | None = None,
    ) -> None:
        self.table = table
        self.database = database
        self.id = id
        self.owner = owner
        self.read = [c.name for c in read]
        self.write = [c.name for c in write]
        self.exclusive = [c.name for c in exclusive]
        # ids, not names: a rename during the transaction must not change its rights
        self._writable = {c.id for c in (*write, *exclusive)}
        self._declared = self._writable | {c.id for c in read}
        self.allow_implicit = allow_implicit
        self.wait_for_sync = wait_for_sync
        self.lock_timeout = lock_timeout
        self.max_size = max_size
        self.status = RUNNING
        #: ended because it sat idle too long (ArangoDB: "transaction was already expired")
        self.expired = False
        self.created = time.time()
        self.last_used = time.monotonic()
        self.ended = 0.0
        self.size = 0
        # collection id -> {key: staged bytes, b"" for a removal}
        self._overlays: dict[str, dict[str, bytes]] = {}
        # collection id -> {key: committed bytes when first staged} (commit re-checks them)
        self._base: dict[str, dict[str, bytes | None]] = {}
        # collection id -> {key: committed bytes as of begin, None: absent then}
        self._snapshots: dict[str, dict[str, bytes | None]] = {}
        self._collections: dict[str, Collection] = {}
        # (collection id, index id) -> (index, an index of the same kind over staged docs)
        self._shadows: dict[tuple[str, str], tuple[Index, Index | None]] = {}

    def __repr__(self) -> str:
        return f"Transaction(id={self.id!r}, db={self.database.name!r}, status={self.status!r})"

    def info(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status}

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    def allows_write(self, collection: Collection) -> bool:
        return collection.id in self._writable

    # ------------------------------------------------------------------ reads
    def check_read(self, collection: Collection) -> None:
        if not self.allow_implicit and collection.id not in self._declared:
            raise _unregistered(collection, "read")

    def overlay_for(self, collection: Collection) -> dict[str, bytes] | None:
        return self._overlays.get(collection.id)

    def staged(self, collection: Collection, key: str) -> bytes | None:
        """The staged bytes for ``key`` (``b""``: removed here), None if untouched."""
        overlay = self._overlays.get(collection.id)
        return overlay.get(key) if overlay is not None else None

    def _committed(self, collection: Collection, key: str) -> bytes | None:
        snapshot = self._snapshots.get(collection.id)
        if snapshot is not None and key in snapshot:
            return snapshot[key]
        return collection.docs.get(key)

    def get_raw(self, collection: Collection, key: str) -> bytes | None:
        """The document as this transaction sees it."""
        self.check_read(collection)
        staged = self.staged(collection, key)
        if staged is not None:
            return staged or None
        return self._committed(collection, key)

    def keys(self, collection: Collection) -> Iterator[str]:
        """The keys this transaction sees (a snapshot of the key list)."""
        self.check_read(collection)
        docs = collection.docs
        overlay = self._overlays.get(collection.id) or {}
        snapshot = self._snapshots.get(collection.id) or {}
        if not overlay and not snapshot:
            return iter(list(docs))
        candidates = list(docs)
        candidates += [k for k in snapshot if k not in docs]
        candidates += [k for k in overlay if k not in docs and k not in snapshot]
        visible = []
        for key in candidates:
            if key in overlay:
                if overlay[key]:
                    visible.append(key)
            elif (snapshot[key] if key in snapshot else docs.get(key)) is not None:
                visible.append(key)
        return iter(visible)

    def changed_keys(self, collection: Collection) -> set[str]:
        """Keys whose document this transaction sees differently from the committed
        state (its own writes, and others' writes since it began). Index lookups
        (AQL, traversals) read committed index structures: drop these keys from
        an index's answer, then test their :meth:`get_raw` versions instead."""
        return set(self._overlays.get(collection.id) or ()) | set(
            self._snapshots.get(collection.id) or ()
        )

    def count(self, collection: Collection) -> int:
        self.check_read(collection)
        docs = collection.docs
        overlay = self._overlays.get(collection.id) or {}
        snapshot = self._snapshots.get(collection.id) or {}
        total = len(docs)
        for key, raw in snapshot.items():
            if raw is None and key in docs:
                total -= 1  # inserted by someone else after we began
            elif raw is not None and key not in docs:
                total += 1  # removed by someone else after we began
        for key, raw in overlay.items():
            existed = self._committed(collection, key) is not None
            if raw and not existed:
                total += 1
            elif not raw and existed:
                total -= 1
        return total

    # ------------------------------------------------------------------ staging
    def stage(
        self,
        collection: Collection,
        key: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        """Record one write (``new`` None: a removal); ``old`` is what we saw."""
        if not self.running:
            raise ArangoError(E.TRANSACTION_NOT_FOUND, f"transaction '{self.id}' not found")
        if collection.id not in self._writable:
            raise _unregistered(collection, "write")
        cid = collection.id
        overlay = self._overlays.get(cid)
        first = overlay is None or key not in overlay
        if first:
            self.table.check_lock(collection, key, self)
            snapshot = self._snapshots.get(cid)
            if snapshot is not None and key in snapshot:
                raise _write_conflict(key)
        raw = orjson.dumps(new) if new is not None else b""
        previous = overlay.get(key) if overlay is not None else None
        grown = len(raw) - len(previous or b"")
        if self.max_size is not None and self.size + grown > self.max_size:
            raise ArangoError(
                E.RESOURCE_LIMIT,
                "aborting transaction because maximal transaction size limit of "
                f"{self.max_size} bytes is reached",
            )
        if new is not None:
            self._check_unique(collection, key, new)
        # all checks passed: record the write
        if overlay is None:
            overlay = self._overlays[cid] = {}
        if first:
            self._base.setdefault(cid, {})[key] = collection.docs.get(key)
        self._collections[cid] = collection
        for _index, shadow in self._shadows_of(collection):
            if shadow is None:
                continue
            if previous:
                shadow.remove(key, orjson.loads(previous))
            if new is not None:
                shadow.insert(key, new)
        overlay[key] = raw
        self.size += grown

    def _check_unique(self, collection: Collection, key: str, new: dict[str, Any]) -> None:
        """Unique indexes over the committed documents this transaction has not
        changed, plus the documents it has staged."""
        overlay = self._overlays.get(collection.id) or {}
        for index in collection.indexes.secondary:
            if not index.unique:
                continue
            try:
                index.check(key, new)
            except ArangoError as exc:
                other = getattr(exc, "conflicting_key", None)
                if other is None or other not in overlay:
                    raise
                # that document is changed or removed here; its staged version counts
        for _index, shadow in self._shadows_of(collection):
            if shadow is not None:
                shadow.check(key, new)

    def _shadows_of(self, collection: Collection) -> list[tuple[Index, Index | None]]:
        out = []
        for index in collection.indexes.secondary:
            if not index.unique:
                continue
            slot = (collection.id, index.id)
            entry = self._shadows.get(slot)
            if entry is None or entry[0] is not index:
                entry = (index, self._new_shadow(collection, index))
                self._shadows[slot] = entry
            out.append(entry)
        return out

    def _new_shadow(self, collection: Collection, index: Index) -> Index | None:
        """An empty index of the same kind, filled with this transaction's staged
        documents. Index types live in their own modules; if one cannot be built
        this way, staging skips the check and commit still enforces it."""
        try:
            shadow = type(index)(
                collection,
                id=index.id,
                name=index.name,
                fields=list(index.fields),
                unique=True,
                sparse=index.sparse,
                options=dict(index.options),
            )
        except (TypeError, ValueError, ArangoError):
            return None
        for key, raw in (self._overlays.get(collection.id) or {}).items():
            if raw:
                shadow.insert(key, orjson.loads(raw))
        return shadow

    def saw_change(self, collection: Collection, key: str, before: bytes | None) -> None:
        """Someone else changes ``key``: remember the value we began with."""
        snapshot = self._snapshots.setdefault(collection.id, {})
        if key not in snapshot:
            snapshot[key] = before

    def holds(self, collection: Collection, key: str) -> bool:
        overlay = self._overlays.get(collection.id)
        return overlay is not None and key in overlay

    def holds_any(self, collection: Collection) -> str | None:
        overlay = self._overlays.get(collection.id)
        return next(iter(overlay), None) if overlay else None

    # ------------------------------------------------------------------ ending
    def commit(self) -> None:
        """Apply every staged write at once and journal them as one record.

        On any error (a dropped collection, a conflict, a unique violation)
        nothing changes and the transaction ends aborted, as in ArangoDB.
        """
        if not self.running:
            raise ArangoError(E.TRANSACTION_ABORTED, "transaction was not running")
        try:
            ops, before = self._plan()
            self._apply(ops)
        except ArangoError:
            self._end(ABORTED)
            raise
        for (collection, key, _old, _new), raw in zip(ops, before, strict=True):
            self.table.record_change(self, collection, key, raw)
        if ops:
            self.database.engine.journal.log(
                {
                    "op": "trx",
                    "db": self.database.name,
                    "ops": [
                        {"c": c.id, "k": k, "d": c.docs[k] if new is not None else None}
                        for c, k, _old, new in ops
                    ],
                }
            )
        self._end(COMMITTED)

    def _plan(self) -> tuple[list[_Op], list[bytes | None]]:
        ops: list[_Op] = []
        before: list[bytes | None] = []
        for cid, overlay in self._overlays.items():
            collection = self._collections[cid]
            if self.database.collections.get(collection.name) is not collection:
                raise ArangoError(
                    E.DATA_SOURCE_NOT_FOUND, f"collection or view not found: {collection.name}"
                )
            base = self._base[cid]
            for key, raw in overlay.items():
                current = collection.docs.get(key)
                if current != base[key]:  # changed behind our lock: never via the write path
                    raise _write_conflict(key)
                if current is None and not raw:
                    continue  # inserted and removed again here
                old = orjson.loads(current) if current is not None else None
                ops.append((collection, key, old, orjson.loads(raw) if raw else None))
                before.append(current)
        return ops, before

    @staticmethod
    def _apply(ops: list[_Op]) -> None:
        """Take every old version out, then check and put every new one in, so
        unique values may move between documents (a swap) within one commit.
        A unique violation puts everything back and re-raises."""
        removed: list[_Op] = []
        inserted: list[_Op] = []
        try:
            for op in ops:
                collection, key, old, _new = op
                if old is not None:
                    collection.apply(key, old, None)
                    removed.append(op)
            for op in ops:
                collection, key, _old, new = op
                if new is not None:
                    collection.indexes.check(key, new)
                    collection.apply(key, None, new)
                    inserted.append(op)
        except ArangoError:
            for collection, key, _old, new in reversed(inserted):
                collection.apply(key, new, None)
            for collection, key, old, _new in reversed(removed):
                collection.apply(key, None, old)
            raise

    def abort(self, *, expired: bool = False) -> None:
        if not self.running:
            raise ArangoError(E.TRANSACTION_ABORTED, "transaction was not running")
        self.expired = expired
        self._end(ABORTED)

    def _end(self, status: str) -> None:
        self.status = status
        self.ended = time.monotonic()
        self._overlays.clear()
        self._base.clear()
        self._snapshots.clear()
        self._shadows.clear()
        self._collections.clear()
        self.table.ended(self)


class TransactionTable(dict[str, Transaction]):
    """``Engine.transactions``: every stream transaction by id, running or
    recently ended, and ArangoDB's transaction-manager rules around them."""

    def __init__(self, *, idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> None:
        super().__init__()
        #: seconds a transaction may sit unused before it is aborted
        self.idle_timeout = idle_timeout
        self._running: dict[str, Transaction] = {}
        self._last_sweep = 0.0

    # ------------------------------------------------------------------ lifecycle
    def begin(
        self,
        database: Database,
        options: Any,
        *,
        id: str,
        owner: str,
        permission: Permission | None = None,
    ) -> Transaction:
        """Start a transaction from a ``POST /_api/transaction/begin`` body."""
        self.sweep()
        if not isinstance(options, dict):
            raise ArangoError(E.BAD_PARAMETER, "missing 'collections'")
        modes = parse_collections(options.get("collections"))
        lock_timeout = options.get("lockTimeout")
        if isinstance(lock_timeout, (int, float)) and not isinstance(lock_timeout, bool):
            if lock_timeout < 0:
                raise ArangoError(E.BAD_PARAMETER, "<lockTimeout> needs to be positive")
        else:
            lock_timeout = None
        max_size = options.get("maxTransactionSize")
        if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
            max_size = None
        resolved: dict[str, list[Collection]] = {mode: [] for mode in _MODES}
        seen: set[str] = set()
        for mode in _MODES:  # the strongest mode wins for a name listed twice
            for name in modes[mode]:
                collection = database.collection(name)
                if permission is not None:
                    permission(collection.name, mode)
                if collection.id not in seen:
                    seen.add(collection.id)
                    resolved[mode].append(collection)
        allow_implicit = options.get("allowImplicit", True)
        trx = Transaction(
            self,
            database,
            id=id,
            owner=owner,
            read=resolved["read"],
            write=resolved["write"],
            exclusive=resolved["exclusive"],
            allow_implicit=allow_implicit is not False,
            wait_for_sync=options.get("waitForSync") is True,
            lock_timeout=lock_timeout,
            max_size=max_size,
        )
        self[id] = trx
        self._running[id] = trx
        return trx

    def ended(self, trx: Transaction) -> None:
        self._running.pop(trx.id, None)

    def sweep(self, *, force: bool = False) -> None:
        """Abort idle transactions and forget old tombstones (ArangoDB's garbage
        collection; here run lazily, at most once a second unless forced)."""
        now = time.monotonic()
        if not force and now - self._last_sweep < 1.0:
            return
        self._last_sweep = now
        for trx in list(self._running.values()):
            self._expire(trx, now)
        for trx_id, trx in list(self.items()):
            if not trx.running and now - trx.ended > TOMBSTONE_TTL:
                del self[trx_id]

    def _expire(self, trx: Transaction, now: float) -> bool:
        if trx.running and now - trx.last_used > self.idle_timeout:
            trx.abort(expired=True)
            return True
        return False

    def abort_database(self, database: Database) -> None:
        """The database is being dropped: its transactions end aborted."""
        for trx in list(self._running.values()):
            if trx.database is database:
                trx.abort()

    # ------------------------------------------------------------------ lookups
    def _find(self, trx_id: str, database: Database, user: str | None) -> Transaction | None:
        trx = self.get(trx_id)
        if trx is None:
            return None
        if trx.database is not database or (user is not None and trx.owner != user):
            return None
        return trx

    def lease(self, trx_id: str, database: Database, user: str | None) -> Transaction:
        """The running transaction an ``x-arango-trx-id`` header names."""
        if not trx_id.isdigit() or int(trx_id) == 0:
            raise ArangoError(E.BAD_PARAMETER, "invalid transaction ID")
        trx = self._find(trx_id, database, user)
        if trx is not None:
            self._expire(trx, time.monotonic())
        if trx is None or not trx.running:
            raise ArangoError(E.TRANSACTION_NOT_FOUND, f"transaction '{trx_id}' not found")
        trx.last_used = time.monotonic()
        return trx

    def status(self, trx_id: str, database: Database, user: str | None) -> Transaction:
        if not trx_id.isdigit() or int(trx_id) == 0:
            raise ArangoError(E.BAD_PARAMETER, "Illegal transaction ID")
        self.sweep(force=True)
        trx = self._find(trx_id, database, user)
        if trx is None:
            raise ArangoError(E.TRANSACTION_NOT_FOUND)
        return trx

    def listing(self, database: Database, user: str | None) -> list[dict[str, str]]:
        """``GET /_api/transaction``: the running transactions of this database."""
        self.sweep(force=True)
        return [
            {"id": trx.id, "state": trx.status}
            for trx in self._running.values()
            if trx.database is database and (user is None or trx.owner == user)
        ]

    def finish(
        self, trx_id: str, database: Database, user: str | None, *, commit: bool
    ) -> Transaction:
        """Commit or abort, with ArangoDB's answers for ended transactions:
        the same ending again is fine, the other one is 1653."""
        operation = "commit" if commit else "abort"
        if not trx_id.isdigit() or int(trx_id) == 0:
            raise ArangoError(E.BAD_PARAMETER, "bad transaction ID")
        self.sweep(force=True)
        trx = self.get(trx_id)
        if trx is None or self._find(trx_id, database, user) is None:
            state = "not found" if trx is None else "inaccessible"
            raise ArangoError(
                E.TRANSACTION_NOT_FOUND, f"transaction {trx_id} {state} on {operation} operation"
            )
        wanted = COMMITTED if commit else ABORTED
        if not trx.running:
            if trx.status == wanted:
                return trx
            was = "expired" if trx.expired else trx.status
            raise ArangoError(E.TRANSACTION_DISALLOWED_OPERATION, f"transaction was already {was}")
        if commit:
            trx.commit()
        else:
            trx.abort()
        return trx

    # ------------------------------------------------------------------ other writers
    def _others(self, database: Database, writer: Transaction | None) -> list[Transaction]:
        if not self._running:
            return []
        now = time.monotonic()
        return [
            trx
            for trx in list(self._running.values())
            if trx is not writer and trx.database is database and not self._expire(trx, now)
        ]

    def check_lock(self, collection: Collection, key: str, writer: Transaction | None) -> None:
        """1200 if a running transaction other than ``writer`` holds ``key``."""
        for trx in self._others(collection.database, writer):
            if trx.holds(collection, key):
                raise _locked(key)

    def guard(self, collection: Collection, key: str) -> None:
        """A committed write of ``key`` is about to happen (the non-transactional
        write path): refuse it if a transaction holds the key, else let running
        transactions keep the value they began with."""
        others = self._others(collection.database, None)
        if not others:
            return
        for trx in others:
            if trx.holds(collection, key):
                raise _locked(key)
        before = collection.docs.get(key)
        for trx in others:
            trx.saw_change(collection, key, before)

    def guard_truncate(self, collection: Collection) -> None:
        """The whole collection is about to be emptied outside any transaction."""
        others = self._others(collection.database, None)
        if not others:
            return
        for trx in others:
            held = trx.holds_any(collection)
            if held is not None:
                raise _locked(held)
        for key, raw in list(collection.docs.items()):
            for trx in others:
                trx.saw_change(collection, key, raw)

    def record_change(
        self, writer: Transaction, collection: Collection, key: str, before: bytes | None
    ) -> None:
        """``writer`` committed a change of ``key`` whose old value was ``before``."""
        for trx in self._others(collection.database, writer):
            trx.saw_change(collection, key, before)
