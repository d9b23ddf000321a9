"""Runs a plan: every plan node becomes a generator stage over rows (frames).

A stage takes the iterator of rows coming from above and yields rows
downstream; the last stage (``RETURN``) yields result values. Stages are found
by node class in :data:`Executor.STAGES`; an unmapped node class fails loudly.

Stages also pass on :data:`~arangolite.aql.context.PAUSE` markers, which the
collection and list enumerations emit every few hundred rows: the async driver
(:mod:`arangolite.aql.query`) uses them to yield to the event loop, so one long
query never starves other requests. Subqueries (run inside expressions)
simply drop them.

Writes go through the storage write path (``Collection.insert/update/replace/
remove`` with the query's transaction), so schemas and unique indexes apply
exactly as for the document API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cmp_to_key
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.aql import ast
from arangolite.aql.context import PAUSE, QueryContext
from arangolite.aql.expressions import ExpressionCompiler, Fn, Frame
from arangolite.aql.functions import FUNCTIONS
from arangolite.aql.index_scan import IndexNode, index_stage
from arangolite.aql.parser import ParsedQuery, is_constant
from arangolite.aql.planner import (
    CalculationNode,
    CollectNode,
    EnumerateCollectionNode,
    EnumerateListNode,
    FilterNode,
    InsertNode,
    LimitNode,
    PlanBuilder,
    PlanNode,
    RemoveNode,
    ReplaceNode,
    ReturnNode,
    ShortestPathNode,
    SingletonNode,
    SortNode,
    TraversalNode,
    UpdateNode,
    UpsertNode,
    WindowNode,
    mark_limits,
)
from arangolite.aql.values import compare, hash_key, is_number, to_bool, type_name
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.profile import Profiler

__all__ = ["Executor", "Stage"]

#: rows between two PAUSE markers from an enumeration
PAUSE_EVERY = 256

Rows = Iterator[Any]
#: (rows from above, the frame this (sub)query started with) -> rows downstream
Stage = Callable[[Rows, Frame], Rows]


class Executor:
    """Compiles plans of one query into runnable pipelines."""

    def __init__(self, ctx: QueryContext, parsed: ParsedQuery, bind_vars: dict[str, Any]) -> None:
        self.ctx = ctx
        self.parsed = parsed
        self.bind_vars = bind_vars
        self.expressions = ExpressionCompiler(ctx, bind_vars, self.compile_query)

    def new_frame(self) -> Frame:
        return [None] * self.parsed.var_count

    def compile_query(self, query: ast.Query) -> Callable[[Frame], Rows]:
        """A subquery body: plan it and compile it."""
        from arangolite.aql.optimizer import optimize

        nodes = PlanBuilder(self.parsed, self.bind_vars, self.ctx.db).build(query)
        nodes, _rules = optimize(nodes, self.ctx.db, self.bind_vars, options=self.ctx.options)
        mark_limits(nodes)
        return self.compile_nodes(nodes)

    def compile_nodes(
        self, nodes: list[PlanNode], profiler: Profiler | None = None
    ) -> Callable[[Frame], Rows]:
        stages: list[Stage] = []
        for node in nodes:
            factory = self.STAGES.get(type(node))
            if factory is None:
                raise ArangoError(E.INTERNAL, f"no executor for {type(node).__name__}")
            stage = factory(self, node)
            if profiler is not None:
                stage = profiler.wrap(node, stage)
            if stage is not None:
                stages.append(stage)
        if not isinstance(nodes[-1], ReturnNode):
            stages.append(_drain)

        def run(frame: Frame) -> Rows:
            rows: Rows = iter((list(frame),))
            for stage in stages:
                rows = stage(rows, frame)
            return rows

        return run

    # ------------------------------------------------------------------ reading
    def _singleton(self, node: SingletonNode) -> Stage | None:
        return None

    def _enumerate_collection(self, node: EnumerateCollectionNode) -> Stage:
        ctx = self.ctx
        collection = ctx.db.collection(node.collection)
        slot = node.var.id
        loads = orjson.loads

        def stage(rows: Rows, base: Frame) -> Rows:
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                trx = ctx.trx
                produced = 0
                for key in list(collection.keys(trx)):
                    raw = collection.get_raw(key, trx)
                    if raw is None:
                        continue
                    ctx.stats.scanned_full += 1
                    row = list(frame)
                    row[slot] = loads(raw)
                    yield row
                    produced += 1
                    if produced % PAUSE_EVERY == 0 or ctx.sleep_debt:
                        yield PAUSE

        return stage

    def _enumerate_list(self, node: EnumerateListNode) -> Stage:
        ctx = self.ctx
        slot = node.var.id
        if isinstance(node.expr, ast.Range):
            source: Fn = self.expressions.lazy_range(node.expr)
        else:
            source = self.expressions.compile(node.expr)

        def stage(rows: Rows, base: Frame) -> Rows:
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                values = source(frame)
                if not isinstance(values, list | range):
                    raise ArangoError(
                        E.QUERY_ARRAY_EXPECTED,
                        "collection or array expected as operand to FOR loop; "
                        f"you provided a value of type '{type_name(values)}'",
                    )
                produced = 0
                for value in values:
                    row = list(frame)
                    row[slot] = value
                    yield row
                    produced += 1
                    if produced % PAUSE_EVERY == 0 or ctx.sleep_debt:
                        yield PAUSE

        return stage

    def _calculation(self, node: CalculationNode) -> Stage:
        slot = node.var.id
        fn = self.expressions.compile(node.expr)

        def stage(rows: Rows, base: Frame) -> Rows:
            for frame in rows:
                if frame is not PAUSE:
                    frame[slot] = fn(frame)
                yield frame

        return stage

    def _filter(self, node: FilterNode) -> Stage:
        fn = self.expressions.compile(node.expr)
        stats = self.ctx.stats

        def stage(rows: Rows, base: Frame) -> Rows:
            for frame in rows:
                if frame is PAUSE or to_bool(fn(frame)):
                    yield frame
                else:
                    stats.filtered += 1

        return stage

    def _sort(self, node: SortNode) -> Stage | None:
        keys: list[Fn] = []
        directions: list[bool] = []
        for expr, ascending in node.elements:
            if is_constant(expr):
                continue  # SORT null, SORT 1: nothing to order by
            keys.append(self.expressions.compile(expr))
            directions.append(self._direction(ascending))
        if not keys:
            return None

        def order(a: tuple[list[Any], Frame], b: tuple[list[Any], Frame]) -> int:
            for i, ascending in enumerate(directions):
                c = compare(a[0][i], b[0][i])
                if c:
                    return c if ascending else -c
            return 0

        sort_key = cmp_to_key(order)

        def stage(rows: Rows, base: Frame) -> Rows:
            buffered: list[tuple[list[Any], Frame]] = []
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                buffered.append(([k(frame) for k in keys], frame))
            buffered.sort(key=sort_key)
            for _values, frame in buffered:
                yield frame

        return stage

    def _direction(self, ascending: bool | ast.Expr) -> bool:
        if isinstance(ascending, bool):
            return ascending
        value = self.expressions.constant(ascending)
        if isinstance(value, str):
            if value.upper() in ("ASC", "DESC"):
                return value.upper() == "ASC"
            raise ArangoError(E.BAD_PARAMETER, f"invalid sort direction '{value}'")
        return to_bool(value)

    def _limit(self, node: LimitNode) -> Stage:
        offset, count = self._limit_values(node)
        stats = self.ctx.stats
        full_count, drain = node.full_count, node.drain

        def stage(rows: Rows, base: Frame) -> Rows:
            seen = 0
            taken = 0
            if count == 0 and not (full_count or drain):
                return
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                seen += 1
                if seen <= offset:
                    continue
                if count is None or taken < count:
                    taken += 1
                    yield frame
                    if count is not None and taken >= count and not (full_count or drain):
                        break
            if full_count:
                stats.full_count = seen

        return stage

    def _limit_values(self, node: LimitNode) -> tuple[int, int | None]:
        if not (is_constant(node.offset) and is_constant(node.count)):
            raise ArangoError(
                E.QUERY_NUMBER_OUT_OF_RANGE,
                "LIMIT offset/count values must be constant numeric values",
            )
        offset = self.expressions.constant(node.offset)
        count = self.expressions.constant(node.count)
        if offset is None:
            offset = 0
        elif not is_number(offset) or offset < 0:
            raise ArangoError(
                E.QUERY_NUMBER_OUT_OF_RANGE, "LIMIT offset value is not a number or out of range"
            )
        if count is not None and (not is_number(count) or count < 0):
            raise ArangoError(
                E.QUERY_NUMBER_OUT_OF_RANGE, "LIMIT count value is not a number or out of range"
            )
        return int(offset), (int(count) if count is not None else None)

    def _collect(self, node: CollectNode) -> Stage:
        op = node.op
        ctx = self.ctx
        groups = [(a.var.id, self.expressions.compile(a.expr)) for a in op.groups]
        aggregates: list[tuple[int, str, list[Fn]]] = []
        for a in op.aggregates:
            call = a.expr
            assert isinstance(call, ast.FunctionCall)
            aggregates.append(
                (a.var.id, call.name, [self.expressions.compile(arg) for arg in call.args])
            )
        into_slot = op.into.id if op.into is not None else None
        into_fn = self.expressions.compile(op.into_expr) if op.into_expr is not None else None
        captured = [(v.name, v.id) for v in op.into_vars]
        count_slot = op.count_into.id if op.count_into is not None else None

        def stage(rows: Rows, base: Frame) -> Rows:
            buckets: dict[Any, _Group] = {}
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                values = [fn(frame) for _slot, fn in groups]
                key = hash_key(values)
                group = buckets.get(key)
                if group is None:
                    group = buckets[key] = _Group(values, frame, len(aggregates))
                group.count += 1
                for i, (_slot, _name, arg_fns) in enumerate(aggregates):
                    group.inputs[i].append(arg_fns[0](frame) if arg_fns else None)
                if into_slot is not None:
                    if into_fn is not None:
                        group.into.append(into_fn(frame))
                    else:
                        group.into.append({name: frame[slot] for name, slot in captured})
            if not buckets and not groups:
                buckets[None] = _Group([], list(base), len(aggregates))
            ordered = sorted(buckets.values(), key=_GROUP_ORDER)
            for group in ordered:
                row = list(group.frame)
                for (slot, _fn), value in zip(groups, group.values, strict=True):
                    row[slot] = value
                for i, (slot, name, _args) in enumerate(aggregates):
                    row[slot] = _aggregate(ctx, name, group.inputs[i])
                if into_slot is not None:
                    row[into_slot] = group.into
                if count_slot is not None:
                    row[count_slot] = group.count
                yield row

        return stage

    def _window(self, node: WindowNode) -> Stage:
        from arangolite.aql.window import window_stage

        return window_stage(self, node)

    def _traversal(self, node: TraversalNode) -> Stage:
        from arangolite.aql.traversal import traversal_stage

        return traversal_stage(self, node)

    def _paths(self, node: ShortestPathNode) -> Stage:
        from arangolite.aql.paths import path_stage

        return path_stage(self, node)

    def _unsupported(self, node: PlanNode) -> Stage:
        what = {
            WindowNode: "WINDOW",
            TraversalNode: "graph traversals",
            ShortestPathNode: "path searches",
        }.get(type(node), node.TYPE)
        raise ArangoError(E.NOT_IMPLEMENTED, f"{what} are not supported by arangolite yet")

    def _return(self, node: ReturnNode) -> Stage:
        fn = self.expressions.compile(node.expr)
        distinct = node.distinct

        def stage(rows: Rows, base: Frame) -> Rows:
            seen: set[Any] = set()
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                value = fn(frame)
                if distinct:
                    key = hash_key(value)
                    if key in seen:
                        continue
                    seen.add(key)
                yield value

        return stage

    # ------------------------------------------------------------------ writing
    def _options(self, expr: ast.Expr | None) -> dict[str, Any]:
        if expr is None:
            return {}
        value = self.expressions.constant(expr)
        if not isinstance(value, dict):
            raise ArangoError(E.QUERY_PARSE, "'OPTIONS' have to be an object")
        return value

    def _modification(self, node: PlanNode) -> Stage:
        from arangolite.aql.modifications import modification_stage

        return modification_stage(self, node)

    STAGES: dict[type[PlanNode], Callable[[Executor, Any], Stage | None]] = {
        SingletonNode: _singleton,
        EnumerateCollectionNode: _enumerate_collection,
        EnumerateListNode: _enumerate_list,
        IndexNode: index_stage,
        CalculationNode: _calculation,
        FilterNode: _filter,
        SortNode: _sort,
        LimitNode: _limit,
        CollectNode: _collect,
        WindowNode: _window,
        TraversalNode: _traversal,
        ShortestPathNode: _paths,
        ReturnNode: _return,
        InsertNode: _modification,
        UpdateNode: _modification,
        ReplaceNode: _modification,
        RemoveNode: _modification,
        UpsertNode: _modification,
    }


def _drain(rows: Rows, base: Frame) -> Rows:
    """The end of a query without RETURN: run everything, produce nothing."""
    for frame in rows:
        if frame is PAUSE:
            yield PAUSE


class _Group:
    __slots__ = ("values", "frame", "count", "inputs", "into")

    def __init__(self, values: list[Any], frame: Frame, aggregates: int) -> None:
        self.values = values
        self.frame = frame
        self.count = 0
        self.inputs: list[list[Any]] = [[] for _ in range(aggregates)]
        self.into: list[Any] = []


_GROUP_ORDER = cmp_to_key(lambda a, b: compare(a.values, b.values))


def _aggregate(ctx: QueryContext, name: str, inputs: list[Any]) -> Any:
    """One AGGREGATE result over the group's argument values."""
    if name in ("LENGTH", "COUNT"):
        return len(inputs)
    if name == "PUSH":
        return inputs
    return FUNCTIONS[name].fn(ctx, inputs)
