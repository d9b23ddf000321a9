"""One AQL query from text to results: the pipeline in one place.

:meth:`AqlQuery.prepare` reads top-down — tokenize and parse
(:mod:`~arangolite.aql.parser`), check bind parameters and resolve collections
while laying out the plan (:mod:`~arangolite.aql.planner`), compile the plan into
generator stages (:mod:`~arangolite.aql.executor`). :meth:`AqlQuery.fetch` then
drives the stages *cooperatively*: it pulls rows synchronously but gives the
event loop a turn every few milliseconds (at the ``PAUSE`` markers the
enumerations emit), pays ``SLEEP()`` debts with ``asyncio.sleep``, and enforces
``maxRuntime`` and kill requests. Other requests are served while a long query
runs.

Writes run in a transaction: the client's stream transaction
(``x-arango-trx-id``), or one of the query's own, committed when the query ends
and aborted when it fails — so a failing write query leaves nothing behind, as
in ArangoDB.

Errors leave this module in ArangoDB's shape, ``AQL: <message> (while
<phase>)`` (:func:`arangolite.aql.errors.in_phase`).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from arangolite.aql.context import PAUSE, QueryContext
from arangolite.aql.errors import EXECUTING, PARSING, in_phase
from arangolite.aql.executor import Executor
from arangolite.aql.parser import ParsedQuery, parse
from arangolite.aql.planner import Plan, build_plan
from arangolite.aql.profile import Profiler, add_profile, profile_level
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.tracking import QueryTracker
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = ["AqlQuery", "SLICE_SECONDS"]

#: how long a query may run before it lets other requests in
SLICE_SECONDS = 0.01
_ids = itertools.count(1)


class AqlQuery:
    """A query being prepared or run. Use :meth:`prepare`, then :meth:`fetch`
    until :attr:`done`, then :meth:`finish` (or :meth:`abort`)."""

    def __init__(
        self,
        db: Database,
        text: str,
        bind_vars: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        *,
        trx: Transaction | None = None,
        user: str | None = None,
        tracker: QueryTracker | None = None,
    ) -> None:
        self.db = db
        self.tracker = tracker
        self.text = text
        self.bind_vars = bind_vars or {}
        self.options = options or {}
        self.user = user
        self.user_trx = trx
        self.own_trx: Transaction | None = None
        self.id = str(next(_ids))
        self.started = time.time()
        self.created = time.perf_counter()
        level = profile_level(self.options)
        #: ``options.profile`` 1/2: phase timings and per-node counters
        self.profiler: Profiler | None = Profiler() if level else None
        self.profile_level = level
        self.ctx = QueryContext(db, trx=trx, options=self.options, user=user)
        self.parsed: ParsedQuery | None = None
        self.plan: Plan | None = None
        self._rows: Iterator[Any] | None = None
        self.done = False
        self.killed = False
        max_runtime = self.options.get("maxRuntime")
        self.max_runtime = (
            float(max_runtime)
            if isinstance(max_runtime, int | float) and not isinstance(max_runtime, bool)
            else 0.0
        )

    # ------------------------------------------------------------------ preparing
    def prepare(self) -> AqlQuery:
        """Parse, check bind parameters, plan and compile; errors say "(while parsing)"."""
        profiler = self.profiler
        began = time.perf_counter()
        try:
            self.parsed = parse(self.text)
            parsed_at = time.perf_counter()
            self.plan = build_plan(
                self.parsed,
                self.bind_vars,
                self.db,
                full_count=bool(self.options.get("fullCount")),
                options=self.options,
            )
        except ArangoError as exc:
            raise in_phase(exc, PARSING) from None
        if profiler is not None:
            profiler.phase("initializing", began - self.created)
            profiler.phase("parsing", parsed_at - began)
            profiler.phase("instantiating plan", self.plan.build_time)
            profiler.phase("optimizing plan", self.plan.optimize_time)
        return self

    @property
    def collections(self) -> dict[str, str]:
        """Collection name -> ``"read"``/``"write"``, for permission checks."""
        assert self.plan is not None
        return self.plan.collections

    @property
    def is_modification(self) -> bool:
        return self.parsed is not None and self.parsed.is_modification

    def start(self) -> None:
        """Compile the plan and open the query's transaction (if it writes)."""
        assert self.plan is not None and self.parsed is not None
        if self.tracker is not None:
            self.tracker.add(self)
        if self.is_modification and self.user_trx is None:
            self.own_trx = self._begin()
            self.ctx.trx = self.own_trx
        try:
            began = time.perf_counter()
            executor = Executor(self.ctx, self.parsed, self.bind_vars)
            run = executor.compile_nodes(self.plan.nodes, self.profiler)
            self._rows = run(executor.new_frame())
            if self.profiler is not None:
                self.profiler.phase("instantiating executors", time.perf_counter() - began)
        except ArangoError as exc:
            self.abort()
            raise in_phase(exc, EXECUTING) from None
        except BaseException:
            self.abort()
            raise

    def _begin(self) -> Transaction:
        engine = self.db.engine
        written = sorted(n for n, mode in self.collections.items() if mode == "write")
        trx_id = engine.next_id()
        return engine.transactions.begin(
            self.db, {"collections": {"write": written}}, id=trx_id, owner=self.user or ""
        )

    # ------------------------------------------------------------------ running
    async def fetch(self, limit: int | None = None) -> list[Any]:
        """Up to ``limit`` more results (all remaining when None)."""
        if self._rows is None:
            self.start()
        rows = self._rows
        assert rows is not None
        out: list[Any] = []
        ctx = self.ctx
        fetch_began = time.perf_counter()
        slice_end = time.monotonic() + SLICE_SECONDS
        try:
            while limit is None or len(out) < limit:
                try:
                    item = next(rows)
                except StopIteration:
                    self.done = True
                    break
                if item is not PAUSE:
                    out.append(item)
                    if len(out) % 64:
                        continue
                if ctx.sleep_debt:
                    await self._sleep()
                if time.monotonic() >= slice_end:
                    self._check_alive()
                    await asyncio.sleep(0)
                    slice_end = time.monotonic() + SLICE_SECONDS
                self._check_alive()
            if ctx.sleep_debt:
                await self._sleep()
            self._check_alive()
        except ArangoError as exc:
            self.abort()
            raise in_phase(exc, EXECUTING) from None
        except BaseException:
            self.abort()
            raise
        if self.profiler is not None:
            self.profiler.phase("executing", time.perf_counter() - fetch_began)
        return out

    async def _sleep(self) -> None:
        debt, self.ctx.sleep_debt = self.ctx.sleep_debt, 0.0
        if self.max_runtime:
            remaining = self.started + self.max_runtime - time.time()
            debt = min(debt, max(0.0, remaining))
        await asyncio.sleep(debt)

    def _check_alive(self) -> None:
        if self.killed:
            raise ArangoError(E.QUERY_KILLED)
        if self.max_runtime and time.time() - self.started > self.max_runtime:
            raise ArangoError(E.QUERY_KILLED)

    def finish(self) -> None:
        """Commit the query's own transaction (the writes become visible)."""
        if self.tracker is not None:
            self.tracker.remove(self)
        trx, self.own_trx = self.own_trx, None
        if trx is not None:
            try:
                trx.commit()
            except ArangoError as exc:
                raise in_phase(exc, EXECUTING) from None
            finally:
                self.db.engine.transactions.pop(trx.id, None)

    def abort(self) -> None:
        self.done = True
        if self.tracker is not None:
            self.tracker.remove(self)
        trx, self.own_trx = self.own_trx, None
        if trx is not None:
            if trx.running:
                trx.abort()
            self.db.engine.transactions.pop(trx.id, None)
        if self._rows is not None and hasattr(self._rows, "close"):
            self._rows.close()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ reporting
    def extra(self) -> dict[str, Any]:
        """``extra`` of a cursor response: warnings and stats."""
        out: dict[str, Any] = {
            "warnings": list(self.ctx.warnings),
            "stats": self.ctx.stats.to_dict(full_count=bool(self.options.get("fullCount"))),
        }
        if self.profiler is not None and self.plan is not None:
            add_profile(out, self.profiler, self.plan, self.db, self.profile_level)
        return out

    async def run(self) -> list[Any]:
        """Prepare (if needed), run to the end and commit."""
        if self.plan is None:
            self.prepare()
        results = await self.fetch(None)
        self.finish()
        return results
