"""What MCP costs on top of the driver: startup, per-call latency, and the size of tools/list.

Runs arangolite as a separate process (as a real ArangoDB would be), then measures:

1. launch -> first ``tools/list`` reply over stdio (median of several launches);
2. p50/p99 of ``arango_query`` ``RETURN 1`` through MCP over stdio, the same query through
   python-arango-async directly, and their ratio (target: <= 1.5x at p50);
3. the ``tools/list`` reply in bytes and bytes/4 (a rough token count), and the full
   catalogue's size from the registry (a session's workflow may list fewer tools).

Two MCP clients drive the server, because a client's own cost is part of what it
measures: a minimal line client (initialize, then one JSON-RPC line per call, reply
parsed and checked), which shows what the server adds, and the ``mcp`` SDK's Python
client. The SDK client's own cost per call is measured too, against a null server that
answers every call at once: no server can make that client faster than that floor.
The ratio target is checked on the line client; the SDK figures are printed next to it.

The per-call series run in interleaved rounds so that a change in machine load during
the run affects all of them alike.

    .venv/bin/python bench/mcp_overhead.py [--launches 5] [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from arangoasync import ArangoClient
from arangoasync.auth import Auth
from mcp import Client
from mcp.client.stdio import StdioServerParameters

PASSWORD = "bench-secret"


def start_arangolite() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arangolite",
            "serve",
            "--port",
            "0",
            "--root-password-env",
            "BENCH_PW",
        ],
        env={**os.environ, "BENCH_PW": PASSWORD},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"arangolite did not start: {line!r}")
    return proc, match.group(1)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


#: a do-nothing MCP server: answers the handshake, lists one tool, returns a fixed result
NULL_SERVER = r"""
import json, sys
TOOL = {"name": "t", "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"}}
for line in sys.stdin:
    m = json.loads(line)
    if "id" not in m:
        continue
    method = m["method"]
    if method == "initialize":
        result = {"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}},
                  "serverInfo": {"name": "null", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [TOOL]}
    elif method == "tools/call":
        result = {"content": [{"type": "text", "text": '{"rows":[1]}'}],
                  "structuredContent": {"rows": [1]}, "isError": False}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": result}) + "\n")
    sys.stdout.flush()
"""


class LineClient:
    """The least an MCP client over stdio does: handshake, one JSON line per call, match ids."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.last_id = 0

    @classmethod
    async def start(cls, argv: list[str], env: dict[str, str]) -> LineClient:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=64 * 1024 * 1024,
        )
        client = cls(proc)
        info = {"name": "bench", "version": "1"}
        params = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": info}
        await client.request("initialize", params)
        await client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return client

    async def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        await self.proc.stdin.drain()

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.last_id += 1
        await self.send({"jsonrpc": "2.0", "id": self.last_id, "method": method, "params": params})
        assert self.proc.stdout is not None
        while True:
            message = json.loads(await self.proc.stdout.readline())
            if message.get("id") == self.last_id:
                if "result" not in message:
                    raise SystemExit(f"{method} failed: {message}")
                return message["result"]  # type: ignore[no-any-return]

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.request("tools/call", {"name": name, "arguments": arguments})
        if result.get("isError"):
            raise SystemExit(f"{name} failed: {result['content'][0]['text']}")
        return result

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()


async def measure(url: str, launches: int, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "databases.yaml"
        config.write_text(
            json.dumps({"databases": {"bench": {"url": url, "password_env": "BENCH_PW"}}})
        )
        env = {**os.environ, "BENCH_PW": PASSWORD}
        argv = ["-m", "mcp_arangodb_async", "server", "--config-path", str(config)]
        params = StdioServerParameters(command=sys.executable, args=argv, env=env)
        startup: list[float] = []
        for _ in range(launches):
            started = time.perf_counter()
            async with Client(params, mode="legacy") as client:
                listed = await client.list_tools()
                startup.append(time.perf_counter() - started)
        tools_bytes = len(
            json.dumps(
                [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools],
                separators=(",", ":"),
            ).encode()
        )

        null_params = StdioServerParameters(command=sys.executable, args=["-c", NULL_SERVER])
        line = await LineClient.start([sys.executable, *argv], env)
        try:
            async with (
                Client(params, mode="legacy") as sdk,
                Client(null_params, mode="legacy") as null,
                ArangoClient(hosts=url) as arango,
            ):
                db = await arango.db("_system", auth=Auth("root", PASSWORD))
                query = {"query": "RETURN 1"}

                async def line_query() -> None:
                    result = await line.call_tool("arango_query", query)
                    assert result["structuredContent"]["rows"] == [1]

                async def line_trivial() -> None:
                    await line.call_tool("arango_get_focused_database", {})

                async def sdk_query() -> None:
                    result = await sdk.call_tool("arango_query", query)
                    if result.is_error:
                        raise SystemExit(f"arango_query failed: {result.content[0].text}")  # type: ignore[union-attr]

                async def sdk_trivial() -> None:
                    await sdk.call_tool("arango_get_focused_database", {})

                async def sdk_floor() -> None:
                    await null.call_tool("t", {})

                async def direct() -> None:
                    cursor = await db.aql.execute("RETURN 1", count=True)
                    assert [row async for row in cursor] == [1]

                series = {
                    "line": line_query,
                    "line_trivial": line_trivial,
                    "sdk": sdk_query,
                    "sdk_trivial": sdk_trivial,
                    "sdk_floor": sdk_floor,
                    "direct": direct,
                }
                times: dict[str, list[float]] = {name: [] for name in series}
                rounds = 10
                for round_ in range(rounds + 1):
                    for name, call in series.items():
                        for _ in range(max(1, calls // rounds)):
                            started = time.perf_counter()
                            await call()
                            if round_:  # round 0 warms up connections and caches
                                times[name].append(time.perf_counter() - started)
        finally:
            await line.close()

    out: dict[str, float] = {
        "launch_median_s": statistics.median(startup),
        "tools": len(listed.tools),
        "tools_list_bytes": tools_bytes,
    }
    for name, samples in times.items():
        out[f"{name}_p50_ms"] = percentile(samples, 0.5) * 1000
        out[f"{name}_p99_ms"] = percentile(samples, 0.99) * 1000
    return out


def catalogue_bytes() -> tuple[int, int]:
    """The full catalogue as the registry lists it (a session may see fewer tools)."""
    from mcp_arangodb_async.tools.registry import REGISTRY

    return len(REGISTRY), REGISTRY.wire_bytes(spec.name for spec in REGISTRY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    proc, url = start_arangolite()
    try:
        r = asyncio.run(measure(url, args.launches, args.calls))
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    def row(label: str, name: str) -> str:
        return f"{label:<48} p50 {r[name + '_p50_ms']:.2f} ms, p99 {r[name + '_p99_ms']:.2f} ms"

    direct = r["direct_p50_ms"]
    print(
        f"launch -> first tools/list (stdio, median of {args.launches}): {r['launch_median_s']:.2f} s"
    )
    print(row("arango_query RETURN 1 via the driver directly:", "direct"))
    print(row("arango_query RETURN 1, MCP stdio, line client:", "line"))
    print(row("no-database tool, MCP stdio, line client:", "line_trivial"))
    print(row("arango_query RETURN 1, MCP stdio, SDK client:", "sdk"))
    print(row("no-database tool, MCP stdio, SDK client:", "sdk_trivial"))
    print(row("SDK client against a null server (floor):", "sdk_floor"))
    print(f"ratio at p50, line client: {r['line_p50_ms'] / direct:.2f}x (target <= 1.5x)")
    print(
        f"ratio at p50, SDK client:  {r['sdk_p50_ms'] / direct:.2f}x "
        f"(the client alone costs {r['sdk_floor_p50_ms']:.2f} ms per call: a server costing "
        f"nothing beyond the driver would score {(r['sdk_floor_p50_ms'] + direct) / direct:.2f}x)"
    )
    print(
        f"tools/list: {r['tools']} tools, {r['tools_list_bytes']} bytes, "
        f"~{r['tools_list_bytes'] // 4} tokens (bytes/4)"
    )
    tools, size = catalogue_bytes()
    print(
        f"full catalogue: {tools} tools, {size} bytes ({size // tools} per tool), "
        f"~{size // 4} tokens (target <= 24,000 bytes)"
    )


if __name__ == "__main__":
    main()
