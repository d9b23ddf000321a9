"""The stdio transport: asyncio pipes, with ``tools/call`` and ``ping`` answered directly.

Every tool call an agent makes pays the transport's cost on top of the database's, and
over stdio the SDK's generic dispatch (pydantic envelopes, a relay stream, a task and a
middleware chain per request) cost about as much as the database round trip itself
(bench/mcp_overhead.py). Once a handshake-era session is established, a well-formed
``tools/call`` has exactly one meaning, so :class:`DirectCalls` serves it straight from
the registry, the same call the SDK handler makes, and writes the same JSON-RPC reply.

Everything else keeps going through the SDK unchanged: the handshake, ``tools/list``,
other notifications, 2026-07-28 (modern) sessions, protocol versions the direct path was
not checked against, and any request with a shape it does not recognise (the SDK then
answers with its own validation errors). Direct calls keep the protocol's obligations:
progress notifications for a ``progressToken``, ``notifications/tools/list_changed``
before the reply when a call changed the session's tools, no reply to a request the
client cancelled, and cancellation of calls still running when the client leaves.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import mcp_types as types
import orjson
from mcp.shared.message import SessionMessage

from mcp_arangodb_async.runtime import Runtime
from mcp_arangodb_async.sessions import STDIO_SESSION, SessionIdentity

__all__ = ["DIRECT_VERSIONS", "DirectCalls", "pipe_stdio"]

log = logging.getLogger("mcp_arangodb_async")

#: the longest JSON-RPC line accepted on stdin (a bulk insert can be large)
MAX_LINE = 64 * 1024 * 1024
#: protocol versions whose ``tools/call`` the direct path answers exactly as the SDK does
DIRECT_VERSIONS = frozenset({"2025-06-18", "2025-11-25"})
_STDIO = SessionIdentity(STDIO_SESSION, "stdio")
_CALL_PARAMS = frozenset({"name", "arguments", "_meta"})


def _request_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


class DirectCalls:
    """Answers ``tools/call`` and ``ping`` of an established stdio session itself.

    It watches both directions to know when the session is established: the client's
    ``initialize`` request, the SDK's reply to it (which carries the negotiated version)
    and the client's ``notifications/initialized``.
    """

    def __init__(self, runtime: Runtime, writer: asyncio.StreamWriter) -> None:
        self.runtime = runtime
        self._writer = writer
        self._initialize_id: Any = None
        self._version: str | None = None
        self._initialized = False
        self._running: dict[str, asyncio.Task[None]] = {}

    @property
    def ready(self) -> bool:
        return self._initialized and self._version in DIRECT_VERSIONS

    def observe_reply(self, message: Any) -> None:
        """See the SDK's outgoing messages: the ``initialize`` reply fixes the version."""
        if self._initialize_id is None or getattr(message, "id", None) != self._initialize_id:
            return
        result = getattr(message, "result", None)
        if isinstance(result, dict):
            self._version = result.get("protocolVersion")

    def take(self, message: Any) -> bool:
        """Serve ``message`` directly if it is ours to serve; False hands it to the SDK."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            return False
        method = message.get("method")
        if "id" not in message:
            return self._notification(method, message.get("params"))
        request_id = message["id"]
        if method == "initialize":
            self._initialize_id, self._version, self._initialized = request_id, None, False
            return False
        if not self.ready or not _request_id(request_id):
            return False
        params = message.get("params")
        if method == "ping" and params in (None, {}):
            self._write({"jsonrpc": "2.0", "id": request_id, "result": {}})
            return True
        if method == "tools/call":
            return self._tools_call(request_id, params)
        return False

    def _notification(self, method: Any, params: Any) -> bool:
        if method == "notifications/initialized":
            self._initialized = True
            return False
        if method == "notifications/cancelled" and isinstance(params, dict):
            task = self._running.get(str(params.get("requestId")))
            if task is not None:
                task.cancel()  # the spec: a cancelled request gets no reply
                return True
        return False

    def _tools_call(self, request_id: str | int, params: Any) -> bool:
        if not isinstance(params, dict) or not params.keys() <= _CALL_PARAMS:
            return False
        name, arguments = params.get("name"), params.get("arguments")
        if not isinstance(name, str) or not (arguments is None or isinstance(arguments, dict)):
            return False
        token = None
        meta = params.get("_meta")
        if meta is not None:
            if not isinstance(meta, dict) or not meta.keys() <= {"progressToken"}:
                return False
            token = meta.get("progressToken")
            if not _request_id(token):
                return False
        key = str(request_id)
        if key in self._running:  # a duplicate id in flight: let the SDK decide
            return False
        task = asyncio.get_running_loop().create_task(
            self._call(request_id, name, arguments, token)
        )
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))
        return True

    async def _call(
        self, request_id: str | int, name: str, arguments: dict[str, Any] | None, token: Any
    ) -> None:
        runtime = self.runtime
        progress = self._progress(token) if token is not None else None
        before = _tools_version(runtime)
        try:
            result = await runtime.registry.call(name, arguments, runtime, _STDIO, progress)
        except Exception:  # the registry turns tool failures into results; this is a bug
            log.error("tools/call %s failed in the stdio transport", name, exc_info=True)
            error = {"code": types.INTERNAL_ERROR, "message": "internal error"}
            await self._send({"jsonrpc": "2.0", "id": request_id, "error": error})
            return
        if _tools_version(runtime) != before:
            self._write({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
        reply: dict[str, Any] = {
            "content": [
                item.model_dump(by_alias=True, exclude_none=True) for item in result.content
            ],
            "isError": result.is_error,
        }
        if result.structured_content is not None:
            reply["structuredContent"] = result.structured_content
        await self._send({"jsonrpc": "2.0", "id": request_id, "result": reply})

    def _progress(self, token: str | int) -> Callable[[float, float | None, str | None], Any]:
        async def report(progress: float, total: float | None, message: str | None) -> None:
            params: dict[str, Any] = {"progressToken": token, "progress": progress}
            if total is not None:
                params["total"] = total
            if message is not None:
                params["message"] = message
            await self._send(
                {"jsonrpc": "2.0", "method": "notifications/progress", "params": params}
            )

        return report

    def _write(self, message: dict[str, Any]) -> None:
        """One whole line per message: lines from here and from the SDK never interleave."""
        self._writer.write(orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS) + b"\n")

    async def _send(self, message: dict[str, Any]) -> None:
        self._write(message)
        await self._writer.drain()  # a client that stops reading slows us, not our memory

    async def cancel_all(self) -> None:
        """Cancel the calls still running (the client closed stdin: nobody reads replies)."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _tools_version(runtime: Runtime) -> int:
    state = runtime.sessions.peek(STDIO_SESSION)
    return state.tools_version if state is not None else 0


@asynccontextmanager
async def pipe_stdio(runtime: Runtime) -> AsyncIterator[tuple[Any, Any]]:
    """stdio as asyncio pipes (no thread hop per message, unlike the SDK's transport).

    Like the SDK's, it moves the protocol off fds 0 and 1 while serving, so a stray
    ``print`` lands on stderr instead of corrupting the protocol stream. Yields the
    (read, write) stream pair the SDK server runs on; direct calls bypass it.
    """
    loop = asyncio.get_running_loop()
    proto_in, proto_out = os.dup(0), os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    reader = asyncio.StreamReader(limit=MAX_LINE)
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

    direct = DirectCalls(runtime, writer)
    read_send, read_receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_send, write_receive = anyio.create_memory_object_stream[SessionMessage](0)

    async def stdin_reader() -> None:
        async with read_send:
            while line := await reader.readline():
                if not line.strip():
                    continue
                try:
                    parsed = orjson.loads(line)
                except orjson.JSONDecodeError:
                    parsed = None  # the SDK's parser below reports it its own way
                if parsed is not None and direct.take(parsed):
                    await writer.drain()
                    continue
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:
                    await read_send.send(exc)
                    continue
                await read_send.send(SessionMessage(message))
            await direct.cancel_all()

    async def stdout_writer() -> None:
        async with write_receive:
            async for session_message in write_receive:
                direct.observe_reply(session_message.message)
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
        await direct.cancel_all()
        read_transport.close()
        write_transport.close()
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)
