"""Two arangolite servers as two "ArangoDB servers" in one config; one goes down and returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from arangolite.server import LiteServer
from tests.conftest import unique_name
from tests.server.conftest import (
    McpHttpServer,
    call,
    call_error,
    config_text,
    entry,
    server_env,
    write_config,
)

PASSWORD = "two-servers-secret"


@pytest.fixture(scope="module")
def servers() -> Iterator[list[LiteServer]]:
    pair = [LiteServer(root_password=PASSWORD) for _ in range(2)]
    for server in pair:
        server.start_in_thread()
    yield pair
    for server in pair:
        server.stop_thread()


@pytest.fixture(scope="module")
def mcp(servers: list[LiteServer], module_tmp: Path) -> Iterator[McpHttpServer]:
    east, west = servers
    assert east.url and west.url
    text = config_text(
        {"east": entry(east.url, connect_timeout=2), "west": entry(west.url, connect_timeout=2)}
    )
    server = McpHttpServer(write_config(module_tmp, text), server_env(PASSWORD))
    server.start()
    yield server
    server.stop()


async def test_two_servers_hold_separate_data(mcp: McpHttpServer, servers: list[LiteServer]):
    name = unique_name("same")
    async with mcp.client() as client:
        for key in ("east", "west"):
            await call(client, "arango_create_collection", {"name": name, "database": key})
        await call(
            client,
            "arango_insert",
            {"collection": name, "documents": {"_key": "only_east"}, "database": "east"},
        )
        dup_west = await call(
            client,
            "arango_insert",
            {"collection": name, "documents": {"_key": "only_east"}, "database": "west"},
        )
        status = await call(client, "arango_get_multi_database_status")
    assert dup_west["inserted"][0]["_key"] == "only_east"  # no conflict: another server
    urls = {d["key"]: d["url"] for d in status["databases"]}
    assert urls == {"east": servers[0].url, "west": servers[1].url}


async def test_cross_database_copy(mcp: McpHttpServer, requires_aql: None):
    source, dest = unique_name("src"), unique_name("dst")
    async with mcp.client() as client:
        await call(client, "arango_create_collection", {"name": source, "database": "east"})
        await call(client, "arango_create_collection", {"name": dest, "database": "west"})
        docs = [{"_key": f"k{i}", "n": i} for i in range(5)]
        await call(
            client, "arango_insert", {"collection": source, "documents": docs, "database": "east"}
        )
        read = await call(
            client,
            "arango_query",
            {
                "query": "FOR d IN @@c SORT d.n RETURN UNSET(d, '_id', '_rev')",
                "bind_vars": {"@c": source},
                "database": "east",
            },
        )
        await call(
            client,
            "arango_insert",
            {"collection": dest, "documents": read["rows"], "database": "west"},
        )
        copied = await call(
            client,
            "arango_query",
            {
                "query": "FOR d IN @@c SORT d.n RETURN d.n",
                "bind_vars": {"@c": dest},
                "database": "west",
            },
        )
    assert copied["rows"] == [0, 1, 2, 3, 4]


async def test_a_database_goes_down_and_comes_back(mcp: McpHttpServer, servers: list[LiteServer]):
    west = servers[1]
    port = west.port
    async with mcp.client() as client:
        await call(client, "arango_list_collections", {"database": "west"})
        west.stop_thread()
        started = time.monotonic()
        error = await call_error(client, "arango_list_collections", {"database": "west"})
        elapsed = time.monotonic() - started
        still = await call(client, "arango_list_collections", {"database": "east"})
        down = await call(client, "arango_test_database_connection", {"database": "west"})
        status = await call(client, "arango_get_multi_database_status")
        revived = LiteServer(port=port, root_password=PASSWORD)
        revived.start_in_thread()
        servers[1] = revived
        back = await call(client, "arango_list_collections", {"database": "west"})
        tested = await call(client, "arango_test_database_connection", {"database": "west"})
    assert error["kind"] == "database_unavailable"
    assert "west" in error["message"] and "unreachable" in error["message"]
    assert elapsed < 2.0
    assert still["database"] == "east"
    assert down["reachable"] is False and down["error"]["kind"] == "database_unavailable"
    assert (status["reachable"], status["unreachable"]) == (1, 1)
    assert back["collections"] == []  # a fresh in-memory server
    assert tested["reachable"] is True
