"""``options.profile``: where a query spent its time.

Level 1 adds ``extra.profile`` (seconds per phase, named as ArangoDB names
them) and ``extra.stats.nodes`` (per plan node: ``calls``, ``items``,
``runtime``); level 2 adds ``extra.plan``, the explain output of the plan that
ran, whose node ids the stats refer to.

Each executor stage is wrapped: the wrapper counts the rows the stage hands
downstream and the time spent inside it. Stages are nested generators, so the
measured time includes the stages above; a node's ``runtime`` is that minus its
dependency's, i.e. its own share. ``calls`` is counted in ArangoDB's batches of
1000 rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from arangolite.aql.context import PAUSE

if TYPE_CHECKING:
    from arangolite.aql.executor import Rows, Stage
    from arangolite.aql.expressions import Frame
    from arangolite.aql.planner import Plan, PlanNode
    from arangolite.storage.databases import Database

__all__ = ["Profiler", "PHASES", "profile_level", "add_profile"]

#: ArangoDB's profile phases, in order
PHASES = (
    "initializing",
    "parsing",
    "optimizing ast",
    "loading collections",
    "instantiating plan",
    "optimizing plan",
    "instantiating executors",
    "executing",
    "finalizing",
)

BATCH = 1000


def profile_level(options: dict[str, Any]) -> int:
    value = options.get("profile")
    if value is True:
        return 1
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, 2)
    return 0


class _NodeStats:
    __slots__ = ("items", "inclusive")

    def __init__(self) -> None:
        self.items = 0
        self.inclusive = 0.0


class Profiler:
    """Phase timings and per-node counters of one query."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.order: list[PlanNode] = []
        self.nodes: dict[int, _NodeStats] = {}

    def phase(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def wrap(self, node: PlanNode, stage: Stage | None) -> Stage | None:
        stats = self.nodes.setdefault(id(node), _NodeStats())
        self.order.append(node)
        if stage is None:  # the singleton: one row, nothing to time
            stats.items = 1
            return None
        inner_stage = stage
        clock = time.perf_counter

        def wrapped(rows: Rows, base: Frame) -> Iterator[Any]:
            inner = inner_stage(rows, base)
            while True:
                started = clock()
                try:
                    item = next(inner)
                except StopIteration:
                    stats.inclusive += clock() - started
                    return
                stats.inclusive += clock() - started
                if item is not PAUSE:
                    stats.items += 1
                yield item

        return wrapped

    def node_stats(
        self, ids: dict[int, int], explained: list[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """``extra.stats.nodes``; ``ids`` maps ``id(plan node)`` -> explain node id.

        Explain nodes without a stage of their own (the calculations explain adds
        for inline expressions) report the rows of the node they feed."""
        measured = self._measured(ids)
        if explained is None:
            return measured
        by_id = {entry["id"]: entry for entry in measured}
        out: list[dict[str, Any]] = []
        pending: list[int] = []
        for node in explained:
            entry = by_id.get(node["id"])
            if entry is None:
                pending.append(node["id"])
                continue
            for extra_id in pending:
                out.append({**entry, "id": extra_id, "runtime": 0.0})
            pending = []
            out.append(entry)
        return out

    def _measured(self, ids: dict[int, int]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        previous = 0.0
        for node in self.order:
            stats = self.nodes[id(node)]
            runtime = max(0.0, stats.inclusive - previous) if stats.inclusive else 0.0
            if stats.inclusive:
                previous = stats.inclusive
            out.append(
                {
                    "id": ids.get(id(node), node.id),
                    "calls": max(1, -(-stats.items // BATCH)),
                    "items": stats.items,
                    "filtered": 0,
                    "runtime": runtime,
                }
            )
        return out

    def profile(self) -> dict[str, float]:
        return dict(self.phases)


def add_profile(
    extra: dict[str, Any], profiler: Profiler, plan: Plan, db: Database, level: int
) -> None:
    """Put ``profile``, ``stats.nodes`` (and at level 2 ``plan``) into ``extra``."""
    from arangolite.aql.explain import explain_with_ids

    explained, ids = explain_with_ids(plan, db)
    finalizing = time.perf_counter()
    extra["stats"]["nodes"] = profiler.node_stats(ids, explained["nodes"])
    profiler.phase("finalizing", time.perf_counter() - finalizing)
    extra["profile"] = profiler.profile()
    if level >= 2:
        extra["plan"] = explained
