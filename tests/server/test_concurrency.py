"""Concurrent HTTP sessions never share state or data; a slow query blocks nobody."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from tests.conftest import Target, unique_name
from tests.server.conftest import McpHttpServer, call, config_text, entry, server_env, write_config

SESSIONS = 20


@pytest.fixture(scope="module")
async def many_dbs(target: Target) -> AsyncIterator[list[str]]:
    names = [unique_name(f"s{i:02d}") for i in range(SESSIONS)]
    async with ArangoClient(hosts=target.url) as client:
        sys_db = await client.db("_system", auth=Auth("root", target.root_password))
        for name in names:
            await sys_db.create_database(name)
        yield names
        for name in names:
            await sys_db.delete_database(name, ignore_missing=True)


@pytest.fixture(scope="module")
def mcp(target: Target, many_dbs: list[str], module_tmp: Path) -> Iterator[McpHttpServer]:
    databases = {f"k{i:02d}": entry(target.url, name) for i, name in enumerate(many_dbs)}
    server = McpHttpServer(
        write_config(module_tmp, config_text(databases)), server_env(target.root_password)
    )
    server.start()
    yield server
    server.stop()


async def test_twenty_sessions_each_focused_on_its_own_database(mcp: McpHttpServer):
    start = asyncio.Event()

    async def session(i: int) -> tuple[int, list[str], list[str]]:
        key = f"k{i:02d}"
        seen_focus: list[str] = []
        async with mcp.client() as client:
            await start.wait()
            await call(client, "arango_set_focused_database", {"database": key})
            for step in range(3):
                await call(client, "arango_create_collection", {"name": f"c{i:02d}_{step}"})
                await asyncio.sleep(0)  # interleave with the other sessions
                focus = await call(client, "arango_get_focused_database")
                seen_focus.append(focus["focused_database"])
                inserted = await call(
                    client,
                    "arango_insert",
                    {"collection": f"c{i:02d}_{step}", "documents": {"owner": i}},
                )
                assert inserted["database"] == key
            listed = await call(client, "arango_list_collections")
        return i, seen_focus, [c["name"] for c in listed["collections"]]

    tasks = [asyncio.create_task(session(i)) for i in range(SESSIONS)]
    await asyncio.sleep(0.5)
    start.set()
    results = await asyncio.gather(*tasks)
    for i, seen_focus, collections in results:
        assert seen_focus == [f"k{i:02d}"] * 3
        assert collections == [f"c{i:02d}_{step}" for step in range(3)]


async def test_slow_query_in_one_session_does_not_block_another(
    mcp: McpHttpServer, requires_aql: None
):
    async with mcp.client() as slow, mcp.client() as quick:
        await call(quick, "arango_list_collections", {"database": "k01"})  # connect first

        async def timed_quick_calls() -> float:
            await asyncio.sleep(0.5)  # let the slow query start
            started = time.monotonic()
            await call(quick, "arango_get_multi_database_status")
            await call(quick, "arango_list_collections", {"database": "k01"})
            return time.monotonic() - started

        slow_task = asyncio.create_task(
            call(slow, "arango_query", {"query": "RETURN SLEEP(3)", "database": "k00"})
        )
        quick_elapsed = await timed_quick_calls()
        assert not slow_task.done()
        slow_result = await slow_task
    assert slow_result["rows"] == [None]
    assert quick_elapsed < 1.0
