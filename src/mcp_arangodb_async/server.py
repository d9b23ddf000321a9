"""The MCP server: the SDK's low-level ``Server`` wired to the runtime and the registry.

``build_server(runtime)`` returns a server whose ``tools/list`` is computed per session by
the registry and whose ``tools/call`` goes through :meth:`Registry.call`. The server
advertises ``tools.listChanged`` so later features (workflows) can change a session's tool
set and notify it.

Session identity is decided here, where the transport is known (see ``sessions.py``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import mcp_types as types
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from mcp_arangodb_async import __version__
from mcp_arangodb_async.config import APP_NAME
from mcp_arangodb_async.runtime import Runtime
from mcp_arangodb_async.sessions import STDIO_SESSION, SessionIdentity

__all__ = ["ArangoServer", "build_server", "identify"]

log = logging.getLogger("mcp_arangodb_async")

INSTRUCTIONS = (
    "Work with ArangoDB databases. arango_list_available_databases lists the database keys; "
    "arango_set_focused_database picks the session default; every data tool also accepts "
    "`database` for one call. Large results are paged: follow next_cursor with arango_next_page. "
    "Tools not listed can be found and loaded with arango_search_tools (load: true) or a "
    "workflow (arango_list_workflows)."
)

_CLEANUP_FLAG = "mcp_arangodb_async.cleanup"


class ArangoServer(Server[Runtime]):
    """The SDK server with ``tools.listChanged`` advertised on every transport."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )


def identify(ctx: Any, runtime: Runtime) -> SessionIdentity:
    """Which session a request belongs to (``ctx`` is the SDK's ServerRequestContext)."""
    if runtime.transport == "stdio":
        return SessionIdentity(STDIO_SESSION, "stdio")
    modern = ctx.protocol_version in MODERN_PROTOCOL_VERSIONS
    if not runtime.stateless and not modern:
        connection = getattr(ctx.session, "_connection", None)
        session_id = getattr(connection, "session_id", None)
        if session_id is None and ctx.request is not None:
            session_id = ctx.request.headers.get("mcp-session-id")
        if session_id:
            _remove_on_disconnect(connection, runtime, session_id)
            return SessionIdentity(f"http:{session_id}", "http")
    principal = _principal(ctx)
    if principal is not None:
        return SessionIdentity(f"principal:{principal}", "principal")
    return SessionIdentity(None, "none")


def _principal(ctx: Any) -> str | None:
    request = ctx.request
    user = request.scope.get("user") if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return str(getattr(user, "display_name", "") or "") or None
    return None


def _remove_on_disconnect(connection: Any, runtime: Runtime, session_id: str) -> None:
    """Forget the session's state when its connection closes (DELETE, idle timeout, crash).

    The SDK exposes the connection's exit stack for exactly this; it is reached through
    the request's ``ServerSession`` because 2.x's low-level context does not carry the
    connection itself yet.
    """
    if connection is None or connection.state.get(_CLEANUP_FLAG):
        return
    connection.state[_CLEANUP_FLAG] = True
    connection.exit_stack.push_async_callback(runtime.forget_session, f"http:{session_id}")


def _tools_version(runtime: Runtime, identity: SessionIdentity) -> int:
    state = runtime.sessions.peek(identity.session_id)
    return state.tools_version if state is not None else 0


async def _notify_tools_changed(ctx: Any) -> None:
    """Send ``notifications/tools/list_changed`` after a call changed the session's tools.

    It rides the request's own response stream (so an HTTP client gets it before the
    result, without a standalone GET stream). Handshake-era only: at 2026-07-28 change
    notifications reach a client only through a ``subscriptions/listen`` stream.
    """
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        return
    try:
        await ctx.session.send_notification(
            types.ToolListChangedNotification(), related_request_id=ctx.request_id
        )
    except Exception:  # best effort: the tool's result already says what changed
        log.debug("could not send tools/list_changed", exc_info=True)


def build_server(runtime: Runtime) -> ArangoServer:
    @asynccontextmanager
    async def lifespan(_: Server[Runtime]) -> AsyncIterator[Runtime]:
        runtime.announce()
        await runtime.start()
        try:
            yield runtime
        finally:
            await runtime.aclose()

    async def list_tools(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        identity = identify(ctx, runtime)
        session = runtime.sessions.peek(identity.session_id)
        return types.ListToolsResult(tools=runtime.registry.list_tools(session, runtime.config))

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        identity = identify(ctx, runtime)
        # request-scoped: a no-op unless the client sent a progressToken
        progress = getattr(ctx.session, "report_progress", None)
        before = _tools_version(runtime, identity)
        result = await runtime.registry.call(
            params.name, params.arguments, runtime, identity, progress=progress
        )
        if _tools_version(runtime, identity) != before:
            await _notify_tools_changed(ctx)
        return result

    server = ArangoServer(
        APP_NAME,
        version=__version__,
        title="ArangoDB",
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        get_tool_input_schema=runtime.registry.input_schema,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
    # The SDK installs an OpenTelemetry span middleware by default; without an exporter it
    # only costs time on every request (measurable in bench/mcp_overhead.py).
    server.middleware = [
        m for m in server.middleware if type(m).__name__ != "OpenTelemetryMiddleware"
    ]
    return server
