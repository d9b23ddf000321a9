"""Array functions (AQL reference: "Array functions"), plus ``LENGTH``/``COUNT``.

Element equality is AQL's (``1 == 1.0``, objects regardless of attribute
order), via :func:`arangolite.aql.values.hash_key`. A non-array where an array
is required gives ArangoDB's "invalid argument type" warning and ``null``.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import (
    compare,
    hash_key,
    number,
    number_to_string,
    to_bool,
    to_number,
    values_equal,
)

_ORDER = cmp_to_key(compare)


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for v in values:
        key = hash_key(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


@aql_function("LENGTH", "COUNT", min_args=1, max_args=1)
def length(ctx: FunctionContext, value: Any) -> int:
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, list | dict | str):
        return len(value)
    return len(number_to_string(value))


@aql_function("FIRST", min_args=1, max_args=1)
def first(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("FIRST")
    return values[0] if values else None


@aql_function("LAST", min_args=1, max_args=1)
def last(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("LAST")
    return values[-1] if values else None


@aql_function("NTH", min_args=2, max_args=2)
def nth(ctx: FunctionContext, values: Any, position: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("NTH")
    index = int(to_number(position))
    return values[index] if 0 <= index < len(values) else None


@aql_function("PUSH", min_args=2, max_args=3)
def push(ctx: FunctionContext, values: Any, value: Any, unique: Any = False) -> Any:
    if values is None:
        values = []
    if not isinstance(values, list):
        return ctx.invalid_argument("PUSH")
    if to_bool(unique) and any(values_equal(v, value) for v in values):
        return values
    return [*values, value]


@aql_function("APPEND", min_args=2, max_args=3)
def append(ctx: FunctionContext, values: Any, more: Any, unique: Any = False) -> Any:
    if values is None:
        values = []
    if not isinstance(values, list):
        return ctx.invalid_argument("APPEND")
    additions = more if isinstance(more, list) else [more]
    if not to_bool(unique):
        return [*values, *additions]
    out = list(values)
    seen = {hash_key(v) for v in out}
    for v in additions:
        key = hash_key(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


@aql_function("UNSHIFT", min_args=2, max_args=3)
def unshift(ctx: FunctionContext, values: Any, value: Any, unique: Any = False) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("UNSHIFT")
    if to_bool(unique) and any(values_equal(v, value) for v in values):
        return values
    return [value, *values]


@aql_function("POP", min_args=1, max_args=1)
def pop(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("POP")
    return values[:-1]


@aql_function("SHIFT", min_args=1, max_args=1)
def shift(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("SHIFT")
    return values[1:]


@aql_function("UNIQUE", min_args=1, max_args=1)
def unique(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("UNIQUE")
    return _unique(values)


@aql_function("SORTED_UNIQUE", min_args=1, max_args=1)
def sorted_unique(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("SORTED_UNIQUE")
    return sorted(_unique(values), key=_ORDER)


@aql_function("SORTED", min_args=1, max_args=1)
def sorted_(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("SORTED")
    return sorted(values, key=_ORDER)


@aql_function("COUNT_DISTINCT", "COUNT_UNIQUE", min_args=1, max_args=1)
def count_distinct(ctx: FunctionContext, values: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("COUNT_DISTINCT")
    return len({hash_key(v) for v in values})


def flatten_values(values: list[Any], depth: int) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if isinstance(v, list) and depth > 0:
            out.extend(flatten_values(v, depth - 1))
        else:
            out.append(v)
    return out


@aql_function("FLATTEN", min_args=1, max_args=2)
def flatten(ctx: FunctionContext, values: Any, depth: Any = 1) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("FLATTEN")
    return flatten_values(values, int(to_number(depth)))


def _arrays(ctx: FunctionContext, name: str, arrays: tuple[Any, ...]) -> list[list[Any]] | None:
    for a in arrays:
        if not isinstance(a, list):
            ctx.invalid_argument(name)
            return None
    return list(arrays)


@aql_function("UNION", min_args=2, max_args=None)
def union(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "UNION", arrays)
    if checked is None:
        return None
    return [v for a in checked for v in a]


@aql_function("UNION_DISTINCT", min_args=2, max_args=None)
def union_distinct(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "UNION_DISTINCT", arrays)
    if checked is None:
        return None
    return _unique([v for a in checked for v in a])


@aql_function("INTERSECTION", min_args=2, max_args=None)
def intersection(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "INTERSECTION", arrays)
    if checked is None:
        return None
    result = _unique(checked[0])
    for other in checked[1:]:
        keys = {hash_key(v) for v in other}
        result = [v for v in result if hash_key(v) in keys]
    return result


@aql_function("OUTERSECTION", min_args=2, max_args=None)
def outersection(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "OUTERSECTION", arrays)
    if checked is None:
        return None
    counts: dict[Any, int] = {}
    first_seen: dict[Any, Any] = {}
    for a in checked:
        for v in _unique(a):
            key = hash_key(v)
            counts[key] = counts.get(key, 0) + 1
            first_seen.setdefault(key, v)
    return [first_seen[k] for k, c in counts.items() if c == 1]


@aql_function("MINUS", min_args=2, max_args=None)
def minus(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "MINUS", arrays)
    if checked is None:
        return None
    removed = {hash_key(v) for a in checked[1:] for v in a}
    return [v for v in _unique(checked[0]) if hash_key(v) not in removed]


@aql_function("SLICE", min_args=2, max_args=3)
def slice_(ctx: FunctionContext, values: Any, start: Any, length: Any = None) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("SLICE")
    begin = int(to_number(start))
    if begin < 0:
        begin = max(0, len(values) + begin)
    if length is None:
        return values[begin:]
    count = int(to_number(length))
    if count < 0:
        return values[begin : max(begin, len(values) + count)]
    return values[begin : begin + count]


@aql_function("REVERSE", min_args=1, max_args=1)
def reverse(ctx: FunctionContext, value: Any) -> Any:
    if isinstance(value, str):
        return value[::-1]
    if not isinstance(value, list):
        return ctx.invalid_argument("REVERSE")
    return value[::-1]


@aql_function("POSITION", "CONTAINS_ARRAY", min_args=2, max_args=3)
def position(ctx: FunctionContext, values: Any, search: Any, return_index: Any = False) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("POSITION")
    for i, v in enumerate(values):
        if values_equal(v, search):
            return i if to_bool(return_index) else True
    return -1 if to_bool(return_index) else False


@aql_function("REMOVE_VALUE", min_args=2, max_args=3)
def remove_value(ctx: FunctionContext, values: Any, value: Any, limit: Any = None) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("REMOVE_VALUE")
    remaining = int(to_number(limit)) if limit is not None else -1
    out: list[Any] = []
    for v in values:
        if remaining != 0 and values_equal(v, value):
            remaining -= 1
            continue
        out.append(v)
    return out


@aql_function("REMOVE_VALUES", min_args=2, max_args=2)
def remove_values(ctx: FunctionContext, values: Any, removed: Any) -> Any:
    if not isinstance(values, list) or not isinstance(removed, list):
        return ctx.invalid_argument("REMOVE_VALUES")
    keys = {hash_key(v) for v in removed}
    return [v for v in values if hash_key(v) not in keys]


@aql_function("REMOVE_NTH", min_args=2, max_args=2)
def remove_nth(ctx: FunctionContext, values: Any, position: Any) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("REMOVE_NTH")
    index = int(to_number(position))
    if index < 0:
        index += len(values)
    if not 0 <= index < len(values):
        return values
    return values[:index] + values[index + 1 :]


@aql_function("REPLACE_NTH", min_args=3, max_args=4)
def replace_nth(
    ctx: FunctionContext, values: Any, position: Any, value: Any, padding: Any = None
) -> Any:
    if not isinstance(values, list):
        return ctx.invalid_argument("REPLACE_NTH")
    index = int(to_number(position))
    if index < 0:
        index += len(values)
        if index < 0:
            return ctx.invalid_argument("REPLACE_NTH")
    out = list(values)
    if index < len(out):
        out[index] = value
        return out
    if padding is None and index > len(out):
        return ctx.invalid_argument("REPLACE_NTH")
    out.extend([padding] * (index - len(out)))
    out.append(value)
    return out


@aql_function("INTERLEAVE", min_args=2, max_args=None)
def interleave(ctx: FunctionContext, *arrays: Any) -> Any:
    checked = _arrays(ctx, "INTERLEAVE", arrays)
    if checked is None:
        return None
    out: list[Any] = []
    for i in range(max((len(a) for a in checked), default=0)):
        out.extend(a[i] for a in checked if i < len(a))
    return out


@aql_function("JACCARD", min_args=2, max_args=2)
def jaccard(ctx: FunctionContext, a: Any, b: Any) -> Any:
    if not isinstance(a, list) or not isinstance(b, list):
        return ctx.invalid_argument("JACCARD")
    left = {hash_key(v) for v in a}
    right = {hash_key(v) for v in b}
    if not left and not right:
        return 1
    return number(len(left & right) / len(left | right))
