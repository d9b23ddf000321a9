"""AQL graph traversals and path searches over ArangoDB's documented example graphs
("traversalGraph" and "kShortestPathsGraph"), built through the driver's graph API.

Expected results are the ones the AQL documentation shows for these graphs.
"""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

CIRCLES = "ABCDEFGHIJK"
CIRCLE_EDGES = [
    ("A", "B", "left_bar"),
    ("B", "C", "left_blarg"),
    ("C", "D", "left_blorg"),
    ("B", "E", "left_blub"),
    ("E", "F", "left_schubi"),
    ("A", "G", "right_foo"),
    ("G", "H", "right_blob"),
    ("H", "I", "right_blub"),
    ("G", "J", "right_zip"),
    ("J", "K", "right_zup"),
]

CONNECTIONS = [
    ("Inverness", "Aberdeen", 3),
    ("Aberdeen", "Leuchars", 1.5),
    ("Leuchars", "Edinburgh", 1.5),
    ("Edinburgh", "Glasgow", 1),
    ("Edinburgh", "York", 3.5),
    ("Glasgow", "Carlisle", 1),
    ("Carlisle", "York", 2.5),
    ("Carlisle", "Birmingham", 2.0),
    ("Birmingham", "London", 1.5),
    ("Leuchars", "StAndrews", 0.2),
    ("York", "London", 1.8),
    ("London", "Brussels", 2.5),
    ("Brussels", "Cologne", 2),
    ("Toronto", "Winnipeg", 36),
    ("Winnipeg", "Saskatoon", 12),
    ("Saskatoon", "Edmonton", 12),
    ("Edmonton", "Jasper", 5.5),
    ("Jasper", "Vancouver", 3),
]


async def _traversal_graph(db: Any) -> None:
    graph = await db.create_graph(
        "traversalGraph",
        edge_definitions=[{"collection": "edges", "from": ["circles"], "to": ["circles"]}],
    )
    circles = graph.vertex_collection("circles")
    for i, key in enumerate(CIRCLES, 1):
        await circles.insert({"_key": key, "label": str(i)})
    edges = graph.edge_collection("edges")
    for source, target, label in CIRCLE_EDGES:
        await edges.insert(
            {
                "_from": f"circles/{source}",
                "_to": f"circles/{target}",
                "theFalse": False,
                "theTruth": True,
                "label": label,
            }
        )


async def _k_shortest_paths_graph(db: Any) -> None:
    graph = await db.create_graph(
        "kShortestPathsGraph",
        edge_definitions=[{"collection": "connections", "from": ["places"], "to": ["places"]}],
    )
    places = graph.vertex_collection("places")
    names = {name for a, b, _ in CONNECTIONS for name in (a, b)}
    for name in sorted(names):
        await places.insert({"_key": name, "label": name})
    connections = graph.edge_collection("connections")
    for a, b, time in CONNECTIONS:
        for x, y in ((a, b), (b, a)):
            await connections.insert(
                {"_from": f"places/{x}", "_to": f"places/{y}", "travelTime": time}
            )


async def _query(db: Any, query: str, **bind: Any) -> list[Any]:
    cursor = await db.aql.execute(query, bind_vars=bind or None)
    return [row async for row in cursor]


async def _warnings(db: Any, query: str) -> tuple[list[Any], list[dict[str, Any]]]:
    cursor = await db.aql.execute(query)
    rows = [row async for row in cursor]
    return rows, [{"code": w["code"], "message": w["message"]} for w in cursor.warnings]


# ---------------------------------------------------------------------- traversals
async def test_documented_traversals(db):
    await _traversal_graph(db)
    g = "GRAPH 'traversalGraph'"
    assert await _query(db, f"FOR v IN 1..3 OUTBOUND 'circles/A' {g} RETURN v._key") == list(
        "BCDEFGHIJK"
    )
    assert await _query(
        db,
        f"FOR v, e, p IN 1..3 OUTBOUND 'circles/A' {g} "
        "FILTER p.vertices[1]._key == 'G' RETURN v._key",
    ) == list("GHIJK")
    assert await _query(
        db,
        f"FOR v, e, p IN 1..3 OUTBOUND 'circles/A' {g} "
        "FILTER p.edges[0].label != 'right_foo' RETURN v._key",
    ) == list("BCDEF")
    assert await _query(
        db,
        f"FOR v, e, p IN 1..3 OUTBOUND 'circles/A' {g} "
        "FILTER p.edges[*].theTruth ALL == true RETURN v._key",
    ) == list("BCDEFGHIJK")
    assert await _query(db, f"FOR v IN 1..3 INBOUND 'circles/E' {g} RETURN v._key") == ["B", "A"]
    assert await _query(db, f"FOR v IN 1..3 ANY 'circles/E' {g} RETURN v._key") == list("FBCDAG")
    # depth 2 only, breadth-first
    assert await _query(
        db, f"FOR v IN 2 OUTBOUND 'circles/A' {g} OPTIONS {{order: 'bfs'}} RETURN v._key"
    ) == list("CEHJ")
    assert await _query(
        db, f"FOR v IN 0..1 OUTBOUND 'circles/A' {g} OPTIONS {{bfs: true}} RETURN v._key"
    ) == list("ABG")


async def test_traversal_variables_and_start_document(db):
    await _traversal_graph(db)
    rows = await _query(
        db,
        "LET start = DOCUMENT('circles/B') "
        "FOR v, e, p IN 0..1 OUTBOUND start GRAPH 'traversalGraph' "
        "RETURN {v: v._key, e: e.label, p: p.vertices[*]._key, n: LENGTH(p.edges)}",
    )
    assert rows == [
        {"v": "B", "e": None, "p": ["B"], "n": 0},
        {"v": "C", "e": "left_blarg", "p": ["B", "C"], "n": 1},
        {"v": "E", "e": "left_blub", "p": ["B", "E"], "n": 1},
    ]


async def test_prune(db):
    await _traversal_graph(db)
    rows = await _query(
        db,
        "FOR v, e, p IN 1..5 OUTBOUND 'circles/A' GRAPH 'traversalGraph' "
        "PRUNE v._key == 'G' FILTER v._key == 'G' RETURN p.vertices[*]._key",
    )
    assert rows == [["A", "G"]]
    rows = await _query(
        db,
        "FOR v, e, p IN 1..5 OUTBOUND 'circles/A' GRAPH 'traversalGraph' "
        "PRUNE stop = e.label == 'right_foo' OR e.label == 'left_blub' "
        "RETURN [v._key, stop]",
    )
    assert rows == [["B", False], ["C", False], ["D", False], ["E", True], ["G", True]]


async def test_edge_collection_lists_and_directions(db):
    await _traversal_graph(db)
    assert await _query(db, "FOR v IN 1..2 OUTBOUND 'circles/A' edges RETURN v._key") == list(
        "BCEGHJ"
    )
    # per-collection direction overrides the default one
    assert await _query(db, "FOR v IN 1 OUTBOUND 'circles/E' INBOUND edges RETURN v._key") == ["B"]
    assert await _query(
        db,
        "FOR v IN 1 ANY 'circles/B' @@e RETURN v._key",
        **{"@e": "edges"},
    ) == ["C", "E", "A"]


async def test_uniqueness_and_weighted_order(db):
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    await db.collection("v").insert_many([{"_key": k} for k in "abc"])
    await db.collection("e").insert_many(
        [
            {"_from": "v/a", "_to": "v/b", "w": 5},
            {"_from": "v/b", "_to": "v/a", "w": 1},
            {"_from": "v/a", "_to": "v/c", "w": 1},
            {"_from": "v/c", "_to": "v/b", "w": 1},
        ]
    )
    base = "FOR v, e, p IN 1..3 OUTBOUND 'v/a' e"
    assert await _query(db, f"{base} RETURN CONCAT_SEPARATOR('', p.vertices[*]._key)") == [
        "ab",
        "aba",
        "abac",
        "ac",
        "acb",
        "acba",
    ]
    assert await _query(
        db,
        f"{base} OPTIONS {{uniqueVertices: 'path'}} "
        "RETURN CONCAT_SEPARATOR('', p.vertices[*]._key)",
    ) == ["ab", "ac", "acb"]
    assert await _query(
        db,
        f"{base} OPTIONS {{uniqueVertices: 'global', order: 'bfs'}} RETURN v._key",
    ) == ["b", "c"]
    rows = await _query(
        db,
        f"{base} OPTIONS {{order: 'weighted', weightAttribute: 'w', "
        "uniqueVertices: 'global'} RETURN [v._key, p.weights]",
    )
    assert rows == [["c", [0, 1]], ["b", [0, 1, 2]]]
    with pytest.raises(AQLQueryExecuteError) as err:
        await _query(db, f"{base} OPTIONS {{uniqueVertices: 'global'}} RETURN v")
    assert err.value.error_code == 10


async def test_missing_vertices_and_invalid_start(db):
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    await db.collection("v").insert({"_key": "a"})
    await db.collection("e").insert({"_from": "v/a", "_to": "v/gone"})
    rows, warnings = await _warnings(
        db, "FOR v, e, p IN 1 OUTBOUND 'v/a' e RETURN [v, p.vertices[0]._key]"
    )
    assert rows == [[None, "a"]]
    assert warnings == [{"code": 1202, "message": "vertex 'v/gone' not found"}]
    rows, warnings = await _warnings(db, "FOR v IN 1 OUTBOUND 'nonsense' e RETURN v")
    assert rows == []
    assert warnings == [
        {
            "code": 10,
            "message": "Invalid input for traversal: "
            "Only id strings or objects with _id are allowed",
        }
    ]
    # a start vertex that does not exist: empty, and no warning
    assert await _warnings(db, "FOR v IN 0..1 OUTBOUND {_id: 'v/nope'} e RETURN v") == ([], [])
    assert await _warnings(db, "FOR v IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/nope' e RETURN v") == (
        [],
        [],
    )


async def test_documented_prune_on_train_connections(db):
    await _k_shortest_paths_graph(db)
    rows = await _query(
        db,
        'FOR v, e, p IN 0..10 OUTBOUND "places/Toronto" GRAPH "kShortestPathsGraph" '
        'PRUNE v.label == "Edmonton" OPTIONS { uniqueVertices: "path" } '
        'RETURN CONCAT_SEPARATOR(" -- ", p.vertices[*].label)',
    )
    assert rows == [
        "Toronto",
        "Toronto -- Winnipeg",
        "Toronto -- Winnipeg -- Saskatoon",
        "Toronto -- Winnipeg -- Saskatoon -- Edmonton",
    ]
    # the null edge at depth 0 is less than any number: pruned at the start
    rows = await _query(
        db,
        'FOR v, e, p IN 0..3 OUTBOUND "places/London" GRAPH "kShortestPathsGraph" '
        'PRUNE v.label == "Glasgow" OR e.travelTime < 2.5 '
        'OPTIONS { uniqueVertices: "path" } RETURN v.label',
    )
    assert rows == ["London"]


async def test_negative_weights_abort(db):
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    await db.collection("v").insert_many([{"_key": "a"}, {"_key": "b"}])
    await db.collection("e").insert({"_from": "v/a", "_to": "v/b", "w": -1})
    for query in (
        "FOR v IN 1 OUTBOUND 'v/a' e OPTIONS {order: 'weighted', weightAttribute: 'w'} RETURN v",
        "FOR v IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/b' e OPTIONS {weightAttribute: 'w'} RETURN v",
        "FOR v IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/b' e OPTIONS {defaultWeight: -2, "
        "weightAttribute: 'x'} RETURN v",
    ):
        with pytest.raises(AQLQueryExecuteError) as err:
            await _query(db, query)
        assert err.value.error_code == 1917


async def test_exploding_traversal_obeys_max_runtime(db):
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    keys = [f"k{i}" for i in range(20)]
    await db.collection("v").insert_many([{"_key": k} for k in keys])
    await db.collection("e").insert_many(
        [{"_from": f"v/{a}", "_to": f"v/{b}"} for a in keys for b in keys if a != b]
    )
    with pytest.raises(AQLQueryExecuteError) as err:
        await db.aql.execute(
            "FOR v IN 1..12 OUTBOUND 'v/k0' e OPTIONS {uniqueEdges: 'none'} "
            "COLLECT WITH COUNT INTO n RETURN n",
            options={"maxRuntime": 0.3},
        )
    assert err.value.error_code == 1500


async def test_graph_errors(db):
    with pytest.raises(AQLQueryExecuteError) as err:
        await _query(db, "FOR v IN 1 OUTBOUND 'a/b' GRAPH 'nope' RETURN v")
    assert (err.value.error_code, err.value.http_code) == (1924, 404)
    assert "graph 'nope' not found" in err.value.error_message
    with pytest.raises(AQLQueryExecuteError) as err:
        await _query(db, "FOR v IN 1 SIDEWAYS 'a/b' GRAPH 'g' RETURN v")
    assert err.value.error_code == 1501
    with pytest.raises(AQLQueryExecuteError) as err:
        await _query(db, "FOR v IN 1 OUTBOUND 'a/b' nothere RETURN v")
    assert err.value.error_code == 1203


async def test_traversal_sees_stream_transaction(db):
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    await db.collection("v").insert_many([{"_key": k} for k in "abc"])
    await db.collection("e").insert({"_key": "ab", "_from": "v/a", "_to": "v/b"})
    trx = await db.begin_transaction(read=["v", "e"], write=["e"])
    try:
        await trx.collection("e").insert({"_key": "ac", "_from": "v/a", "_to": "v/c"})
        await trx.collection("e").delete("ab")
        cursor = await trx.aql.execute("FOR v IN 1 OUTBOUND 'v/a' e RETURN v._key")
        assert [row async for row in cursor] == ["c"]
        assert await _query(db, "FOR v IN 1 OUTBOUND 'v/a' e RETURN v._key") == ["b"]
    finally:
        await trx.abort_transaction()


async def test_explain_names_graph_nodes(db):
    await _traversal_graph(db)
    for query, node in (
        ("FOR v IN 1 OUTBOUND 'circles/A' GRAPH 'traversalGraph' RETURN v", "TraversalNode"),
        (
            "FOR v IN OUTBOUND SHORTEST_PATH 'circles/A' TO 'circles/D' "
            "GRAPH 'traversalGraph' RETURN v",
            "ShortestPathNode",
        ),
        (
            "FOR p IN OUTBOUND K_SHORTEST_PATHS 'circles/A' TO 'circles/D' "
            "GRAPH 'traversalGraph' RETURN p",
            "EnumeratePathsNode",
        ),
    ):
        plan = await db.aql.explain(query)
        assert node in [n["type"] for n in plan["plan"]["nodes"]]


# ---------------------------------------------------------------------- path searches
async def test_shortest_path(db):
    await _traversal_graph(db)
    rows = await _query(
        db,
        "FOR v, e IN OUTBOUND SHORTEST_PATH 'circles/A' TO 'circles/D' "
        "GRAPH 'traversalGraph' RETURN [v._key, e.label]",
    )
    assert rows == [["A", None], ["B", "left_bar"], ["C", "left_blarg"], ["D", "left_blorg"]]
    assert (
        await _query(
            db,
            "FOR v IN OUTBOUND SHORTEST_PATH 'circles/D' TO 'circles/A' "
            "GRAPH 'traversalGraph' RETURN v",
        )
        == []
    )
    rows = await _query(
        db, "FOR v IN ANY SHORTEST_PATH 'circles/D' TO 'circles/K' edges RETURN v._key"
    )
    assert rows == list("DCBAGJK")


async def test_weighted_shortest_path_and_k_shortest_paths(db):
    await _k_shortest_paths_graph(db)
    rows = await _query(
        db,
        "FOR v IN OUTBOUND SHORTEST_PATH 'places/Aberdeen' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' OPTIONS {weightAttribute: 'travelTime'} RETURN v._key",
    )
    assert rows == ["Aberdeen", "Leuchars", "Edinburgh", "York", "London"]
    rows = await _query(
        db,
        "FOR p IN OUTBOUND K_SHORTEST_PATHS 'places/Aberdeen' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' OPTIONS {weightAttribute: 'travelTime', defaultWeight: 15} "
        "LIMIT 3 RETURN {places: p.vertices[*].label, travelTimes: p.edges[*].travelTime, "
        "totalTravelTime: ROUND(p.weight * 10) / 10}",
    )
    assert rows == [
        {
            "places": ["Aberdeen", "Leuchars", "Edinburgh", "York", "London"],
            "travelTimes": [1.5, 1.5, 3.5, 1.8],
            "totalTravelTime": 8.3,
        },
        {
            "places": [
                "Aberdeen",
                "Leuchars",
                "Edinburgh",
                "Glasgow",
                "Carlisle",
                "Birmingham",
                "London",
            ],
            "travelTimes": [1.5, 1.5, 1, 1, 2, 1.5],
            "totalTravelTime": 8.5,
        },
        {
            "places": [
                "Aberdeen",
                "Leuchars",
                "Edinburgh",
                "Glasgow",
                "Carlisle",
                "York",
                "London",
            ],
            "travelTimes": [1.5, 1.5, 1, 1, 2.5, 1.8],
            "totalTravelTime": 9.3,
        },
    ]
    assert (
        await _query(
            db,
            "FOR p IN OUTBOUND K_SHORTEST_PATHS 'places/Aberdeen' TO 'places/Toronto' "
            "GRAPH 'kShortestPathsGraph' LIMIT 3 RETURN p",
        )
        == []
    )
    rows = await _query(
        db,
        "FOR p IN OUTBOUND K_SHORTEST_PATHS 'places/Aberdeen' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' LIMIT 1 RETURN [p.weight, LENGTH(p.edges)]",
    )
    assert rows == [[4, 4]]


async def test_k_paths_and_all_shortest_paths(db):
    await _k_shortest_paths_graph(db)
    rows = await _query(
        db,
        "FOR p IN 1..6 OUTBOUND K_PATHS 'places/Aberdeen' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' RETURN p.vertices[*]._key",
    )
    assert rows[0] == ["Aberdeen", "Leuchars", "Edinburgh", "York", "London"]
    assert sorted(rows[1:]) == [
        ["Aberdeen", "Leuchars", "Edinburgh", "Glasgow", "Carlisle", "Birmingham", "London"],
        ["Aberdeen", "Leuchars", "Edinburgh", "Glasgow", "Carlisle", "York", "London"],
        ["Aberdeen", "Leuchars", "Edinburgh", "York", "Carlisle", "Birmingham", "London"],
    ]
    assert (
        await _query(
            db,
            "FOR p IN 1..3 OUTBOUND K_PATHS 'places/Aberdeen' TO 'places/London' "
            "GRAPH 'kShortestPathsGraph' RETURN p",
        )
        == []
    )
    rows = await _query(
        db,
        "FOR p IN OUTBOUND ALL_SHORTEST_PATHS 'places/Carlisle' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' RETURN {places: p.vertices[*].label}",
    )
    assert sorted(rows, key=str) == [
        {"places": ["Carlisle", "Birmingham", "London"]},
        {"places": ["Carlisle", "York", "London"]},
    ]
    assert list(rows[0]) == ["places"]
    paths = await _query(
        db,
        "FOR p IN OUTBOUND ALL_SHORTEST_PATHS 'places/Carlisle' TO 'places/London' "
        "GRAPH 'kShortestPathsGraph' RETURN ATTRIBUTES(p, false, true)",
    )
    assert paths == [["edges", "vertices"], ["edges", "vertices"]]


async def test_path_search_invalid_start_warns(db):
    await _traversal_graph(db)
    rows, warnings = await _warnings(
        db,
        "FOR v IN OUTBOUND SHORTEST_PATH 'bad' TO 'circles/D' GRAPH 'traversalGraph' RETURN v",
    )
    assert rows == []
    assert [w["code"] for w in warnings] == [10]
