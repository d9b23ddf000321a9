"""Bulk tools over streamable HTTP: batches, per-item error indexes, on_error, progress."""

from __future__ import annotations

from typing import Any

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def _collection(client: Any) -> str:
    name = unique_name("bulk")
    await call(client, "arango_create_collection", {"name": name})
    return name


async def _count(client: Any, collection: str) -> int:
    rows = await call(
        client,
        "arango_query",
        {"query": "RETURN LENGTH(@@c)", "bind_vars": {"@c": collection}},
    )
    return rows["rows"][0]


async def test_bulk_insert_in_batches_with_progress(http_server: McpHttpServer):
    updates: list[tuple[float, float | None]] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        updates.append((done, total))

    docs = [{"_key": f"k{i}", "n": i} for i in range(250)]
    async with http_server.client() as client:
        coll = await _collection(client)
        result = await client.call_tool(
            "arango_bulk_insert",
            {"collection": coll, "documents": docs, "batch_size": 100},
            progress_callback=progress,
        )
        assert not result.is_error, result.content
        out = result.structured_content
        count = await _count(client, coll)
    assert out is not None
    assert (out["total"], out["succeeded"], out["failed"], out["errors"]) == (250, 250, 0, [])
    assert out["stopped"] is False and out["not_attempted"] == 0
    assert count == 250
    assert updates == [(100, 250), (200, 250), (250, 250)]


async def test_bulk_insert_reports_item_errors_by_index(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(client, "arango_insert", {"collection": coll, "documents": {"_key": "dup"}})
        docs = [
            {"_key": "a"},
            {"_key": "dup"},
            {"_key": "b"},
            {"_key": "bad key!?/"},
            {"_key": "c"},
        ]
        cont = await call(
            client,
            "arango_bulk_insert",
            {"collection": coll, "documents": docs, "batch_size": 2},
        )
        coll2 = await _collection(client)
        await call(client, "arango_insert", {"collection": coll2, "documents": {"_key": "dup"}})
        stop = await call(
            client,
            "arango_bulk_insert",
            {"collection": coll2, "documents": docs, "batch_size": 2, "on_error": "stop"},
        )
        coll3 = await _collection(client)
        await call(client, "arango_insert", {"collection": coll3, "documents": {"_key": "dup"}})
        ignore = await call(
            client,
            "arango_bulk_insert",
            {"collection": coll3, "documents": docs, "on_error": "ignore"},
        )
        stopped_count = await _count(client, coll2)
    assert [(e["index"], e["errorNum"]) for e in cont["errors"]] == [(1, 1210), (3, 1221)]
    assert (cont["succeeded"], cont["failed"], cont["stopped"]) == (3, 2, False)
    # the batch holding the error ran to its end; no further batch was sent
    assert (stop["succeeded"], stop["failed"], stop["not_attempted"]) == (1, 1, 3)
    assert stop["stopped"] is True and stop["errors"][0]["index"] == 1
    assert stopped_count == 2  # "dup" + "a"
    assert (ignore["succeeded"], ignore["failed"], ignore["errors"]) == (3, 2, [])


async def test_bulk_insert_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(client, "arango_insert", {"collection": coll, "documents": {"_key": "x"}})
        all_failed = await call_error(
            client, "arango_bulk_insert", {"collection": coll, "documents": [{"_key": "x"}]}
        )
        missing = await call_error(
            client, "arango_bulk_insert", {"collection": "nope_missing", "documents": [{}]}
        )
        not_object = await call_error(
            client, "arango_bulk_insert", {"collection": coll, "documents": [{}, 5]}
        )
        empty = await call_error(
            client, "arango_bulk_insert", {"collection": coll, "documents": []}
        )
        batch = await call_error(
            client,
            "arango_bulk_insert",
            {"collection": coll, "documents": [{}], "batch_size": 0},
        )
        policy = await call_error(
            client,
            "arango_bulk_insert",
            {"collection": coll, "documents": [{}], "on_error": "explode"},
        )
    assert not_object["field"] == "documents.1" and "object" in not_object["message"]
    assert all_failed["errorNum"] == 1210 and "item 0" in all_failed["message"]
    assert missing["errorNum"] == 1203
    assert empty["field"] == "documents"
    assert batch["field"] == "batch_size"
    assert policy["field"] == "on_error"


async def test_bulk_update_merges_and_reports_missing_keys(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(
            client,
            "arango_bulk_insert",
            {
                "collection": coll,
                "documents": [{"_key": f"k{i}", "n": i, "o": {"a": 1}} for i in range(5)],
            },
        )
        out = await call(
            client,
            "arango_bulk_update",
            {
                "collection": coll,
                "documents": [
                    {"_key": "k0", "n": 10, "o": {"b": 2}},
                    {"_key": "gone", "n": 1},
                    {"_key": "k4", "n": None},
                ],
                "keep_null": False,
                "batch_size": 2,
            },
        )
        rows = await call(
            client,
            "arango_query",
            {
                "query": "FOR d IN @@c FILTER d._key IN ['k0', 'k4'] SORT d._key RETURN UNSET(d, '_id', '_rev')",
                "bind_vars": {"@c": coll},
            },
        )
        no_key = await call_error(
            client,
            "arango_bulk_update",
            {"collection": coll, "documents": [{"_key": "k1"}, {"n": 1}]},
        )
    assert (out["succeeded"], out["failed"]) == (2, 1)
    assert out["errors"] == [{"index": 1, "errorNum": 1202, "message": out["errors"][0]["message"]}]
    assert rows["rows"] == [
        {"_key": "k0", "n": 10, "o": {"a": 1, "b": 2}},
        {"_key": "k4", "o": {"a": 1}},
    ]
    assert no_key["kind"] == "invalid_arguments" and no_key["field"] == "documents.1"
