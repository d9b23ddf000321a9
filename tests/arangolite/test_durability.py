"""Durability (``--data-dir``): acknowledged writes survive ``kill -9``.

The end-to-end tests run ``python -m arangolite serve`` as a real subprocess,
write through the driver, kill it without warning and start it again on the same
directory. The storage-level tests below them damage log files on purpose (a torn
tail, a flipped byte, a record kind from the future) to pin what recovery does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    DocumentInsertError,
    ServerConnectionError,
)

from arangolite.storage import durability
from arangolite.storage.collections import EDGE
from arangolite.storage.durability import DataDirError, encode_record, open_data_dir
from arangolite.storage.index_factory import create_index, drop_index

pytestmark = pytest.mark.lite_only

ROOT_PASSWORD = "first-root-pw"
SCHEMA = {
    "rule": {
        "type": "object",
        "properties": {"sku": {"type": "string"}, "price": {"type": "number"}},
        "required": ["sku"],
    },
    "level": "moderate",
    "message": "an item needs a sku",
}


# ---------------------------------------------------------------------- a real server process
class ServerProcess:
    def __init__(self, proc: asyncio.subprocess.Process, url: str) -> None:
        self.proc = proc
        self.url = url

    def kill(self) -> None:
        """``kill -9``: no shutdown hook runs, nothing is flushed on the way out."""
        self.proc.send_signal(signal.SIGKILL)


async def _start(data_dir: Path | None, password: str = ROOT_PASSWORD) -> ServerProcess:
    args = [sys.executable, "-m", "arangolite", "serve", "--host", "127.0.0.1", "--port", "0"]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    proc = await asyncio.create_subprocess_exec(
        *args,
        env={**os.environ, "ARANGO_ROOT_PASSWORD": password},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
    if b"listening on" not in line:
        assert proc.stderr is not None
        err = await proc.stderr.read()
        raise AssertionError(f"server did not start: {line!r} {err.decode()}")
    return ServerProcess(proc, line.decode().split("listening on")[1].strip())


@asynccontextmanager
async def running(data_dir: Path | None, password: str = ROOT_PASSWORD) -> AsyncIterator[str]:
    """A server on ``data_dir`` that is killed with SIGKILL when the block ends."""
    server = await _start(data_dir, password)
    try:
        yield server.url
    finally:
        if server.proc.returncode is None:
            server.kill()
        await server.proc.wait()


def _latest_wal(data_dir: Path) -> Path:
    return max(data_dir.glob("wal.*"), key=lambda p: int(p.name.split(".")[1]))


def _append(path: Path, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)


# ---------------------------------------------------------------------- end to end
@pytest.mark.slow
async def test_everything_acknowledged_survives_kill_9(tmp_path):
    data_dir = tmp_path / "data"
    root = Auth("root", ROOT_PASSWORD)
    async with running(data_dir) as url, ArangoClient(hosts=url) as client:
        sys_db = await client.db("_system", auth=root)
        await sys_db.create_database("shop")
        await sys_db.create_user({"user": "alice", "password": "alice-pw"})
        await sys_db.update_permission("alice", "rw", "shop")
        db = await client.db("shop", auth=root)
        items = await db.create_collection("items", schema=SCHEMA)
        await sys_db.update_permission("alice", "ro", "shop", "items")
        await items.add_index(type="persistent", fields=["sku"], options={"unique": True})
        await items.insert({"_key": "first", "sku": "A-1", "price": 10})
        lines = (orjson.dumps({"_key": f"k{i}", "sku": f"B-{i}", "price": i}) for i in range(3000))
        result = await items.import_bulk(b"\n".join(lines), doc_type="documents")
        assert result["created"] == 3000
        await items.delete("k7")
        await items.update({"_key": "k8", "price": 800})
        graph = await db.create_graph(
            "net", edge_definitions=[{"collection": "links", "from": ["nodes"], "to": ["nodes"]}]
        )
        await graph.vertex_collection("nodes").insert({"_key": "a"})
        await graph.vertex_collection("nodes").insert({"_key": "b"})
        await graph.edge_collection("links").insert({"_from": "nodes/a", "_to": "nodes/b"})
        # the block ends with kill -9, right after the last acknowledged write

    # a new root password is ignored: it only applies to a fresh directory (as in ArangoDB)
    async with running(data_dir, password="other-pw") as url, ArangoClient(hosts=url) as client:
        sys_db = await client.db("_system", auth=root)
        assert "shop" in await sys_db.databases()
        db = await client.db("shop", auth=root)
        items = db.collection("items")
        assert await items.count() == 3000
        assert await items.get("k7") is None
        assert (await items.get("k8"))["price"] == 800
        assert (await items.get("first"))["sku"] == "A-1"
        assert (await items.properties()).schema["message"] == "an item needs a sku"
        indexes = [i for i in await items.indexes() if i.type == "persistent"]
        assert [(i.fields, i.unique) for i in indexes] == [(["sku"], True)]
        with pytest.raises(DocumentInsertError) as dup:
            await items.insert({"sku": "B-5"})
        assert dup.value.error_code == 1210 and dup.value.http_code == 409
        with pytest.raises(DocumentInsertError) as invalid:
            await items.insert({"price": 1})
        assert invalid.value.error_code == 1620
        new = await items.insert({"sku": "C-1"})
        assert int(new["_key"]) > 0  # the key generator still hands out fresh keys
        graph = db.graph("net")
        assert await db.has_graph("net")
        edges = await graph.edge_collection("links").edges("nodes/a", direction="out")
        assert [e["_to"] for e in edges["edges"]] == ["nodes/b"]
        alice = await client.db("shop", auth=Auth("alice", "alice-pw"))
        assert (await alice.collection("items").get("first"))["sku"] == "A-1"
        assert await sys_db.permission("alice", "shop") == "rw"
        assert await sys_db.permission("alice", "shop", "items") == "ro"
        with pytest.raises(DocumentInsertError) as ro:
            await alice.collection("items").insert({"sku": "Z-1"})
        assert ro.value.http_code == 403


@pytest.mark.slow
async def test_torn_tail_and_second_server(tmp_path):
    data_dir = tmp_path / "data"
    root = Auth("root", ROOT_PASSWORD)
    async with running(data_dir) as url, ArangoClient(hosts=url) as client:
        db = await client.db("_system", auth=root)
        coll = await db.create_collection("notes")
        for i in range(20):
            await coll.insert({"_key": f"n{i}", "i": i})
        # a second server on the same directory fails with a clear message
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "arangolite",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await asyncio.wait_for(second.communicate(), timeout=30)
        assert second.returncode == 1
        assert b"in use by another arangolite server" in err
        assert await coll.count() == 20  # ... and did not disturb the first one

    # a crash in the middle of an append leaves half a record behind
    wal = _latest_wal(data_dir)
    torn = encode_record({"op": "put", "db": "_system", "c": "1", "k": "x", "d": b"{}"})
    _append(wal, torn[: len(torn) // 2])
    async with running(data_dir) as url, ArangoClient(hosts=url) as client:
        coll = (await client.db("_system", auth=root)).collection("notes")
        assert await coll.count() == 20
        await coll.insert({"_key": "after", "i": 99})
    async with running(data_dir) as url, ArangoClient(hosts=url) as client:
        coll = (await client.db("_system", auth=root)).collection("notes")
        assert await coll.count() == 21  # written after the torn record, not hidden by it
        assert (await coll.get("after"))["i"] == 99


@pytest.mark.slow
async def test_without_data_dir_nothing_persists(tmp_path):
    root = Auth("root", ROOT_PASSWORD)
    async with running(None) as url, ArangoClient(hosts=url) as client:
        sys_db = await client.db("_system", auth=root)
        await sys_db.create_database("ephemeral")
        assert "ephemeral" in await sys_db.databases()
    async with running(None, password="new-pw") as url, ArangoClient(hosts=url) as client:
        with pytest.raises(ServerConnectionError):
            await client.db("_system", auth=root, verify=True)
        sys_db = await client.db("_system", auth=Auth("root", "new-pw"))
        assert "ephemeral" not in await sys_db.databases()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- storage level
async def _fill(path: Path, count: int, **options: int) -> None:
    engine = open_data_dir(path, root_password="pw", **options)
    db = engine.create_database("d")
    coll = db.create_collection("c")
    for i in range(count):
        coll.insert({"_key": f"k{i}", "v": i})
        if i % 50 == 0:
            await engine.journal.sync()
    await engine.journal.close()


def _digest(engine: Any) -> Any:
    """Everything a client could read back, for comparing live and recovered state."""
    databases = {}
    for name, db in engine.databases.items():
        collections = {}
        for cname, coll in db.collections.items():
            collections[cname] = (
                engine.describe_collection(coll),
                coll.properties(),
                dict(coll.docs),
                [index.definition() for index in coll.indexes.all()],
            )
        databases[name] = (db.id, collections)
    return databases, {name: user.persisted() for name, user in engine.users.items()}


async def _history(engine: Any) -> None:
    """A bit of every kind of change, synced as a server would after each request."""
    engine.create_database("shop")
    engine.create_database("gone")
    shop = engine.database("shop")
    items = shop.create_collection("items", key_options={"type": "autoincrement"})
    links = shop.create_collection("links", type=EDGE)
    temp = shop.create_collection("temp")
    for i in range(300):
        items.insert({"n": i, "tag": f"t{i % 7}"})
        if i % 20 == 0:
            await engine.journal.sync()
    create_index(items, {"type": "persistent", "fields": ["n"], "unique": True})
    doomed, _ = create_index(items, {"type": "persistent", "fields": ["tag"]})
    drop_index(items, doomed.id)
    items.update("5", {"tag": "changed", "extra": {"a": 1}})
    items.replace("6", {"n": 6000})
    items.remove("7")
    links.insert({"_from": "items/1", "_to": "items/2", "w": 1})
    temp.insert({"x": 1})
    temp.truncate()
    shop.rename_collection("temp", "renamed")
    shop.create_collection("dropped").insert({"x": 1})
    shop.drop_collection("dropped")
    items.schema = {"rule": {"type": "object"}, "level": "moderate", "message": "m"}
    engine.journal.log(
        {
            "op": "collection_props",
            "db": "shop",
            "c": items.id,
            "meta": engine.describe_collection(items),
        }
    )
    trx = engine.transactions.begin(
        shop, {"collections": {"write": ["items"]}}, id="77", owner="root"
    )
    items.insert({"_key": "in-trx", "n": 1000}, trx=trx)
    items.remove("8", trx=trx)
    trx.commit()
    engine.create_user("ann", "pw")
    engine.grant("ann", "shop", "ro")
    engine.grant("ann", "shop", "rw", collection="items")
    engine.create_user("bob", "pw")
    engine.drop_user("bob")
    engine.drop_database("gone")
    await engine.journal.sync()


@pytest.mark.parametrize("checkpoint_bytes", [1 << 30, 4_000], ids=["log-only", "snapshots"])
async def test_recovery_reproduces_the_live_state(tmp_path, checkpoint_bytes):
    engine = open_data_dir(tmp_path, checkpoint_bytes=checkpoint_bytes)
    await _history(engine)
    live = _digest(engine)
    await engine.journal.close()
    snapshots = list(tmp_path.glob("snapshot.*"))
    assert bool(snapshots) == (checkpoint_bytes < 1 << 30)
    recovered = open_data_dir(tmp_path)
    assert _digest(recovered) == live
    # and once more from what the recovered server writes itself
    recovered.database("shop").collection("items").insert({"n": 2000})
    live = _digest(recovered)
    await recovered.journal.close()
    again = open_data_dir(tmp_path)
    assert _digest(again) == live
    again.journal.close_blocking()


async def test_checkpoints_replace_the_log_and_keep_state(tmp_path):
    await _fill(tmp_path, 3000, checkpoint_bytes=20_000)
    names = sorted(p.name for p in tmp_path.iterdir())
    snapshots = [n for n in names if n.startswith("snapshot.")]
    assert len(snapshots) == 1 and names == ["LOCK", snapshots[0], "wal." + snapshots[0][9:]]
    engine = open_data_dir(tmp_path)
    coll = engine.database("d").collection("c")
    assert coll.count() == 3000 and coll.get("k2999")["v"] == 2999
    assert engine.users["root"].check_password("pw")
    new = coll.insert({"v": "fresh"})
    assert new.key not in {f"k{i}" for i in range(3000)}
    await engine.journal.close()


async def test_interrupted_checkpoint_replays_both_logs(tmp_path, monkeypatch):
    def crash(*args: object) -> int:
        raise OSError("disk went away mid-snapshot")

    monkeypatch.setattr(durability, "write_snapshot", crash)
    await _fill(tmp_path, 500, checkpoint_bytes=5_000)
    (tmp_path / "snapshot.99.tmp").write_bytes(b"half a snapshot")
    assert not list(tmp_path.glob("snapshot.*[0-9]"))
    assert len(list(tmp_path.glob("wal.*"))) > 1
    monkeypatch.undo()
    engine = open_data_dir(tmp_path)
    assert engine.database("d").collection("c").count() == 500
    assert not (tmp_path / "snapshot.99.tmp").exists()
    engine.journal.close_blocking()


async def test_damaged_record_refuses_to_start(tmp_path):
    await _fill(tmp_path, 10)
    wal = _latest_wal(tmp_path)
    data = bytearray(wal.read_bytes())
    offsets = [offset for offset, _payload in durability.FrameScan(bytes(data), wal)]
    bad = offsets[len(offsets) // 2]
    data[bad + 12] ^= 0xFF  # a flipped byte in a record with good records after it
    wal.write_bytes(bytes(data))
    with pytest.raises(DataDirError, match="damaged record"):
        open_data_dir(tmp_path)
    # the failed start released the lock: once repaired, the directory opens again
    wal.write_bytes(bytes(data[:bad]))
    engine = open_data_dir(tmp_path)
    engine.journal.close_blocking()


async def test_unknown_record_kind_fails_loudly(tmp_path):
    await _fill(tmp_path, 3)
    _append(
        _latest_wal(tmp_path),
        encode_record({"op": "teleport", "db": "d"})
        + encode_record({"op": "put", "db": "d", "c": "0", "k": "z", "d": b"{}"}),
    )
    with pytest.raises(DataDirError, match="unknown journal record kind 'teleport'"):
        open_data_dir(tmp_path)


async def test_second_open_in_process_is_refused(tmp_path):
    engine = open_data_dir(tmp_path)
    with pytest.raises(DataDirError, match="in use by another arangolite server"):
        open_data_dir(tmp_path)
    engine.journal.close_blocking()
    open_data_dir(tmp_path).journal.close_blocking()


async def test_group_commit_batches_concurrent_syncs(tmp_path):
    engine = open_data_dir(tmp_path)
    coll = engine.database("_system").create_collection("g")
    writes = 0
    real_write = engine.journal._write

    def counting_write(items: list) -> None:
        nonlocal writes
        writes += 1
        real_write(items)

    engine.journal._write = counting_write  # type: ignore[method-assign]

    async def one(i: int) -> None:
        coll.insert({"_key": f"g{i}"})
        await engine.journal.sync()

    await asyncio.gather(*(one(i) for i in range(200)))
    assert not engine.journal.pending
    assert writes < 20  # 200 acknowledged writes, a handful of fsyncs
    await engine.journal.close()
    reopened = open_data_dir(tmp_path)
    assert reopened.database("_system").collection("g").count() == 200
    assert orjson.loads(reopened.database("_system").collection("g").get_raw("g7"))["_key"] == "g7"
    reopened.journal.close_blocking()
