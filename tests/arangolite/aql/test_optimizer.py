"""The optimizer through ``/_api/explain`` and cursors: which rules fire, that
an index shows up as ``IndexNode``, that results do not depend on whether an
index is used (order, null and sparse semantics, ranges across types), stream
transactions, and ``options.profile``."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.lite_only  # exact rule lists and node layouts are arangolite's

# documents with values of every type, missing attributes and ties
DOCS: list[dict[str, Any]] = [
    {"_key": f"k{i:02d}", "a": v, "b": i % 3, "n": i}
    for i, v in enumerate(
        [1, 2, 2, 3, 10, -1, 0.5, "x", "10", "b", None, True, False, [1], [0, 2], {"z": 1}, 2, 7]
    )
] + [{"_key": "k90", "b": 1, "n": 90}, {"_key": "k91", "b": 2, "n": 91}]


async def _setup(db, name: str = "docs", *, sparse: bool = False, fields=None):
    coll = await db.create_collection(name)
    await coll.insert_many(DOCS)
    plain = await db.create_collection(f"{name}_plain")
    await plain.insert_many(DOCS)
    await coll.add_index(type="persistent", fields=fields or ["a"], options={"sparse": sparse})
    return coll


async def _all(db, query: str, bind: dict[str, Any] | None = None, **kw: Any) -> list[Any]:
    cursor = await db.aql.execute(query, bind_vars=bind or {}, **kw)
    return [doc async for doc in cursor]


async def _plan(db, query: str, bind: dict[str, Any] | None = None) -> dict[str, Any]:
    return (await db.aql.explain(query, bind_vars=bind or {}))["plan"]


def _types(plan: dict[str, Any]) -> list[str]:
    return [n["type"] for n in plan["nodes"]]


async def _same(db, query: str, bind: dict[str, Any] | None = None, *, ordered: bool = False):
    """Run ``query`` on the indexed and the unindexed copy; results must agree."""
    bind = dict(bind or {})
    indexed = await _all(db, query, {**bind, "@c": "docs"})
    plain = await _all(db, query, {**bind, "@c": "docs_plain"})
    if ordered:
        assert indexed == plain
    else:
        assert sorted(map(repr, indexed)) == sorted(map(repr, plain))
    return indexed


# ---------------------------------------------------------------------- explain
async def test_equality_uses_persistent_index_and_removes_filter(db):
    await _setup(db)
    plan = await _plan(db, "FOR d IN docs FILTER d.a == 2 RETURN d.n")
    assert _types(plan) == ["SingletonNode", "IndexNode", "CalculationNode", "ReturnNode"]
    assert plan["rules"] == ["use-indexes", "remove-filter-covered-by-index"]
    node = plan["nodes"][1]
    assert node["indexes"][0]["type"] == "persistent"
    assert node["indexes"][0]["fields"] == ["a"]
    assert node["collection"] == "docs"
    assert node["dependencies"] == [1]
    assert {"estimatedCost", "estimatedNrItems", "outVariable"} <= set(node)


async def test_primary_and_edge_indexes(db):
    await _setup(db)
    plan = await _plan(db, "FOR d IN docs FILTER d._key IN ['k01', 'k02'] RETURN d")
    assert plan["nodes"][1]["type"] == "IndexNode"
    assert plan["nodes"][1]["indexes"][0]["type"] == "primary"
    assert await _all(db, "FOR d IN docs FILTER d._id == 'docs/k03' RETURN d.n") == [3]
    assert await _all(db, "FOR d IN docs FILTER d._id == 'other/k03' RETURN d.n") == []
    await db.create_collection("e", col_type=3)
    await db.collection("e").insert_many(
        [{"_from": "docs/k01", "_to": "docs/k02"}, {"_from": "docs/k01", "_to": "docs/k03"}]
    )
    plan = await _plan(db, "FOR e IN e FILTER e._from == 'docs/k01' RETURN e._to")
    assert plan["nodes"][1]["indexes"][0]["type"] == "edge"
    got = await _all(db, "FOR e IN e FILTER e._from == 'docs/k01' RETURN e._to")
    assert sorted(got) == ["docs/k02", "docs/k03"]
    assert await _all(db, "FOR e IN e FILTER e._to == 'docs/k03' RETURN e._from") == ["docs/k01"]


async def test_unindexed_attribute_is_a_full_scan(db):
    await _setup(db)
    plan = await _plan(db, "FOR d IN docs FILTER d.n == 2 RETURN d")
    assert "IndexNode" not in _types(plan)
    assert "EnumerateCollectionNode" in _types(plan)
    assert plan["rules"] == []


async def test_move_filters_up_enables_index_and_explain_shape(db):
    await _setup(db)
    resp = await db.aql.explain(
        "FOR x IN 1..3 FOR d IN docs LET y = x * 2 FILTER d.a == x RETURN [d.n, y]"
    )
    plan = resp["plan"]
    assert "move-calculations-up" in plan["rules"]
    assert "use-indexes" in plan["rules"]
    assert "IndexNode" in _types(plan)
    assert resp["cacheable"] is True and resp["warnings"] == []
    for key in ("collections", "variables", "estimatedCost", "estimatedNrItems"):
        assert key in plan
    assert plan["isModificationQuery"] is False
    all_plans = await db.aql.explain(
        "FOR d IN docs FILTER d.a == 1 RETURN d", options={"allPlans": True}
    )
    assert len(all_plans["plans"]) == 1
    assert all_plans["plans"][0]["rules"] == ["use-indexes", "remove-filter-covered-by-index"]


async def test_redundant_and_unnecessary_calculations(db):
    plan = await _plan(db, "FOR x IN [1, 2] LET a = x * 2 LET b = x * 2 LET c = x + 1 RETURN b")
    assert "remove-redundant-calculations" in plan["rules"]
    assert "remove-unnecessary-calculations" in plan["rules"]
    assert await _all(db, "FOR x IN [1, 2] LET a = x * 2 LET b = x * 2 LET c = x + 1 RETURN b") == [
        2,
        4,
    ]


async def test_sort_uses_index_in_both_directions(db):
    await _setup(db)
    for direction in ("ASC", "DESC"):
        query = f"FOR d IN docs SORT d.a {direction} LIMIT 5 RETURN d.a"
        plan = await _plan(db, query)
        assert "use-index-for-sort" in plan["rules"]
        assert "SortNode" not in _types(plan)
        assert plan["nodes"][1]["reverse"] is (direction == "DESC")
        await _same(db, f"FOR d IN @@c SORT d.a {direction} LIMIT 5 RETURN d.a", ordered=True)
        await _same(db, f"FOR d IN @@c SORT d.a {direction} RETURN d.a", ordered=True)
    mixed = await _plan(db, "FOR d IN docs SORT d.a, d.n DESC RETURN d")
    assert "SortNode" in _types(mixed)


async def test_multi_field_prefix_and_range(db):
    await _setup(db, fields=["b", "n"])
    plan = await _plan(db, "FOR d IN docs FILTER d.b == 1 && d.n > 3 && d.n <= 13 RETURN d")
    assert _types(plan)[1] == "IndexNode"
    assert plan["rules"] == ["use-indexes", "remove-filter-covered-by-index"]
    for query in (
        "FOR d IN @@c FILTER d.b == 1 RETURN d.n",
        "FOR d IN @@c FILTER d.b == 1 && d.n > 3 && d.n <= 13 RETURN d.n",
        "FOR d IN @@c FILTER d.b IN [2, 0] && d.n >= 10 RETURN d.n",
        "FOR d IN @@c FILTER d.n == 4 RETURN d.n",
        "FOR d IN @@c FILTER d.b == 2 SORT d.n DESC RETURN d.n",
    ):
        await _same(db, query, ordered="SORT" in query)
    plan = await _plan(db, "FOR d IN docs FILTER d.b == 2 SORT d.n DESC RETURN d.n")
    assert "SortNode" not in _types(plan)


@pytest.mark.parametrize(
    "condition",
    [
        "d.a == 2",
        "d.a == null",
        "d.a == '10'",
        "d.a == [1]",
        "d.a == true",
        "d.a IN [2, 'x', null, 99]",
        "d.a IN 'notalist'",
        "d.a > 2",
        "d.a >= 2 && d.a < 'b'",
        "d.a < 3",
        "d.a <= null",
        "d.a > null",
        "d.a > 1 && d.a > 2 && d.a <= 10",
        "d.a > 'a' && d.a < [5]",
        "2 < d.a",
        "d.a == @v",
        "d.a == 2 && d.n > 5",
    ],
)
async def test_results_do_not_depend_on_the_index(db, condition):
    await _setup(db)
    query = f"FOR d IN @@c FILTER {condition} RETURN d._key"
    bind = {"v": 2} if "@v" in condition else {}
    await _same(db, query, bind)
    plan = await _plan(db, query.replace("@@c", "docs"), bind)
    if "'notalist'" not in condition:
        assert "IndexNode" in _types(plan)


async def test_sparse_index_only_when_null_is_excluded(db):
    await _setup(db, sparse=True)
    used = await _plan(db, "FOR d IN docs FILTER d.a > 2 RETURN d")
    assert "IndexNode" in _types(used)
    for condition in ("d.a < 3", "d.a == null", "d.a IN [1, null]", "d.a <= 2"):
        plan = await _plan(db, f"FOR d IN docs FILTER {condition} RETURN d")
        assert "IndexNode" not in _types(plan), condition
        await _same(db, f"FOR d IN @@c FILTER {condition} RETURN d._key")
    await _same(db, "FOR d IN @@c FILTER d.a > 2 RETURN d._key")
    # a sparse index cannot deliver a full order (it lacks the null documents)
    plan = await _plan(db, "FOR d IN docs SORT d.a RETURN d")
    assert "SortNode" in _types(plan)


async def test_index_lookup_per_outer_row_and_in_subquery(db):
    await _setup(db)
    query = (
        "FOR x IN [2, 'x', 99] LET m = (FOR d IN @@c FILTER d.a == x RETURN d.n) "
        "RETURN [x, SORTED(m)]"
    )
    got = await _same(db, query, ordered=True)
    assert got == [[2, [1, 2, 16]], ["x", [7]], [99, []]]


async def test_stats_count_index_reads(db):
    await _setup(db)
    cursor = await db.aql.execute("FOR d IN docs FILTER d.a == 2 && d.n > 1 RETURN d.n")
    assert sorted([doc async for doc in cursor]) == [2, 16]
    stats = cursor.statistics
    assert stats["scannedIndex"] == 3 and stats["scannedFull"] == 0 and stats["filtered"] == 1
    cursor = await db.aql.execute("FOR d IN docs_plain FILTER d.a == 2 RETURN d.n")
    assert cursor.statistics["scannedFull"] == len(DOCS)
    assert cursor.statistics["filtered"] == len(DOCS) - 3


async def test_stream_transaction_sees_its_own_writes_through_index_queries(db):
    coll = await _setup(db)
    trx = await db.begin_transaction(write="docs")
    tdb = trx
    await tdb.collection("docs").insert({"_key": "new", "a": 2, "n": 100})
    await tdb.collection("docs").update({"_key": "k01", "a": 55})
    await tdb.collection("docs").delete("k02")
    got = await _all(tdb, "FOR d IN docs FILTER d.a == 2 RETURN d._key")
    assert sorted(got) == ["k16", "new"]
    got = await _all(tdb, "FOR d IN docs SORT d.a DESC LIMIT 2 RETURN d._key")
    assert got == ["k15", "k13"]
    assert await _all(tdb, "FOR d IN docs FILTER d._key == 'new' RETURN d.n") == [100]
    # outside the transaction nothing changed
    outside = await _all(db, "FOR d IN docs FILTER d.a == 2 RETURN d._key")
    assert sorted(outside) == ["k01", "k02", "k16"]
    await trx.commit_transaction()
    got = await _all(db, "FOR d IN docs FILTER d.a == 2 RETURN d._key")
    assert sorted(got) == ["k16", "new"]
    assert await coll.count() == len(DOCS)


async def test_write_query_reading_through_index(db):
    await _setup(db)
    await _all(db, "FOR d IN docs FILTER d.a == 2 UPDATE d WITH {a: 3} IN docs")
    assert await _all(db, "FOR d IN docs FILTER d.a == 2 RETURN d") == []
    got = await _all(db, "FOR d IN docs FILTER d.a == 3 RETURN d._key")
    assert sorted(got) == ["k01", "k02", "k03", "k16"]


async def test_optimizer_rules_can_be_disabled(db):
    await _setup(db)
    cursor = await db.aql.execute(
        "FOR d IN docs FILTER d.a == 2 RETURN d.n",
        options={"optimizer": {"rules": ["-use-indexes"]}},
    )
    assert sorted([d async for d in cursor]) == [1, 2, 16]
    assert cursor.statistics["scannedFull"] == len(DOCS)


# ---------------------------------------------------------------------- profile
async def test_profile_level_one_and_two(db):
    await _setup(db)
    query = "FOR d IN docs FILTER d.a == 2 RETURN d.n"
    cursor = await db.aql.execute(query, options={"profile": 1})
    assert sorted([d async for d in cursor]) == [1, 2, 16]
    extra = cursor.extra
    profile = dict(extra.profile)
    for phase in (
        "initializing",
        "parsing",
        "optimizing ast",
        "loading collections",
        "instantiating plan",
        "optimizing plan",
        "executing",
        "finalizing",
    ):
        assert isinstance(profile[phase], float)
    nodes = cursor.statistics["nodes"]
    assert [n["id"] for n in nodes] == [1, 2, 3, 4]
    assert [n["items"] for n in nodes] == [1, 3, 3, 3]
    assert all({"calls", "runtime"} <= set(n) for n in nodes)
    assert "plan" not in extra
    cursor = await db.aql.execute(query, options={"profile": 2})
    plan = cursor.extra.plan
    assert [n["type"] for n in plan["nodes"]] == [
        "SingletonNode",
        "IndexNode",
        "CalculationNode",
        "ReturnNode",
    ]
    assert plan["rules"] == ["use-indexes", "remove-filter-covered-by-index"]


async def test_no_profile_without_the_option(db):
    cursor = await db.aql.execute("RETURN 1")
    assert "profile" not in cursor.extra
    assert "nodes" not in cursor.statistics
