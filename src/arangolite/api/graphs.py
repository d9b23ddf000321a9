"""REST API: named graphs (``/_api/gharial``, "Gharial").

Handlers parse the request, call :mod:`arangolite.storage.graphs` and shape
ArangoDB 3.12's replies:

- graph management answers ``{"error": false, "code": …, "graph": {…}}``;
  creating a graph is 201 with ``waitForSync``, else 202; changes to vertex
  collections and edge definitions and dropping a graph are always 202
  (``RestGraphHandler`` keeps 202 there for compatibility);
- vertex and edge documents answer under ``vertex`` / ``edge`` with the
  document header, plus ``new`` / ``old`` on request; writes are 201 (insert)
  or 200 (change, removal) when synced, else 202.

Reads need ``ro`` on the database, definition changes ``rw``; document
operations check the collections they touch.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage import graphs as store
from arangolite.storage.collections import Collection, WriteResult

__all__ = ["routes"]


def _ok(body: dict[str, Any], status: int = 200, rev: str | None = None) -> Response:
    # gharial sends the bare revision as ETag (RestGraphHandler::addEtagHeader)
    headers = {"etag": rev} if rev else None
    return json_response({"error": False, "code": status, **body}, status=status, headers=headers)


def _graph_reply(graph: store.Graph, status: int) -> Response:
    return _ok({"graph": graph.to_client()}, status, rev=graph.rev)


# ---------------------------------------------------------------------- management
async def list_graphs(call: Call) -> Response:
    return _ok({"graphs": store.list_graphs(call.db)})


async def create_graph(call: Call) -> Response:
    body = await call.object_body()
    wait_for_sync = call.flag("waitForSync")
    graph = store.create_graph(call.db, body, wait_for_sync=wait_for_sync)
    return _graph_reply(graph, 201 if wait_for_sync else 202)


async def get_graph(call: Call) -> Response:
    return _graph_reply(store.load_graph(call.db, call.params["graph"]), 200)


async def drop_graph(call: Call) -> Response:
    store.drop_graph(call.db, call.params["graph"], drop_collections=call.flag("dropCollections"))
    return _ok({"removed": True}, 202)


async def list_vertex_collections(call: Call) -> Response:
    graph = store.load_graph(call.db, call.params["graph"])
    return _ok({"collections": sorted(graph.vertex_collections)})


async def add_vertex_collection(call: Call) -> Response:
    name = call.params["graph"]
    store.load_graph(call.db, name)
    body = await call.object_body()
    graph = store.add_vertex_collection(
        call.db,
        name,
        body,
        create_collection=call.flag("createCollection", True),
        wait_for_sync=call.flag("waitForSync"),
    )
    return _graph_reply(graph, 202)


async def remove_vertex_collection(call: Call) -> Response:
    graph = store.remove_vertex_collection(
        call.db,
        call.params["graph"],
        call.params["collection"],
        drop_collection=call.flag("dropCollection"),
    )
    return _graph_reply(graph, 202)


async def list_edge_collections(call: Call) -> Response:
    graph = store.load_graph(call.db, call.params["graph"])
    return _ok({"collections": sorted(graph.edge_collections)})


async def add_edge_definition(call: Call) -> Response:
    name = call.params["graph"]
    store.load_graph(call.db, name)
    body = await call.body()
    graph = store.add_edge_definition(call.db, name, body, wait_for_sync=call.flag("waitForSync"))
    return _graph_reply(graph, 202)


async def replace_edge_definition(call: Call) -> Response:
    name = call.params["graph"]
    store.load_graph(call.db, name)
    body = await call.body()
    graph = store.replace_edge_definition(
        call.db, name, call.params["collection"], body, wait_for_sync=call.flag("waitForSync")
    )
    return _graph_reply(graph, 202)


async def remove_edge_definition(call: Call) -> Response:
    graph = store.remove_edge_definition(
        call.db,
        call.params["graph"],
        call.params["collection"],
        drop_collections=call.flag("dropCollections"),
    )
    return _graph_reply(graph, 202)


# ---------------------------------------------------------------------- documents
def _expected_rev(call: Call) -> str | None:
    """The revision precondition: ``If-Match``, else the ``rev`` query parameter."""
    value = call.header("if-match")
    if value:
        return value.strip().strip('"')
    return call.arg("rev") or None


def _synced(call: Call, collection: Collection) -> bool:
    return call.flag("waitForSync") or collection.wait_for_sync


def _resolve(call: Call, kind: str) -> tuple[store.Graph, Collection]:
    call.require("ro")
    graph = store.load_graph(call.db, call.params["graph"])
    name = call.params["collection"]
    if kind == "vertex":
        return graph, store.vertex_collection(call.db, graph, name)
    return graph, store.edge_collection(call.db, graph, name)


async def _document_object(call: Call) -> dict[str, Any]:
    body = await call.body()
    if not isinstance(body, dict):
        raise ArangoError(E.DOCUMENT_TYPE_INVALID)
    return body


def _written(
    call: Call, kind: str, collection: Collection, result: WriteResult, status: int
) -> Response:
    body: dict[str, Any] = {kind: result.header(collection.name)}
    if call.flag("returnOld") and result.old is not None:
        body["old"] = result.old
    if call.flag("returnNew") and result.new is not None:
        body["new"] = result.new
    return _ok(body, status, rev=result.rev)


async def _read(call: Call, kind: str) -> Response:
    graph, collection = _resolve(call, kind)
    call.require("ro", collection=collection.name)
    key = call.params["key"]
    doc = collection.get(key, call.trx)
    if doc is None:
        raise ArangoError(E.DOCUMENT_NOT_FOUND)
    if_none_match = call.header("if-none-match")
    if if_none_match and if_none_match.strip().strip('"') == doc["_rev"]:
        return Response(status_code=304, headers={"etag": doc["_rev"]})
    expected = _expected_rev(call)
    if expected is not None and expected != doc["_rev"]:
        raise ArangoError(
            E.CONFLICT,
            "conflict, _rev values do not match",
            status=412,
            extra={"_id": doc["_id"], "_key": doc["_key"], "_rev": doc["_rev"]},
        )
    return _ok({kind: doc}, 200, rev=doc["_rev"])


async def _insert(call: Call, kind: str) -> Response:
    call.require("ro")
    graph = store.load_graph(call.db, call.params["graph"])
    body = await _document_object(call)
    name = call.params["collection"]
    trx = call.trx
    if kind == "vertex":
        collection = store.vertex_collection(call.db, graph, name)
    else:
        collection = store.edge_collection(call.db, graph, name)
        store.validate_edge(call.db, graph, body, trx=trx)
    call.require("rw", collection=collection.name)
    result = collection.insert(body, trx=trx)
    return _written(call, kind, collection, result, 201 if _synced(call, collection) else 202)


async def _modify(call: Call, kind: str, *, patch: bool) -> Response:
    graph, collection = _resolve(call, kind)
    body = await _document_object(call)
    trx = call.trx
    if kind == "edge":
        store.validate_edge(call.db, graph, body, partial=patch, trx=trx)
    call.require("rw", collection=collection.name)
    key = call.params["key"]
    if patch:
        result = collection.update(
            key,
            body,
            trx=trx,
            expected_rev=_expected_rev(call),
            keep_null=call.flag("keepNull", True),
        )
    else:
        result = collection.replace(key, body, trx=trx, expected_rev=_expected_rev(call))
    return _written(call, kind, collection, result, 200 if _synced(call, collection) else 202)


async def _remove(call: Call, kind: str) -> Response:
    graph, collection = _resolve(call, kind)
    call.require("rw", collection=collection.name)
    for edges in store.cascade_edge_collections(call.db, graph, collection.name):
        call.require("rw", collection=edges.name)
    result = store.remove_with_edges(
        call.db,
        graph,
        collection,
        call.params["key"],
        expected_rev=_expected_rev(call),
        trx=call.trx,
    )
    body: dict[str, Any] = {"removed": True}
    if call.flag("returnOld"):
        body["old"] = result.old
    return _ok(body, 200 if _synced(call, collection) else 202)


def _document_routes(kind: str) -> list[Route]:
    base = f"/_api/gharial/{{graph}}/{kind}/{{collection}}"

    async def insert(call: Call) -> Response:
        return await _insert(call, kind)

    async def read(call: Call) -> Response:
        return await _read(call, kind)

    async def update(call: Call) -> Response:
        return await _modify(call, kind, patch=True)

    async def replace(call: Call) -> Response:
        return await _modify(call, kind, patch=False)

    async def remove(call: Call) -> Response:
        return await _remove(call, kind)

    return [
        Route("GET", base + "/{key}", read, access="handler"),
        Route("PATCH", base + "/{key}", update, access="handler"),
        Route("PUT", base + "/{key}", replace, access="handler"),
        Route("DELETE", base + "/{key}", remove, access="handler"),
        Route("POST", base, insert, access="handler"),
    ]


routes = [
    Route("GET", "/_api/gharial", list_graphs, access="db:ro"),
    Route("POST", "/_api/gharial", create_graph, access="db:rw"),
    Route("GET", "/_api/gharial/{graph}", get_graph, access="db:ro"),
    Route("DELETE", "/_api/gharial/{graph}", drop_graph, access="db:rw"),
    Route("GET", "/_api/gharial/{graph}/vertex", list_vertex_collections, access="db:ro"),
    Route("POST", "/_api/gharial/{graph}/vertex", add_vertex_collection, access="db:rw"),
    Route("GET", "/_api/gharial/{graph}/edge", list_edge_collections, access="db:ro"),
    Route("POST", "/_api/gharial/{graph}/edge", add_edge_definition, access="db:rw"),
    *_document_routes("vertex"),
    Route(
        "DELETE",
        "/_api/gharial/{graph}/vertex/{collection}",
        remove_vertex_collection,
        access="db:rw",
    ),
    *_document_routes("edge"),
    Route(
        "PUT",
        "/_api/gharial/{graph}/edge/{collection}",
        replace_edge_definition,
        access="db:rw",
    ),
    Route(
        "DELETE",
        "/_api/gharial/{graph}/edge/{collection}",
        remove_edge_definition,
        access="db:rw",
    ),
]
