"""What MCP costs on top of the driver: startup, per-call latency, and the size of tools/list.

Runs arangolite as a separate process (as a real ArangoDB would be), then measures:

1. launch -> first ``tools/list`` reply over stdio (median of several launches);
2. p50/p99 of ``arango_query`` ``RETURN 1`` through MCP over stdio, the same query through
   python-arango-async directly, and their ratio (target: <= 1.5x at p50);
3. the ``tools/list`` reply in bytes and bytes/4 (a rough token count), and the full
   catalogue's size from the registry (a session's workflow may list fewer tools).

The per-call series (MCP, a no-database tool, the driver) run in interleaved rounds so
that a change in machine load during the run affects all of them alike.

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

        async with (
            Client(params, mode="legacy") as client,
            ArangoClient(hosts=url) as arango,
        ):
            db = await arango.db("_system", auth=Auth("root", PASSWORD))

            async def via_mcp() -> None:
                result = await client.call_tool("arango_query", {"query": "RETURN 1"})
                if result.is_error:
                    raise SystemExit(f"arango_query failed: {result.content[0].text}")  # type: ignore[union-attr]

            async def no_database() -> None:
                await client.call_tool("arango_get_focused_database", {})

            async def direct() -> None:
                cursor = await db.aql.execute("RETURN 1", count=True)
                assert [row async for row in cursor] == [1]

            # interleaved rounds, so a change in machine load hits every series alike
            series = {"mcp": via_mcp, "trivial": no_database, "direct": direct}
            times: dict[str, list[float]] = {name: [] for name in series}
            rounds = 10
            for round_ in range(rounds + 1):
                for name, call in series.items():
                    for _ in range(max(1, calls // rounds)):
                        started = time.perf_counter()
                        await call()
                        if round_:  # round 0 warms up connections and caches
                            times[name].append(time.perf_counter() - started)

    return {
        "launch_median_s": statistics.median(startup),
        "mcp_p50_ms": percentile(times["mcp"], 0.5) * 1000,
        "mcp_p99_ms": percentile(times["mcp"], 0.99) * 1000,
        "trivial_p50_ms": percentile(times["trivial"], 0.5) * 1000,
        "direct_p50_ms": percentile(times["direct"], 0.5) * 1000,
        "direct_p99_ms": percentile(times["direct"], 0.99) * 1000,
        "tools": len(listed.tools),
        "tools_list_bytes": tools_bytes,
    }


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
    print(
        f"no-database tool via MCP stdio:      p50 {r['trivial_p50_ms']:.2f} ms "
        "(SDK + transport cost of one tool call)"
    )
    print(f"ratio at p50: {ratio:.2f}x (target <= 1.5x)")
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
