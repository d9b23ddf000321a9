"""Named graphs (gharial): graph management, vertex collections, edge
definitions, vertex and edge documents, cascading removals, and their errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    DocumentDeleteError,
    DocumentGetError,
    DocumentInsertError,
    DocumentReplaceError,
    DocumentRevisionError,
    DocumentUpdateError,
    EdgeDefinitionCreateError,
    EdgeDefinitionDeleteError,
    EdgeDefinitionReplaceError,
    GraphCreateError,
    GraphDeleteError,
    GraphPropertiesError,
    VertexCollectionCreateError,
    VertexCollectionDeleteError,
)
from arangoasync.typings import CollectionType, UserInfo

from tests.conftest import Target, unique_name

KNOWS = {"collection": "knows", "from": ["people"], "to": ["people"]}


async def _raw(
    target: Target, method: str, db: str, path: str, json: Any = None, **kw: Any
) -> httpx.Response:
    async with httpx.AsyncClient(auth=("root", target.root_password)) as http:
        return await http.request(method, f"{target.url}/_db/{db}{path}", json=json, **kw)


async def _types(db: Any) -> dict[str, CollectionType]:
    return {c.name: c.col_type for c in await db.collections()}


def _error(exc: Any) -> tuple[int, int]:
    return exc.value.error_code, exc.value.http_code


# ---------------------------------------------------------------------- graphs
async def test_create_list_get_and_delete_graph(db):
    graph = await db.create_graph(
        "social",
        edge_definitions=[
            {"collection": "likes", "from": ["people", "bots"], "to": ["things"]},
            KNOWS,
        ],
        orphan_collections=["loners", "people"],
    )
    assert graph.name == "social"
    props = await graph.properties()
    assert props.name == "social" and props.is_smart is False
    # edge definitions and their from/to lists come back sorted, like ArangoDB's sets;
    # an orphan already used by an edge definition is dropped from the orphans
    assert props.edge_definitions == [
        KNOWS,
        {"collection": "likes", "from": ["bots", "people"], "to": ["things"]},
    ]
    assert props.orphan_collections == ["loners"]
    types = await _types(db)
    assert types["likes"] == types["knows"] == CollectionType.EDGE
    for name in ("people", "bots", "things", "loners"):
        assert types[name] == CollectionType.DOCUMENT

    assert [g.name for g in await db.graphs()] == ["social"]
    assert await db.has_graph("social") is True
    assert await db.delete_graph("social") is True
    assert await db.has_graph("social") is False
    assert await db.graphs() == []
    # without dropCollections the collections stay
    assert "likes" in await _types(db)


async def test_graph_wire_shapes(db, target):
    body = {"name": "g", "edgeDefinitions": [KNOWS], "orphanCollections": ["solo"]}
    created = await _raw(target, "POST", db.name, "/_api/gharial", body)
    assert created.status_code == 202
    reply = created.json()
    assert reply["error"] is False and reply["code"] == 202
    graph = reply["graph"]
    assert graph["_key"] == graph["name"] == "g"
    assert graph["_id"] == "_graphs/g" and graph["_rev"]
    assert created.headers["etag"] == graph["_rev"]
    assert graph["edgeDefinitions"] == [KNOWS]
    assert graph["orphanCollections"] == ["solo"]
    for attribute in ("numberOfShards", "replicationFactor", "writeConcern"):
        assert graph[attribute] == 1
    assert graph["isSmart"] is graph["isDisjoint"] is graph["isSatellite"] is False

    synced = await _raw(target, "POST", db.name, "/_api/gharial?waitForSync=true", {"name": "h"})
    assert synced.status_code == 201 and synced.json()["code"] == 201

    listed = (await _raw(target, "GET", db.name, "/_api/gharial")).json()
    assert listed["code"] == 200
    assert sorted(g["name"] for g in listed["graphs"]) == ["g", "h"]
    assert next(g for g in listed["graphs"] if g["name"] == "g")["_id"] == "_graphs/g"

    vertices = (await _raw(target, "GET", db.name, "/_api/gharial/g/vertex")).json()
    assert vertices["collections"] == ["people", "solo"]
    edges = (await _raw(target, "GET", db.name, "/_api/gharial/g/edge")).json()
    assert edges["collections"] == ["knows"]

    dropped = await _raw(target, "DELETE", db.name, "/_api/gharial/g")
    assert dropped.status_code == 202
    assert dropped.json() == {"error": False, "code": 202, "removed": True}


async def test_graph_not_found(db):
    with pytest.raises(GraphPropertiesError) as exc:
        await db.graph("nope").properties()
    assert _error(exc) == (1924, 404)
    assert exc.value.error_message == "graph 'nope' not found"
    with pytest.raises(GraphDeleteError) as exc:
        await db.delete_graph("nope")
    assert _error(exc) == (1924, 404)
    assert await db.delete_graph("nope", ignore_missing=True) is False
    with pytest.raises(DocumentInsertError) as exc:
        await db.graph("nope").vertex_collection("people").insert({})
    assert _error(exc) == (1924, 404)


async def test_create_graph_errors(db):
    await db.create_graph("g", edge_definitions=[KNOWS])
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("g")
    assert _error(exc) == (1925, 409)

    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("")
    assert _error(exc) == (1922, 400)

    empty_from = {"collection": "e", "from": [], "to": ["v"]}
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("bad", edge_definitions=[empty_from])
    assert _error(exc) == (1923, 400)

    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("bad", edge_definitions=[KNOWS, KNOWS])
    assert _error(exc) == (1920, 400)

    # the same edge collection with other from/to than in graph "g"
    other = {"collection": "knows", "from": ["people"], "to": ["robots"]}
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("bad", edge_definitions=[other])
    assert _error(exc) == (1921, 400)
    # ... but the identical relation can be shared
    await db.create_graph("twin", edge_definitions=[KNOWS])

    await db.create_collection("plain")
    as_edges = {"collection": "plain", "from": ["a"], "to": ["b"]}
    with pytest.raises(GraphCreateError) as exc:
        await db.create_graph("bad", edge_definitions=[as_edges])
    assert _error(exc) == (1944, 400)
    assert await db.has_graph("bad") is False
    # a failed creation creates no collections
    assert "a" not in await _types(db)


async def test_create_graph_malformed_bodies(db, target):
    cases = [
        ({"name": "x", "edgeDefinitions": {}}, 1901),
        ({"name": "x", "edgeDefinitions": ["knows"]}, 1923),
        ({"name": "x", "orphanCollections": "solo"}, 1901),
        ({"name": "x", "orphanCollections": [1]}, 1943),
        ({"name": "x", "edgeDefinitions": [{"collection": "e", "from": ["a"]}]}, 1941),
        ({"edgeDefinitions": []}, 1922),
        ({"name": "not a key!"}, 1221),
    ]
    for body, error_num in cases:
        resp = await _raw(target, "POST", db.name, "/_api/gharial", body)
        assert resp.status_code == 400, body
        assert resp.json()["errorNum"] == error_num, body
    assert await db.graphs() == []


async def test_delete_graph_drops_only_unshared_collections(db):
    await db.create_graph(
        "g1",
        edge_definitions=[{"collection": "e1", "from": ["shared"], "to": ["mine"]}],
        orphan_collections=["lonely"],
    )
    await db.create_graph("g2", orphan_collections=["shared"])
    assert await db.delete_graph("g1", drop_collections=True) is True
    types = await _types(db)
    assert "shared" in types
    for gone in ("e1", "mine", "lonely"):
        assert gone not in types
    assert await db.has_graph("g2")


# ---------------------------------------------------------------------- vertex collections
async def test_vertex_collections(db, target):
    graph = await db.create_graph("g", edge_definitions=[KNOWS])
    orphans = await graph.create_vertex_collection("orphans")
    assert orphans.name == "orphans"
    assert (await _types(db))["orphans"] == CollectionType.DOCUMENT
    assert await graph.vertex_collections() == ["orphans", "people"]
    assert await graph.has_vertex_collection("orphans") is True
    assert (await graph.properties()).orphan_collections == ["orphans"]

    with pytest.raises(VertexCollectionCreateError) as exc:
        await graph.create_vertex_collection("orphans")
    assert _error(exc) == (1938, 400)
    with pytest.raises(VertexCollectionCreateError) as exc:
        await graph.create_vertex_collection("people")
    assert _error(exc) == (1929, 400)
    await db.create_collection("links", col_type=CollectionType.EDGE)
    with pytest.raises(VertexCollectionCreateError) as exc:
        await graph.create_vertex_collection("links")
    assert _error(exc) == (1927, 400)
    resp = await _raw(
        target,
        "POST",
        db.name,
        "/_api/gharial/g/vertex?createCollection=false",
        {"collection": "absent"},
    )
    assert resp.status_code == 404 and resp.json()["errorNum"] == 1926

    # only orphans can be removed
    with pytest.raises(VertexCollectionDeleteError) as exc:
        await graph.delete_vertex_collection("people")
    assert _error(exc) == (1928, 400)
    await graph.delete_vertex_collection("orphans")
    assert await graph.vertex_collections() == ["people"]
    assert "orphans" in await _types(db)
    await graph.create_vertex_collection("orphans")
    await graph.delete_vertex_collection("orphans", purge=True)
    assert "orphans" not in await _types(db)


# ---------------------------------------------------------------------- edge definitions
async def test_edge_definitions(db):
    graph = await db.create_graph("g", orphan_collections=["teachers", "rooms"])
    edges = await graph.create_edge_definition("teaches", ["teachers"], ["students"])
    assert edges.name == "teaches"
    assert (await _types(db))["teaches"] == CollectionType.EDGE
    assert await graph.edge_collections() == ["teaches"]
    assert await graph.has_edge_definition("teaches") is True
    props = await graph.properties()
    # the orphan now used by a relation is promoted out of the orphans
    assert props.orphan_collections == ["rooms"]
    assert props.edge_definitions == [
        {"collection": "teaches", "from": ["teachers"], "to": ["students"]}
    ]
    definitions = await graph.edge_definitions()
    assert definitions[0]["edge_collection"] == "teaches"

    with pytest.raises(EdgeDefinitionCreateError) as exc:
        await graph.create_edge_definition("teaches", ["teachers"], ["rooms"])
    assert _error(exc) == (1920, 400)

    await graph.replace_edge_definition("teaches", ["teachers"], ["rooms", "labs"])
    props = await graph.properties()
    assert props.edge_definitions == [
        {"collection": "teaches", "from": ["teachers"], "to": ["labs", "rooms"]}
    ]
    # "students" is no longer used by any relation: it becomes an orphan
    assert props.orphan_collections == ["students"]
    assert "labs" in await _types(db)

    with pytest.raises(EdgeDefinitionReplaceError) as exc:
        await graph.replace_edge_definition("nothing", ["a"], ["b"])
    assert _error(exc) == (1930, 404)

    await graph.delete_edge_definition("teaches", drop_collections=True)
    assert await graph.has_edge_definition("teaches") is False
    props = await graph.properties()
    assert props.edge_definitions == []
    assert props.orphan_collections == ["labs", "rooms", "students", "teachers"]
    types = await _types(db)
    assert "teaches" not in types and "teachers" in types
    with pytest.raises(EdgeDefinitionDeleteError) as exc:
        await graph.delete_edge_definition("teaches")
    assert _error(exc) == (1930, 404)


async def test_replacing_a_shared_edge_definition_changes_every_graph(db):
    g1 = await db.create_graph("g1", edge_definitions=[KNOWS])
    g2 = await db.create_graph("g2", edge_definitions=[KNOWS])
    await g1.replace_edge_definition("knows", ["people"], ["pets"])
    for graph in (g1, g2):
        assert (await graph.properties()).edge_definitions == [
            {"collection": "knows", "from": ["people"], "to": ["pets"]}
        ]


async def test_edge_definition_wire_shape(db, target):
    await db.create_graph("g")
    resp = await _raw(target, "POST", db.name, "/_api/gharial/g/edge", KNOWS)
    assert resp.status_code == 202
    assert resp.json()["graph"]["edgeDefinitions"] == [KNOWS]
    bad = await _raw(target, "POST", db.name, "/_api/gharial/g/edge", {"collection": "x"})
    assert bad.status_code == 400 and bad.json()["errorNum"] == 1941
    bad = await _raw(target, "POST", db.name, "/_api/gharial/g/edge", [])
    assert bad.status_code == 400 and bad.json()["errorNum"] == 1923


# ---------------------------------------------------------------------- vertices
async def test_vertex_documents(db):
    graph = await db.create_graph("g", edge_definitions=[KNOWS])
    people = graph.vertex_collection("people")
    meta = await people.insert({"_key": "ann", "age": 30, "tag": "x"})
    assert meta["_id"] == "people/ann" and meta["_key"] == "ann" and meta["_rev"]
    created = await graph.insert_vertex("people", {"_key": "bob"}, return_new=True)
    assert created["new"]["_id"] == "people/bob"
    assert created["vertex"]["_key"] == "bob"

    ann = await graph.vertex("people/ann")
    assert ann["age"] == 30
    assert await graph.vertex("people/nobody") is None
    assert await graph.vertex("people/ann") is not None

    updated = await people.update(
        {"_key": "ann", "age": 31, "tag": None}, keep_null=False, return_old=True, return_new=True
    )
    assert updated["old"]["age"] == 30
    assert updated["new"]["age"] == 31 and "tag" not in updated["new"]
    assert updated["vertex"]["_oldRev"] == ann["_rev"]

    replaced = await people.replace({"_key": "ann", "name": "Ann"}, return_new=True)
    assert replaced["new"] == {
        "_key": "ann",
        "_id": "people/ann",
        "_rev": replaced["vertex"]["_rev"],
        "name": "Ann",
    }

    with pytest.raises(DocumentRevisionError) as exc:
        await people.update({"_key": "ann", "x": 1}, if_match="_stale_rev_")
    assert _error(exc) == (1200, 412)
    with pytest.raises(DocumentRevisionError) as exc:
        await people.get("ann", if_match="_stale_rev_")
    assert _error(exc) == (1200, 412)

    with pytest.raises(DocumentInsertError) as exc:
        await people.insert({"_key": "ann"})
    assert _error(exc) == (1210, 409)

    old = await people.delete("ann", return_old=True)
    assert old["name"] == "Ann"
    assert await people.delete("ann", ignore_missing=True) is False
    with pytest.raises(DocumentDeleteError) as exc:
        await people.delete("ann")
    assert _error(exc) == (1202, 404)
    with pytest.raises(DocumentUpdateError) as exc:
        await people.update({"_key": "ann", "x": 1})
    assert _error(exc) == (1202, 404)


async def test_vertex_wire_shapes(db, target):
    await db.create_graph("g", edge_definitions=[KNOWS])
    base = "/_api/gharial/g/vertex/people"
    created = await _raw(target, "POST", db.name, base, {"_key": "a", "n": 1})
    assert created.status_code == 202
    vertex = created.json()["vertex"]
    assert set(vertex) == {"_id", "_key", "_rev"} and "new" not in created.json()
    synced = await _raw(target, "POST", db.name, base + "?waitForSync=true", {"_key": "b"})
    assert synced.status_code == 201

    got = await _raw(target, "GET", db.name, base + "/a")
    assert got.status_code == 200 and got.json()["vertex"]["n"] == 1
    assert got.headers["etag"] == vertex["_rev"]
    unchanged = await _raw(
        target, "GET", db.name, base + "/a", headers={"If-None-Match": vertex["_rev"]}
    )
    assert unchanged.status_code == 304

    patched = await _raw(target, "PATCH", db.name, base + "/a", {"m": 2})
    assert patched.status_code == 202 and patched.json()["vertex"]["_oldRev"] == vertex["_rev"]
    removed = await _raw(target, "DELETE", db.name, base + "/a?waitForSync=true")
    assert removed.status_code == 200
    assert removed.json() == {"error": False, "code": 200, "removed": True}

    not_object = await _raw(target, "POST", db.name, base, [1, 2])
    assert not_object.status_code == 400 and not_object.json()["errorNum"] == 1227


async def test_vertex_collection_must_belong_to_the_graph(db):
    graph = await db.create_graph("g", edge_definitions=[KNOWS])
    await db.create_collection("outsiders")
    with pytest.raises(DocumentInsertError) as exc:
        await graph.insert_vertex("outsiders", {"_key": "x"})
    assert _error(exc) == (1949, 404)
    with pytest.raises(DocumentGetError) as exc:
        await graph.vertex("outsiders/x")
    assert _error(exc) == (1949, 404)


# ---------------------------------------------------------------------- edges
async def _school(db: Any) -> Any:
    graph = await db.create_graph(
        "school",
        edge_definitions=[{"collection": "teaches", "from": ["teachers"], "to": ["students"]}],
        orphan_collections=["rooms"],
    )
    await graph.insert_vertex("teachers", {"_key": "t1"})
    await graph.insert_vertex("students", {"_key": "s1"})
    await graph.insert_vertex("students", {"_key": "s2"})
    await graph.insert_vertex("rooms", {"_key": "r1"})
    return graph


async def test_edge_documents(db):
    graph = await _school(db)
    teaches = graph.edge_collection("teaches")
    created = await teaches.insert(
        {"_key": "e1", "_from": "teachers/t1", "_to": "students/s1", "subject": "math"},
        return_new=True,
    )
    assert created["edge"]["_id"] == "teaches/e1"
    assert created["new"]["_from"] == "teachers/t1"
    linked = await graph.link("teaches", "teachers/t1", "students/s2", {"_key": "e2"})
    assert linked["_key"] == "e2"

    edge = await graph.edge("teaches/e1")
    assert edge["subject"] == "math"
    assert await graph.edge("teaches/missing") is None

    updated = await teaches.update({"_key": "e1", "subject": "physics"}, return_new=True)
    assert updated["new"]["subject"] == "physics"
    assert updated["new"]["_to"] == "students/s1"
    replaced = await teaches.replace(
        {"_key": "e1", "_from": "teachers/t1", "_to": "students/s2"}, return_old=True
    )
    assert replaced["old"]["subject"] == "physics"
    assert (await graph.edge("teaches/e1"))["_to"] == "students/s2"
    assert await graph.delete_edge("teaches/e1") is True
    assert await graph.edge("teaches/e1") is None


async def test_edge_validation(db):
    graph = await _school(db)
    teaches = graph.edge_collection("teaches")
    await db.create_collection("outsiders")

    cases = [
        # _from / _to collections must belong to the graph (orphans count too) ...
        ({"_from": "outsiders/x", "_to": "students/s1"}, 1947, 404),
        ({"_from": "teachers/t1", "_to": "outsiders/x"}, 1947, 404),
        # ... and the vertices must exist
        ({"_from": "teachers/nobody", "_to": "students/s1"}, 1202, 404),
        ({"_from": "teachers/t1", "_to": "students/nobody"}, 1202, 404),
        # both attributes are required, as document ids
        ({"_from": "teachers/t1"}, 1233, 400),
        ({"_from": "teachers-t1", "_to": "students/s1"}, 1233, 400),
    ]
    for body, error_num, status in cases:
        with pytest.raises(DocumentInsertError) as exc:
            await teaches.insert(body)
        assert _error(exc) == (error_num, status), body

    # an orphan collection of the graph is an allowed edge endpoint
    await teaches.insert({"_from": "rooms/r1", "_to": "students/s1"})

    with pytest.raises(DocumentInsertError) as exc:
        await graph.edge_collection("outsiders").insert(
            {"_from": "teachers/t1", "_to": "students/s1"}
        )
    assert _error(exc) == (1930, 404)

    await teaches.insert({"_key": "e", "_from": "teachers/t1", "_to": "students/s1"})
    with pytest.raises(DocumentUpdateError) as exc:
        await teaches.update({"_key": "e", "_to": "outsiders/x"})
    assert _error(exc) == (1947, 404)
    with pytest.raises(DocumentReplaceError) as exc:
        await teaches.replace({"_key": "e", "subject": "no endpoints"})
    assert _error(exc) == (1233, 400)
    assert (await graph.edge("teaches/e"))["_to"] == "students/s1"


async def test_removing_a_vertex_removes_its_edges(db):
    graph = await _school(db)
    await graph.link("teaches", "teachers/t1", "students/s1", {"_key": "a"})
    await graph.link("teaches", "teachers/t1", "students/s2", {"_key": "b"})
    # another graph relates the same vertex collection through its own edges
    other = await db.create_graph(
        "clubs",
        edge_definitions=[{"collection": "member", "from": ["students"], "to": ["clubs"]}],
    )
    await other.insert_vertex("clubs", {"_key": "chess"})
    await other.link("member", "students/s1", "clubs/chess", {"_key": "m"})

    assert await graph.delete_vertex("students/s1") is True
    assert await graph.edge("teaches/a") is None
    assert await other.edge("member/m") is None
    assert await graph.edge("teaches/b") is not None
    assert await graph.vertex("teachers/t1") is not None

    await graph.delete_vertex("teachers/t1")
    assert await graph.edge("teaches/b") is None


# ---------------------------------------------------------------------- permissions
async def test_permissions(client, sys_db, db, target):
    await db.create_graph("g", edge_definitions=[KNOWS])
    name = unique_name("u")
    await sys_db.create_user(UserInfo(user=name, password="pw"))
    try:
        await sys_db.update_permission(name, "ro", db.name)
        reader = await client.db(db.name, auth=Auth(name, "pw"))
        assert [g.name for g in await reader.graphs()] == ["g"]
        with pytest.raises(GraphCreateError) as exc:
            await reader.create_graph("mine")
        assert exc.value.http_code == 403
        with pytest.raises(DocumentInsertError) as exc:
            await reader.graph("g").insert_vertex("people", {"_key": "p"})
        assert exc.value.http_code == 403
        assert await reader.graph("g").vertex("people/p") is None
    finally:
        await sys_db.delete_user(name, ignore_missing=True)


# ---------------------------------------------------------------------- storage helper
@pytest.mark.lite_only
def test_graph_definition_helper_reads_the_stored_document():
    from arangolite.errors import ArangoError
    from arangolite.storage import graphs
    from arangolite.storage.engine import Engine

    engine = Engine()
    engine.bootstrap()
    database = engine.create_database("graphs_helper")
    graphs.create_graph(database, {"name": "g", "edgeDefinitions": [KNOWS]})
    stored = graphs.graph_definition(database, "g")
    assert stored["_key"] == "g" and stored["_id"] == "_graphs/g"
    assert stored["edgeDefinitions"] == [KNOWS]
    assert stored["orphanCollections"] == []
    assert stored == database.collection("_graphs").get("g")
    with pytest.raises(ArangoError) as exc:
        graphs.graph_definition(database, "missing")
    assert (exc.value.error_num, exc.value.status) == (1924, 404)
    assert exc.value.message == "graph 'missing' not found"


# ---------------------------------------------------------------------- stream transactions
async def test_vertex_and_edge_writes_join_a_stream_transaction(db):
    graph = await db.create_graph("g", edge_definitions=[KNOWS])
    await graph.insert_vertex("people", {"_key": "ann"})
    txn = await db.begin_transaction(write=["people", "knows"])
    in_txn = txn.graph("g")
    await in_txn.insert_vertex("people", {"_key": "bob"})
    # the edge's vertices are checked inside the transaction: bob is visible there
    await in_txn.link("knows", "people/ann", "people/bob", {"_key": "e"})
    assert await graph.vertex("people/bob") is None
    assert await in_txn.vertex("people/bob") is not None
    await txn.abort_transaction()
    assert await graph.vertex("people/bob") is None
    assert await graph.edge("knows/e") is None

    txn = await db.begin_transaction(write=["people", "knows"])
    await txn.graph("g").insert_vertex("people", {"_key": "cid"})
    await txn.commit_transaction()
    assert await graph.vertex("people/cid") is not None
