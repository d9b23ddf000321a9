"""AQL's value order and comparison, shared by the executor, the functions and indexes.

ArangoDB orders values by type first (null < bool < number < string < array <
object), then within the type. Indexes sort their entries with :func:`sort_key`, so
an index scan yields exactly the order ``SORT`` would.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Any

__all__ = ["type_rank", "compare", "sort_key", "values_equal"]


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
