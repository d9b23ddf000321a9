"""Query analysis tools over streamable HTTP: explain, profile, and the query builder."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from tests.conftest import Target, unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def _people(client: Any) -> str:
    name = unique_name("people")
    await call(client, "arango_create_collection", {"name": name})
    docs = [
        {"_key": f"p{i}", "age": 20 + i, "address": {"city": ["Oslo", "Rome", "Lima"][i % 3]}}
        for i in range(9)
    ]
    await call(client, "arango_bulk_insert", {"collection": name, "documents": docs})
    return name


async def test_explain_shows_the_plan_without_running(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _people(client)
        plan = await call(
            client,
            "arango_explain_query",
            {
                "query": "FOR d IN @@c FILTER d.age > @a REMOVE d IN @@c",
                "bind_vars": {"@c": coll, "a": 1},
            },
        )
        rows = await call(
            client, "arango_query", {"query": "RETURN LENGTH(@@c)", "bind_vars": {"@c": coll}}
        )
        syntax = await call_error(client, "arango_explain_query", {"query": "FOR d IN"})
        unbound = await call_error(
            client, "arango_explain_query", {"query": "FOR d IN @@c RETURN d"}
        )
    types = [n["type"] for n in plan["nodes"]]
    assert types[0] == "SingletonNode" and "RemoveNode" in types
    assert all(n["estimatedCost"] is not None for n in plan["nodes"])
    assert {"name": coll, "type": "write"} in plan["collections"]
    assert rows["rows"] == [9]  # explain did not remove anything
    assert syntax["errorNum"] == 1501
    assert unbound["errorNum"] == 1551


_PROFILE: dict[str, bool] = {}


@pytest.fixture
async def requires_profile(target: Target) -> None:
    """Skip while the target ignores ``options.profile`` (arangolite is gaining it)."""
    if target.url not in _PROFILE:
        async with ArangoClient(hosts=target.url) as client:
            db = await client.db("_system", auth=Auth("root", target.root_password))
            cursor = await db.aql.execute("RETURN 1", options={"profile": 2})
            extra = cursor.extra.to_dict()
            _PROFILE[target.url] = bool(extra.get("profile")) and "nodes" in extra.get("stats", {})
    if not _PROFILE[target.url]:
        pytest.skip("the target returns no query profile (options.profile) yet")


@pytest.mark.usefixtures("requires_profile")
async def test_profile_runs_the_query_and_reports_per_node_stats(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _people(client)
        profile = await call(
            client,
            "arango_query_profile",
            {"query": "FOR d IN @@c FILTER d.age >= 25 RETURN d", "bind_vars": {"@c": coll}},
        )
    nodes = {n["type"]: n for n in profile["nodes"]}
    assert profile["rows"] == 4
    assert nodes["EnumerateCollectionNode"]["items"] == 9
    assert nodes["ReturnNode"]["items"] == 4
    assert all(n["calls"] >= 1 and n["runtime"] >= 0 for n in profile["nodes"])
    assert profile["phases"] and all(v >= 0 for v in profile["phases"].values())


async def test_profile_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        syntax = await call_error(client, "arango_query_profile", {"query": "RETURN ("})
        missing = await call_error(
            client, "arango_query_profile", {"query": "FOR d IN nope_missing RETURN d"}
        )
    assert syntax["errorNum"] == 1501
    assert missing["errorNum"] == 1203


async def test_query_builder_compiles_to_bind_parameters_only(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _people(client)
        out = await call(
            client,
            "arango_query_builder",
            {
                "collection": coll,
                "filters": [
                    {"field": "address.city", "op": "IN", "value": ["Oslo", "Lima"]},
                    {"field": "age", "op": ">", "value": 20},
                ],
                "sort": [{"field": "age", "direction": "DESC"}],
                "limit": 3,
                "offset": 1,
                "fields": ["_key", "address.city"],
            },
        )
        hostile = await call(
            client,
            "arango_query_builder",
            {
                "collection": coll,
                "filters": [{"field": "age) || true || (d", "value": "x' OR 1==1"}],
                "execute": False,
            },
        )
        ran_hostile = await call(
            client,
            "arango_query_builder",
            {"collection": coll, "filters": [{"field": "age) || true || (d", "value": 1}]},
        )
    assert [r["_key"] for r in out["rows"]] == ["p6", "p5", "p3"]
    assert out["rows"][0] == {"_key": "p6", "address.city": "Oslo"}
    assert out["bind_vars"]["@coll"] == coll and ["address", "city"] in out["bind_vars"].values()
    assert coll not in out["query"] and "Oslo" not in out["query"]
    text = hostile["query"]
    assert text == "FOR d IN @@coll\n  FILTER d.@a0 == @v0\n  RETURN d" and "rows" not in hostile
    assert hostile["bind_vars"]["a0"] == ["age) || true || (d"]
    assert ran_hostile["rows"] == []  # the odd name is just an attribute nobody has


async def test_query_builder_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        missing = await call_error(client, "arango_query_builder", {"collection": "nope_missing"})
        bad_op = await call_error(
            client,
            "arango_query_builder",
            {"collection": "x", "filters": [{"field": "a", "op": "; REMOVE", "value": 1}]},
        )
        empty_segment = await call_error(
            client,
            "arango_query_builder",
            {"collection": "x", "sort": [{"field": "a..b"}], "execute": False},
        )
    assert missing["errorNum"] == 1203
    assert bad_op["field"] == "filters.0.op"
    assert empty_segment["field"] == "sort.0.field"
