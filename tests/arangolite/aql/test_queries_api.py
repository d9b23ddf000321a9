"""``/_api/query`` (parse), ``/_api/explain`` and query tracking through the driver."""

from __future__ import annotations

import asyncio

import pytest
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    AQLQueryExplainError,
    AQLQueryKillError,
    AQLQueryValidateError,
)


async def test_validate_reports_collections_bind_vars_and_ast(db):
    parsed = await db.aql.validate("FOR d IN docs FILTER d.a == @a RETURN d")
    assert parsed["parsed"] is True
    assert parsed["collections"] == ["docs"]
    assert parsed["bindVars"] == ["a"]
    assert parsed["ast"][0]["type"] == "root"
    assert [n["type"] for n in parsed["ast"][0]["subNodes"]] == ["for", "filter", "return"]


async def test_validate_syntax_error(db):
    with pytest.raises(AQLQueryValidateError) as exc:
        await db.aql.validate("FOR d IN docs RETURN")
    assert exc.value.error_code == 1501 and exc.value.http_code == 400
    assert exc.value.error_message.startswith("AQL: syntax error, unexpected end of query string")


async def test_explain_names_nodes_like_arangodb(db):
    await db.create_collection("docs")
    plan = (
        await db.aql.explain(
            "FOR d IN docs FILTER d.a == @a SORT d.b LIMIT 2 RETURN d.c", bind_vars={"a": 1}
        )
    )["plan"]
    types = [n["type"] for n in plan["nodes"]]
    assert types == [
        "SingletonNode",
        "EnumerateCollectionNode",
        "CalculationNode",
        "FilterNode",
        "CalculationNode",
        "SortNode",
        "LimitNode",
        "CalculationNode",
        "ReturnNode",
    ]
    assert plan["collections"] == [{"name": "docs", "type": "read"}]
    assert plan["isModificationQuery"] is False
    assert all(n["dependencies"] == [n["id"] - 1] for n in plan["nodes"][1:])


async def test_explain_modification_and_errors(db):
    await db.create_collection("docs")
    plan = (await db.aql.explain("INSERT {a: 1} INTO docs"))["plan"]
    assert plan["isModificationQuery"] is True
    assert plan["nodes"][-1]["type"] == "InsertNode"
    assert plan["collections"] == [{"name": "docs", "type": "write"}]
    with pytest.raises(AQLQueryExplainError) as exc:
        await db.aql.explain("FOR d IN nope RETURN d")
    assert exc.value.error_code == 1203 and exc.value.http_code == 404


async def test_running_query_is_listed_and_can_be_killed(db):
    running = asyncio.create_task(db.aql.execute("RETURN SLEEP(3)"))
    for _ in range(50):
        current = await db.aql.queries()
        if current:
            break
        await asyncio.sleep(0.02)
    assert [q["query"] for q in current] == ["RETURN SLEEP(3)"]
    assert current[0]["state"] == "executing"
    assert await db.aql.kill(current[0]["id"]) is True
    with pytest.raises(AQLQueryExecuteError) as exc:
        await running
    assert exc.value.error_code == 1500 and exc.value.http_code == 410
    assert await db.aql.queries() == []
    with pytest.raises(AQLQueryKillError) as missing:
        await db.aql.kill("999999")
    assert missing.value.error_code == 1591 and missing.value.http_code == 404


async def test_tracking_properties(db):
    props = await db.aql.tracking()
    assert props.enabled is True and props.max_slow_queries == 64
    updated = await db.aql.set_tracking(slow_query_threshold=5)
    assert updated.slow_query_threshold == 5
    await db.aql.set_tracking(slow_query_threshold=10)
    assert await db.aql.slow_queries() == []
