"""Graph tools over streamable HTTP: definitions, edges, traversals, integrity, statistics."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import AQLQueryExecuteError

from tests.conftest import Target, unique_name
from tests.server.conftest import McpHttpServer, call, call_error

_TRAVERSAL: dict[str, bool] = {}


@pytest.fixture
async def requires_traversal(target: Target) -> None:
    """Skip while the target answers graph traversals with errorNum 9 (not implemented)."""
    if target.url not in _TRAVERSAL:
        async with ArangoClient(hosts=target.url) as client:
            db = await client.db("_system", auth=Auth("root", target.root_password))
            try:
                await db.aql.execute("FOR v IN 1..1 OUTBOUND 'x/1' GRAPH 'no_such_graph' RETURN v")
                _TRAVERSAL[target.url] = True
            except AQLQueryExecuteError as exc:
                _TRAVERSAL[target.url] = exc.error_code != 9
    if not _TRAVERSAL[target.url]:
        pytest.skip("the target has no AQL graph traversal yet (errorNum 9)")


async def _graph(client: Any, database: str = "alpha") -> dict[str, str]:
    """A graph ``g``: people -knows-> people, people -likes-> things (collections created)."""
    names = {
        "graph": unique_name("g"),
        "people": unique_name("people"),
        "things": unique_name("things"),
        "knows": unique_name("knows"),
        "likes": unique_name("likes"),
    }
    await call(
        client,
        "arango_create_graph",
        {
            "database": database,
            "name": names["graph"],
            "edge_definitions": [
                {"collection": names["knows"], "from": [names["people"]], "to": [names["people"]]},
                {"collection": names["likes"], "from": [names["people"]], "to": [names["things"]]},
            ],
        },
    )
    return names


async def _aql(client: Any, query: str, bind: dict[str, Any], database: str = "alpha") -> Any:
    out = await call(
        client, "arango_query", {"query": query, "bind_vars": bind, "database": database}
    )
    return out["rows"]


async def _seed(client: Any, n: dict[str, str]) -> None:
    """a -> b -> c -> d (knows), a -> t1, b -> t1 (likes); e is isolated."""
    await _aql(
        client,
        "FOR k IN ['a', 'b', 'c', 'd', 'e'] INSERT {_key: k} INTO @@p",
        {"@p": n["people"]},
    )
    await _aql(client, "INSERT {_key: 't1'} INTO @@t", {"@t": n["things"]})
    p, t = n["people"], n["things"]
    for coll, edges in (
        ("knows", [("a", "b", 1), ("b", "c", 5), ("c", "d", 1), ("a", "c", 10)]),
        ("likes", [("a", "t1", 1), ("b", "t1", 1)]),
    ):
        target_coll = p if coll == "knows" else t
        await _aql(
            client,
            "FOR e IN @edges INSERT {_from: CONCAT(@p, '/', e[0]), "
            "_to: CONCAT(@t, '/', e[1]), w: e[2]} INTO @@e",
            {"edges": edges, "p": p, "t": target_coll, "@e": n[coll]},
        )


async def test_create_list_extend_and_remove(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        listed = await call(client, "arango_list_graphs")
        extra = unique_name("places")
        added = await call(
            client, "arango_add_vertex_collection", {"graph": n["graph"], "collection": extra}
        )
        at = unique_name("at")
        extended = await call(
            client,
            "arango_add_edge_definition",
            {
                "graph": n["graph"],
                "edge_definition": {"collection": at, "from": [n["people"]], "to": [extra]},
            },
        )
        collections = await call(client, "arango_list_collections")
        removed = await call(
            client, "arango_remove_graph", {"name": n["graph"], "drop_collections": True}
        )
        after = await call(client, "arango_list_collections")
        graphs_after = await call(client, "arango_list_graphs")
    mine = next(g for g in listed["graphs"] if g["name"] == n["graph"])
    assert listed["database"] == "alpha"
    assert sorted(mine["edge_definitions"], key=lambda d: d["collection"] != n["knows"]) == [
        {"collection": n["knows"], "from": [n["people"]], "to": [n["people"]]},
        {"collection": n["likes"], "from": [n["people"]], "to": [n["things"]]},
    ]
    assert added["graph"]["orphan_collections"] == [extra]
    assert extended["graph"]["orphan_collections"] == []
    assert {"collection": at, "from": [n["people"]], "to": [extra]} in extended["graph"][
        "edge_definitions"
    ]
    names = {c["name"] for c in collections["collections"]}
    assert {n["people"], n["things"], n["knows"], n["likes"], extra, at} <= names
    assert removed["removed"] == n["graph"]
    assert set(removed["dropped_collections"]) == {
        n["people"],
        n["things"],
        n["knows"],
        n["likes"],
        extra,
        at,
    }
    assert not set(removed["dropped_collections"]) & {c["name"] for c in after["collections"]}
    assert n["graph"] not in {g["name"] for g in graphs_after["graphs"]}


async def test_create_graph_reports_created_collections_and_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        existing = unique_name("v")
        await call(client, "arango_create_collection", {"name": existing})
        edges = unique_name("e")
        name = unique_name("g")
        definition = {"collection": edges, "from": [existing], "to": [existing]}
        refused = await call_error(
            client,
            "arango_create_graph",
            {"name": name, "edge_definitions": [definition], "create_collections": False},
        )
        created = await call(
            client, "arango_create_graph", {"name": name, "edge_definitions": [definition]}
        )
        duplicate = await call_error(
            client, "arango_create_graph", {"name": name, "edge_definitions": [definition]}
        )
        bad_definition = await call_error(
            client,
            "arango_create_graph",
            {"name": unique_name("g"), "edge_definitions": [{"collection": edges, "from": []}]},
        )
        read_only = await call_error(
            client, "arango_create_graph", {"name": unique_name("g"), "database": "gamma"}
        )
        again = await call_error(
            client, "arango_add_edge_definition", {"graph": name, "edge_definition": definition}
        )
        vertex_unknown_graph = await call_error(
            client,
            "arango_add_vertex_collection",
            {"graph": "no_such_graph", "collection": existing},
        )
        remove_unknown = await call_error(client, "arango_remove_graph", {"name": "no_such_graph"})
    assert refused["kind"] == "not_found" and edges in refused["message"]
    assert existing not in refused["message"]
    assert created["created_collections"] == [edges]
    assert created["graph"]["name"] == name
    assert (duplicate["errorNum"], duplicate["httpStatus"]) == (1925, 409)
    assert bad_definition["kind"] == "invalid_arguments"
    fields = {e["field"] for e in bad_definition["errors"]}
    assert "edge_definitions.0.from" in fields and "edge_definitions.0.to" in fields
    assert read_only["kind"] == "read_only"
    assert again["errorNum"] == 1920
    assert (vertex_unknown_graph["errorNum"], vertex_unknown_graph["httpStatus"]) == (1924, 404)
    assert remove_unknown["errorNum"] == 1924


async def test_add_edge_plain_and_checked_by_graph(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        plain = await call(
            client,
            "arango_add_edge",
            {
                "collection": n["knows"],
                "from": f"{n['people']}/d",
                "to": f"{n['people']}/e",
                "attributes": {"since": 2020},
                "key": "d-e",
            },
        )
        checked = await call(
            client,
            "arango_add_edge",
            {
                "collection": n["likes"],
                "from": f"{n['people']}/e",
                "to": f"{n['things']}/t1",
                "graph": n["graph"],
            },
        )
        stored = await _aql(client, "RETURN DOCUMENT(@id)", {"id": f"{n['knows']}/d-e"})
        ghost = await call_error(
            client,
            "arango_add_edge",
            {
                "collection": n["likes"],
                "from": f"{n['people']}/a",
                "to": f"{n['things']}/ghost",
                "graph": n["graph"],
            },
        )
        foreign = await call_error(
            client,
            "arango_add_edge",
            {
                "collection": n["likes"],
                "from": "elsewhere/a",
                "to": f"{n['things']}/t1",
                "graph": n["graph"],
            },
        )
        bad_id = await call_error(
            client, "arango_add_edge", {"collection": n["knows"], "from": "nokey", "to": "x/y"}
        )
        reserved = await call_error(
            client,
            "arango_add_edge",
            {"collection": n["knows"], "from": "a/b", "to": "a/c", "attributes": {"_to": "x/y"}},
        )
        missing = await call_error(
            client, "arango_add_edge", {"collection": "no_such_edges", "from": "a/b", "to": "a/c"}
        )
    assert plain["edge"]["_id"] == f"{n['knows']}/d-e"
    assert plain["edge"]["_from"] == f"{n['people']}/d" and plain["edge"]["_rev"]
    assert stored[0]["since"] == 2020 and stored[0]["_to"] == f"{n['people']}/e"
    assert checked["edge"]["_id"].startswith(n["likes"] + "/")
    assert (ghost["errorNum"], ghost["httpStatus"]) == (1202, 404)
    assert foreign["errorNum"] == 1947
    assert bad_id["kind"] == "invalid_arguments" and bad_id["field"] == "from"
    assert reserved["field"] == "attributes" and "_to" in reserved["message"]
    assert missing["errorNum"] == 1203


async def test_validate_graph_integrity_finds_each_problem(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        clean = await call(client, "arango_validate_graph_integrity", {"graph": n["graph"]})
        # an edge to a vertex that does not exist, and one from a collection not in "from"
        await _aql(
            client,
            "INSERT {_from: @a, _to: @ghost} INTO @@k INSERT {_from: @t, _to: @a} INTO @@k",
            {
                "@k": n["knows"],
                "a": f"{n['people']}/a",
                "ghost": f"{n['people']}/ghost",
                "t": f"{n['things']}/t1",
            },
        )
        broken = await call(client, "arango_validate_graph_integrity", {"graph": n["graph"]})
        unknown = await call_error(
            client, "arango_validate_graph_integrity", {"graph": "no_such_graph"}
        )
    assert clean["valid"] is True and clean["edges_checked"] == 6
    assert clean["orphaned_edges"] == clean["missing_vertices"] == 0
    assert broken["valid"] is False and broken["edges_checked"] == 8
    assert broken["orphaned_edges"] == 1 and broken["missing_vertices"] == 1
    assert broken["edges_outside_definitions"] == 1
    knows = next(c for c in broken["collections"] if c["collection"] == n["knows"])
    assert knows["examples"]["missing_vertices"] == [f"{n['people']}/ghost"]
    assert knows["examples"]["edges_outside_definitions"][0]["_from"] == f"{n['things']}/t1"
    assert knows["examples"]["orphaned_edges"][0]["_to"] == f"{n['people']}/ghost"
    assert (unknown["errorNum"], unknown["httpStatus"]) == (1924, 404)


async def test_graph_statistics_counts_degrees_and_samples(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        stats = await call(client, "arango_graph_statistics", {"graph": n["graph"]})
        sampled = await call(
            client, "arango_graph_statistics", {"graph": n["graph"], "sample_size": 3}
        )
        unknown = await call_error(client, "arango_graph_statistics", {"graph": "no_such_graph"})
        bad = await call_error(
            client, "arango_graph_statistics", {"graph": n["graph"], "sample_size": 0}
        )
    assert stats["vertices"] == {n["people"]: 5, n["things"]: 1}
    assert stats["edges"] == {n["knows"]: 4, n["likes"]: 2}
    degree = stats["degree"]
    assert degree["sampled"] is False and degree["vertices"] == 6
    # totals: a 3, b 3, c 3, d 1, e 0, t1 2
    assert degree["total"]["max"] == 3 and degree["total"]["min"] == 0
    assert degree["out"]["max"] == 3 and degree["in"]["max"] == 2
    assert degree["histogram"] == {"0": 1, "1": 1, "2-3": 4}
    conn = stats["connectivity"]
    assert (conn["isolated"], conn["sources"], conn["sinks"]) == (1, 1, 2)
    assert conn["density"] == round(6 / 30, 6) and conn["estimated"] is False
    # a, b and c have degree 3; whichever is the hub, its component is a-b-c-d-t1
    hub = conn["hub_component"]
    assert hub["vertex"].split("/")[1] in "abc" and hub["vertices"] == 5
    assert hub["share"] == round(5 / 6, 4)
    assert "hub_component" not in sampled["connectivity"]
    assert sampled["degree"]["sampled"] is True and sampled["connectivity"]["estimated"]
    assert 1 <= sampled["degree"]["vertices"] <= 4
    assert sampled["vertices"] == stats["vertices"]
    assert unknown["errorNum"] == 1924
    assert bad["field"] == "sample_size"


async def test_traversal_and_path_argument_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        start = f"{n['people']}/a"
        both = await call_error(
            client,
            "arango_traverse",
            {"start": start, "graph": n["graph"], "edge_collections": [n["knows"]]},
        )
        neither = await call_error(client, "arango_traverse", {"start": start})
        depth = await call_error(
            client,
            "arango_traverse",
            {"start": start, "graph": n["graph"], "min_depth": 3, "max_depth": 2},
        )
        missing = await call_error(
            client, "arango_traverse", {"start": f"{n['people']}/zz", "graph": n["graph"]}
        )
        bad_id = await call_error(
            client, "arango_shortest_path", {"start": "abc", "target": start, "graph": "g"}
        )
        no_target = await call_error(
            client,
            "arango_shortest_path",
            {"start": start, "target": f"{n['people']}/zz", "graph": n["graph"]},
        )
        direction = await call_error(
            client, "arango_traverse", {"start": start, "graph": "g", "direction": "up"}
        )
    assert both["kind"] == neither["kind"] == "invalid_arguments"
    assert "exactly one" in both["message"]
    assert depth["field"] == "min_depth"
    assert missing["kind"] == "not_found" and missing["field"] == "start"
    assert bad_id["field"] == "start"
    assert no_target["kind"] == "not_found" and no_target["field"] == "target"
    assert direction["field"] == "direction"


@pytest.mark.usefixtures("requires_traversal")
async def test_traverse_by_graph_and_edge_collections(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        start = f"{n['people']}/a"
        one = await call(client, "arango_traverse", {"start": start, "graph": n["graph"]})
        deep = await call(
            client,
            "arango_traverse",
            {"start": start, "edge_collections": [n["knows"]], "min_depth": 2, "max_depth": 3},
        )
        inbound = await call(
            client,
            "arango_traverse",
            {"start": f"{n['things']}/t1", "graph": n["graph"], "direction": "inbound"},
        )
        paths = await call(
            client,
            "arango_traverse",
            {
                "start": start,
                "edge_collections": [n["knows"]],
                "max_depth": 2,
                "include_paths": True,
                "limit": 2,
            },
        )
        unknown = await call_error(
            client, "arango_traverse", {"start": start, "graph": "no_such_graph"}
        )
    assert sorted(v["_key"] for v in one["rows"]) == ["b", "c", "t1"]
    assert sorted(v["_key"] for v in deep["rows"]) == ["c", "d", "d"]  # a-b-c, a-b-c-d, a-c-d
    assert sorted(v["_key"] for v in inbound["rows"]) == ["a", "b"]
    assert paths["returned"] == 2
    for row in paths["rows"]:
        assert row["vertices"][0] == start and row["vertices"][-1] == row["vertex"]["_id"]
        assert len(row["edges"]) == len(row["vertices"]) - 1
    assert unknown["errorNum"] == 1924


@pytest.mark.usefixtures("requires_traversal")
async def test_shortest_path_unweighted_and_weighted(http_server: McpHttpServer):
    async with http_server.client() as client:
        n = await _graph(client)
        await _seed(client, n)
        a, d = f"{n['people']}/a", f"{n['people']}/d"
        fewest = await call(
            client, "arango_shortest_path", {"start": a, "target": d, "graph": n["graph"]}
        )
        weighted = await call(
            client,
            "arango_shortest_path",
            {
                "start": a,
                "target": d,
                "edge_collections": [n["knows"]],
                "weight_attribute": "w",
                "include_documents": True,
            },
        )
        none = await call(
            client,
            "arango_shortest_path",
            {"start": d, "target": a, "graph": n["graph"], "direction": "outbound"},
        )
    assert fewest["found"] and fewest["length"] == 2
    assert fewest["vertices"] == [a, f"{n['people']}/c", d]
    assert weighted["length"] == 3 and weighted["weight"] == 7
    assert [v["_key"] for v in weighted["vertices"]] == ["a", "b", "c", "d"]
    assert [e["w"] for e in weighted["edges"]] == [1, 5, 1]
    assert none == {
        "database": "alpha",
        "found": False,
        "length": 0,
        "vertices": [],
        "edges": [],
    }
