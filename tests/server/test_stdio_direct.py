"""tools/call over stdio, served by the transport itself once the session is established.

These tests speak raw JSON-RPC lines to a server subprocess, so they can compare the
direct path with the SDK's (a request the direct path does not recognise goes to the SDK)
and watch what is, and is not, written: progress, list_changed, replies to cancelled
requests, shutdown with calls in flight.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Target, unique_name
from tests.server.conftest import config_text, entry, server_env, write_config

READ_TIMEOUT = 10.0


class LineClient:
    """A minimal MCP client: one JSON object per line, replies matched by id."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.seen: list[dict[str, Any]] = []  # every message read, in order
        self._next = 0

    async def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        await self.proc.stdin.drain()

    async def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), READ_TIMEOUT)
        assert line, "the server closed stdout"
        message = json.loads(line)
        self.seen.append(message)
        return message

    async def reply(self, request_id: Any) -> dict[str, Any]:
        for message in self.seen:
            if message.get("id") == request_id and "method" not in message:
                return message
        while True:
            message = await self.read()
            if message.get("id") == request_id and "method" not in message:
                return message

    async def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next, "method": method}
        if params is not None:
            message["params"] = params
        await self.send(message)
        return await self.reply(self._next)

    async def call(self, name: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return await self.request("tools/call", {"name": name, "arguments": arguments, **extra})

    async def handshake(self, version: str = "2025-06-18") -> dict[str, Any]:
        info = {"name": "lines", "version": "1"}
        init = await self.request(
            "initialize", {"protocolVersion": version, "capabilities": {}, "clientInfo": info}
        )
        await self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return init


@pytest.fixture
async def lines(target: Target, lite_dbs: list[str], tmp_path: Path) -> AsyncIterator[LineClient]:
    config = write_config(tmp_path, config_text({"main": entry(target.url, lite_dbs[0])}))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mcp_arangodb_async",
        "server",
        "--config-path",
        str(config),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=server_env(target.root_password),
    )
    client = LineClient(proc)
    try:
        yield client
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def _result(reply: dict[str, Any]) -> dict[str, Any]:
    assert "result" in reply, reply
    return reply["result"]  # type: ignore[no-any-return]


async def test_direct_replies_match_the_sdk_path(lines: LineClient):
    await lines.handshake()
    coll = unique_name("direct")
    created = _result(await lines.call("arango_create_collection", {"name": coll}))
    assert created["structuredContent"]["name"] == coll
    # `_meta` with a key the direct path does not know sends the same call through the SDK
    args = {"query": "FOR i IN 1..3 RETURN {i}"}
    direct = _result(await lines.call("arango_query", args))
    via_sdk = _result(await lines.call("arango_query", args, _meta={"note": "x"}))
    for reply in (direct, via_sdk):
        assert reply["isError"] is False
        assert reply["content"][0]["type"] == "text"
        assert json.loads(reply["content"][0]["text"]) == reply["structuredContent"]
    drop = ("stats",)  # executionTime differs between two runs
    assert {k: v for k, v in direct["structuredContent"].items() if k not in drop} == {
        k: v for k, v in via_sdk["structuredContent"].items() if k not in drop
    }
    # tool errors: same payload both ways, no structuredContent
    bad = {"collection": coll, "documents": {"_key": "?bad key"}}
    errors = [
        _result(await lines.call("arango_insert", bad)),
        _result(await lines.call("arango_insert", bad, _meta={"note": "x"})),
    ]
    assert [e["isError"] for e in errors] == [True, True]
    assert "structuredContent" not in errors[0]
    assert errors[0]["content"] == errors[1]["content"]
    assert json.loads(errors[0]["content"][0]["text"])["error"]["errorNum"] == 1221


async def test_malformed_calls_get_the_sdks_protocol_errors(lines: LineClient):
    await lines.handshake()
    missing_name = await lines.request("tools/call", {"arguments": {}})
    assert missing_name["error"]["code"] == -32602
    bad_arguments = await lines.request("tools/call", {"name": "arango_query", "arguments": [1]})
    assert bad_arguments["error"]["code"] == -32602
    ping = await lines.request("ping")
    assert ping["result"] == {}


async def test_before_the_handshake_completes_calls_are_not_served_directly(lines: LineClient):
    """Until `notifications/initialized`, the SDK decides (it refuses early tool calls)."""
    info = {"name": "lines", "version": "1"}
    await lines.request(
        "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": info}
    )
    early = await lines.request("tools/call", {"name": "arango_get_focused_database"})
    await lines.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    later = await lines.call("arango_get_focused_database", {})
    assert "error" in early or early["result"]["isError"] is False  # whatever the SDK does
    assert _result(later)["isError"] is False


async def test_list_changed_comes_before_the_reply_that_caused_it(lines: LineClient):
    await lines.handshake()
    await lines.send(
        {
            "jsonrpc": "2.0",
            "id": "wf",
            "method": "tools/call",
            "params": {"name": "arango_switch_workflow", "arguments": {"workflow": "baseline"}},
        }
    )
    reply = await lines.reply("wf")
    assert _result(reply)["isError"] is False
    methods = [m.get("method") for m in lines.seen]
    assert methods.index("notifications/tools/list_changed") < lines.seen.index(reply)
    listed = _result(await lines.request("tools/list"))
    names = {t["name"] for t in listed["tools"]}
    assert "arango_query" in names and "arango_bulk_insert" not in names
    hidden = _result(await lines.call("arango_bulk_insert", {"collection": "c", "documents": []}))
    assert hidden["isError"] is True
    assert "arango_search_tools" in hidden["content"][0]["text"]


async def test_progress_notifications_carry_the_token(lines: LineClient):
    await lines.handshake()
    coll = unique_name("progress")
    await lines.call("arango_create_collection", {"name": coll})
    docs = [{"n": i} for i in range(2500)]
    args = {"collection": coll, "documents": docs, "batch_size": 1000}
    reply = await lines.call("arango_bulk_insert", args, _meta={"progressToken": "tok-1"})
    assert _result(reply)["structuredContent"]["succeeded"] == 2500
    progress = [m for m in lines.seen if m.get("method") == "notifications/progress"]
    assert progress and all(m["params"]["progressToken"] == "tok-1" for m in progress)
    assert progress[-1]["params"]["progress"] == progress[-1]["params"]["total"] == 2500


async def test_a_slow_call_does_not_delay_others_and_cancelled_calls_get_no_reply(
    lines: LineClient, requires_aql: None
):
    await lines.handshake()
    slow = {"name": "arango_query", "arguments": {"query": "RETURN SLEEP(1.5)"}}
    await lines.send({"jsonrpc": "2.0", "id": "slow", "method": "tools/call", "params": slow})
    await lines.send({"jsonrpc": "2.0", "id": "gone", "method": "tools/call", "params": slow})
    started = time.perf_counter()
    quick = await lines.call("arango_get_focused_database", {})
    assert time.perf_counter() - started < 1.0
    assert _result(quick)["isError"] is False
    await lines.send(
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "gone"}}
    )
    assert _result(await lines.reply("slow"))["isError"] is False
    await lines.request("ping")  # everything written before this reply has been read
    await asyncio.sleep(0.3)
    assert not any(m.get("id") == "gone" for m in lines.seen)


async def test_closing_stdin_with_a_call_in_flight_exits_promptly(
    lines: LineClient, requires_aql: None
):
    await lines.handshake()
    params = {"name": "arango_query", "arguments": {"query": "RETURN SLEEP(30)"}}
    await lines.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
    await asyncio.sleep(0.2)
    assert lines.proc.stdin is not None
    lines.proc.stdin.close()
    code = await asyncio.wait_for(lines.proc.wait(), 10)
    assert code == 0


async def test_other_protocol_versions_are_served_by_the_sdk(lines: LineClient):
    """A version the direct path was not checked against still works, through the SDK."""
    init = await lines.handshake("2025-03-26")
    assert _result(init)["protocolVersion"] == "2025-03-26"
    reply = _result(await lines.call("arango_get_focused_database", {}))
    assert reply["isError"] is False
    assert json.loads(reply["content"][0]["text"]) == {
        "effective_database": "main",
        "effective_level": 5,
    }
