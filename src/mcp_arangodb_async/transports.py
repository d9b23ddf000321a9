"""Serving the MCP server over stdio or streamable HTTP (``/mcp`` plus ``GET /health``).

stdio: stdout is the protocol, so everything else (notices, logs) goes to stderr.
HTTP: one process serves many sessions; ``--stateless`` serves every request on its own
(no ``Mcp-Session-Id``), as 2026-07-28 clients always are. ``/health`` checks every
configured database concurrently and answers 200 when all are reachable, 503 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import mcp_types as types
import uvicorn
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mcp_arangodb_async.config import APP_NAME
from mcp_arangodb_async.runtime import Runtime
from mcp_arangodb_async.server import build_server

__all__ = ["run_http", "run_stdio"]

#: the longest JSON-RPC line accepted on stdin (a bulk insert can be large)
_MAX_LINE = 64 * 1024 * 1024


async def run_stdio(runtime: Runtime) -> None:
    server = build_server(runtime)
    try:
        streams = _pipe_stdio()
        read_stream, write_stream = await streams.__aenter__()
    except (OSError, ValueError):  # stdin/stdout are not pipes: the SDK's threaded transport
        streams = stdio_server()
        read_stream, write_stream = await streams.__aenter__()
    try:
        await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        await streams.__aexit__(None, None, None)


@asynccontextmanager
async def _pipe_stdio() -> AsyncIterator[tuple[Any, Any]]:
    """stdio as asyncio pipes: no thread hop per message (the SDK's transport makes three).

    Like the SDK's, it moves the protocol off fds 0 and 1 while serving, so a stray
    ``print`` lands on stderr instead of corrupting the protocol stream.
    """
    loop = asyncio.get_running_loop()
    proto_in, proto_out = os.dup(0), os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    reader = asyncio.StreamReader(limit=_MAX_LINE)
    in_file = os.fdopen(proto_in, "rb", buffering=0)
    out_file = os.fdopen(proto_out, "wb", buffering=0)
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), in_file
        )
        write_transport, write_protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, out_file
        )
    except BaseException:
        in_file.close()
        out_file.close()
        os.close(saved_in)
        os.close(saved_out)
        raise
    writer = asyncio.StreamWriter(write_transport, write_protocol, None, loop)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)

    read_send, read_receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_send, write_receive = anyio.create_memory_object_stream[SessionMessage](0)

    async def stdin_reader() -> None:
        async with read_send:
            while line := await reader.readline():
                if not line.strip():
                    continue
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:
                    await read_send.send(exc)
                    continue
                await read_send.send(SessionMessage(message))

    async def stdout_writer() -> None:
        async with write_receive:
            async for session_message in write_receive:
                data = session_message.message.model_dump_json(by_alias=True, exclude_unset=True)
                writer.write(data.encode() + b"\n")
                await writer.drain()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(stdin_reader)
            tg.start_soon(stdout_writer)
            yield read_receive, write_send
            tg.cancel_scope.cancel()
    finally:
        read_transport.close()
        write_transport.close()
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)


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
