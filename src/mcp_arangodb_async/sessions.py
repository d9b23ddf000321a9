"""Per-session state (focused database, workflow, tool usage), keyed by session id.

Who is a session (DESIGN.md §4):

- stdio: the process — one client, one session, id ``"stdio"``;
- streamable HTTP, handshake era (2025-06-18 / 2025-11-25): the ``Mcp-Session-Id``;
- stateless HTTP, and 2026-07-28 requests (which carry no session): the authenticated
  principal when the transport has one; otherwise there is no session, and tools that
  need session state refuse with a message that says to pass ``database`` on each call.

State is created on first use and removed when the transport reports the session gone
(its connection's exit stack unwinds: client DELETE, idle timeout, disconnect). All
mutations happen on the event loop without awaiting in between, and go through one
``asyncio.Lock`` so that later multi-step updates stay atomic too.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from mcp_arangodb_async.errors import SessionStateRefused

__all__ = ["STDIO_SESSION", "SessionIdentity", "SessionState", "SessionStore", "ToolUsage"]

STDIO_SESSION = "stdio"


@dataclass
class ToolUsage:
    """How often this session called one tool, and how it went."""

    calls: int = 0
    errors: int = 0
    last_used: float = 0.0


@dataclass
class SessionState:
    """Everything one session remembers between calls."""

    session_id: str
    focused_database: str | None = None
    created_at: float = field(default_factory=time.time)
    last_used: float = field(default_factory=time.time)
    #: the active workflow (``None``: the server's starting workflow) and stage (workflows.py)
    workflow: str | None = None
    stage: str | None = None
    #: single tools loaded into / unloaded from the workflow's set
    loaded: set[str] = field(default_factory=set)
    unloaded: set[str] = field(default_factory=set)
    #: bumped whenever the visible tool set changes (the server then notifies the client)
    tools_version: int = 0
    usage: dict[str, ToolUsage] = field(default_factory=dict)
    #: room for later features (active workflow, usage stats) without a schema change
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionIdentity:
    """Which session a request belongs to, or why it belongs to none."""

    session_id: str | None
    kind: Literal["stdio", "http", "principal", "none"]

    def require(self) -> str:
        if self.session_id is None:
            raise SessionStateRefused(
                "this connection has no session (stateless HTTP or a 2026-07-28 request "
                "without an authenticated principal), so there is no focused database to keep",
                hint="pass `database` on each call",
            )
        return self.session_id


class SessionStore:
    """All live sessions; concurrent sessions never share a ``SessionState``."""

    def __init__(self) -> None:
        self._states: dict[str, SessionState] = {}
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._states)

    def peek(self, session_id: str | None) -> SessionState | None:
        """The state if it exists; never creates one."""
        return self._states.get(session_id) if session_id is not None else None

    def get(self, session_id: str) -> SessionState:
        """The state of ``session_id``, created on first use."""
        state = self._states.get(session_id)
        if state is None:
            state = self._states[session_id] = SessionState(session_id)
        state.last_used = time.time()
        return state

    async def set_focused_database(self, session_id: str, key: str | None) -> SessionState:
        async with self._lock:
            state = self.get(session_id)
            state.focused_database = key
            return state

    async def remove(self, session_id: str) -> None:
        async with self._lock:
            self._states.pop(session_id, None)

    def clear(self) -> None:
        self._states.clear()
