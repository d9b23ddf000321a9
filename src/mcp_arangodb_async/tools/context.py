"""What a tool handler gets besides its arguments: the runtime, the session, the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mcp_arangodb_async.errors import UnknownDatabase

if TYPE_CHECKING:
    from arangoasync.database import StandardDatabase

    from mcp_arangodb_async.config import Config, ResultLimits
    from mcp_arangodb_async.resolution import Resolution
    from mcp_arangodb_async.runtime import Runtime
    from mcp_arangodb_async.sessions import SessionIdentity, SessionState

__all__ = ["ProgressFn", "ToolContext"]

#: ``(progress, total, message)``: the SDK's request-scoped ``report_progress``
ProgressFn = Callable[[float, "float | None", "str | None"], Awaitable[None]]


@dataclass
class ToolContext:
    runtime: Runtime
    identity: SessionIdentity
    #: the session's state, or ``None`` when the request has no session
    session: SessionState | None
    #: the resolved database (tools with the ``database`` override only)
    resolution: Resolution | None = None
    #: sends ``notifications/progress`` when the client gave a progressToken (else a no-op)
    progress: ProgressFn | None = None

    @property
    def config(self) -> Config:
        return self.runtime.config

    @property
    def limits(self) -> ResultLimits:
        return self.runtime.config.limits

    @property
    def key(self) -> str:
        """The configuration key this call works on."""
        if self.resolution is None:  # pragma: no cover - a registry bug, not user input
            raise RuntimeError("this tool does not resolve a database")
        return self.resolution.key

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """Tell the client how far a long call is (only if it asked, by a progressToken)."""
        if self.progress is not None:
            await self.progress(progress, total, message)

    async def db(self) -> StandardDatabase:
        """The verified connection for the resolved key."""
        key = self.key
        if key not in self.config.databases:
            raise UnknownDatabase(
                "no database is configured (resolution fell through to the `_system` fallback)",
                hint="add an entry under `databases:` in the configuration file",
            )
        return await self.runtime.connections.database(key)
