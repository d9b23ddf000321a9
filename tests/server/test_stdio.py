"""The server over stdio, as MCP clients launch it: config file, env-only, embedded default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.conftest import Target, unique_name
from tests.server.conftest import call, call_error, config_text, entry, server_env, write_config


def _params(env: dict[str, str], *args: str, cwd: Path | None = None) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_arangodb_async", "server", *args], env=env, cwd=cwd
    )


async def test_stdio_with_a_config_file(target: Target, lite_dbs: list[str], tmp_path: Path):
    config = write_config(
        tmp_path,
        config_text(
            {"main": entry(target.url, lite_dbs[0]), "other": entry(target.url, lite_dbs[1])}
        ),
    )
    coll = unique_name("stdio")
    errlog = (tmp_path / "stderr.log").open("w")
    params = _params(server_env(target.root_password), "--config-path", str(config))
    async with Client(stdio_client(params, errlog=errlog), mode="legacy") as client:
        tools = await client.list_tools()
        assert len(tools.tools) >= 17
        await call(client, "arango_set_focused_database", {"database": "other"})
        created = await call(client, "arango_create_collection", {"name": coll})
        focus = await call(client, "arango_get_database_resolution")
        bad = await call_error(client, "arango_create_collection", {"nme": coll})
        duplicate = await call_error(client, "arango_create_collection", {"name": coll})
    errlog.close()
    assert created["database"] == "other"
    assert (focus["session"], focus["level"]) == ("stdio", 2)
    assert bad["kind"] == "invalid_arguments" and bad["field"] in ("name", "nme")
    assert duplicate["errorNum"] == 1207
    log = (tmp_path / "stderr.log").read_text()
    assert "databases from file" in log
    assert target.root_password not in log


async def test_stdio_env_only_mode_with_mcp_aliases(
    target: Target, lite_dbs: list[str], tmp_path: Path
):
    env = server_env(
        target.root_password,
        MCP_ARANGO_URL=target.url,
        MCP_ARANGO_DB=lite_dbs[2],
        MCP_ARANGO_USERNAME="root",
        MCP_ARANGO_PASSWORD=target.root_password,
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
    )
    async with Client(_params(env, cwd=tmp_path), mode="legacy") as client:
        listed = await call(client, "arango_list_available_databases")
        status = await call(client, "arango_test_database_connection")
    assert [d["key"] for d in listed["databases"]] == ["default"]
    assert listed["databases"][0]["database"] == lite_dbs[2]
    assert listed["source"] == "environment (ARANGO_URL)"
    assert status["reachable"] is True


async def test_stdio_embedded_default_persists_and_is_announced(tmp_path: Path):
    env = server_env(
        "",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    coll = unique_name("kept")
    errlog_path = tmp_path / "stderr.log"
    for round_ in range(2):
        with errlog_path.open("w") as errlog:
            async with Client(
                stdio_client(_params(env, cwd=tmp_path), errlog=errlog), mode="legacy"
            ) as client:
                status = await call(client, "arango_get_multi_database_status")
                if round_ == 0:
                    await call(client, "arango_create_collection", {"name": coll})
                listed = await call(client, "arango_list_collections")
        assert coll in [c["name"] for c in listed["collections"]]
    (db_status,) = status["databases"]
    assert db_status["reachable"] is True
    assert db_status["embedded_data_dir"].startswith(str(tmp_path / "data"))
    log = errlog_path.read_text()
    assert "embedded arangolite" in log and str(tmp_path / "data") in log


def test_server_start_leaves_heavy_modules_for_first_use():
    # launch -> first tools/list is what a client waits for: the driver (with aiohttp),
    # jsonschema and arangolite load on first use, not at start (bench/mcp_overhead.py)
    probe = (
        "import sys\n"
        "from mcp_arangodb_async.cli import build_parser\n"
        "from mcp_arangodb_async.runtime import Runtime\n"
        "from mcp_arangodb_async.transports import run_stdio\n"
        "heavy = ('arangoasync', 'aiohttp', 'jsonschema', 'arangolite')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout
