"""Workflows through the real MCP client: tools/list really changes, per session.

Each HTTP client is its own session (Mcp-Session-Id). Listings are fetched with
``cache_mode="bypass"`` so that what is asserted is what the server sends now.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import stdio_client

from mcp_arangodb_async.config import parse_config_text
from mcp_arangodb_async.errors import ConfigError
from mcp_arangodb_async.tools.registry import REGISTRY
from mcp_arangodb_async.tools.spec import CATEGORIES
from mcp_arangodb_async.workflows import ALWAYS_VISIBLE, STAGES, WORKFLOWS
from tests.conftest import Target
from tests.server.conftest import (
    McpHttpServer,
    call,
    call_error,
    config_text,
    entry,
    server_env,
    stdio_params,
    write_config,
)

DISCOVERY = {s.name for s in REGISTRY if s.category in ALWAYS_VISIBLE}
BASELINE = DISCOVERY | {"arango_list_collections", "arango_query"}


class Session:
    """A legacy (handshake-era) client that records list_changed notifications."""

    def __init__(self, url: str) -> None:
        self.changed = 0
        self.client = Client(url, mode="legacy", message_handler=self._on_message)

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            self.changed += 1

    async def names(self) -> set[str]:
        listed = await self.client.list_tools(cache_mode="bypass")
        return {t.name for t in listed.tools}

    async def __aenter__(self) -> Session:
        await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.__aexit__(*exc)


async def test_switch_changes_only_this_sessions_list_and_notifies(http_server: McpHttpServer):
    async with Session(http_server.url) as one, Session(http_server.url) as two:
        full = await one.names()
        assert full == await two.names() == {s.name for s in REGISTRY}
        switched = await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        assert one.changed == 1 and two.changed == 0
        assert await one.names() == BASELINE
        assert await two.names() == full
        assert switched["workflow"] == "baseline" and switched["visible"] == len(BASELINE)
        assert "arango_insert" in switched["removed"] and switched["added"] == []
        assert 0 < switched["tokens"] <= 1500
        # switching to the same workflow changes nothing and sends nothing
        again = await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        assert again["removed"] == [] and one.changed == 1
        back = await call(one.client, "arango_switch_workflow", {"workflow": "full"})
        insert = next(t for t in back["added"] if t["name"] == "arango_insert")
        assert insert["required"] == ["collection", "documents"] and insert["description"]
        assert await one.names() == full and one.changed == 2
        two_active = await call(two.client, "arango_get_active_workflow")
    assert two_active["workflow"] == "full" and "stage" not in two_active


async def test_hidden_tools_are_refused_with_how_to_load_them(http_server: McpHttpServer):
    async with Session(http_server.url) as one, Session(http_server.url) as two:
        await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        refused = await call_error(one.client, "arango_create_collection", {"name": "x_hidden"})
        listed = await call(two.client, "arango_list_collections")
    assert refused["kind"] == "tool_not_loaded"
    assert "not loaded" in refused["message"] and "baseline" in refused["message"]
    assert "arango_search_tools" in refused["hint"] and '"load": true' in refused["hint"]
    assert "bulk_operations" in refused["workflows"]
    assert listed["database"] == "alpha"


async def test_search_and_load_then_unload(http_server: McpHttpServer):
    async with Session(http_server.url) as one:
        await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        found = await call(one.client, "arango_search_tools", {"query": "index"})
        names = await call(
            one.client, "arango_search_tools", {"query": "insert", "detail": "name", "limit": 1}
        )
        full = await call(
            one.client, "arango_search_tools", {"category": "queries", "detail": "full"}
        )
        before = one.changed
        loaded = await call(
            one.client, "arango_search_tools", {"query": "create index", "load": True}
        )
        assert one.changed == before + 1
        assert "arango_create_index" in await one.names()
        unloaded = await call(one.client, "arango_unload_tools", {"tools": ["arango_create_index"]})
        assert "arango_create_index" not in await one.names()
        refused = await call_error(one.client, "arango_create_index", {"collection": "c"})
        by_category = await call(one.client, "arango_unload_tools", {"category": "queries"})
        assert "arango_query" not in await one.names()
        always = await call_error(
            one.client, "arango_unload_tools", {"tools": ["arango_search_tools"]}
        )
        unknown = await call_error(one.client, "arango_unload_tools", {"tools": ["arango_nope"]})
        empty = await call_error(one.client, "arango_unload_tools", {})
        bad_category = await call_error(one.client, "arango_search_tools", {"category": "nope"})
    assert {"arango_list_indexes", "arango_create_index"} <= {t["name"] for t in found["tools"]}
    assert all(t["required"] is not None and "visible" in t for t in found["tools"])
    assert found["tools"][0]["visible"] is False  # baseline shows no index tool
    assert names["tools"] == [{"name": "arango_insert", "visible": False}]
    assert names["total"] >= 1
    assert {t["name"] for t in full["tools"]} >= {"arango_query", "arango_next_page"}
    assert all("input_schema" in t and "output_schema" in t for t in full["tools"])
    # detail=full carries what tools/list leaves out: argument and result descriptions
    query = next(t for t in full["tools"] if t["name"] == "arango_query")
    assert query["input_schema"]["properties"]["query"]["description"]
    assert query["input_schema"]["properties"]["database"]["description"]
    assert {"rows", "truncated", "next_cursor"} <= set(query["output_schema"]["properties"])
    assert loaded["tools"][0]["name"] == "arango_create_index" and loaded["tools"][0]["visible"]
    added = {t["name"]: t for t in loaded["loaded"]["added"]}
    assert added["arango_create_index"]["required"] == ["collection", "fields"]
    assert unloaded["removed"] == ["arango_create_index"]
    assert refused["kind"] == "tool_not_loaded"
    assert "arango_query" in by_category["removed"]
    assert always["kind"] == "invalid_arguments" and "always visible" in always["message"]
    assert unknown["field"] == "tools" and "arango_nope" in unknown["message"]
    assert empty["kind"] == "invalid_arguments"
    assert bad_category["field"] == "category"


async def test_stages_widen_and_narrow(http_server: McpHttpServer):
    async with Session(http_server.url) as one:
        await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        setup = await call(one.client, "arango_advance_workflow_stage")
        loading = await call(one.client, "arango_advance_workflow_stage")
        analysis = await call(one.client, "arango_advance_workflow_stage")
        analysis_names = await one.names()
        cleanup = await call(one.client, "arango_advance_workflow_stage")
        past_end = await call_error(one.client, "arango_advance_workflow_stage")
        named = await call(one.client, "arango_advance_workflow_stage", {"stage": "setup"})
        bad = await call_error(one.client, "arango_advance_workflow_stage", {"stage": "later"})
        active = await call(one.client, "arango_get_active_workflow")
        switched = await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
    assert setup["stage"] == "setup"
    assert {"arango_create_collection", "arango_create_index"} <= {
        t["name"] for t in setup["added"]
    }
    assert loading["stage"] == "data_loading"
    assert "arango_insert" in {t["name"] for t in loading["added"]}
    assert analysis["stage"] == "analysis"
    assert "arango_create_collection" in loading["removed"]  # stages replace each other
    assert "arango_insert" in analysis["removed"]
    assert "arango_query" in analysis_names and "arango_insert" not in analysis_names
    assert DISCOVERY <= analysis_names  # write-capable workflow tools stay visible
    assert cleanup["stage"] == "cleanup"
    assert "arango_create_collection" in {t["name"] for t in cleanup["added"]}
    assert past_end["field"] == "stage" and "last stage" in past_end["message"]
    assert named["stage"] == "setup"
    assert bad["field"] == "stage"
    assert active["stage"] == "setup" and active["next_stage"] == "data_loading"
    assert "stage" not in switched  # a switch clears the stage


async def test_workflow_and_focus_are_independent(http_server: McpHttpServer):
    async with Session(http_server.url) as one:
        await call(one.client, "arango_set_focused_database", {"database": "beta"})
        await call(one.client, "arango_switch_workflow", {"workflow": "database_admin"})
        focus = await call(one.client, "arango_get_focused_database")
        await call(one.client, "arango_set_focused_database", {"database": "alpha"})
        active = await call(one.client, "arango_get_active_workflow")
        listed = await call(one.client, "arango_list_collections")
    assert focus["focused_database"] == "beta"
    assert active["workflow"] == "database_admin"
    assert listed["database"] == "alpha"


async def test_usage_stats_and_listings(http_server: McpHttpServer):
    async with Session(http_server.url) as one:
        await call(one.client, "arango_list_collections")
        await call(one.client, "arango_list_collections")
        await call_error(one.client, "arango_list_collections", {"database": "nope"})
        stats = await call(one.client, "arango_get_tool_usage_stats")
        flows = await call(one.client, "arango_list_workflows")
        categories = await call(one.client, "arango_list_tools_by_category")
        await call(one.client, "arango_switch_workflow", {"workflow": "baseline"})
        queries = await call(one.client, "arango_list_tools_by_category", {"category": "indexes"})
    row = next(t for t in stats["tools"] if t["name"] == "arango_list_collections")
    assert (row["calls"], row["errors"]) == (3, 1) and row["last_used"].endswith("+00:00")
    assert stats["total_calls"] == 3 and stats["unused_visible"] > 0
    by_name = {f["name"]: f for f in flows["workflows"]}
    assert by_name["full"]["active"] and not by_name["baseline"]["active"]
    assert by_name["baseline"]["tokens"] < by_name["full"]["tokens"]
    assert [s["name"] for s in flows["stages"]] == [
        "setup",
        "data_loading",
        "analysis",
        "cleanup",
    ]
    assert {c["category"] for c in categories["categories"]} >= {"documents", "workflows"}
    assert queries["categories"][0]["visible"] == []
    assert "arango_list_indexes" in queries["categories"][0]["tools"]


async def test_sessionless_requests_cannot_switch(http_server: McpHttpServer):
    async with http_server.client(legacy=False) as client:
        refused = await call_error(client, "arango_switch_workflow", {"workflow": "baseline"})
        listed = await client.list_tools(cache_mode="bypass")
    assert refused["kind"] == "session_state_refused"
    assert len(listed.tools) == len(REGISTRY)


@pytest.fixture(scope="module")
def baseline_server(
    target: Target, lite_dbs: list[str], module_tmp: Path
) -> Iterator[McpHttpServer]:
    text = config_text({"alpha": entry(target.url, lite_dbs[0])})
    server = McpHttpServer(
        write_config(module_tmp, text, "baseline.yaml"),
        server_env(target.root_password),
        extra_args=("--workflow", "baseline"),
    )
    server.start()
    yield server
    server.stop()


async def test_workflow_flag_picks_the_starting_set(baseline_server: McpHttpServer):
    async with Session(baseline_server.url) as one:
        assert await one.names() == BASELINE
        refused = await call_error(
            one.client, "arango_insert", {"collection": "c", "documents": {}}
        )
        flows = await call(one.client, "arango_list_workflows")
        widened = await call(one.client, "arango_switch_workflow", {"workflow": "full"})
        assert len(await one.names()) == len(REGISTRY)
    assert refused["kind"] == "tool_not_loaded"
    assert next(f for f in flows["workflows"] if f["active"])["name"] == "baseline"
    assert len(widened["added"]) == len(REGISTRY) - len(BASELINE)


async def test_stdio_config_key_and_notification(
    target: Target, lite_dbs: list[str], tmp_path: Path
):
    text = config_text({"main": entry(target.url, lite_dbs[0])}, workflow="schema_validation")
    params = stdio_params(write_config(tmp_path, text), server_env(target.root_password))
    changed: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.append(message)

    with (tmp_path / "stderr.log").open("w") as errlog:
        async with Client(
            stdio_client(params, errlog=errlog), mode="legacy", message_handler=on_message
        ) as client:
            first = {t.name for t in (await client.list_tools(cache_mode="bypass")).tools}
            switched = await call(client, "arango_switch_workflow", {"workflow": "baseline"})
            after = {t.name for t in (await client.list_tools(cache_mode="bypass")).tools}
    assert "arango_create_schema" in first and "arango_insert" not in first
    assert "arango_create_schema" in switched["removed"]
    assert after == BASELINE and len(changed) == 1


def test_config_key_picks_the_starting_workflow():
    parsed = parse_config_text('{"workflow": "graph_modeling", "databases": {}}', where="f.yaml")
    assert parsed.workflow == "graph_modeling"
    assert parse_config_text("databases: {}", where="f.yaml").workflow == "full"
    with pytest.raises(ConfigError, match=r"f.yaml: workflow: unknown workflow 'nope'"):
        parse_config_text('{"workflow": "nope"}', where="f.yaml")


def test_workflows_name_real_tools_and_categories():
    names = {s.name for s in REGISTRY}
    for flow in WORKFLOWS.values():
        assert set(flow.tools) | set(flow.exclude) <= names, flow.name
        assert set(flow.categories) <= {*CATEGORIES, "*"}, flow.name
    for stage in STAGES.values():
        assert set(stage.adds) <= set(CATEGORIES), stage.name


def test_workflow_budgets():
    """Issue 7's targets: baseline <= 1,500 tokens; every workflow <= 40% of the full list."""
    from bench.tool_tokens import listing

    _, full = listing("full", None)
    _, baseline = listing("baseline", None)
    assert baseline // 4 <= 1500
    for name in WORKFLOWS:
        if name != "full":
            assert listing(name, None)[1] <= 0.4 * full, name
