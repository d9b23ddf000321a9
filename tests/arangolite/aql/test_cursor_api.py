"""``/_api/cursor`` through the driver: batches, counts, options, stats, errors,
permissions, stream transactions, and the driver's own helper queries."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import AQLQueryExecuteError, CursorNextError
from arangoasync.typings import UserInfo

from tests.conftest import unique_name


@pytest.fixture
async def users(db):
    coll = await db.create_collection("users")
    await coll.insert_many([{"_key": f"u{i}", "n": i, "even": i % 2 == 0} for i in range(10)])
    return coll


async def _raw(target, db_name: str, method: str, path: str, **kwargs):
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as c:
        return await c.request(method, f"/_db/{db_name}{path}", **kwargs)


# ---------------------------------------------------------------------- batches
async def test_batches_and_count(db):
    cursor = await db.aql.execute("FOR i IN 1..5 RETURN i", batch_size=2, count=True)
    assert cursor.count == 5 and cursor.has_more is True and cursor.id is not None
    assert [i async for i in cursor] == [1, 2, 3, 4, 5]


async def test_single_batch_has_no_cursor(db):
    cursor = await db.aql.execute("RETURN 1", count=True)
    assert cursor.id is None and cursor.has_more is False and cursor.count == 1
    assert [i async for i in cursor] == [1]


async def test_wire_shape(db, target):
    resp = await _raw(
        target,
        db.name,
        "POST",
        "/_api/cursor",
        json={"query": "FOR i IN 1..3 RETURN i", "batchSize": 2},
    )
    body = resp.json()
    assert resp.status_code == 201
    assert body["result"] == [1, 2] and body["hasMore"] is True and body["code"] == 201
    assert body["error"] is False and body["cached"] is False and body["nextBatchId"] == "2"
    assert isinstance(body["id"], str) and "count" not in body
    stats = body["extra"]["stats"]
    for name in ("writesExecuted", "writesIgnored", "scannedFull", "scannedIndex", "filtered"):
        assert stats[name] == 0
    assert stats["httpRequests"] == 0 and stats["executionTime"] >= 0
    assert body["extra"]["warnings"] == []
    nxt = await _raw(target, db.name, "PUT", f"/_api/cursor/{body['id']}")
    assert nxt.status_code == 200
    assert nxt.json()["result"] == [3] and nxt.json()["hasMore"] is False
    gone = await _raw(target, db.name, "POST", f"/_api/cursor/{body['id']}")
    assert gone.status_code == 404 and gone.json()["errorNum"] == 1600


async def test_delete_cursor(db, target):
    cursor = await db.aql.execute("FOR i IN 1..5 RETURN i", batch_size=1)
    assert await cursor.close() is True
    with pytest.raises(CursorNextError) as exc:
        await cursor.fetch()
    assert exc.value.error_code == 1600 and exc.value.http_code == 404
    resp = await _raw(target, db.name, "DELETE", "/_api/cursor/123456789")
    assert resp.status_code == 404 and resp.json()["errorNum"] == 1600


async def test_allow_retry_repeats_the_latest_batch(db, target):
    body = {"query": "FOR i IN 1..5 RETURN i", "batchSize": 2, "options": {"allowRetry": True}}
    first = (await _raw(target, db.name, "POST", "/_api/cursor", json=body)).json()
    cursor_id = first["id"]
    second = (await _raw(target, db.name, "POST", f"/_api/cursor/{cursor_id}/2")).json()
    again = (await _raw(target, db.name, "POST", f"/_api/cursor/{cursor_id}/2")).json()
    assert second["result"] == again["result"] == [3, 4]
    last = (await _raw(target, db.name, "POST", f"/_api/cursor/{cursor_id}/3")).json()
    assert last["result"] == [5] and last["hasMore"] is False and "nextBatchId" not in last
    assert (await _raw(target, db.name, "POST", f"/_api/cursor/{cursor_id}/3")).json()[
        "result"
    ] == [5]
    assert (await _raw(target, db.name, "DELETE", f"/_api/cursor/{cursor_id}")).status_code == 202


async def test_stream_cursor_delivers_extra_with_the_last_batch(db, users):
    cursor = await db.aql.execute(
        "FOR u IN users SORT u.n RETURN u.n", batch_size=3, options={"stream": True}
    )
    assert cursor.count is None
    assert [i async for i in cursor] == list(range(10))
    assert cursor.statistics.scanned_full == 10


# ---------------------------------------------------------------------- options and stats
async def test_full_count(db, users):
    cursor = await db.aql.execute(
        "FOR u IN users FILTER u.even SORT u.n LIMIT 2 RETURN u.n", options={"fullCount": True}
    )
    assert [i async for i in cursor] == [0, 2]
    stats = cursor.statistics
    assert stats.full_count == 5 and stats.scanned_full == 10 and stats.filtered == 5


async def test_write_stats(db, users):
    cursor = await db.aql.execute(
        "FOR k IN ['u1', 'nope', 'u2'] REMOVE k IN users OPTIONS { ignoreErrors: true }"
    )
    assert cursor.statistics.writes_executed == 2 and cursor.statistics.writes_ignored == 1
    assert await users.count() == 8


async def test_warnings_and_fail_on_warning(db):
    cursor = await db.aql.execute("RETURN 1 / 0")
    assert [i async for i in cursor] == [None]
    assert cursor.warnings == [{"code": 1562, "message": "division by zero"}]
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN 1 / 0", options={"failOnWarning": True})
    assert exc.value.error_code == 1562 and exc.value.http_code == 400
    assert exc.value.error_message == "AQL: division by zero (while executing)"


async def test_max_runtime_kills_the_query(db):
    started = time.monotonic()
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN SLEEP(5)", options={"maxRuntime": 0.2})
    assert exc.value.error_code == 1500 and exc.value.http_code == 410
    assert time.monotonic() - started < 3


async def test_sleep_does_not_block_other_requests(db):
    slow = asyncio.create_task(db.aql.execute("LET s = SLEEP(3) RETURN 1"))
    await asyncio.sleep(0.1)
    cursor = await db.aql.execute("RETURN 2")
    assert [i async for i in cursor] == [2]
    # served while the sleeping query still runs (no wall-clock threshold: CI load varies)
    assert not slow.done()
    assert [i async for i in await slow] == [1]


@pytest.mark.lite_only
async def test_long_scan_yields_to_other_requests(db):
    coll = await db.create_collection("big")
    await coll.insert_many([{"v": i} for i in range(20000)])
    query = "FOR a IN big FOR b IN 1..20 FILTER a.v * b < 0 RETURN a"
    slow = asyncio.create_task(db.aql.execute(query))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    cursor = await db.aql.execute("RETURN 1")
    assert [i async for i in cursor] == [1]
    fast_took = time.monotonic() - started
    slow_running = not slow.done()
    assert [i async for i in await slow] == []
    slow_took = time.monotonic() - started
    # the trivial query is answered while the scan still runs, not after it
    assert slow_running and fast_took < slow_took / 2


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("body", "num"),
    [
        ({}, 1502),
        ({"query": ""}, 1502),
        ({"query": "RETURN @x", "bindVars": []}, 1550),
        ({"query": "RETURN 1", "batchSize": 0}, 10),
    ],
)
async def test_bad_bodies(db, target, body, num):
    resp = await _raw(target, db.name, "POST", "/_api/cursor", json=body)
    assert resp.status_code == 400 and resp.json()["errorNum"] == num


async def test_collection_bind_parameter_must_be_a_string(db):
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("FOR d IN @@c RETURN d", bind_vars={"@c": 1})
    assert exc.value.error_code == 1553 and exc.value.http_code == 400


# ---------------------------------------------------------------------- the driver's helpers
async def test_driver_find_and_match_helpers(db, users):
    found = await users.find(
        {"even": True}, skip=1, limit=2, sort=[{"sort_by": "n", "sort_order": "DESC"}]
    )
    assert len([d async for d in found]) == 2
    everything = await users.find({"even": True})
    assert sorted([d["n"] async for d in everything]) == [0, 2, 4, 6, 8]
    assert await users.update_match({"even": True}, {"flag": 1}) == 5
    assert await users.update_match({"even": False}, {"flag": None}, keep_none=False) == 5
    assert (await users.get("u1")).get("flag", "absent") == "absent"
    assert await users.replace_match({"n": 3}, {"n": 3, "replaced": True}) == 1
    assert (await users.get("u3"))["replaced"] is True
    assert await users.delete_match({"even": True}, limit=2) == 2
    assert await users.count() == 8


async def test_driver_style_key_queries(db, users):
    cursor = await db.aql.execute(
        "FOR doc IN @@collection RETURN doc._key", bind_vars={"@collection": "users"}
    )
    assert sorted([k async for k in cursor]) == sorted(f"u{i}" for i in range(10))
    cursor = await db.aql.execute(
        "FOR doc IN @@collection SORT RAND() LIMIT 1 RETURN doc", bind_vars={"@collection": "users"}
    )
    assert len([d async for d in cursor]) == 1


# ---------------------------------------------------------------------- transactions
async def test_queries_run_in_the_stream_transaction(db, users):
    trx = await db.begin_transaction(write="users")
    cursor = await trx.aql.execute("INSERT {_key: 'inside'} INTO users RETURN NEW._key")
    assert [k async for k in cursor] == ["inside"]
    seen = await trx.aql.execute("FOR u IN users FILTER u._key == 'inside' RETURN 1")
    assert [x async for x in seen] == [1]
    outside = await db.aql.execute("FOR u IN users FILTER u._key == 'inside' RETURN 1")
    assert [x async for x in outside] == []
    await trx.abort_transaction()
    assert not await users.has("inside")


async def test_unknown_transaction_id(db, target):
    resp = await _raw(
        target,
        db.name,
        "POST",
        "/_api/cursor",
        json={"query": "RETURN 1"},
        headers={"x-arango-trx-id": "123456"},
    )
    assert resp.status_code == 404 and resp.json()["errorNum"] == 1655


# ---------------------------------------------------------------------- permissions
async def test_permissions_per_collection(client, sys_db, db, users):
    name = unique_name("u")
    await sys_db.create_user(UserInfo(user=name, password="pw"))
    try:
        await sys_db.update_permission(name, "ro", db.name)
        await sys_db.update_permission(name, "ro", db.name, "users")
        as_user = await client.db(db.name, auth=Auth(name, "pw"))
        cursor = await as_user.aql.execute("FOR u IN users LIMIT 1 RETURN 1")
        assert [x async for x in cursor] == [1]
        with pytest.raises(AQLQueryExecuteError) as exc:
            await as_user.aql.execute("INSERT {} INTO users")
        assert exc.value.error_code in (11, 1004) and exc.value.http_code == 403
        await sys_db.update_permission(name, "none", db.name, "users")
        with pytest.raises(AQLQueryExecuteError) as exc:
            await as_user.aql.execute("FOR u IN users RETURN u")
        assert exc.value.http_code in (401, 403)
    finally:
        await sys_db.delete_user(name, ignore_missing=True)
