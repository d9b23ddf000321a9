"""Serving the MCP server over stdio or streamable HTTP (``/mcp`` plus ``GET /health``).

stdio: stdout is the protocol, so everything else (notices, logs) goes to stderr.
HTTP: one process serves many sessions; ``--stateless`` serves every request on its own
(no ``Mcp-Session-Id``), as 2026-07-28 clients always are. ``/health`` checks every
configured database concurrently and answers 200 when all are reachable, 503 otherwise.
"""

from __future__ import annotations

import asyncio
import sys

import uvicorn
from mcp.server.stdio import stdio_server
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mcp_arangodb_async.config import APP_NAME
from mcp_arangodb_async.runtime import Runtime
from mcp_arangodb_async.server import build_server
from mcp_arangodb_async.stdio import pipe_stdio

__all__ = ["run_http", "run_stdio"]


async def run_stdio(runtime: Runtime) -> None:
    server = build_server(runtime)
    try:
        streams = pipe_stdio(runtime)
        read_stream, write_stream = await streams.__aenter__()
    except (OSError, ValueError):  # stdin/stdout are not pipes: the SDK's threaded transport
        streams = stdio_server()
        read_stream, write_stream = await streams.__aenter__()
    try:
        await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        await streams.__aexit__(None, None, None)


def _health_route(runtime: Runtime) -> Route:
    async def health(request: Request) -> JSONResponse:
        statuses = await runtime.connections.check_all()
        healthy = all(s.reachable for s in statuses)
        body = {
            "status": "ok" if healthy else "degraded",
            "active_sessions": len(runtime.sessions),
            "databases": [
                {
                    "key": s.key,
                    "reachable": s.reachable,
                    "latency_ms": s.latency_ms,
                    **({"error": s.error.get("message")} if s.error else {}),
                }
                for s in statuses
            ],
        }
        return JSONResponse(body, status_code=200 if healthy else 503)

    return Route("/health", health, methods=["GET"])


async def run_http(runtime: Runtime, *, host: str, port: int) -> None:
    server = build_server(runtime)
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=runtime.stateless,
        host=host,
        custom_starlette_routes=[_health_route(runtime)],
    )
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="on"
    )
    userver = uvicorn.Server(config)
    task = asyncio.create_task(userver.serve())
    while not userver.started:
        if task.done():
            await task
            raise SystemExit(1)  # uvicorn already said why on stderr
        await asyncio.sleep(0.02)
    bound = userver.servers[0].sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"{APP_NAME}: serving MCP over streamable HTTP at http://{shown}:{bound}/mcp "
        f"(health: http://{shown}:{bound}/health)",
        file=sys.stderr,
        flush=True,
    )
    await task
