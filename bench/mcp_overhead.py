"""What MCP costs on top of the driver: startup, per-call latency, and the size of tools/list.

Runs arangolite as a separate process (as a real ArangoDB would be), then measures:

1. launch -> first ``tools/list`` reply over stdio (median of several launches);
2. p50/p99 of ``arango_query`` ``RETURN 1`` through MCP over stdio, the same query through
   python-arango-async directly, and their ratio (target: <= 1.5x at p50);
3. the ``tools/list`` reply in bytes and bytes/4 (a rough token count).

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


async def measure(url: str, launches: int, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "databases.yaml"
        config.write_text(
            json.dumps({"databases": {"bench": {"url": url, "password_env": "BENCH_PW"}}})
        )
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "mcp_arangodb_async", "server", "--config-path", str(config)],
            env={**os.environ, "BENCH_PW": PASSWORD},
        )
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

        mcp_times: list[float] = []
        async with Client(params, mode="legacy") as client:
            for i in range(calls + 20):
                started = time.perf_counter()
                result = await client.call_tool("arango_query", {"query": "RETURN 1"})
                elapsed = time.perf_counter() - started
                if result.is_error:
                    raise SystemExit(f"arango_query failed: {result.content[0].text}")  # type: ignore[union-attr]
                if i >= 20:
                    mcp_times.append(elapsed)

    direct_times: list[float] = []
    async with ArangoClient(hosts=url) as arango:
        db = await arango.db("_system", auth=Auth("root", PASSWORD))
        for i in range(calls + 20):
            started = time.perf_counter()
            cursor = await db.aql.execute("RETURN 1", count=True)
            rows = [row async for row in cursor]
            elapsed = time.perf_counter() - started
            assert rows == [1]
            if i >= 20:
                direct_times.append(elapsed)

    return {
        "launch_median_s": statistics.median(startup),
        "mcp_p50_ms": percentile(mcp_times, 0.5) * 1000,
        "mcp_p99_ms": percentile(mcp_times, 0.99) * 1000,
        "direct_p50_ms": percentile(direct_times, 0.5) * 1000,
        "direct_p99_ms": percentile(direct_times, 0.99) * 1000,
        "tools": len(listed.tools),
        "tools_list_bytes": tools_bytes,
    }


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
    ratio = r["mcp_p50_ms"] / r["direct_p50_ms"]
    print(
        f"launch -> first tools/list (stdio, median of {args.launches}): {r['launch_median_s']:.2f} s"
    )
    print(
        f"arango_query RETURN 1 via MCP stdio: p50 {r['mcp_p50_ms']:.2f} ms, p99 {r['mcp_p99_ms']:.2f} ms"
    )
    print(
        f"same query via the driver directly:  p50 {r['direct_p50_ms']:.2f} ms, p99 {r['direct_p99_ms']:.2f} ms"
    )
    print(f"ratio at p50: {ratio:.2f}x (target <= 1.5x)")
    print(
        f"tools/list: {r['tools']} tools, {r['tools_list_bytes']} bytes, "
        f"~{r['tools_list_bytes'] // 4} tokens (bytes/4)"
    )


if __name__ == "__main__":
    main()
