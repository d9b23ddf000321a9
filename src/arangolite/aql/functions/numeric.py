"""Numeric functions (AQL reference: "Numeric functions").

Arguments are cast with ``TO_NUMBER`` rules; results that are not finite
numbers (``SQRT(-1)``, ``LOG(0)``) are ``null``, as in ArangoDB. The array
statistics (``SUM``, ``AVERAGE``, ``MIN``, …) ignore ``null`` elements; they
also serve as the ``COLLECT … AGGREGATE`` functions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import compare, is_number, number, to_number


def _unary(name: str, fn: Callable[[float], float]) -> Callable[..., Any]:
    def apply(ctx: FunctionContext, value: Any) -> Any:
        try:
            return number(fn(to_number(value)))
        except (ValueError, OverflowError, ZeroDivisionError):
            return None

    apply.__name__ = name.lower()
    return aql_function(name, min_args=1, max_args=1)(apply)


for _name, _fn in {
    "ABS": abs,
    "CEIL": math.ceil,
    "FLOOR": math.floor,
    "SQRT": math.sqrt,
    "EXP": math.exp,
    "EXP2": lambda x: 2.0**x,
    "LOG": math.log,
    "LOG2": math.log2,
    "LOG10": math.log10,
    "SIN": math.sin,
    "COS": math.cos,
    "TAN": math.tan,
    "ASIN": math.asin,
    "ACOS": math.acos,
    "ATAN": math.atan,
    "RADIANS": math.radians,
    "DEGREES": math.degrees,
}.items():
    _unary(_name, _fn)


@aql_function("ROUND", min_args=1, max_args=1)
def round_(ctx: FunctionContext, value: Any) -> Any:
    # ArangoDB rounds half up: ROUND(2.5) is 3, ROUND(-2.5) is -2
    return number(math.floor(to_number(value) + 0.5))


@aql_function("ATAN2", min_args=2, max_args=2)
def atan2(ctx: FunctionContext, y: Any, x: Any) -> Any:
    return number(math.atan2(to_number(y), to_number(x)))


@aql_function("POW", min_args=2, max_args=2)
def pow_(ctx: FunctionContext, base: Any, exponent: Any) -> Any:
    try:
        result = float(to_number(base)) ** float(to_number(exponent))
    except (ZeroDivisionError, OverflowError):
        return None
    if isinstance(result, complex):
        return None
    return number(result)


@aql_function("PI", min_args=0, max_args=0)
def pi(ctx: FunctionContext) -> float:
    return math.pi


@aql_function("RAND", "RANDOM", min_args=0, max_args=0, deterministic=False)
def rand(ctx: FunctionContext) -> float:
    return random.random()


@aql_function("RANGE", min_args=2, max_args=3)
def range_(ctx: FunctionContext, start: Any, stop: Any, step: Any = None) -> Any:
    low, high = to_number(start), to_number(stop)
    if step is None or to_number(step) == 0:
        if step is not None:
            return ctx.invalid_argument("RANGE")
        increment: float = 1 if low <= high else -1
    else:
        increment = to_number(step)
        if (increment > 0 and low > high) or (increment < 0 and low < high):
            return ctx.invalid_argument("RANGE")
    out: list[Any] = []
    value = low
    count = 0
    while (increment > 0 and value <= high) or (increment < 0 and value >= high):
        out.append(number(value))
        count += 1
        value = low + count * increment
        if count > 10_000_000:
            return ctx.invalid_argument("RANGE")
    return out


def _numbers(ctx: FunctionContext, name: str, values: Any) -> list[int | float] | None:
    """The numeric elements of an array argument (nulls skipped); None after a warning."""
    if not isinstance(values, list):
        ctx.invalid_argument(name)
        return None
    out: list[int | float] = []
    for v in values:
        if v is None:
            continue
        if not is_number(v):
            return None
        out.append(v)
    return out


@aql_function("SUM", min_args=1, max_args=1)
def sum_(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "SUM", values)
    return (
        None
        if nums is None
        else number(math.fsum(nums) if any(isinstance(n, float) for n in nums) else sum(nums))
    )


@aql_function("PRODUCT", min_args=1, max_args=1)
def product(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "PRODUCT", values)
    return None if nums is None else number(math.prod(nums))


@aql_function("AVERAGE", "AVG", min_args=1, max_args=1)
def average(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "AVERAGE", values)
    if not nums:
        return None
    return number(math.fsum(nums) / len(nums))


@aql_function("MIN", min_args=1, max_args=1)
def min_(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("MIN")
    best: Any = None
    for v in values:
        if v is not None and (best is None or compare(v, best) < 0):
            best = v
    return best


@aql_function("MAX", min_args=1, max_args=1)
def max_(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("MAX")
    best: Any = None
    for v in values:
        if v is not None and (best is None or compare(v, best) > 0):
            best = v
    return best


@aql_function("MEDIAN", min_args=1, max_args=1)
def median(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "MEDIAN", values)
    if not nums:
        return None
    ordered = sorted(nums)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return number(ordered[mid])
    return number((ordered[mid - 1] + ordered[mid]) / 2)


@aql_function("PERCENTILE", min_args=2, max_args=3)
def percentile(ctx: FunctionContext, values: Any, n: Any, method: Any = "rank") -> Any:
    nums = _numbers(ctx, "PERCENTILE", values)
    p = to_number(n)
    if nums is None or not 0 < p <= 100 or method not in ("rank", "interpolation"):
        if nums is not None:
            ctx.invalid_argument("PERCENTILE")
        return None
    if not nums:
        return None
    ordered = sorted(nums)
    if method == "rank":
        index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
        return number(ordered[index])
    position = p / 100 * (len(ordered) + 1) - 1
    if position <= 0:
        return number(ordered[0])
    if position >= len(ordered) - 1:
        return number(ordered[-1])
    low = math.floor(position)
    return number(ordered[low] + (position - low) * (ordered[low + 1] - ordered[low]))


def _variance(nums: list[int | float], sample: bool) -> float | None:
    n = len(nums)
    if n == 0 or (sample and n < 2):
        return None
    mean = math.fsum(nums) / n
    squares = math.fsum((x - mean) ** 2 for x in nums)
    return squares / (n - 1 if sample else n)


@aql_function("VARIANCE_POPULATION", "VARIANCE", min_args=1, max_args=1)
def variance_population(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "VARIANCE_POPULATION", values)
    result = None if nums is None else _variance(nums, False)
    return None if result is None else number(result)


@aql_function("VARIANCE_SAMPLE", min_args=1, max_args=1)
def variance_sample(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "VARIANCE_SAMPLE", values)
    result = None if nums is None else _variance(nums, True)
    return None if result is None else number(result)


@aql_function("STDDEV_POPULATION", "STDDEV", min_args=1, max_args=1)
def stddev_population(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "STDDEV_POPULATION", values)
    result = None if nums is None else _variance(nums, False)
    return None if result is None else number(math.sqrt(result))


@aql_function("STDDEV_SAMPLE", min_args=1, max_args=1)
def stddev_sample(ctx: FunctionContext, values: Any) -> Any:
    nums = _numbers(ctx, "STDDEV_SAMPLE", values)
    result = None if nums is None else _variance(nums, True)
    return None if result is None else number(math.sqrt(result))


# ------------------------------------------------------------------ decay functions


def _decay(
    ctx: FunctionContext,
    name: str,
    value: Any,
    args: tuple[Any, ...],
    curve: Callable[[float, float, float], float],
) -> Any:
    """Elasticsearch-style decay: 1 within ``offset`` of ``origin``, ``decay`` at
    ``offset + scale``; ``value`` may be an array of numbers."""
    origin, scale, offset, decay = args
    if not all(is_number(x) for x in args) or scale <= 0 or offset < 0 or not 0 < decay < 1:
        return ctx.invalid_argument(name)

    def one(v: Any) -> Any:
        if not is_number(v):
            return ctx.invalid_argument(name)
        distance = max(0.0, abs(v - origin) - offset)
        return number(curve(distance, scale, decay))

    if isinstance(value, list):
        return [one(v) for v in value]
    return one(value)


@aql_function("DECAY_GAUSS", min_args=5, max_args=5)
def decay_gauss(ctx: FunctionContext, value: Any, *args: Any) -> Any:
    def curve(distance: float, scale: float, decay: float) -> float:
        sigma_squared = -(scale**2) / (2 * math.log(decay))
        return math.exp(-(distance**2) / (2 * sigma_squared))

    return _decay(ctx, "DECAY_GAUSS", value, args, curve)


@aql_function("DECAY_EXP", min_args=5, max_args=5)
def decay_exp(ctx: FunctionContext, value: Any, *args: Any) -> Any:
    def curve(distance: float, scale: float, decay: float) -> float:
        return math.exp(math.log(decay) / scale * distance)

    return _decay(ctx, "DECAY_EXP", value, args, curve)


@aql_function("DECAY_LINEAR", min_args=5, max_args=5)
def decay_linear(ctx: FunctionContext, value: Any, *args: Any) -> Any:
    def curve(distance: float, scale: float, decay: float) -> float:
        s = scale / (1 - decay)
        return max((s - distance) / s, 0.0)

    return _decay(ctx, "DECAY_LINEAR", value, args, curve)
