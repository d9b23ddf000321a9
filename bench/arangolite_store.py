"""Storage benchmark for arangolite: throughput, latency and memory in one run.

Starts ``arangolite serve`` as a subprocess (durable, on a temporary data
directory unless ``--memory``), drives it over loopback HTTP and prints a table
of results with the ratio to each target (>= 1.00 means the target is met)::

    python bench/arangolite_store.py                 # 1,000,000 documents
    python bench/arangolite_store.py --docs 100000   # quicker

Measured: bulk import (``POST /_api/import``, 10,000 documents per request),
single-document inserts (32 concurrent clients, then one client for latency), key
lookups (``GET /_api/document``, sequential, p50/p99), the server's RSS with all
documents loaded, before and after a unique persistent index is built (``VmRSS``
from ``/proc/<pid>/status``; smaller runs are projected to 1,000,000 documents),
unique-index lookups through AQL (``/_api/cursor``, when it answers; capped at
~15 s, with whether ``/_api/explain`` shows an index in the plan) and in-process
(``PersistentIndex.lookup`` on up to 200,000 documents: the structure alone, no
HTTP), and restart time after ``kill -9`` (recovery: snapshot + log replay +
index rebuild). Never run from the test suite: timings are not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT_PASSWORD = "bench-root-pw"
COLLECTION = "bench"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""

    def ratio(self) -> str:
        if self.target is None or self.value == 0:
            return "-"
        ratio = self.value / self.target if self.higher_is_better else self.target / self.value
        return f"{ratio:.2f}"


# ---------------------------------------------------------------------- the server
class Server:
    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""

    async def start(self) -> float:
        """Start and return the seconds until it answers (includes recovery)."""
        args = [sys.executable, "-m", "arangolite", "serve", "--host", "127.0.0.1", "--port", "0"]
        if self.data_dir is not None:
            args += ["--data-dir", str(self.data_dir)]
        started = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *args,
            env={**os.environ, "ARANGO_ROOT_PASSWORD": ROOT_PASSWORD},
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=600)
        if b"listening on" not in line:
            raise SystemExit(f"arangolite did not start: {line!r}")
        self.url = line.decode().split("listening on")[1].strip()
        return time.perf_counter() - started

    def rss_mib(self) -> tuple[float, float]:
        """(current, peak) resident set size of the server process, MiB."""
        assert self.proc is not None
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()


# ---------------------------------------------------------------------- workload
def make_doc(i: int) -> dict[str, Any]:
    """About 100 bytes of JSON per document."""
    return {
        "_key": f"d{i:08d}",
        "name": f"user {i}",
        "email": f"user{i:08d}@example.com",
        "age": 18 + i % 60,
        "city": ("Lyon", "Oslo", "Quito", "Perth")[i % 4],
        "active": i % 3 != 0,
    }


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: bytes | None = None
) -> Any:
    async with session.request(method, url, data=body) as response:
        payload = await response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {url} -> {response.status}: {payload[:300]!r}")
        return orjson.loads(payload) if payload else None


async def bulk_import(session: aiohttp.ClientSession, base: str, docs: int, batch: int) -> float:
    url = f"{base}/_api/import?collection={COLLECTION}&type=documents"
    elapsed = 0.0
    for start in range(0, docs, batch):
        body = b"\n".join(orjson.dumps(make_doc(i)) for i in range(start, min(docs, start + batch)))
        began = time.perf_counter()
        result = await call(session, "POST", url, body)
        elapsed += time.perf_counter() - began
        if result.get("errors"):
            raise SystemExit(f"import errors: {result}")
        done = min(docs, start + batch)
        if done % (batch * 20) == 0 or done == docs:
            print(f"  imported {done:,} documents", file=sys.stderr)
    return docs / elapsed


async def single_inserts(
    session: aiohttp.ClientSession, base: str, count: int, clients: int, first: int = 0
) -> tuple[float, float]:
    url = f"{base}/_api/document/{COLLECTION}_single"
    latencies: list[float] = []

    async def worker(offset: int) -> None:
        for i in range(first + offset, first + count, clients):
            began = time.perf_counter()
            await call(session, "POST", url, orjson.dumps(make_doc(i)))
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    return count / (time.perf_counter() - began), statistics.median(latencies) * 1000


async def key_lookups(
    session: aiohttp.ClientSession, base: str, docs: int, count: int
) -> tuple[float, float]:
    rng = random.Random(7)
    latencies = []
    for _ in range(count):
        key = f"d{rng.randrange(docs):08d}"
        began = time.perf_counter()
        await call(session, "GET", f"{base}/_api/document/{COLLECTION}/{key}")
        latencies.append(time.perf_counter() - began)
    latencies.sort()
    return latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


async def unique_lookups_aql(
    session: aiohttp.ClientSession, base: str, docs: int, count: int
) -> tuple[float, float, str] | None:
    """p50/p99 of an AQL lookup by a unique attribute and whether the plan uses
    the index; None without AQL. Stops after ~15 s if lookups are slow (no index)."""
    rng = random.Random(11)
    query = f"FOR d IN {COLLECTION} FILTER d.email == @email RETURN d"
    probe = orjson.dumps({"query": query, "bindVars": {"email": "x"}})
    url = f"{base}/_api/cursor"
    async with session.post(url, data=probe) as r:
        if r.status >= 400:
            return None
    plan_note = "plan unknown (no /_api/explain)"
    async with session.post(f"{base}/_api/explain", data=probe) as r:
        if r.status < 400:
            nodes = orjson.loads(await r.read()).get("plan", {}).get("nodes", [])
            uses = any(node.get("type") == "IndexNode" for node in nodes)
            plan_note = f"plan {'uses' if uses else 'does NOT use'} the index"
    latencies = []
    deadline = time.perf_counter() + 15
    for _ in range(count):
        email = f"user{rng.randrange(docs):08d}@example.com"
        body = orjson.dumps({"query": query, "bindVars": {"email": email}})
        began = time.perf_counter()
        result = await call(session, "POST", url, body)
        latencies.append(time.perf_counter() - began)
        if len(result["result"]) != 1:
            raise SystemExit(f"lookup of {email} found {len(result['result'])} documents")
        if began > deadline:
            break
    latencies.sort()
    note = f"{len(latencies)} lookups, {plan_note}"
    return latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000, note


def unique_lookups_storage(docs: int, count: int) -> tuple[float, float] | None:
    """p50 of an in-process unique-index lookup on the same data (no HTTP, no AQL)."""
    from arangolite.storage.engine import Engine
    from arangolite.storage.indexes import restore_index

    engine = Engine()
    engine.bootstrap()
    coll = engine.database("_system").create_collection(COLLECTION)
    for i in range(docs):
        coll.insert(make_doc(i))
    index = restore_index(
        coll,
        {
            "id": "9",
            "name": "by_email",
            "type": "persistent",
            "fields": ["email"],
            "unique": True,
            "sparse": False,
            "options": {},
        },
    )
    lookup = getattr(index, "lookup", None)
    if lookup is None:
        return None
    rng = random.Random(11)
    latencies = []
    for _ in range(count):
        email = f"user{rng.randrange(docs):08d}@example.com"
        began = time.perf_counter()
        found = list(lookup([email]))
        latencies.append(time.perf_counter() - began)
        assert len(found) == 1
    latencies.sort()
    return latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


# ---------------------------------------------------------------------- the run
async def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    aql: tuple[float, float, str] | None = None
    rss = 0.0
    with tempfile.TemporaryDirectory(prefix="arangolite-bench-") as tmp:
        data_dir = None if args.memory else Path(tmp) / "data"
        server = Server(data_dir)
        await server.start()
        token = base64.b64encode(f"root:{ROOT_PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        connector = aiohttp.TCPConnector(limit=args.clients + 4)
        try:
            async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
                base = server.url
                for name in (COLLECTION, f"{COLLECTION}_single"):
                    await call(
                        session, "POST", f"{base}/_api/collection", orjson.dumps({"name": name})
                    )
                idle_rss, _ = server.rss_mib()

                rate = await bulk_import(session, base, args.docs, args.batch)
                rows.append(Row("bulk import (POST /_api/import)", rate, "docs/s", 20_000))
                rss, peak = server.rss_mib()
                # the target is for 1,000,000 documents; smaller runs are projected to it
                projected = idle_rss + (rss - idle_rss) * 1_000_000 / args.docs
                note = f"idle {idle_rss:.0f}, peak {peak:.0f} MiB"
                if args.docs != 1_000_000:
                    note += f"; {rss:.0f} MiB measured, projected to 1M docs"
                rows.append(Row("RSS with 1,000,000 docs", projected, "MiB", 1024, False, note))

                rate, p50 = await single_inserts(session, base, args.single, args.clients)
                rows.append(
                    Row(
                        f"single inserts ({args.clients} clients)",
                        rate,
                        "docs/s",
                        note=f"p50 {p50:.2f} ms",
                    )
                )
                rate, p50 = await single_inserts(session, base, 1_000, 1, first=args.single)
                rows.append(
                    Row("single insert p50 (1 client)", p50, "ms", note=f"{rate:,.0f} docs/s")
                )

                p50, p99 = await key_lookups(session, base, args.docs, args.lookups)
                rows.append(
                    Row(
                        "key lookup p50 (GET /_api/document)",
                        p50,
                        "ms",
                        2.0,
                        higher_is_better=False,
                        note=f"p99 {p99:.2f} ms",
                    )
                )

                index_body = {"type": "persistent", "fields": ["email"], "unique": True}
                began = time.perf_counter()
                await call(
                    session,
                    "POST",
                    f"{base}/_api/index?collection={COLLECTION}",
                    orjson.dumps(index_body),
                )
                rows.append(
                    Row(
                        "unique index build",
                        time.perf_counter() - began,
                        "s",
                        higher_is_better=False,
                    )
                )
                rss, peak = server.rss_mib()
                projected = idle_rss + (rss - idle_rss) * 1_000_000 / args.docs
                note = f"peak {peak:.0f} MiB"
                if args.docs != 1_000_000:
                    note += f"; {rss:.0f} MiB measured, projected to 1M docs"
                rows.append(
                    Row("RSS, 1,000,000 docs + unique index", projected, "MiB", 1024, False, note)
                )
                aql = await unique_lookups_aql(session, base, args.docs, args.lookups)
                if aql is not None:
                    rows.append(
                        Row(
                            "unique-index lookup p50 (AQL cursor)",
                            aql[0],
                            "ms",
                            2.0,
                            higher_is_better=False,
                            note=f"p99 {aql[1]:.2f} ms; {aql[2]}",
                        )
                    )
        finally:
            if data_dir is None:
                await server.kill()
        if data_dir is not None:
            rss_before = rss
            await server.kill()
            restart = await server.start()
            rss, _ = server.rss_mib()
            rows.append(
                Row(
                    "restart after kill -9 (recovery)",
                    restart,
                    "s",
                    higher_is_better=False,
                    note=f"RSS after {rss:.0f} MiB (before {rss_before:.0f})",
                )
            )
            await server.kill()
    # the index structure alone, without HTTP and AQL (with AQL absent, the only figure)
    count = min(args.docs, 200_000)
    storage = unique_lookups_storage(count, args.lookups)
    if storage is not None:
        rows.append(
            Row(
                f"unique-index lookup p50 (in-process, {count:,})",
                storage[0] * 1000,
                "us",
                note=f"p99 {storage[1] * 1000:.1f} us; PersistentIndex.lookup(), no HTTP/AQL",
            )
        )
    return rows


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    mode = "in memory" if args.memory else "durable (--data-dir, fsync per request batch)"
    print(f"\narangolite storage benchmark: {args.docs:,} documents, {mode}")
    print(f"{'metric':<46} {'value':>12} {'unit':<7} {'target':>8} {'ratio':>6}  note")
    print("-" * 110)
    for row in rows:
        target = "-" if row.target is None else f"{row.target:g}"
        print(
            f"{row.name:<46} {row.value:>12,.2f} {row.unit:<7} {target:>8} {row.ratio():>6}  {row.note}"
        )
    print("ratio >= 1.00 means the target is met (value/target, or target/value for ms and MiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000, help="documents to import")
    parser.add_argument("--batch", type=int, default=10_000, help="documents per import request")
    parser.add_argument("--single", type=int, default=20_000, help="single-document inserts")
    parser.add_argument("--clients", type=int, default=32, help="concurrent inserting clients")
    parser.add_argument("--lookups", type=int, default=2_000, help="lookups per lookup metric")
    parser.add_argument("--memory", action="store_true", help="no --data-dir (nothing durable)")
    args = parser.parse_args(argv)
    args.single = min(args.single, args.docs)
    rows = asyncio.run(run(args))
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
