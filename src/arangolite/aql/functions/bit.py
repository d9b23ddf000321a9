"""Bit functions (AQL reference: "Bit functions").

Numbers are treated as unsigned 32-bit bitsets: valid inputs are integers from
0 to 2^32 - 1 (fractions are cut off), bit positions and widths go from 0 to
32. Anything else makes the function return ``null`` with ArangoDB's "invalid
argument type" warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number

#: largest supported input value and number of bits
MAX_VALUE = 2**32 - 1
MAX_BITS = 32


def _value(v: Any) -> int | None:
    """``v`` as a bitset, or None if it is not a number in 0..2^32-1."""
    if not is_number(v) or not math.isfinite(v) or v < 0:
        return None
    n = int(v)
    return n if n <= MAX_VALUE else None


def _bits(v: Any, limit: int = MAX_BITS) -> int | None:
    """A bit count or position: a valid value that is at most ``limit``."""
    n = _value(v)
    return n if n is not None and n <= limit else None


def _combine(name: str, op: Callable[[int, int], int]) -> None:
    """Declare ``name(numbersArray)`` / ``name(value1, value2)``."""

    def fn(ctx: FunctionContext, values: Any, *second: Any) -> Any:
        if second:
            a, b = _value(values), _value(second[0])
            if a is None or b is None:
                return ctx.invalid_argument(name)
            return op(a, b)
        if not isinstance(values, list):
            return ctx.invalid_argument(name)
        result: int | None = None
        for v in values:
            if v is None:
                continue
            n = _value(v)
            if n is None:
                return ctx.invalid_argument(name)
            result = n if result is None else op(result, n)
        return result

    fn.__name__ = name.lower()
    aql_function(name, min_args=1, max_args=2)(fn)


_combine("BIT_AND", lambda a, b: a & b)
_combine("BIT_OR", lambda a, b: a | b)
_combine("BIT_XOR", lambda a, b: a ^ b)


@aql_function("BIT_NEGATE", min_args=2, max_args=2)
def bit_negate(ctx: FunctionContext, value: Any, bits: Any) -> Any:
    n, width = _value(value), _bits(bits)
    if n is None or width is None:
        return ctx.invalid_argument("BIT_NEGATE")
    return ~n & ((1 << width) - 1)


@aql_function("BIT_TEST", min_args=2, max_args=2)
def bit_test(ctx: FunctionContext, value: Any, index: Any) -> Any:
    n, position = _value(value), _bits(index, MAX_BITS - 1)
    if n is None or position is None:
        return ctx.invalid_argument("BIT_TEST")
    return bool(n & (1 << position))


@aql_function("BIT_POPCOUNT", min_args=1, max_args=1)
def bit_popcount(ctx: FunctionContext, value: Any) -> Any:
    n = _value(value)
    if n is None:
        return ctx.invalid_argument("BIT_POPCOUNT")
    return n.bit_count()


def _shift(value: Any, shift: Any, bits: Any, left: bool) -> int | None:
    n, by, width = _value(value), _bits(shift), _bits(bits)
    if n is None or by is None or width is None:
        return None
    shifted = n << by if left else n >> by
    return shifted & ((1 << width) - 1)


@aql_function("BIT_SHIFT_LEFT", min_args=3, max_args=3)
def bit_shift_left(ctx: FunctionContext, value: Any, shift: Any, bits: Any) -> Any:
    result = _shift(value, shift, bits, left=True)
    return result if result is not None else ctx.invalid_argument("BIT_SHIFT_LEFT")


@aql_function("BIT_SHIFT_RIGHT", min_args=3, max_args=3)
def bit_shift_right(ctx: FunctionContext, value: Any, shift: Any, bits: Any) -> Any:
    result = _shift(value, shift, bits, left=False)
    return result if result is not None else ctx.invalid_argument("BIT_SHIFT_RIGHT")


@aql_function("BIT_CONSTRUCT", min_args=1, max_args=1)
def bit_construct(ctx: FunctionContext, positions: Any) -> Any:
    if not isinstance(positions, list):
        return ctx.invalid_argument("BIT_CONSTRUCT")
    result = 0
    for p in positions:
        position = _bits(p, MAX_BITS - 1)
        if position is None:
            return ctx.invalid_argument("BIT_CONSTRUCT")
        result |= 1 << position
    return result


@aql_function("BIT_DECONSTRUCT", min_args=1, max_args=1)
def bit_deconstruct(ctx: FunctionContext, value: Any) -> Any:
    n = _value(value)
    if n is None:
        return ctx.invalid_argument("BIT_DECONSTRUCT")
    return [i for i in range(MAX_BITS) if n & (1 << i)]


@aql_function("BIT_TO_STRING", min_args=2, max_args=2)
def bit_to_string(ctx: FunctionContext, value: Any, bits: Any) -> Any:
    """The lowest ``bits`` bits of ``value``, most significant first."""
    n, width = _value(value), _bits(bits)
    if n is None or width is None:
        return ctx.invalid_argument("BIT_TO_STRING")
    return "".join("1" if n & (1 << i) else "0" for i in range(width - 1, -1, -1))


@aql_function("BIT_FROM_STRING", min_args=1, max_args=1)
def bit_from_string(ctx: FunctionContext, text: Any) -> Any:
    if not isinstance(text, str) or len(text) > MAX_BITS or text.strip("01"):
        return ctx.invalid_argument("BIT_FROM_STRING")
    return int(text, 2) if text else 0
