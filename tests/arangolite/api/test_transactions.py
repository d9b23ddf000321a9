"""Stream transactions: begin/status/commit/abort/list, isolation, read-your-writes,
the x-arango-trx-id header on document, import, count and truncate requests,
conflicts, expiry, and ArangoDB's errors for each misuse."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    CollectionTruncateError,
    DocumentCountError,
    DocumentGetError,
    DocumentInsertError,
    DocumentUpdateError,
    TransactionAbortError,
    TransactionCommitError,
    TransactionExecuteError,
    TransactionInitError,
    TransactionStatusError,
)

from tests.conftest import unique_name


@pytest.fixture
async def coll(db):
    """A collection with two committed documents."""
    collection = await db.create_collection(unique_name("c"))
    await collection.insert({"_key": "a", "v": 1})
    await collection.insert({"_key": "b", "v": 2})
    return collection


def _root(target) -> httpx.Auth:
    return httpx.BasicAuth("root", target.root_password)


# ---------------------------------------------------------------------- lifecycle
async def test_begin_status_list_commit(db, coll):
    txn = await db.begin_transaction(read=coll.name, write=[coll.name])
    assert await txn.transaction_status() == "running"
    listed = await db.list_transactions()
    assert {"id": txn.transaction_id, "state": "running"} in listed
    await txn.commit_transaction()
    assert await txn.transaction_status() == "committed"
    assert txn.transaction_id not in [t["id"] for t in await db.list_transactions()]


async def test_wire_shapes(db, coll, target):
    base = f"{target.url}/_db/{db.name}/_api/transaction"
    async with httpx.AsyncClient(auth=_root(target)) as http:
        begun = await http.post(f"{base}/begin", json={"collections": {"write": coll.name}})
        assert begun.status_code == 201
        body = begun.json()
        trx_id = body["result"]["id"]
        assert body == {"code": 201, "error": False, "result": {"id": trx_id, "status": "running"}}
        assert isinstance(trx_id, str) and trx_id.isdigit()
        got = await http.get(f"{base}/{trx_id}")
        assert got.status_code == 200
        assert got.json()["result"] == {"id": trx_id, "status": "running"}
        aborted = await http.delete(f"{base}/{trx_id}")
        assert aborted.status_code == 200
        assert aborted.json() == {
            "code": 200,
            "error": False,
            "result": {"id": trx_id, "status": "aborted"},
        }
        listed = await http.get(base)
        assert listed.status_code == 200
        assert trx_id not in [t["id"] for t in listed.json()["transactions"]]


async def test_repeated_and_crossed_endings(db, coll):
    committed = await db.begin_transaction(write=coll.name)
    await committed.commit_transaction()
    await committed.commit_transaction()  # idempotent
    with pytest.raises(TransactionAbortError) as exc:
        await committed.abort_transaction()
    assert (exc.value.error_code, exc.value.http_code) == (1653, 400)
    assert exc.value.error_message == "transaction was already committed"

    aborted = await db.begin_transaction(write=coll.name)
    await aborted.abort_transaction()
    await aborted.abort_transaction()  # idempotent
    with pytest.raises(TransactionCommitError) as exc:
        await aborted.commit_transaction()
    assert (exc.value.error_code, exc.value.http_code) == (1653, 400)
    assert exc.value.error_message == "transaction was already aborted"
    assert await aborted.transaction_status() == "aborted"


async def test_unknown_and_malformed_ids(db, coll, target):
    ghost = db.fetch_transaction("123456789")
    with pytest.raises(TransactionStatusError) as status:
        await ghost.transaction_status()
    assert (status.value.error_code, status.value.http_code) == (1655, 404)
    with pytest.raises(TransactionCommitError) as commit:
        await ghost.commit_transaction()
    assert (commit.value.error_code, commit.value.http_code) == (1655, 404)
    with pytest.raises(TransactionAbortError) as abort:
        await ghost.abort_transaction()
    assert (abort.value.error_code, abort.value.http_code) == (1655, 404)
    with pytest.raises(DocumentCountError) as header:
        await ghost.collection(coll.name).count()
    assert (header.value.error_code, header.value.http_code) == (1655, 404)
    async with httpx.AsyncClient(auth=_root(target)) as http:
        bad = await http.get(f"{target.url}/_db/{db.name}/_api/transaction/nope")
        assert (bad.status_code, bad.json()["errorNum"]) == (400, 10)


async def test_transaction_belongs_to_its_database(client, sys_db, db, coll, target):
    txn = await db.begin_transaction(write=coll.name)
    other = sys_db.fetch_transaction(txn.transaction_id)
    with pytest.raises(TransactionStatusError) as exc:
        await other.transaction_status()
    assert exc.value.error_code == 1655
    assert txn.transaction_id not in [t["id"] for t in await sys_db.list_transactions()]
    await txn.abort_transaction()


async def test_begin_errors(db, coll, target):
    with pytest.raises(TransactionInitError) as missing:
        await db.begin_transaction(read=[coll.name, unique_name("missing")])
    assert (missing.value.error_code, missing.value.http_code) == (1203, 404)
    with pytest.raises(TransactionInitError) as bad:
        await db.begin_transaction(write=5)  # type: ignore[arg-type]
    assert (bad.value.error_code, bad.value.http_code) == (10, 400)
    async with httpx.AsyncClient(auth=_root(target)) as http:
        url = f"{target.url}/_db/{db.name}/_api/transaction/begin"
        no_collections = await http.post(url, json={"waitForSync": True})
        assert (no_collections.status_code, no_collections.json()["errorNum"]) == (400, 10)
        broken = await http.post(url, content=b"{nope")
        assert broken.status_code == 400 and broken.json()["error"] is True
    assert await db.list_transactions() == []


# ---------------------------------------------------------------------- isolation
async def test_isolation_read_your_writes_and_commit(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    await inside.insert({"_key": "c", "v": 3})
    await inside.update({"_key": "a", "v": 10})
    await inside.delete("b")

    assert (await inside.get("c"))["v"] == 3
    assert (await inside.get("a"))["v"] == 10
    assert await inside.get("b") is None
    assert await inside.count() == 2

    assert await coll.get("c") is None
    assert (await coll.get("a"))["v"] == 1
    assert (await coll.get("b"))["v"] == 2
    assert await coll.count() == 2

    await txn.commit_transaction()
    assert (await coll.get("c"))["v"] == 3
    assert (await coll.get("a"))["v"] == 10
    assert await coll.get("b") is None
    assert await coll.count() == 2


async def test_abort_leaves_no_trace(db, coll):
    before = sorted([(d["_key"], d["_rev"], d.get("v")) for d in await _all(coll)])
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    await inside.insert({"_key": "x"})
    await inside.update({"_key": "a", "v": 99})
    await inside.delete("b")
    await txn.abort_transaction()
    after = sorted([(d["_key"], d["_rev"], d.get("v")) for d in await _all(coll)])
    assert after == before
    # the keys it held are free again
    await coll.insert({"_key": "x"})
    await coll.update({"_key": "a", "v": 5})


async def _all(collection) -> list[dict]:
    return [await collection.get(key) for key in ("a", "b", "c", "x") if await collection.has(key)]


async def test_snapshot_reads(db, coll):
    txn = await db.begin_transaction(read=coll.name)
    inside = txn.collection(coll.name)
    await coll.insert({"_key": "late"})
    await coll.update({"_key": "a", "v": 100})
    await coll.delete("b")
    assert await inside.get("late") is None
    assert (await inside.get("a"))["v"] == 1
    assert (await inside.get("b"))["v"] == 2
    assert await inside.count() == 2
    await txn.abort_transaction()


async def test_count_and_truncate_in_transaction(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    await inside.insert({"_key": "c"})
    assert await inside.count() == 3
    await inside.truncate()
    assert await inside.count() == 0
    assert await coll.count() == 2
    await txn.abort_transaction()
    assert await coll.count() == 2

    txn = await db.begin_transaction(exclusive=coll.name)
    await txn.collection(coll.name).truncate()
    await txn.commit_transaction()
    assert await coll.count() == 0


async def test_import_in_transaction(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    docs = json.dumps([{"_key": "i1"}, {"_key": "i2"}])
    result = await txn.collection(coll.name).import_bulk(docs, doc_type="list")
    assert result["created"] == 2
    assert await txn.collection(coll.name).count() == 4
    assert await coll.count() == 2
    await txn.commit_transaction()
    assert await coll.has("i1") and await coll.has("i2")


# ---------------------------------------------------------------------- misuse
async def test_write_to_collection_not_declared_for_write(db, coll):
    other = await db.create_collection(unique_name("o"))
    txn = await db.begin_transaction(read=coll.name, write=other.name)
    with pytest.raises(DocumentInsertError) as exc:
        await txn.collection(coll.name).insert({"_key": "z"})
    assert (exc.value.error_code, exc.value.http_code) == (1652, 400)
    assert exc.value.error_message == (
        f"unregistered collection used in transaction: {coll.name} [write]"
    )
    with pytest.raises(CollectionTruncateError) as trunc:
        await txn.collection(coll.name).truncate()
    assert trunc.value.error_code == 1652
    # the transaction is still usable
    await txn.collection(other.name).insert({"_key": "ok"})
    await txn.commit_transaction()
    assert await other.has("ok") and not await coll.has("z")


async def test_allow_implicit_false(db, coll):
    other = await db.create_collection(unique_name("o"))
    txn = await db.begin_transaction(read=coll.name, allow_implicit=False)
    assert await txn.collection(coll.name).count() == 2
    with pytest.raises(DocumentCountError) as exc:
        await txn.collection(other.name).count()
    assert exc.value.error_code == 1652
    await txn.abort_transaction()


async def test_ended_transaction_header_is_not_found(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    await txn.commit_transaction()
    with pytest.raises(DocumentInsertError) as exc:
        await txn.collection(coll.name).insert({"_key": "late"})
    assert (exc.value.error_code, exc.value.http_code) == (1655, 404)
    assert not await coll.has("late")


async def test_locked_key_conflicts(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    await txn.collection(coll.name).update({"_key": "a", "v": 7})
    with pytest.raises(DocumentUpdateError) as outside:
        await coll.update({"_key": "a", "v": 8})
    assert (outside.value.error_code, outside.value.http_code) == (1200, 409)
    second = await db.begin_transaction(write=coll.name)
    with pytest.raises(DocumentUpdateError) as crossed:
        await second.collection(coll.name).update({"_key": "a", "v": 9})
    assert crossed.value.error_code == 1200
    await second.abort_transaction()
    await txn.commit_transaction()
    assert (await coll.get("a"))["v"] == 7


async def test_write_after_concurrent_change_conflicts(db, coll):
    txn = await db.begin_transaction(write=coll.name)
    await coll.update({"_key": "b", "v": 20})
    with pytest.raises(DocumentUpdateError) as exc:
        await txn.collection(coll.name).update({"_key": "b", "v": 30})
    assert (exc.value.error_code, exc.value.http_code) == (1200, 409)
    await txn.commit_transaction()
    assert (await coll.get("b"))["v"] == 20


async def test_unique_index_checked_against_staged_documents(db, coll):
    await coll.add_index("persistent", ["email"], {"unique": True, "sparse": True})
    await coll.insert({"_key": "u1", "email": "a@x"})
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    await inside.insert({"_key": "t1", "email": "b@x"})
    with pytest.raises(DocumentInsertError) as staged:
        await inside.insert({"_key": "t2", "email": "b@x"})
    assert (staged.value.error_code, staged.value.http_code) == (1210, 409)
    with pytest.raises(DocumentInsertError) as committed:
        await inside.insert({"_key": "t3", "email": "a@x"})
    assert committed.value.error_code == 1210
    # moving a value: free it in the transaction, then reuse it
    await inside.update({"_key": "u1", "email": "c@x"})
    await inside.insert({"_key": "t4", "email": "a@x"})
    await txn.commit_transaction()
    assert (await coll.get("t4"))["email"] == "a@x"
    assert (await coll.get("u1"))["email"] == "c@x"


async def test_forbidden_collections(client, sys_db, db, coll, target):
    user = unique_name("u")
    await sys_db.create_user({"user": user, "password": "pw"})
    await sys_db.update_permission(user, "ro", db.name)
    as_user = await client.db(db.name, auth=Auth(user, "pw"))
    with pytest.raises(TransactionInitError) as exc:
        await as_user.begin_transaction(write=coll.name)
    assert (exc.value.error_code, exc.value.http_code) == (1004, 403)
    txn = await as_user.begin_transaction(read=coll.name)
    assert await txn.collection(coll.name).count() == 2
    # root does not see (or end) the user's transaction
    assert txn.transaction_id not in [t["id"] for t in await db.list_transactions()]
    await txn.abort_transaction()
    await sys_db.delete_user(user)


@pytest.mark.lite_only
async def test_javascript_transactions_are_not_supported(db, coll):
    with pytest.warns(DeprecationWarning), pytest.raises(TransactionExecuteError) as exc:
        await db.execute_transaction("function () { return 1; }", read=coll.name)
    assert (exc.value.error_code, exc.value.http_code) == (9, 501)


# ---------------------------------------------------------------------- lifecycle on the server
@pytest.fixture
async def short_lived():
    """A private arangolite whose transactions expire after 0.5 s of idleness."""
    from arangolite.server import LiteServer

    server = LiteServer(root_password="pw")
    server.engine.transactions.idle_timeout = 0.5
    url = server.start_in_thread()
    async with ArangoClient(hosts=url) as client:
        yield server, await client.db("_system", auth=Auth("root", "pw"))
    server.stop_thread()


@pytest.mark.lite_only
async def test_idle_transactions_expire(short_lived):
    _server, sys_db = short_lived
    coll = await sys_db.create_collection(unique_name("c"))
    txn = await sys_db.begin_transaction(write=coll.name)
    await txn.collection(coll.name).insert({"_key": "k"})
    await asyncio.sleep(0.25)
    assert await txn.collection(coll.name).count() == 1  # use keeps it alive
    await asyncio.sleep(0.8)
    assert await txn.transaction_status() == "aborted"
    with pytest.raises(DocumentGetError) as used:
        await txn.collection(coll.name).get("k")
    assert used.value.error_code == 1655
    with pytest.raises(TransactionCommitError) as commit:
        await txn.commit_transaction()
    assert (commit.value.error_code, commit.value.http_code) == (1653, 400)
    assert commit.value.error_message == "transaction was already expired"
    await txn.abort_transaction()  # aborting an expired transaction is fine
    assert await coll.count() == 0
    await coll.insert({"_key": "k"})  # the key lock went with it


@pytest.mark.lite_only
async def test_dropping_the_database_aborts_its_transactions(short_lived):
    server, sys_db = short_lived
    name = unique_name("db")
    await sys_db.create_database(name)
    async with ArangoClient(hosts=server.url) as client:
        db = await client.db(name, auth=Auth("root", "pw"))
        coll = await db.create_collection("c")
        txn = await db.begin_transaction(write=coll.name)
        await sys_db.delete_database(name)
    assert server.engine.transactions[txn.transaction_id].status == "aborted"


@pytest.mark.lite_only
async def test_commit_is_durable_and_abort_leaves_nothing(tmp_path):
    from arangolite.server import LiteServer

    server = LiteServer(root_password="pw", data_dir=str(tmp_path))
    url = server.start_in_thread()
    try:
        async with ArangoClient(hosts=url) as client:
            sys_db = await client.db("_system", auth=Auth("root", "pw"))
            coll = await sys_db.create_collection("c")
            kept = await sys_db.begin_transaction(write="c")
            await kept.collection("c").insert({"_key": "kept"})
            await kept.commit_transaction()
            dropped = await sys_db.begin_transaction(write="c")
            await dropped.collection("c").insert({"_key": "dropped"})
            await dropped.collection("c").delete("kept")
            await dropped.abort_transaction()
            assert await coll.count() == 1
    finally:
        server.stop_thread()
    reopened = LiteServer(root_password="pw", data_dir=str(tmp_path))
    url = reopened.start_in_thread()
    try:
        async with ArangoClient(hosts=url) as client:
            sys_db = await client.db("_system", auth=Auth("root", "pw"))
            coll = sys_db.collection("c")
            assert await coll.has("kept")
            assert not await coll.has("dropped")
            assert await coll.count() == 1
    finally:
        reopened.stop_thread()
