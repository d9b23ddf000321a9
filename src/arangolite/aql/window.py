"""The ``WINDOW`` operation: ``COLLECT AGGREGATE``-like results computed for every row.

Two forms (ArangoDB 3.12, "AQL WINDOW operation"):

- rows: ``WINDOW { preceding: n | "unbounded", following: n | "unbounded" }`` — the
  frame of a row is its ``preceding`` predecessors, itself and its ``following``
  successors in input order;
- range: ``WINDOW expr WITH { preceding: x, following: y }`` — the frame of a row
  is every row whose ``expr`` value lies in ``[value - x, value + y]``
  (inclusive). ``x``/``y`` are numbers, or ISO 8601 durations, in which case the
  values are timestamps in milliseconds and the bounds move the calendar date
  (``P1M`` is one calendar month). The planner puts a ``SORT expr`` before a
  range window, as ArangoDB's plan does, so the frame is a contiguous slice.

Both forms need to see rows after the current one, so the stage buffers its
input; frames are slices of the buffered argument values, aggregated with the
same functions ``COLLECT AGGREGATE`` uses.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arangolite.aql import ast, dates
from arangolite.aql.context import PAUSE
from arangolite.aql.functions import FUNCTIONS
from arangolite.aql.functions.date import _add_duration
from arangolite.aql.parser import is_constant
from arangolite.aql.values import is_number, number, type_name
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.context import QueryContext
    from arangolite.aql.executor import Executor, Rows, Stage
    from arangolite.aql.expressions import Fn, Frame
    from arangolite.aql.planner import WindowNode

__all__ = ["Bounds", "window_bounds", "window_stage"]

UNBOUNDED = "unbounded"
#: output rows between two PAUSE markers
_PAUSE_EVERY = 256


@dataclass(frozen=True, slots=True)
class Bounds:
    """How far a frame reaches: a row count, a number, an ISO duration, or None (unbounded)."""

    preceding: int | float | str | None
    following: int | float | str | None


def _bound(value: Any, *, rows: bool) -> int | float | str | None:
    if value is None:
        return 0
    if isinstance(value, str):
        if value == UNBOUNDED:
            return None
        if not rows and dates.parse_iso_duration(value) is not None:
            return value
        if rows:
            raise ArangoError(
                E.BAD_PARAMETER,
                'WINDOW row spec is invalid; bounds must be positive integers or "unbounded"',
            )
        raise ArangoError(
            E.BAD_PARAMETER,
            "WINDOW range spec is invalid; bounds must be positive numbers or ISO 8601 durations",
        )
    if not is_number(value) or not math.isfinite(value) or value < 0:
        what = "row" if rows else "range"
        raise ArangoError(
            E.BAD_PARAMETER, f"WINDOW {what} spec is invalid; bounds must be positive"
        )
    return int(value) if rows else value


def window_bounds(spec: Any, *, rows: bool) -> Bounds:
    """Validate the (constant) ``{preceding, following}`` object of a WINDOW."""
    if not isinstance(spec, dict):
        raise ArangoError(E.QUERY_PARSE, "WINDOW options must be an object")
    for name in spec:
        if name not in ("preceding", "following"):
            raise ArangoError(E.QUERY_PARSE, f"WINDOW attribute '{name}' is unknown")
    return Bounds(
        _bound(spec.get("preceding"), rows=rows), _bound(spec.get("following"), rows=rows)
    )


def _aggregate(ctx: QueryContext, name: str, inputs: list[Any]) -> Any:
    if name in ("LENGTH", "COUNT"):
        return len(inputs)
    if name == "PUSH":
        return inputs
    return FUNCTIONS[name].fn(ctx, inputs)


def _prefix_sums(values: list[Any]) -> list[int] | None:
    """Running totals when every value is an integer (exact, so frames of any
    size cost O(1)); None when SUM/AVERAGE must see the values themselves."""
    sums = [0]
    for v in values:
        if type(v) is not int:
            return None
        sums.append(sums[-1] + v)
    return sums


def _frame_aggregator(ctx: QueryContext, name: str, values: list[Any]) -> Callable[[int, int], Any]:
    """``(low, high) -> aggregate of values[low:high]``, in O(1) where that is exact."""
    if name in ("LENGTH", "COUNT"):
        return lambda low, high: high - low
    if name in ("SUM", "AVERAGE", "AVG"):
        sums = _prefix_sums(values)
        if sums is not None:
            if name == "SUM":
                return lambda low, high: number(sums[high] - sums[low])
            return lambda low, high: (
                number(float(sums[high] - sums[low]) / (high - low)) if high > low else None
            )
    return lambda low, high: _aggregate(ctx, name, values[low:high])


def _row_frames(count: int, bounds: Bounds) -> list[tuple[int, int]]:
    frames = []
    for i in range(count):
        low = 0 if bounds.preceding is None else max(0, i - int(bounds.preceding))
        high = count if bounds.following is None else min(count, i + int(bounds.following) + 1)
        frames.append((low, high))
    return frames


def _shift(value: float, bound: int | float | str | None, sign: int) -> float:
    if bound is None:
        return -math.inf if sign < 0 else math.inf
    if isinstance(bound, str):
        shifted = _add_duration(int(value), bound, sign)
        if shifted is None:  # outside the representable date range
            return -math.inf if sign < 0 else math.inf
        return shifted + (value - int(value))
    return value + sign * bound


def _check_numbers(values: list[Any]) -> None:
    for value in values:
        if not is_number(value):
            raise ArangoError(
                E.BAD_PARAMETER,
                f"WINDOW range value must be a number, got a value of type '{type_name(value)}'",
            )


def _range_frames(values: list[Any], bounds: Bounds) -> list[tuple[int, int]]:
    frames = []
    for value in values:
        low = bisect_left(values, _shift(value, bounds.preceding, -1))
        high = bisect_right(values, _shift(value, bounds.following, 1))
        frames.append((low, high))
    return frames


def window_stage(executor: Executor, node: WindowNode) -> Stage:
    """The running stage of a WINDOW node."""
    op: ast.Window = node.op
    ctx = executor.ctx
    if not is_constant(op.spec):
        raise ArangoError(E.QUERY_PARSE, "WINDOW options must be constant")
    bounds = window_bounds(executor.expressions.constant(op.spec), rows=op.range_expr is None)
    range_fn: Fn | None = (
        executor.expressions.compile(op.range_expr) if op.range_expr is not None else None
    )
    aggregates: list[tuple[int, str, Fn | None]] = []
    for a in op.aggregates:
        call = a.expr
        assert isinstance(call, ast.FunctionCall)
        arg = executor.expressions.compile(call.args[0]) if call.args else None
        aggregates.append((a.var.id, call.name, arg))

    def stage(rows: Rows, base: Frame) -> Rows:
        buffered: list[Frame] = []
        for frame in rows:
            if frame is PAUSE:
                yield PAUSE
                continue
            buffered.append(frame)
        if range_fn is None:
            frames = _row_frames(len(buffered), bounds)
        else:
            keys = [range_fn(f) for f in buffered]
            _check_numbers(keys)
            if any(a > b for a, b in zip(keys, keys[1:], strict=False)):
                # the planner sorts before a range window; stay correct without that sort
                order = sorted(range(len(keys)), key=keys.__getitem__)
                buffered = [buffered[i] for i in order]
                keys = [keys[i] for i in order]
            frames = _range_frames(keys, bounds)
        aggregators = [
            _frame_aggregator(ctx, name, [fn(f) if fn is not None else None for f in buffered])
            for _slot, name, fn in aggregates
        ]
        for i, (frame, (low, high)) in enumerate(zip(buffered, frames, strict=True)):
            for (slot, _name, _fn), aggregate in zip(aggregates, aggregators, strict=True):
                frame[slot] = aggregate(low, high)
            yield frame
            if (i + 1) % _PAUSE_EVERY == 0:
                yield PAUSE

    return stage
