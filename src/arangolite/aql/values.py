"""AQL's value order and comparison, shared by the executor, the functions and indexes.

ArangoDB orders values by type first (null < bool < number < string < array <
object), then within the type. Indexes sort their entries with :func:`sort_key`, so
an index scan yields exactly the order ``SORT`` would.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

import orjson

__all__ = [
    "type_rank",
    "compare",
    "sort_key",
    "values_equal",
    "to_bool",
    "to_number",
    "to_string",
    "type_name",
    "number",
    "number_to_string",
    "json_dumps",
    "hash_key",
    "is_number",
]


def type_rank(value: Any) -> int:
    if value is None:
        return 0
    if value is True or value is False:
        return 1
    if isinstance(value, int | float):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, list | tuple):
        return 4
    return 5


def compare(a: Any, b: Any) -> int:
    """Three-way comparison in ArangoDB's order: -1, 0 or 1."""
    ra, rb = type_rank(a), type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra in (1, 2, 3):
        return -1 if a < b else (1 if a > b else 0)
    if ra == 4:
        # arrays compare element by element; a missing element counts as null
        for i in range(max(len(a), len(b))):
            c = compare(a[i] if i < len(a) else None, b[i] if i < len(b) else None)
            if c:
                return c
        return 0
    # objects: compare the values of the sorted union of attribute names
    for name in sorted(set(a) | set(b)):
        if name not in a:
            return -1
        if name not in b:
            return 1
        c = compare(a[name], b[name])
        if c:
            return c
    return 0


def values_equal(a: Any, b: Any) -> bool:
    return compare(a, b) == 0


_CmpKey = cmp_to_key(compare)


def sort_key(value: Any) -> Any:
    """A key usable by ``sorted``/``SortedList`` that orders like :func:`compare`.

    Scalars get cheap tuples (the common case in indexes); arrays and objects fall
    back to a comparison wrapper.
    """
    if value is None:
        return (0, 0)
    if value is True or value is False:
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4 if isinstance(value, list | tuple) else 5, _CmpKey(value))


# ---------------------------------------------------------------------- casts
# AQL's implicit and explicit casts, in one place for the executor and the
# functions (TO_BOOL, TO_NUMBER, TO_STRING follow the same rules).


_MAX_SAFE = 2**63


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number(value: float | int) -> int | float | None:
    """Normalise an arithmetic result: integral floats become ints (JSON ``2``, not
    ``2.0``), NaN and infinities become ``None`` (AQL's ``null``)."""
    if isinstance(value, int):
        if -_MAX_SAFE <= value < _MAX_SAFE:
            return value
        return float(value)
    if value != value or value in (math.inf, -math.inf):
        return None
    if value.is_integer() and -(2.0**53) <= value <= 2.0**53:
        return int(value)
    return value


def to_bool(value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def to_number(value: Any) -> int | float:
    """TO_NUMBER: null/false -> 0, true -> 1, numeric strings parsed, one-element
    arrays unwrapped, everything else 0."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else 0
    if isinstance(value, str):
        return _parse_number(value)
    if isinstance(value, list):
        return to_number(value[0]) if len(value) == 1 else 0
    return 0


def _parse_number(text: str) -> int | float:
    text = text.strip()
    if not text:
        return 0
    try:
        if text.lstrip("+-").isdigit():
            return int(text)
        lowered = text.lower()
        if "inf" in lowered or "nan" in lowered or "_" in text:
            return 0
        result = float(text)
    except ValueError:
        return 0
    return result if math.isfinite(result) else 0


def number_to_string(value: int | float) -> str:
    """A number as ArangoDB prints it: ``123``, ``1.23``, ``2e-7``, ``1e+21``."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (math.inf, -math.inf):
        return "null"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    mantissa = "".join(str(d) for d in digits).rstrip("0") or "0"
    # position of the decimal point relative to the start of the digits
    point = len(digits) + int(exponent)
    prefix = "-" if sign else ""
    if -6 < point <= 21:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{mantissa}"
        if point >= len(mantissa):
            return f"{prefix}{mantissa}{'0' * (point - len(mantissa))}"
        return f"{prefix}{mantissa[:point]}.{mantissa[point:]}"
    exp = point - 1
    body = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
    return f"{prefix}{body}e{'+' if exp > 0 else '-'}{abs(exp)}"


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    if isinstance(value, str):
        return value
    return json_dumps(value)


def json_dumps(value: Any) -> str:
    """Compact JSON as ArangoDB writes it (numbers printed the AQL way)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    if isinstance(value, str):
        return orjson.dumps(value).decode()
    if isinstance(value, list | tuple):
        return "[" + ",".join(json_dumps(v) for v in value) + "]"
    return (
        "{"
        + ",".join(f"{orjson.dumps(k).decode()}:{json_dumps(v)}" for k, v in value.items())
        + "}"
    )


_TYPE_NAMES = ("null", "bool", "number", "string", "array", "object")


def type_name(value: Any) -> str:
    """TYPENAME(): ``null``, ``bool``, ``number``, ``string``, ``array``, ``object``."""
    return _TYPE_NAMES[type_rank(value)]


def hash_key(value: Any) -> Any:
    """A hashable key equal for exactly the values AQL considers equal
    (``1 == 1.0``; ``true != 1``; objects regardless of attribute order)."""
    if value is None or isinstance(value, str):
        return value
    if value is True or value is False:
        return ("b", value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    if isinstance(value, list | tuple):
        return ("a", tuple(hash_key(v) for v in value))
    return ("o", tuple(sorted((k, hash_key(v)) for k, v in value.items())))
