"""Fixtures for driving the MCP server as a user would: a real subprocess, the real client.

``McpHttpServer`` runs ``mcp-arangodb-async server --transport http --port 0`` with a YAML
config written to a temp dir; its stderr goes to a file (the URL is read from there). Tests
open ``mcp.Client(url, mode="legacy")`` per session (handshake era, with Mcp-Session-Id)
or ``Client(url)`` (2026-07-28, no session). stdio tests spawn the server through
``StdioServerParameters``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import Target, unique_name

PASSWORD_ENV = "MAA_TEST_ROOT_PASSWORD"
_URL_LINE = re.compile(r"at (http://\S+/mcp) ")


def write_config(directory: Path, text: str, name: str = "databases.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def entry(url: str, database: str = "_system", **extra: Any) -> dict[str, Any]:
    """One config entry as a dict (rendered to YAML flow style by ``config_text``)."""
    return {
        "url": url,
        "database": database,
        "username": "root",
        "password_env": PASSWORD_ENV,
        **extra,
    }


def config_text(databases: Mapping[str, Mapping[str, Any]], **top: Any) -> str:
    """YAML for a config (JSON is YAML; flow style keeps it short)."""
    return json.dumps({**top, "databases": databases}, indent=1)


def server_env(target_password: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARANGO_", "MCP_ARANGO_", "MCP_DEFAULT"))
    }
    env[PASSWORD_ENV] = target_password
    env.update(extra)
    return env


@dataclass
class McpHttpServer:
    config: Path
    env: dict[str, str]
    extra_args: tuple[str, ...] = ()
    url: str = ""
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    _log: Any = field(default=None, repr=False)

    def start(self, timeout: float = 30) -> McpHttpServer:
        self.log_path = self.config.with_suffix(f".{unique_name('log')}.stderr")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mcp_arangodb_async",
                "server",
                "--transport",
                "http",
                "--port",
                "0",
                "--config-path",
                str(self.config),
                *self.extra_args,
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = _URL_LINE.search(self.stderr())
            if match:
                self.url = match.group(1)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stderr()}")
            time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.stderr()}")

    @property
    def health_url(self) -> str:
        return self.url.removesuffix("/mcp") + "/health"

    def stderr(self) -> str:
        assert self.log_path is not None
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def client(self, *, legacy: bool = True) -> Client:
        return Client(self.url, mode="legacy" if legacy else "auto")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def stdio_params(config: Path | None, env: dict[str, str], *args: str) -> StdioServerParameters:
    argv = ["-m", "mcp_arangodb_async", "server"]
    if config is not None:
        argv += ["--config-path", str(config)]
    return StdioServerParameters(command=sys.executable, args=[*argv, *args], env=env)


async def call(client: Client, name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call a tool that must succeed; return its structuredContent (checked against the text)."""
    result = await client.call_tool(name, args or {})
    text = result.content[0].text  # type: ignore[union-attr]
    assert not result.is_error, text
    assert json.loads(text) == result.structured_content
    return result.structured_content  # type: ignore[no-any-return]


async def call_error(
    client: Client, name: str, args: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Call a tool that must fail; return the error payload."""
    result = await client.call_tool(name, args or {})
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error, text
    assert "Traceback" not in text
    return json.loads(text)["error"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mcp")


@pytest.fixture(scope="module")
async def lite_dbs(target: Target) -> AsyncIterator[list[str]]:
    """Three fresh databases on the target, dropped at the end of the module."""
    names = [unique_name("mcp") for _ in range(3)]
    async with ArangoClient(hosts=target.url) as client:
        sys_db = await client.db("_system", auth=Auth("root", target.root_password))
        for name in names:
            await sys_db.create_database(name)
    yield names
    async with ArangoClient(hosts=target.url) as client:
        sys_db = await client.db("_system", auth=Auth("root", target.root_password))
        for name in names:
            await sys_db.delete_database(name, ignore_missing=True)


@pytest.fixture(scope="module")
def http_server(target: Target, lite_dbs: list[str], module_tmp: Path) -> Iterator[McpHttpServer]:
    """One HTTP server per module: keys ``alpha``, ``beta``, ``gamma`` on the target."""
    alpha, beta, gamma = lite_dbs
    text = config_text(
        {
            "alpha": entry(target.url, alpha, description="first test database"),
            "beta": entry(target.url, beta),
            "gamma": entry(target.url, gamma, read_only=True),
        },
        default_database="alpha",
    )
    server = McpHttpServer(write_config(module_tmp, text), server_env(target.root_password))
    server.start()
    yield server
    server.stop()


def backup_server_on(
    target: Target, lite_dbs: list[str], module_tmp: Path, root: Path, config_name: str
) -> Iterator[McpHttpServer]:
    """Keys ``alpha`` and ``beta`` (two databases), backups confined to ``root``.

    Shared by the backup test modules, which each wrap it in a module-scoped fixture.
    """
    text = config_text(
        {"alpha": entry(target.url, lite_dbs[0]), "beta": entry(target.url, lite_dbs[1])},
        default_database="alpha",
    )
    env = server_env(target.root_password, MCP_ARANGO_BACKUP_DIR=str(root))
    server = McpHttpServer(write_config(module_tmp, text, config_name), env)
    server.start()
    yield server
    server.stop()


_AQL: dict[str, bool] = {}


@pytest.fixture
async def requires_aql(target: Target) -> None:
    """Skip while the target has no AQL (arangolite's AQL engine is still being built)."""
    if target.url not in _AQL:
        from arangoasync.exceptions import AQLQueryExecuteError

        async with ArangoClient(hosts=target.url) as client:
            db = await client.db("_system", auth=Auth("root", target.root_password))
            try:
                cursor = await db.aql.execute("RETURN 1")
                _AQL[target.url] = [row async for row in cursor] == [1]
            except AQLQueryExecuteError as exc:
                _AQL[target.url] = exc.http_code != 404
    if not _AQL[target.url]:
        pytest.skip("the target has no AQL (/_api/cursor) yet")
