"""Everything one server process holds: configuration, connections, sessions, pending pages.

Created in the MCP server's lifespan (one per process, shared by all sessions) and closed
when the server stops: every driver client closed, every embedded server stopped.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from mcp_arangodb_async.config import APP_NAME, Config
from mcp_arangodb_async.connections import ConnectionManager
from mcp_arangodb_async.embedded import EmbeddedServers, default_data_dir
from mcp_arangodb_async.results import PageStore
from mcp_arangodb_async.sessions import SessionStore
from mcp_arangodb_async.tools.registry import REGISTRY, Registry

__all__ = ["Runtime", "Transport"]

Transport = Literal["stdio", "http"]


@dataclass
class Runtime:
    config: Config
    connections: ConnectionManager
    transport: Transport = "stdio"
    stateless: bool = False
    registry: Registry = field(default_factory=lambda: REGISTRY)
    sessions: SessionStore = field(default_factory=SessionStore)
    pages: PageStore = field(default_factory=PageStore)
    started_at: float = field(default_factory=time.time)

    @classmethod
    def create(
        cls,
        config: Config,
        *,
        transport: Transport = "stdio",
        stateless: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Runtime:
        environ = os.environ if environ is None else environ
        connections = ConnectionManager(config, EmbeddedServers(), environ)
        return cls(config=config, connections=connections, transport=transport, stateless=stateless)

    def announce(self) -> None:
        """Tell the operator (stderr; stdout is the protocol on stdio) what is configured."""
        keys = ", ".join(self.config.databases) or "none"
        print(
            f"{APP_NAME}: databases from {self.config.describe_source()}: {keys}",
            file=sys.stderr,
            flush=True,
        )
        if self.config.source == "embedded":
            print(
                f"{APP_NAME}: no configuration file and no ARANGO_URL: using the embedded "
                f"arangolite (data directory {default_data_dir()}); set ARANGO_URL or write "
                "config/databases.yaml to use ArangoDB",
                file=sys.stderr,
                flush=True,
            )

    async def start(self) -> None:
        """Start embedded servers now, so their URL is announced at startup."""
        for key, entry in self.config.databases.items():
            if entry.embedded:
                try:
                    await self.connections.database(key)
                except Exception as exc:  # reported by status tools and tool calls
                    print(f"{APP_NAME}: database '{key}': {exc}", file=sys.stderr, flush=True)

    async def forget_session(self, session_id: str) -> None:
        await self.sessions.remove(session_id)
        await self.pages.discard_owner(session_id)

    async def aclose(self) -> None:
        await self.pages.close_all()
        self.sessions.clear()
        await self.connections.close_all()
