"""AQL benchmark for arangolite: what the optimizer's index use buys.

Runs in-process (an ``Engine`` and :class:`~arangolite.aql.query.AqlQuery`, no
HTTP: this measures the query engine, not the server) and prints, per
collection size:

- an equality lookup on an indexed attribute (persistent index) and on an
  unindexed one holding the same values (a full scan), and their ratio
  (the target is >= 100x at 1,000,000 documents);
- a range lookup (100 documents) on both, and their ratio;
- ``COLLECT … AGGREGATE`` over all documents;
- a 3-hop ``OUTBOUND`` traversal on a 100,000-edge graph (10,000 vertices,
  10 edges each: 1,110 paths), if traversals are available.

    .venv/bin/python bench/aql.py                      # 100,000 and 1,000,000
    .venv/bin/python bench/aql.py --sizes 100000       # quicker

Never run from the test suite: timings are not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from arangolite.aql.explain import explain_plan
from arangolite.aql.query import AqlQuery
from arangolite.errors import ArangoError
from arangolite.storage.databases import Database
from arangolite.storage.engine import Engine
from arangolite.storage.index_factory import create_index

EDGES = 100_000
FANOUT = 10


async def run(
    db: Database, text: str, bind: dict[str, Any] | None = None
) -> tuple[list[Any], AqlQuery]:
    query = AqlQuery(db, text, bind or {}).prepare()
    return await query.run(), query


async def timed(
    db: Database, text: str, binds: Callable[[], dict[str, Any]], repeat: int
) -> tuple[float, int, list[str]]:
    """Median seconds over ``repeat`` runs, the result size and the plan's node types."""
    times: list[float] = []
    size = 0
    nodes: list[str] = []
    for _ in range(repeat):
        bind = binds()
        started = time.perf_counter()
        results, query = await run(db, text, bind)
        times.append(time.perf_counter() - started)
        size = len(results)
        assert query.plan is not None
        nodes = [n["type"] for n in explain_plan(query.plan, db)["nodes"]]
    return statistics.median(times), size, nodes


def fill(db: Database, size: int) -> None:
    docs = db.create_collection(f"docs{size}")
    for i in range(size):
        docs.insert({"_key": str(i), "value": i, "plain": i, "group": i % 1000}, validate=False)
    create_index(docs, {"type": "persistent", "fields": ["value"]})


def fill_graph(db: Database) -> None:
    vertices = db.create_collection("vertices")
    edges = db.create_collection("edges", type=3)
    count = EDGES // FANOUT
    for i in range(count):
        vertices.insert({"_key": str(i)}, validate=False)
    rng = random.Random(7)
    for i in range(count):
        for _ in range(FANOUT):
            target = rng.randrange(count)
            edges.insert({"_from": f"vertices/{i}", "_to": f"vertices/{target}"}, validate=False)


def line(label: str, seconds: float, size: int, extra: str = "") -> None:
    print(f"  {label:<44} {seconds * 1000:>10.3f} ms  ({size} rows){extra}")


async def bench_size(db: Database, size: int) -> None:
    started = time.perf_counter()
    fill(db, size)
    name = f"docs{size}"
    print(f"\n{size:,} documents (loaded in {time.perf_counter() - started:.1f} s)")
    rng = random.Random(size)
    point = lambda: {"@c": name, "v": rng.randrange(size)}  # noqa: E731
    span = lambda: {"@c": name, "v": rng.randrange(size - 100)}  # noqa: E731
    scan_repeat = 3 if size <= 200_000 else 1  # full scans of 1M take seconds each

    eq_index, n1, plan = await timed(db, "FOR d IN @@c FILTER d.value == @v RETURN d", point, 200)
    line("equality, indexed (persistent)", eq_index, n1, f"  plan: {'/'.join(plan[1:-1])}")
    eq_scan, n2, plan = await timed(
        db, "FOR d IN @@c FILTER d.plain == @v RETURN d", point, scan_repeat
    )
    line("equality, unindexed (full scan)", eq_scan, n2, f"  plan: {'/'.join(plan[1:-1])}")
    range_index, n3, _ = await timed(
        db, "FOR d IN @@c FILTER d.value >= @v && d.value < @v + 100 RETURN d", span, 100
    )
    line("range of 100, indexed", range_index, n3)
    range_scan, n4, _ = await timed(
        db, "FOR d IN @@c FILTER d.plain >= @v && d.plain < @v + 100 RETURN d", span, scan_repeat
    )
    line("range of 100, unindexed", range_scan, n4)
    collect, n5, _ = await timed(
        db,
        "FOR d IN @@c COLLECT g = d.group AGGREGATE total = SUM(d.value), n = COUNT(1) "
        "RETURN {g, total, n}",
        lambda: {"@c": name},
        1,
    )
    line("COLLECT g AGGREGATE SUM, COUNT (all docs)", collect, n5)
    print(
        f"  ratio unindexed/indexed: equality {eq_scan / eq_index:,.0f}x, "
        f"range {range_scan / range_index:,.0f}x"
    )


async def bench_traversal(db: Database) -> None:
    started = time.perf_counter()
    fill_graph(db)
    print(
        f"\ntraversal graph: {EDGES // FANOUT:,} vertices, {EDGES:,} edges "
        f"(loaded in {time.perf_counter() - started:.1f} s)"
    )
    rng = random.Random(3)
    text = "FOR v IN 1..3 OUTBOUND @start edges RETURN v._key"
    try:
        seconds, size, _ = await timed(
            db, text, lambda: {"start": f"vertices/{rng.randrange(EDGES // FANOUT)}"}, 20
        )
    except ArangoError as exc:
        print(f"  3-hop traversal: not available ({exc.error_num}: {exc.message})")
        return
    line("3-hop OUTBOUND traversal", seconds, size)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100000,1000000", help="comma-separated collection sizes"
    )
    parser.add_argument("--no-traversal", action="store_true")
    args = parser.parse_args()
    engine = Engine()
    db = engine.create_database("bench")
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        await bench_size(db, size)
        db.drop_collection(f"docs{size}")
    if not args.no_traversal:
        await bench_traversal(db)


if __name__ == "__main__":
    asyncio.run(main())
