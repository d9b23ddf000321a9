"""REST API: indexes (``/_api/index``).

Shapes follow ArangoDB's ``RestIndexHandler``: listings carry ``indexes`` and
``identifiers``; creation answers 201 with ``isNewlyCreated: true`` or 200 with
the existing equivalent index. Every creation failure is answered with HTTP 400
(whatever the errorNum, e.g. 1210 for data violating a new unique index), except
403 (forbidden) and 404 (unknown collection), as ArangoDB does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage import index_factory

if TYPE_CHECKING:
    from starlette.responses import Response

    from arangolite.storage.collections import Collection

__all__ = ["routes"]


def _collection(call: Call, name: str | None) -> Collection:
    found = call.db.find(name) if name else None
    if found is None:
        raise ArangoError(E.DATA_SOURCE_NOT_FOUND)
    return found


def _require_write(call: Call, name: str) -> None:
    """Creating or dropping an index needs ``rw`` on the database and the collection;
    ArangoDB answers anything less with a plain 403 errorNum 11."""
    if call.user is not None and (call.level() != "rw" or call.level(name) != "rw"):
        raise ArangoError(E.FORBIDDEN, "forbidden", status=403)


async def list_indexes(call: Call) -> Response:
    collection = _collection(call, call.arg("collection"))
    with_stats = call.flag("withStats")
    indexes = [index.definition(with_stats=with_stats) for index in collection.indexes.all()]
    return json_response(
        {
            "error": False,
            "code": 200,
            "indexes": indexes,
            "identifiers": {index["id"]: index for index in indexes},
        }
    )


async def selectivity(call: Call) -> Response:
    collection = _collection(call, call.arg("collection"))
    estimates = {}
    for index in collection.indexes.all():
        estimate = index.selectivity()
        if estimate is not None:
            estimates[f"{collection.name}/{index.id}"] = estimate
    return json_response({"error": False, "code": 200, "indexes": estimates})


async def get_index(call: Call) -> Response:
    collection = _collection(call, call.params["collection"])
    index = index_factory.get_index(collection, call.params["index"])
    return json_response({**index.definition(), "error": False, "code": 200})


async def bad_handle(call: Call) -> Response:
    raise ArangoError(E.HTTP_BAD_PARAMETER)


async def create_index(call: Call) -> Response:
    name = call.arg("collection")
    if name is None:
        raise ArangoError(E.DATA_SOURCE_NOT_FOUND)
    _require_write(call, name)
    body = await call.body()
    collection = _collection(call, name)
    try:
        index, created = index_factory.create_index(collection, body)
    except ArangoError as exc:
        if exc.error_num not in (E.FORBIDDEN, E.INDEX_NOT_FOUND):
            exc.status = 400
        raise
    code = 201 if created else 200
    return json_response(
        {**index.definition(), "isNewlyCreated": created, "error": False, "code": code},
        status=code,
    )


async def drop_index(call: Call) -> Response:
    name = call.params["collection"]
    _require_write(call, name)
    collection = _collection(call, name)
    handle = call.params["index"]
    index_factory.drop_index(collection, handle)
    return json_response({"id": f"{name}/{handle}", "error": False, "code": 200})


routes: list[Route] = [
    Route("GET", "/_api/index", list_indexes, access="coll:ro"),
    Route("GET", "/_api/index/selectivity", selectivity, access="coll:ro"),
    Route("GET", "/_api/index/{collection}/{index}", get_index, access="coll:ro"),
    Route("GET", "/_api/index/{collection}", bad_handle, access="db:ro"),
    Route("POST", "/_api/index", create_index, access="handler"),
    Route("DELETE", "/_api/index/{collection}/{index}", drop_index, access="handler"),
]
