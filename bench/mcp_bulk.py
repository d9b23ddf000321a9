"""Bulk, backup and restore through MCP: documents/s, and the MCP server's peak memory.

Runs arangolite and the MCP server (stdio; streamable HTTP caps request bodies at 4 MiB,
about 35,000 such documents per call) as separate processes, then through
the real MCP client:

1. ``arango_bulk_insert`` of N documents (default 100,000) in one call;
2. ``arango_backup`` of that N-document collection to the backup root;
3. ``arango_restore`` of the backup into a second, empty database.

For each phase it prints documents/s and the peak RSS of the MCP server process while
the phase ran (sampled every 10 ms from /proc). Backup and restore stream one batch at a
time, so their peak should stay near the idle RSS, whatever N is (they run in a fresh
server process); the bulk insert has to hold its own request (N documents of JSON
arguments, parsed by the SDK) by nature.

    .venv/bin/python bench/mcp_bulk.py [--documents 100000] [--batch-size 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from arangoasync import ArangoClient
from arangoasync.auth import Auth
from mcp import Client
from mcp.client.stdio import StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcp_overhead import PASSWORD, start_arangolite  # noqa: E402


def rss_mib(pid: int) -> float:
    """Current resident set size of ``pid`` in MiB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples a process's RSS in a thread while a phase runs; ``peak`` is the maximum."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self.peak = rss_mib(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib(self.pid))


def server_pid() -> int:
    """The MCP server the stdio client spawned: our child running mcp_arangodb_async."""
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                parent = stat.read().rsplit(")", 1)[1].split()[1]
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if parent == me and b"mcp_arangodb_async" in command:
            return int(entry)
    raise SystemExit("cannot find the MCP server process")


async def call(client: Client, name: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, args, read_timeout_seconds=600)
    if result.is_error:
        raise SystemExit(f"{name} failed: {result.content[0].text}")  # type: ignore[union-attr]
    return result.structured_content or {}


async def phase(
    label: str, pid: int, documents: int, run: Callable[[], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    before = rss_mib(pid)
    with PeakRss(pid) as rss:
        started = time.perf_counter()
        out = await run()
        seconds = time.perf_counter() - started
    print(
        f"{label:<28} {documents / seconds:>10,.0f} docs/s  {seconds:6.2f} s   "
        f"MCP server RSS before {before:6.1f} MiB, peak {rss.peak:6.1f} MiB"
    )
    return out


async def driver_baseline(url: str, documents: int, batch_size: int) -> None:
    """The same insert through python-arango-async directly: what MCP adds on top."""
    docs = [{"_key": f"d{i}", "n": i, "name": f"item {i}"} for i in range(documents)]
    async with ArangoClient(hosts=url) as driver:
        db = await driver.db("bench_dst", auth=Auth("root", PASSWORD))
        items = await db.create_collection("baseline")
        started = time.perf_counter()
        for start in range(0, documents, batch_size):
            await items.insert_many(docs[start : start + batch_size])
        seconds = time.perf_counter() - started
        await db.delete_collection("baseline")
    print(
        f"{'driver insert_many (direct)':<28} {documents / seconds:>10,.0f} docs/s  {seconds:6.2f} s"
    )


async def measure(url: str, documents: int, batch_size: int) -> None:
    async with ArangoClient(hosts=url) as driver:
        sys_db = await driver.db("_system", auth=Auth("root", PASSWORD))
        for name in ("bench_src", "bench_dst"):
            if await sys_db.has_database(name):
                await sys_db.delete_database(name)
            await sys_db.create_database(name)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "databases.yaml"
        entry = {"url": url, "password_env": "BENCH_PW"}
        config.write_text(
            json.dumps(
                {
                    "default_database": "src",
                    "databases": {
                        "src": {**entry, "database": "bench_src"},
                        "dst": {**entry, "database": "bench_dst"},
                    },
                }
            )
        )
        env = {**os.environ, "BENCH_PW": PASSWORD, "MCP_ARANGO_BACKUP_DIR": f"{tmp}/backups"}
        await driver_baseline(url, documents, batch_size)
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "mcp_arangodb_async", "server", "--config-path", str(config)],
            env=env,
        )
        async with Client(params, mode="legacy") as client:
            pid = server_pid()
            await call(client, "arango_create_collection", {"name": "items"})
            docs = [
                {
                    "_key": f"d{i}",
                    "n": i,
                    "name": f"item {i}",
                    "tags": ["a", i % 7],
                    "nested": {"x": i / 3, "ok": i % 2 == 0},
                }
                for i in range(documents)
            ]
            print(
                f"{documents:,} documents, batch size {batch_size}; idle RSS {rss_mib(pid):.1f} MiB"
            )
            inserted = await phase(
                "arango_bulk_insert",
                pid,
                documents,
                lambda: call(
                    client,
                    "arango_bulk_insert",
                    {"collection": "items", "documents": docs, "batch_size": batch_size},
                ),
            )
            assert inserted["succeeded"] == documents, inserted
        # a fresh server process, so the insert's request does not mask the streaming phases
        async with Client(params, mode="legacy") as client:
            pid = server_pid()
            print(f"fresh MCP server for backup/restore; idle RSS {rss_mib(pid):.1f} MiB")
            backed = await phase(
                "arango_backup",
                pid,
                documents,
                lambda: call(
                    client,
                    "arango_backup",
                    {"path": "snap", "collections": ["items"], "batch_size": batch_size},
                ),
            )
            assert backed["documents"] == documents, backed
            size = await asyncio.to_thread(
                os.path.getsize, os.path.join(backed["path"], "items.json")
            )
            restored = await phase(
                "arango_restore",
                pid,
                documents,
                lambda: call(
                    client,
                    "arango_restore",
                    {"path": "snap", "database": "dst", "batch_size": batch_size},
                ),
            )
            assert restored["documents"] == documents, restored
            print(f"backup file: {size / 2**20:.1f} MiB of JSON")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    proc, url = start_arangolite()
    try:
        asyncio.run(measure(url, args.documents, args.batch_size))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
