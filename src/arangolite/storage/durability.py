"""Durability for ``--data-dir``: a write-ahead log with group commit, periodic
snapshots, and crash recovery.

Why this shape: storage mutates in memory and journals a small record per change,
synchronously; the server awaits :meth:`FileJournal.sync` before acknowledging a
request. One fsync covers every record logged by all requests in flight (group
commit), and file I/O runs in a worker thread so the event loop keeps serving.
Replaying an ever-growing log would make restarts slow, so once the log outgrows
the last snapshot, the state is captured (cheap: documents are immutable bytes,
so copying dict references is enough) and written to a new snapshot in a thread.

A data directory holds::

    LOCK            flock'ed by the one server using the directory (holds its pid)
    snapshot.<N>    the whole state as of the start of wal.<N>; written to a
                    ``.tmp`` file, fsynced, then renamed, so it is complete or absent
    wal.<N>         records logged since snapshot <N> (or since the start, N = 1)

Recovery loads the newest snapshot ``K`` (if any), then replays ``wal.M`` for every
``M >= K`` in order. Files are sequences of frames ``[u32 length][u32 crc32][payload]``
after an 8-byte magic; a frame cut short by a crash (the torn tail of the last log)
is detected by its length or checksum, dropped and truncated away. A bad frame
anywhere else, or a record kind this version does not know, stops the server with
a clear error instead of silently losing data.

Recovery replays through the storage methods themselves (``journal=False`` or a
:class:`MemoryJournal` standing in), so there is one implementation of each change.

Record kinds (``"op"``), as storage logs them: ``create_database``,
``drop_database``, ``create_collection`` (``meta`` from
``Engine.describe_collection``), ``drop_collection``, ``rename_collection``,
``collection_props`` (``meta`` again), ``create_index`` (``Index.persisted()``),
``drop_index``, ``put`` (``d``: the stored document bytes), ``del``, ``truncate``,
``trx`` (a committed transaction's ``ops``, applied as one), ``user`` (the full
record) and ``drop_user``. A new kind needs a handler in :class:`Replayer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import mmap
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.errors import ArangoError, E
from arangolite.storage.engine import Engine
from arangolite.storage.journal import Journal, MemoryJournal
from arangolite.storage.users import User

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = [
    "DEFAULT_CHECKPOINT_BYTES",
    "DataDirError",
    "FileJournal",
    "open_data_dir",
]

log = logging.getLogger("arangolite.durability")

#: a new snapshot is written once the log exceeds this many bytes (and the last snapshot's size)
DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024
WAL_MAGIC = b"ALWAL001"
SNAPSHOT_MAGIC = b"ALSNP001"
_MAGIC_LEN = 8
_FRAME = struct.Struct("<II")  # payload length, crc32 of the payload
_DOC = struct.Struct("<HI")  # key length, document length (inside a snapshot document chunk)
_U32 = struct.Struct("<I")
_DOCS_CHUNK = 4096  # documents per snapshot frame
_DOCS_TAG = b"D"  # first payload byte of a snapshot document chunk (JSON records start with "{")
_FILE_RE = re.compile(r"^(wal|snapshot)\.(\d+)$")


class DataDirError(OSError):
    """The data directory cannot be used: locked by another server, or damaged.

    An ``OSError`` so ``arangolite serve`` reports it as one line, like other
    file-system problems.
    """


# ---------------------------------------------------------------------- framing
def _default(value: Any) -> Any:
    # stored documents are already JSON (orjson bytes): embed them verbatim
    if isinstance(value, bytes):
        return orjson.Fragment(value)
    raise TypeError(f"cannot journal a {type(value).__name__}")


def frame(payload: bytes) -> bytes:
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def encode_record(record: dict[str, Any]) -> bytes:
    """One framed journal record; ``bytes`` values are stored documents."""
    return frame(orjson.dumps(record, default=_default))


class FrameScan:
    """Iterate the payloads of a framed file; afterwards ``end`` is the offset just
    past the last good frame and ``torn`` says whether bytes after it were dropped.

    A bad frame is a torn tail if it reaches the end of the file or only zero
    bytes follow it (a crash mid-append); anything else is damage and raises.
    """

    def __init__(self, data: Any, path: Path, *, start: int = _MAGIC_LEN) -> None:
        self.data = data
        self.path = path
        self.start = start
        self.end = start
        self.torn = False

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        data, size, offset = self.data, len(self.data), self.start
        while offset < size:
            length, crc = (
                (0, 0) if size - offset < _FRAME.size else _FRAME.unpack_from(data, offset)
            )
            stop = offset + _FRAME.size + length
            payload = data[offset + _FRAME.size : stop] if stop <= size else b""
            if length == 0 or stop > size or zlib.crc32(payload) != crc:
                self._bad_frame(offset, stop)
                return
            yield offset, payload
            offset = stop
            self.end = offset

    def _bad_frame(self, offset: int, stop: int) -> None:
        size = len(self.data)
        if stop >= size or not self.data[offset:].strip(b"\0"):
            self.torn = True
            return
        raise DataDirError(
            f"{self.path}: damaged record at offset {offset} ({size - offset} bytes follow); "
            "refusing to start rather than lose data"
        )


@contextlib.contextmanager
def _mapped(path: Path) -> Iterator[Any]:
    """The file's bytes, memory-mapped: a large log or snapshot is read page by
    page, not copied whole into the heap next to the state it rebuilds."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# ---------------------------------------------------------------------- the lock
class _DirLock:
    """An exclusive ``flock`` on ``LOCK``: the kernel drops it when the process dies,
    so a crashed server never blocks its successor."""

    def __init__(self, directory: Path) -> None:
        path = directory / "LOCK"
        self.fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(self.fd, 32).decode("ascii", "replace").strip() or "unknown"
            self.release()
            raise DataDirError(
                f"data directory {directory} is in use by another arangolite server "
                f"(pid {holder}); only one server may use a data directory at a time"
            ) from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None


# ---------------------------------------------------------------------- the journal
class _Rotate:
    """A queue marker: records after it go to ``wal.<generation>``."""

    __slots__ = ("generation",)

    def __init__(self, generation: int) -> None:
        self.generation = generation


class FileJournal(Journal):
    """Append-only write-ahead log with group commit and background checkpoints.

    Only the event loop calls :meth:`log` and :meth:`sync`; the file descriptor is
    touched by one flush at a time (in a worker thread), so no lock is needed.
    """

    def __init__(
        self,
        directory: Path,
        engine: Engine,
        *,
        lock: _DirLock,
        generation: int,
        wal_bytes: int,
        snapshot_bytes: int,
        checkpoint_bytes: int = DEFAULT_CHECKPOINT_BYTES,
    ) -> None:
        self.directory = directory
        self.engine = engine
        self.checkpoint_bytes = checkpoint_bytes
        self._lock = lock
        self._generation = generation
        self._fd: int | None = _open_wal(directory, generation)
        self._wal_bytes = wal_bytes
        self._snapshot_bytes = snapshot_bytes
        self._queue: list[bytes | _Rotate] = []
        self._logged = 0
        self._synced = 0
        self._flushing: asyncio.Task[None] | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._failed: BaseException | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"FileJournal({str(self.directory)!r}, generation={self._generation})"

    # ------------------------------------------------------------------ logging
    def log(self, record: dict[str, Any]) -> None:
        data = encode_record(record)
        self._queue.append(data)
        self._logged += 1
        self._wal_bytes += len(data)

    @property
    def pending(self) -> bool:
        return self._synced != self._logged

    async def sync(self) -> None:
        """Return once everything logged before the call is on stable storage.

        Callers arriving while a flush is in flight wait for it and then share the
        next one: one write and one fsync per batch, whatever the concurrency.
        """
        target = self._logged
        while self._synced < target:
            if self._failed is not None:
                raise ArangoError(
                    E.INTERNAL, f"write-ahead log failed ({self._failed}); restart the server"
                )
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._flush())
            await asyncio.shield(self._flushing)

    async def _flush(self) -> None:
        items, self._queue = self._queue, []
        upto = self._logged
        try:
            await asyncio.to_thread(self._write, items)
        except BaseException as exc:
            self._failed = exc
            log.exception("write-ahead log failed; nothing more will be acknowledged")
            raise
        finally:
            self._flushing = None
        self._synced = upto
        self._maybe_checkpoint()

    def flush_blocking(self) -> None:
        """Write and fsync the queue from the calling thread (before any loop runs)."""
        items, self._queue = self._queue, []
        self._write(items)
        self._synced = self._logged

    def _write(self, items: list[bytes | _Rotate]) -> None:
        """Append, fsync, and switch files at rotation markers (worker thread)."""
        chunk: list[bytes] = []
        for item in items:
            if isinstance(item, _Rotate):
                self._append(chunk)
                chunk = []
                assert self._fd is not None
                os.close(self._fd)
                self._fd = _open_wal(self.directory, item.generation, fresh=True)
            else:
                chunk.append(item)
        self._append(chunk)

    def _append(self, chunk: list[bytes]) -> None:
        if not chunk:
            return
        fd = self._fd
        assert fd is not None
        before = os.fstat(fd).st_size
        try:
            _write_all(fd, b"".join(chunk))
            os.fdatasync(fd)
        except OSError:
            # leave no partial frame behind that later appends would hide
            with contextlib.suppress(OSError):
                os.ftruncate(fd, before)
            raise

    # ------------------------------------------------------------------ checkpoints
    def _maybe_checkpoint(self) -> None:
        if (
            self._checkpointing is None
            and not self._closed
            and self._wal_bytes > max(self.checkpoint_bytes, self._snapshot_bytes)
        ):
            self._checkpointing = asyncio.ensure_future(self.checkpoint())

    async def checkpoint(self) -> None:
        """Write a snapshot of the current state and start a new log."""
        try:
            generation = self._generation + 1
            items = capture(self.engine)  # on the loop: a consistent cut
            self._queue.append(_Rotate(generation))
            self._logged += 1
            self._generation = generation
            self._wal_bytes = 0
            await self.sync()  # the old log is complete and closed
            size = await asyncio.to_thread(write_snapshot, self.directory, generation, items)
            await asyncio.to_thread(_remove_before, self.directory, generation)
            self._snapshot_bytes = size
        except Exception:
            log.exception("checkpoint failed; the write-ahead log still holds every change")
            self._snapshot_bytes = max(self._snapshot_bytes, 2 * self._wal_bytes)
        finally:
            self._checkpointing = None

    # ------------------------------------------------------------------ closing
    async def close(self) -> None:
        if self._closed:
            return
        if self._checkpointing is not None:
            with contextlib.suppress(Exception):
                await self._checkpointing
        self._closed = True
        try:
            if self._failed is None:
                await self.sync()
        finally:
            self._release()

    def close_blocking(self) -> None:
        """Flush and release from synchronous code (no event loop running)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._failed is None and self.pending:
                self.flush_blocking()
        finally:
            self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._lock.release()


def _open_wal(directory: Path, generation: int, *, fresh: bool = False) -> int:
    path = directory / f"wal.{generation}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if fresh else 0)
    fd = os.open(path, flags, 0o600)
    if os.fstat(fd).st_size == 0:
        _write_all(fd, WAL_MAGIC)
        os.fsync(fd)
        _fsync_dir(directory)
    return fd


def _remove_before(directory: Path, generation: int) -> None:
    for path in directory.iterdir():
        found = _FILE_RE.match(path.name)
        if found and int(found.group(2)) < generation:
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------------- snapshots
#: a snapshot item: a framed record, or (db name, collection id, {key: document bytes})
SnapshotItem = bytes | tuple[str, str, dict[str, bytes]]


def capture(engine: Engine) -> list[SnapshotItem]:
    """The whole state as snapshot items, taken synchronously on the loop.

    Metadata is encoded now (it may change later); documents are immutable bytes,
    so a shallow copy of each collection's dict is a consistent cut.
    """
    items: list[SnapshotItem] = [
        encode_record(
            {
                "op": "snapshot",
                "nextId": engine.next_id(),
                "revision": engine.revisions.next_int(),
            }
        )
    ]
    for db in engine.databases.values():
        items.append(encode_record({"op": "create_database", "name": db.name, "id": db.id}))
        for coll in db.collections.values():
            record = {
                "op": "create_collection",
                "db": db.name,
                "meta": engine.describe_collection(coll),
                "lastRevision": getattr(coll, "last_revision", 0),
            }
            items.append(encode_record(record))
            if coll.docs:
                items.append((db.name, coll.id, dict(coll.docs)))
    for user in engine.users.values():
        items.append(encode_record({"op": "user", "data": user.persisted()}))
    items.append(encode_record({"op": "snapshot_end"}))
    return items


def _docs_frame(db: str, cid: str, docs: list[tuple[str, bytes]]) -> bytes:
    header = orjson.dumps({"db": db, "c": cid})
    parts = [_DOCS_TAG, _U32.pack(len(header)), header]
    for key, raw in docs:
        encoded = key.encode()
        parts.append(_DOC.pack(len(encoded), len(raw)))
        parts.append(encoded)
        parts.append(raw)
    return frame(b"".join(parts))


def write_snapshot(directory: Path, generation: int, items: list[SnapshotItem]) -> int:
    """Write ``snapshot.<generation>`` atomically (worker thread); return its size."""
    final = directory / f"snapshot.{generation}"
    temp = directory / f"snapshot.{generation}.tmp"
    try:
        with open(temp, "wb", buffering=1 << 20) as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(SNAPSHOT_MAGIC)
            for item in items:
                if isinstance(item, bytes):
                    f.write(item)
                    continue
                db, cid, docs = item
                entries = iter(docs.items())
                while chunk := list(itertools.islice(entries, _DOCS_CHUNK)):
                    f.write(_docs_frame(db, cid, chunk))
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        os.replace(temp, final)
        _fsync_dir(directory)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return size


# ---------------------------------------------------------------------- recovery
class Replayer:
    """Applies journal records to an engine through the storage methods.

    The engine's journal is a :class:`MemoryJournal` while this runs, so the
    methods that always journal (drops, truncate, users) write nowhere.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._collections: dict[tuple[str, str], Collection] = {}
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "create_database": self._create_database,
            "drop_database": self._drop_database,
            "create_collection": self._create_collection,
            "drop_collection": self._drop_collection,
            "rename_collection": self._rename_collection,
            "collection_props": self._collection_props,
            "create_index": self._create_index,
            "drop_index": self._drop_index,
            "put": self._put,
            "del": self._del,
            "truncate": self._truncate,
            "trx": self._trx,
            "user": self._user,
            "drop_user": self._drop_user,
        }

    def apply(self, record: dict[str, Any]) -> None:
        handler = self.handlers.get(record.get("op"))  # type: ignore[arg-type]
        if handler is None:
            raise DataDirError(
                f"unknown journal record kind {record.get('op')!r} "
                "(written by a newer arangolite, or damaged)"
            )
        handler(record)

    # ------------------------------------------------------------------ lookups
    def _collection(self, db_name: str, cid: str) -> Collection:
        found = self._collections.get((db_name, cid))
        if found is None:
            found = self.engine.database(db_name).collection(cid)
            self._collections[(db_name, cid)] = found
        return found

    def _forget(self, db_name: str, cid: str | None = None) -> None:
        for probe in [k for k in self._collections if k[0] == db_name and cid in (None, k[1])]:
            del self._collections[probe]

    # ------------------------------------------------------------------ databases
    def _create_database(self, record: dict[str, Any]) -> None:
        self.engine.create_database(record["name"], id=record["id"], journal=False)
        self.engine.observe_id(record["id"])

    def _drop_database(self, record: dict[str, Any]) -> None:
        self.engine.drop_database(record["name"])
        self._forget(record["name"])

    # ------------------------------------------------------------------ collections
    def _create_collection(self, record: dict[str, Any]) -> None:
        db = self.engine.database(record["db"])
        meta = record["meta"]
        collection = db.create_collection(
            meta["name"],
            type=meta["type"],
            key_options=meta.get("keyOptions"),
            wait_for_sync=meta.get("waitForSync", False),
            schema=meta.get("schema"),
            is_system=meta.get("isSystem", False),
            extra=meta.get("extra") or {},
            id=meta["id"],
            journal=False,
        )
        self.engine.observe_id(meta["id"])
        for persisted in meta.get("indexes") or []:
            _restore_index(collection, persisted)
            self.engine.observe_id(str(persisted.get("id", "")))
        if record.get("lastRevision"):
            collection.last_revision = record["lastRevision"]  # type: ignore[attr-defined]

    def _drop_collection(self, record: dict[str, Any]) -> None:
        db = self.engine.database(record["db"])
        db.drop_collection(self._collection(record["db"], record["c"]).name, allow_system=True)
        self._forget(record["db"], record["c"])

    def _rename_collection(self, record: dict[str, Any]) -> None:
        db = self.engine.database(record["db"])
        name = self._collection(record["db"], record["c"]).name
        db.rename_collection(name, record["name"], journal=False)

    def _collection_props(self, record: dict[str, Any]) -> None:
        # the record carries the whole definition (Engine.describe_collection);
        # indexes have their own records, the key generator advances with puts
        collection = self._collection(record["db"], record["c"])
        meta = record["meta"]
        collection.schema = meta.get("schema")
        collection.wait_for_sync = bool(meta.get("waitForSync", False))
        collection.extra = dict(meta.get("extra") or {})

    def _create_index(self, record: dict[str, Any]) -> None:
        collection = self._collection(record["db"], record["c"])
        _restore_index(collection, record["index"])
        self.engine.observe_id(str(record["index"].get("id", "")))

    def _drop_index(self, record: dict[str, Any]) -> None:
        self._collection(record["db"], record["c"]).indexes.drop(str(record["index"]))

    # ------------------------------------------------------------------ documents
    def _store(self, collection: Collection, key: str, new: dict[str, Any] | None) -> None:
        indexed = collection.indexes.edge is not None or bool(collection.indexes.secondary)
        old = collection.get(key) if indexed else None
        collection.apply(key, old, new)  # also advances collection.last_revision
        if new is not None:
            collection.key_generator.track(key)

    def finish(self) -> None:
        """Keep the revision clock ahead of every revision read back."""
        for db in self.engine.databases.values():
            for collection in db.collections.values():
                self.engine.revisions.observe(getattr(collection, "last_revision", 0))

    def _put(self, record: dict[str, Any]) -> None:
        self._store(self._collection(record["db"], record["c"]), record["k"], record["d"])

    def _del(self, record: dict[str, Any]) -> None:
        self._store(self._collection(record["db"], record["c"]), record["k"], None)

    def _truncate(self, record: dict[str, Any]) -> None:
        self._collection(record["db"], record["c"]).truncate()

    def _trx(self, record: dict[str, Any]) -> None:
        for op in record["ops"]:
            self._store(self._collection(record["db"], op["c"]), op["k"], op["d"])

    def load_docs(self, payload: bytes) -> None:
        """A snapshot document chunk: store the bytes as they are, index if needed."""
        (header_len,) = _U32.unpack_from(payload, 1)
        offset = 1 + _U32.size + header_len
        header = orjson.loads(payload[1 + _U32.size : offset])
        collection = self._collection(header["db"], header["c"])
        docs = collection.docs
        indexes = collection.indexes
        indexed = indexes.edge is not None or bool(indexes.secondary)
        size = len(payload)
        while offset < size:
            key_len, doc_len = _DOC.unpack_from(payload, offset)
            offset += _DOC.size
            key = payload[offset : offset + key_len].decode()
            offset += key_len
            raw = payload[offset : offset + doc_len]
            offset += doc_len
            docs[key] = raw
            if indexed:
                indexes.insert(key, orjson.loads(raw))

    # ------------------------------------------------------------------ users
    def _user(self, record: dict[str, Any]) -> None:
        user = User.from_persisted(record["data"])
        self.engine.users[user.name] = user

    def _drop_user(self, record: dict[str, Any]) -> None:
        self.engine.users.pop(record["name"], None)


def _restore_index(collection: Collection, persisted: dict[str, Any]) -> None:
    # imported lazily: the index types register themselves when the factory loads
    from arangolite.storage.indexes import restore_index

    restore_index(collection, persisted)


def _replay_file(path: Path, replayer: Replayer, *, snapshot: bool) -> FrameScan:
    with _mapped(path) as data:
        scan = _replay_frames(data, path, replayer, snapshot=snapshot)
    scan.data = b""  # the mapping is gone
    return scan


def _replay_frames(data: Any, path: Path, replayer: Replayer, *, snapshot: bool) -> FrameScan:
    magic = SNAPSHOT_MAGIC if snapshot else WAL_MAGIC
    head = data[:_MAGIC_LEN]
    if len(head) < _MAGIC_LEN and magic.startswith(head) and not snapshot:
        scan = FrameScan(b"", path, start=0)  # created, then the crash: an empty log
        scan.torn = bool(head)
        return scan
    if head != magic:
        raise DataDirError(f"{path}: not an arangolite {'snapshot' if snapshot else 'log'} file")
    scan = FrameScan(data, path)
    saw_end = False
    for offset, payload in scan:
        try:
            if snapshot and payload[:1] == _DOCS_TAG:
                replayer.load_docs(payload)
                continue
            record = orjson.loads(payload)
            op = record.get("op")
            if snapshot and op == "snapshot":
                replayer.engine.observe_id(record["nextId"])
                replayer.engine.revisions.observe(record["revision"])
            elif snapshot and op == "snapshot_end":
                saw_end = True
            else:
                replayer.apply(record)
        except DataDirError as exc:
            raise DataDirError(f"{path}, offset {offset}: {exc}") from exc
        except (ArangoError, KeyError, TypeError, ValueError) as exc:
            raise DataDirError(f"{path}, offset {offset}: cannot replay record: {exc}") from exc
    if snapshot and (scan.torn or not saw_end):
        raise DataDirError(f"{path}: snapshot is incomplete")
    return scan


def _generations(directory: Path) -> tuple[list[int], list[int]]:
    snapshots: list[int] = []
    wals: list[int] = []
    for path in directory.iterdir():
        if path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)  # an interrupted checkpoint
            continue
        found = _FILE_RE.match(path.name)
        if found:
            (wals if found.group(1) == "wal" else snapshots).append(int(found.group(2)))
    return sorted(snapshots), sorted(wals)


def recover(directory: Path, engine: Engine) -> tuple[int, int, int]:
    """Load the newest snapshot and replay the logs after it into ``engine``.

    Returns ``(generation to append to, its valid size, snapshot size)``; a torn
    tail is truncated away so new records never follow garbage.
    """
    snapshots, wals = _generations(directory)
    base = snapshots[-1] if snapshots else 0
    replayer = Replayer(engine)
    saved, engine.journal = engine.journal, MemoryJournal()
    try:
        snapshot_bytes = 0
        if base:
            path = directory / f"snapshot.{base}"
            _replay_file(path, replayer, snapshot=True)
            snapshot_bytes = path.stat().st_size
        wals = [g for g in wals if g >= base]
        valid_end = 0
        for position, generation in enumerate(wals):
            path = directory / f"wal.{generation}"
            scan = _replay_file(path, replayer, snapshot=False)
            if scan.torn and position != len(wals) - 1:
                raise DataDirError(f"{path}: damaged record at offset {scan.end} before later logs")
            if scan.torn:
                log.warning(
                    "%s: dropped a torn record at offset %d (crash mid-write)", path, scan.end
                )
                os.truncate(path, scan.end)
            valid_end = scan.end
        replayer.finish()
    finally:
        engine.journal = saved
    _remove_before(directory, base)
    if wals:
        return wals[-1], valid_end, snapshot_bytes
    return max(base, 1), 0, snapshot_bytes


def open_data_dir(
    path: str | os.PathLike[str],
    *,
    root_password: str = "",
    checkpoint_bytes: int = DEFAULT_CHECKPOINT_BYTES,
) -> Engine:
    """Open (or create) a data directory: lock it, recover its state, bootstrap
    ``_system``/``root`` when fresh, and journal every later change to it.

    ``root_password`` only applies to a fresh directory, as ArangoDB's
    ``ARANGO_ROOT_PASSWORD`` only applies on first start.
    """
    directory = Path(path).resolve()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = _DirLock(directory)
    try:
        engine = Engine(root_password=root_password)
        generation, wal_bytes, snapshot_bytes = recover(directory, engine)
        journal = FileJournal(
            directory,
            engine,
            lock=lock,
            generation=generation,
            wal_bytes=wal_bytes,
            snapshot_bytes=snapshot_bytes,
            checkpoint_bytes=checkpoint_bytes,
        )
    except BaseException:
        lock.release()
        raise
    engine.journal = journal
    engine.bootstrap()
    journal.flush_blocking()
    return engine
