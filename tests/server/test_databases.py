"""Multi-tenancy tools, resolution and sessions over streamable HTTP (seed 000 §2.4, §2.7)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conftest import Target
from tests.server.conftest import (
    McpHttpServer,
    call,
    call_error,
    config_text,
    entry,
    server_env,
    write_config,
)


async def test_list_available_databases_shows_keys_default_and_focus(http_server: McpHttpServer):
    async with http_server.client() as client:
        await call(client, "arango_set_focused_database", {"database": "beta"})
        listed = await call(client, "arango_list_available_databases")
    by_key = {d["key"]: d for d in listed["databases"]}
    assert list(by_key) == ["alpha", "beta", "gamma"]
    assert listed["default_database"] == "alpha"
    assert by_key["alpha"]["default"] and not by_key["beta"]["default"]
    assert by_key["beta"]["focused"] and not by_key["alpha"]["focused"]
    assert by_key["alpha"]["description"] == "first test database"
    assert by_key["gamma"]["read_only"] is True
    assert "password" not in str(listed).lower()


async def test_focus_then_per_call_override_leaves_focus_unchanged(http_server: McpHttpServer):
    async with http_server.client() as client:
        focused = await call(client, "arango_set_focused_database", {"database": "beta"})
        assert focused["focused_database"] == "beta"
        assert focused["effective_level"] == 2
        await call(
            client, "arango_create_collection", {"name": "only_in_alpha", "database": "alpha"}
        )
        still = await call(client, "arango_get_focused_database")
        assert still["focused_database"] == "beta"
        in_beta = await call(client, "arango_list_collections")
        in_alpha = await call(client, "arango_list_collections", {"database": "alpha"})
    assert in_beta["database"] == "beta"
    assert "only_in_alpha" not in [c["name"] for c in in_beta["collections"]]
    assert "only_in_alpha" in [c["name"] for c in in_alpha["collections"]]


async def test_focus_can_be_cleared(http_server: McpHttpServer):
    async with http_server.client() as client:
        await call(client, "arango_set_focused_database", {"database": "beta"})
        cleared = await call(client, "arango_set_focused_database", {"database": None})
    assert "focused_database" not in cleared
    assert cleared["previous"] == "beta"
    assert (cleared["effective_database"], cleared["effective_level"]) == ("alpha", 3)


async def test_unknown_key_is_refused_with_the_available_keys(http_server: McpHttpServer):
    async with http_server.client() as client:
        for tool, args in (
            ("arango_set_focused_database", {"database": "nope"}),
            ("arango_list_collections", {"database": "nope"}),
            ("arango_get_database_resolution", {"database": "nope"}),
        ):
            error = await call_error(client, tool, args)
            assert error["kind"] == "unknown_database"
            assert "nope" in error["message"]
            assert "alpha, beta, gamma" in error["hint"]
        # a real database name that is not a configured key is refused too
        error = await call_error(client, "arango_list_collections", {"database": "_system"})
        assert error["kind"] == "unknown_database"


async def test_resolution_levels_one_to_three(http_server: McpHttpServer):
    async with http_server.client() as client:
        level3 = await call(client, "arango_get_database_resolution")
        assert (level3["database"], level3["level"]) == ("alpha", 3)
        await call(client, "arango_set_focused_database", {"database": "beta"})
        level2 = await call(client, "arango_get_database_resolution")
        assert (level2["database"], level2["level"]) == ("beta", 2)
        level1 = await call(client, "arango_get_database_resolution", {"database": "gamma"})
        assert (level1["database"], level1["level"]) == ("gamma", 1)
    values = {lv["level"]: lv.get("value") for lv in level1["levels"]}
    assert values == {1: "gamma", 2: "beta", 3: "alpha", 4: None, 5: "alpha", 6: "_system"}


async def test_resolution_levels_four_five_six(target: Target, lite_dbs: list[str], tmp_path: Path):
    """Level 4 (MCP_DEFAULT_DATABASE), 5 (first key) and 6 (_system, nothing configured)."""
    two = {"one": entry(target.url, lite_dbs[0]), "two": entry(target.url, lite_dbs[1])}
    servers = [
        McpHttpServer(
            write_config(tmp_path, config_text(two), "l4.yaml"),
            server_env(target.root_password, MCP_DEFAULT_DATABASE="two"),
        ),
        McpHttpServer(
            write_config(tmp_path, config_text(two), "l5.yaml"), server_env(target.root_password)
        ),
        McpHttpServer(
            write_config(tmp_path, config_text({}), "l6.yaml"), server_env(target.root_password)
        ),
    ]
    await asyncio.gather(*(asyncio.to_thread(s.start) for s in servers))
    try:
        results = []
        for server in servers:
            async with server.client() as client:
                results.append(await call(client, "arango_get_database_resolution"))
                if server is servers[0]:
                    listed = await call(client, "arango_list_collections")
                    assert listed["database"] == "two"
                if server is servers[2]:
                    error = await call_error(client, "arango_list_collections")
                    assert error["kind"] == "unknown_database"
                    assert "no database is configured" in error["message"]
    finally:
        for server in servers:
            server.stop()
    assert [(r["database"], r["level"]) for r in results] == [
        ("two", 4),
        ("one", 5),
        ("_system", 6),
    ]


async def test_test_connection_and_multi_status(http_server: McpHttpServer):
    async with http_server.client() as client:
        tested = await call(client, "arango_test_database_connection", {"database": "beta"})
        status = await call(client, "arango_get_multi_database_status")
    assert tested["key"] == "beta" and tested["reachable"] is True
    assert tested["server_version"].startswith("3.")
    assert [d["key"] for d in status["databases"]] == ["alpha", "beta", "gamma"]
    assert status["reachable"] == 3 and status["unreachable"] == 0
    assert status["transport"] == "http"


async def test_read_only_entry_refuses_writes_but_serves_reads(http_server: McpHttpServer):
    async with http_server.client() as client:
        error = await call_error(
            client, "arango_create_collection", {"name": "x", "database": "gamma"}
        )
        listed = await call(client, "arango_list_collections", {"database": "gamma"})
    assert error["kind"] == "read_only"
    assert listed["collections"] == []


async def test_sessions_are_isolated_and_removed_on_disconnect(http_server: McpHttpServer):
    async with httpx.AsyncClient() as http:
        before = (await http.get(http_server.health_url)).json()["active_sessions"]
        async with http_server.client() as one, http_server.client() as two:
            await call(one, "arango_set_focused_database", {"database": "beta"})
            await call(two, "arango_set_focused_database", {"database": "gamma"})
            assert (await call(one, "arango_get_focused_database"))["focused_database"] == "beta"
            assert (await call(two, "arango_get_focused_database"))["focused_database"] == "gamma"
            during = (await http.get(http_server.health_url)).json()["active_sessions"]
        for _ in range(50):
            after = (await http.get(http_server.health_url)).json()["active_sessions"]
            if after == before:
                break
            await asyncio.sleep(0.05)
    assert during == before + 2
    assert after == before


async def test_2026_client_has_no_session_and_must_pass_database(http_server: McpHttpServer):
    async with http_server.client(legacy=False) as client:
        assert client.protocol_version == "2026-07-28"
        error = await call_error(client, "arango_set_focused_database", {"database": "beta"})
        assert error["kind"] == "session_state_refused"
        assert "pass `database` on each call" in error["hint"]
        get_error = await call_error(client, "arango_get_focused_database")
        assert get_error["kind"] == "session_state_refused"
        listed = await call(client, "arango_list_collections", {"database": "beta"})
        default = await call(client, "arango_get_database_resolution")
    assert listed["database"] == "beta"
    assert (default["database"], default["level"], default["session"]) == (
        "alpha",
        3,
        "none (stateless)",
    )


async def test_health_reports_each_database(http_server: McpHttpServer):
    async with httpx.AsyncClient() as http:
        response = await http.get(http_server.health_url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert [d["key"] for d in body["databases"]] == ["alpha", "beta", "gamma"]


async def test_tools_list_is_compact_and_advertises_list_changed(http_server: McpHttpServer):
    async with http_server.client() as client:
        assert client.server_capabilities.tools is not None
        assert client.server_capabilities.tools.list_changed is True
        first = await client.list_tools(cache_mode="bypass")
        second = await client.list_tools(cache_mode="bypass")
    assert [t.name for t in first.tools] == [t.name for t in second.tools]
    names = [t.name for t in first.tools]
    assert names[:6] == [
        "arango_set_focused_database",
        "arango_get_focused_database",
        "arango_list_available_databases",
        "arango_get_database_resolution",
        "arango_test_database_connection",
        "arango_get_multi_database_status",
    ]
    for tool in first.tools:
        assert tool.input_schema["additionalProperties"] is False
        assert "title" not in str(tool.input_schema)
        # compact: no title, a plain object output schema, all four annotations
        assert tool.title is None and tool.output_schema == {"type": "object"}
        assert tool.annotations is not None
        hints = tool.annotations.model_dump(exclude_none=True)
        assert set(hints) == {
            "read_only_hint",
            "destructive_hint",
            "idempotent_hint",
            "open_world_hint",
        }


async def test_stateless_http_refuses_session_state(
    target: Target, lite_dbs: list[str], tmp_path: Path
):
    config = write_config(tmp_path, config_text({"only": entry(target.url, lite_dbs[0])}))
    server = McpHttpServer(config, server_env(target.root_password), ("--stateless",))
    await asyncio.to_thread(server.start)
    try:
        async with server.client() as client:
            error = await call_error(client, "arango_set_focused_database", {"database": "only"})
            listed = await call(client, "arango_list_collections")
            status = await call(client, "arango_get_multi_database_status")
    finally:
        server.stop()
    assert error["kind"] == "session_state_refused"
    assert listed["database"] == "only"
    assert status["transport"] == "http (stateless)"


async def test_every_tool_names_an_unknown_argument(http_server: McpHttpServer):
    async with http_server.client() as client:
        tools = (await client.list_tools()).tools
        for tool in tools:
            error = await call_error(client, tool.name, {"bogus_arg": 1})
            assert error["kind"] == "invalid_arguments", tool.name
            assert any(e["field"] == "bogus_arg" for e in error["errors"]), tool.name
        unknown = await call_error(client, "arango_no_such_tool", {})
    assert len(tools) >= 17
    assert unknown["message"] == "unknown tool 'arango_no_such_tool'"
