"""WINDOW beyond the documented examples of ``fixtures/window.aql``: the plan
ArangoDB shows for it, invalid bounds, and a frame over many rows."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import AQLQueryExecuteError


async def _rows(db, query: str, **kwargs):
    cursor = await db.aql.execute(query, batch_size=1000, **kwargs)
    return [row async for row in cursor]


async def test_explain_shows_window_node(db):
    plan = (
        await db.aql.explain("FOR i IN 1..3 WINDOW { preceding: 1 } AGGREGATE s = SUM(i) RETURN s")
    )["plan"]
    assert "WindowNode" in [n["type"] for n in plan["nodes"]]


async def test_range_window_is_sorted_first(db):
    plan = (
        await db.aql.explain(
            "FOR i IN [3, 1, 2] WINDOW i WITH { preceding: 1 } AGGREGATE s = SUM(i) RETURN s"
        )
    )["plan"]
    types = [n["type"] for n in plan["nodes"]]
    assert types.index("SortNode") < types.index("WindowNode")


async def test_running_total_over_many_rows(db):
    rows = await _rows(
        db,
        "FOR i IN 1..20000 WINDOW { preceding: 'unbounded', following: 0 } "
        "AGGREGATE total = SUM(i), n = COUNT(i), avg = AVG(i) FILTER i % 5000 == 0 "
        "RETURN [i, total, n, avg]",
    )
    assert rows == [[i, i * (i + 1) // 2, i, (i + 1) / 2] for i in (5000, 10000, 15000, 20000)]


async def test_mixed_values_use_the_aggregate_functions(db):
    rows = await _rows(
        db,
        "FOR v IN [1, 2.5, null, 'x', 4] WINDOW { preceding: 1 } "
        "AGGREGATE lo = MIN(v), hi = MAX(v), s = SUM(v), u = UNIQUE(v) RETURN [lo, hi, s, u]",
    )
    assert [r[:2] for r in rows] == [[1, 1], [1, 2.5], [2.5, 2.5], ["x", "x"], [4, "x"]]
    assert [r[2] for r in rows][:3] == [1, 3.5, 2.5]


@pytest.mark.lite_only
@pytest.mark.parametrize(
    "spec", ["{ preceding: -1 }", "{ preceding: 'PT1H' }", "{ before: 1 }", "{ preceding: [] }"]
)
async def test_invalid_row_bounds(db, spec):
    with pytest.raises(AQLQueryExecuteError) as exc:
        await _rows(db, f"FOR i IN 1..3 WINDOW {spec} AGGREGATE s = SUM(i) RETURN s")
    assert exc.value.http_code == 400
    assert exc.value.error_code in (10, 1501)


@pytest.mark.lite_only
async def test_range_values_must_be_numbers(db):
    with pytest.raises(AQLQueryExecuteError) as exc:
        await _rows(
            db, "FOR v IN ['a', 'b'] WINDOW v WITH { preceding: 1 } AGGREGATE n = COUNT(v) RETURN n"
        )
    assert exc.value.http_code == 400 and exc.value.error_code == 10
