"""Vector similarity and distance functions (AQL reference: "Numeric functions",
the 3.9+ additions used for vector search: ``COSINE_SIMILARITY``,
``L1_DISTANCE``, ``L2_DISTANCE``).

Both arguments are arrays of numbers of the same length. If one of them is a
matrix (its first element is an array), the result is one value per row. Bad
input gives ``null`` and a warning, as in ArangoDB: "invalid argument type" for
non-arrays, mismatched lengths or non-numeric elements, and "invalid
arithmetic value" (1561) for the cosine of a zero vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number, number
from arangolite.errors import E

_Metric = Callable[[FunctionContext, str, Sequence[float], Sequence[float]], Any]


class _Invalid(Exception):
    """A row could not be compared; the warning has been registered."""


def _pairs(ctx: FunctionContext, name: str, left: Any, right: Any) -> list[tuple[float, float]]:
    if not isinstance(left, list) or len(left) != len(right):
        ctx.invalid_argument(name)
        raise _Invalid
    if not all(is_number(a) and is_number(b) for a, b in zip(left, right, strict=True)):
        ctx.invalid_argument(name)
        raise _Invalid
    return [(float(a), float(b)) for a, b in zip(left, right, strict=True)]


def _cosine(ctx: FunctionContext, name: str, left: Any, right: Any) -> Any:
    pairs = _pairs(ctx, name, left, right)
    dot = sum(a * b for a, b in pairs)
    denominator = math.sqrt(sum(a * a for a, _ in pairs)) * math.sqrt(sum(b * b for _, b in pairs))
    if denominator == 0.0:
        ctx.warn(
            E.QUERY_INVALID_ARITHMETIC_VALUE, f"in function '{name}()': invalid arithmetic value"
        )
        raise _Invalid
    return number(min(1.0, max(-1.0, dot / denominator)))


def _l1(ctx: FunctionContext, name: str, left: Any, right: Any) -> Any:
    return number(sum(abs(a - b) for a, b in _pairs(ctx, name, left, right)))


def _l2(ctx: FunctionContext, name: str, left: Any, right: Any) -> Any:
    return number(math.sqrt(sum((a - b) ** 2 for a, b in _pairs(ctx, name, left, right))))


def _apply(ctx: FunctionContext, name: str, metric: _Metric, x: Any, y: Any) -> Any:
    if not isinstance(x, list) or not isinstance(y, list) or not x or not y:
        return ctx.invalid_argument(name)
    try:
        if isinstance(x[0], list) or isinstance(y[0], list):
            matrix, vector = (x, y) if isinstance(x[0], list) else (y, x)
            return [metric(ctx, name, row, vector) for row in matrix]
        return metric(ctx, name, x, y)
    except _Invalid:
        return None


@aql_function("COSINE_SIMILARITY", min_args=2, max_args=2)
def cosine_similarity(ctx: FunctionContext, x: Any, y: Any) -> Any:
    return _apply(ctx, "COSINE_SIMILARITY", _cosine, x, y)


@aql_function("L1_DISTANCE", min_args=2, max_args=2)
def l1_distance(ctx: FunctionContext, x: Any, y: Any) -> Any:
    return _apply(ctx, "L1_DISTANCE", _l1, x, y)


@aql_function("L2_DISTANCE", min_args=2, max_args=2)
def l2_distance(ctx: FunctionContext, x: Any, y: Any) -> Any:
    return _apply(ctx, "L2_DISTANCE", _l2, x, y)
