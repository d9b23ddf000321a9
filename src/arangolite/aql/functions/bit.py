"""Bit functions (AQL reference: "Bit functions"); the aggregates for now."""

from __future__ import annotations

from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number


def _bits(ctx: FunctionContext, name: str, values: Any) -> list[int] | None:
    if not isinstance(values, list):
        ctx.invalid_argument(name)
        return None
    out: list[int] = []
    for v in values:
        if v is None:
            continue
        if not is_number(v) or v < 0 or v >= 2**32 or int(v) != v:
            ctx.invalid_argument(name)
            return None
        out.append(int(v))
    return out


@aql_function("BIT_AND", min_args=1, max_args=1)
def bit_and(ctx: FunctionContext, values: Any) -> Any:
    bits = _bits(ctx, "BIT_AND", values)
    if not bits:
        return None
    result = bits[0]
    for b in bits[1:]:
        result &= b
    return result


@aql_function("BIT_OR", min_args=1, max_args=1)
def bit_or(ctx: FunctionContext, values: Any) -> Any:
    bits = _bits(ctx, "BIT_OR", values)
    if not bits:
        return None
    result = 0
    for b in bits:
        result |= b
    return result


@aql_function("BIT_XOR", min_args=1, max_args=1)
def bit_xor(ctx: FunctionContext, values: Any) -> Any:
    bits = _bits(ctx, "BIT_XOR", values)
    if not bits:
        return None
    result = 0
    for b in bits:
        result ^= b
    return result
