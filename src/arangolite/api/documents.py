"""REST API: documents (``/_api/document``) and edges (``/_api/edges``).

One document or many per request, with ArangoDB 3.12's options, status codes
and error shapes: a single-document failure is an error response; in the array
forms each failed item becomes an inline error object and the response carries
``X-Arango-Error-Codes`` (a JSON object errorNum -> count). Writes report 201
when synced (``waitForSync`` or the collection's own flag) and 202 otherwise,
removals 200/202. Every read and write honours a stream transaction named by
``x-arango-trx-id``; all state rules live in :mod:`arangolite.storage`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.collections import Collection, WriteResult
from arangolite.storage.keys import is_valid_key
from arangolite.storage.transactions import Transaction

__all__ = ["routes"]

OVERWRITE_MODES = ("ignore", "replace", "update", "conflict")


@dataclass(slots=True)
class _Options:
    """The query parameters of one write request, parsed once."""

    sync: bool
    silent: bool
    return_new: bool
    return_old: bool
    ignore_revs: bool = True
    keep_null: bool = True
    merge_objects: bool = True
    overwrite_mode: str | None = None
    version_attribute: str | None = None


def _options(call: Call, collection: Collection) -> _Options:
    return _Options(
        sync=call.flag("waitForSync") or collection.wait_for_sync,
        silent=call.flag("silent"),
        return_new=call.flag("returnNew"),
        return_old=call.flag("returnOld"),
        ignore_revs=call.flag("ignoreRevs", True),
        keep_null=call.flag("keepNull", True),
        merge_objects=call.flag("mergeObjects", True),
        version_attribute=call.arg("versionAttribute") or None,
    )


def _insert_options(call: Call, collection: Collection) -> _Options:
    opts = _options(call, collection)
    if call.flag("overwrite"):
        opts.overwrite_mode = "replace"
    mode = call.arg("overwriteMode")
    if mode in OVERWRITE_MODES:  # an unknown mode is ignored, as ArangoDB does
        opts.overwrite_mode = mode
    if opts.overwrite_mode == "conflict":
        opts.overwrite_mode = None
    # ArangoDB's update-insert defaults keepNull to false (unlike PATCH)
    opts.keep_null = call.flag("keepNull", False)
    opts.return_old = opts.return_old and opts.overwrite_mode in ("update", "replace")
    return opts


# ---------------------------------------------------------------------- shaping
def _result(collection: Collection, result: WriteResult, opts: _Options) -> dict[str, Any]:
    body = result.header(collection.name)
    if result.ignored:  # overwriteMode=ignore hit an existing document: no write happened
        return body
    if opts.return_old and result.old is not None:
        body["old"] = result.old
    if opts.return_new and result.new is not None:
        body["new"] = result.new
    return body


def _single(
    call: Call, collection: Collection, result: WriteResult, opts: _Options, synced: int
) -> Response:
    status = synced if opts.sync else 202
    if opts.silent:
        return json_response({}, status=status)
    headers = {
        "Etag": f'"{result.rev}"',
        "Location": f"/_db/{quote(call.db.name, safe='')}/_api/document/"
        f"{collection.name}/{quote(result.key, safe='')}",
    }
    return json_response(_result(collection, result, opts), status=status, headers=headers)


def _error_item(error: ArangoError) -> dict[str, Any]:
    return {"error": True, "errorNum": error.error_num, "errorMessage": error.message}


def _many(
    collection: Collection,
    items: list[Any],
    operation: Callable[[Any], WriteResult],
    opts: _Options,
    synced: int,
) -> Response:
    """Apply ``operation`` to each item; failures become inline error objects."""
    out: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for item in items:
        try:
            result = operation(item)
        except ArangoError as exc:
            code = str(exc.error_num)
            counts[code] = counts.get(code, 0) + 1
            out.append(_error_item(exc))
            continue
        if not opts.silent:
            out.append(_result(collection, result, opts))
    status = synced if opts.sync else 202
    if not counts:
        # all succeeded: silent answers an empty object, as ArangoDB does
        return json_response({} if opts.silent else out, status=status)
    headers = {"X-Arango-Error-Codes": orjson.dumps(counts).decode()}
    return json_response(out, status=status, headers=headers)


# ---------------------------------------------------------------------- keys and revisions
def _lookup_key(key: Any) -> str:
    """A key to look up: a non-string or empty one is a bad handle (1205); one
    that no document could have is simply not found (1202), as in ArangoDB."""
    if not isinstance(key, str) or not key:
        raise ArangoError(E.DOCUMENT_HANDLE_BAD)
    if not is_valid_key(key):
        raise ArangoError(E.DOCUMENT_NOT_FOUND)
    return key


def _selector_key(item: Any) -> str:
    """The key an array item names: ``"key"``, ``"coll/key"`` or ``{"_key": ...}``."""
    if isinstance(item, dict):
        return _lookup_key(item.get("_key"))
    if isinstance(item, str):
        return _lookup_key(item.partition("/")[2] if "/" in item else item)
    raise ArangoError(E.DOCUMENT_HANDLE_BAD)


def _body_rev(item: Any, opts: _Options) -> str | None:
    """The ``_rev`` an item sets as precondition (only with ``ignoreRevs=false``)."""
    if opts.ignore_revs or not isinstance(item, dict):
        return None
    rev = item.get("_rev")
    return rev if isinstance(rev, str) and rev else None


def _etag(call: Call, name: str) -> str | None:
    """An ``If-Match``/``If-None-Match`` revision, without quotes; None when absent."""
    value = call.header(name)
    if value is None:
        return None
    value = value.strip(" \t")
    if value[:1] in ('"', "'"):
        value = value[1:]
    if value[-1:] in ('"', "'"):
        value = value[:-1]
    return value


def _precondition_failed(doc: dict[str, Any]) -> ArangoError:
    """A read's If-Match mismatch (reads say just "conflict"; writes say more)."""
    return ArangoError(
        E.CONFLICT,
        status=412,
        extra={"_id": doc["_id"], "_key": doc["_key"], "_rev": doc["_rev"]},
    )


# ---------------------------------------------------------------------- create
async def create(call: Call) -> Response:
    if call.params.get("collection") is None and not call.arg("collection"):
        raise ArangoError(
            E.COLLECTION_PARAMETER_MISSING,
            "'collection' is missing, expecting /_api/document POST "
            "/_api/document/<collection> or query parameter 'collection'",
        )
    collection = call.collection()
    body = await call.body()
    trx = call.trx
    opts = _insert_options(call, collection)

    def insert(doc: Any) -> WriteResult:
        return collection.insert(
            doc,
            trx=trx,
            overwrite_mode=opts.overwrite_mode,
            keep_null=opts.keep_null,
            merge_objects=opts.merge_objects,
            version_attribute=opts.version_attribute,
        )

    if isinstance(body, list):
        return _many(collection, body, insert, opts, 201)
    return _single(call, collection, insert(body), opts, 201)


# ---------------------------------------------------------------------- read
async def read(call: Call) -> Response:
    head = call.request.method == "HEAD"
    try:
        return _read(call, head)
    except ArangoError as exc:
        if not head:
            raise
        headers = {"Etag": f'"{exc.extra["_rev"]}"'} if "_rev" in exc.extra else None
        return Response(status_code=exc.status, headers=headers)


def _read(call: Call, head: bool) -> Response:
    collection = call.collection()
    key = _lookup_key(call.params["key"])
    doc = collection.get(key, call.trx)
    if doc is None:
        raise ArangoError(E.DOCUMENT_NOT_FOUND)
    rev = doc["_rev"]
    if_match = _etag(call, "if-match")
    if if_match is not None and if_match != rev:
        raise _precondition_failed(doc)
    headers = {"Etag": f'"{rev}"'}
    if _etag(call, "if-none-match") == rev:
        return Response(status_code=304, headers=headers)
    if head:
        return Response(status_code=200, headers=headers)
    return json_response(doc, headers=headers)


async def read_missing_key(call: Call) -> Response:
    raise ArangoError(E.DATA_SOURCE_NOT_FOUND, "expecting GET /_api/document/<collection>/<key>")


def _read_many(call: Call, collection: Collection, body: Any) -> Response:
    """``PUT /_api/document/{collection}?onlyget=true``: documents by key, in order."""
    trx = call.trx
    opts = _Options(
        sync=False,
        silent=False,
        return_new=False,
        return_old=False,
        ignore_revs=call.flag("ignoreRevs", True),
    )

    def lookup(item: Any) -> dict[str, Any]:
        key = _selector_key(item)
        doc = collection.get(key, trx)
        if doc is None:
            raise ArangoError(E.DOCUMENT_NOT_FOUND)
        expected = _body_rev(item, opts)
        if expected is not None and expected != doc["_rev"]:
            raise ArangoError(E.CONFLICT)
        return doc

    if isinstance(body, dict):
        doc = lookup(body)
        return json_response(doc, headers={"Etag": f'"{doc["_rev"]}"'})
    if not isinstance(body, list):
        raise ArangoError(E.DOCUMENT_TYPE_INVALID)
    out: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for item in body:
        try:
            out.append(lookup(item))
        except ArangoError as exc:
            code = str(exc.error_num)
            counts[code] = counts.get(code, 0) + 1
            out.append(_error_item(exc))
    headers = {"X-Arango-Error-Codes": orjson.dumps(counts).decode()} if counts else None
    return json_response(out, headers=headers)


# ---------------------------------------------------------------------- replace / update
def _modifier(
    collection: Collection, trx: Transaction | None, opts: _Options, patch: bool
) -> Callable[[str, Any, str | None], WriteResult]:
    def modify(key: str, body: Any, expected_rev: str | None) -> WriteResult:
        if patch:
            return collection.update(
                key,
                body,
                trx=trx,
                expected_rev=expected_rev,
                keep_null=opts.keep_null,
                merge_objects=opts.merge_objects,
                version_attribute=opts.version_attribute,
            )
        return collection.replace(
            key,
            body,
            trx=trx,
            expected_rev=expected_rev,
            version_attribute=opts.version_attribute,
        )

    return modify


async def _modify_one(call: Call, patch: bool) -> Response:
    collection = call.collection()
    body = await call.body()
    if not isinstance(body, dict):
        raise ArangoError(E.DOCUMENT_TYPE_INVALID)
    opts = _options(call, collection)
    key = _lookup_key(call.params["key"])
    # If-Match wins; else a body _rev is a precondition when ignoreRevs=false (412 either way)
    expected = _etag(call, "if-match")
    if expected is None:
        expected = _body_rev(body, opts)
    modify = _modifier(collection, call.trx, opts, patch)
    return _single(call, collection, modify(key, body, expected), opts, 201)


async def replace_one(call: Call) -> Response:
    return await _modify_one(call, patch=False)


async def update_one(call: Call) -> Response:
    return await _modify_one(call, patch=True)


async def _modify_many(call: Call, collection: Collection, body: Any, patch: bool) -> Response:
    if not isinstance(body, list):
        raise ArangoError(E.DOCUMENT_TYPE_INVALID)
    opts = _options(call, collection)
    modify = _modifier(collection, call.trx, opts, patch)

    def each(item: Any) -> WriteResult:
        if not isinstance(item, dict):
            raise ArangoError(E.DOCUMENT_TYPE_INVALID)
        if "_key" not in item:
            raise ArangoError(E.DOCUMENT_HANDLE_BAD)
        if not isinstance(item["_key"], str) or not item["_key"]:
            raise ArangoError(E.DOCUMENT_KEY_BAD)
        key = _lookup_key(item["_key"])
        try:
            return modify(key, item, _body_rev(item, opts))
        except ArangoError as exc:
            if exc.error_num == E.CONFLICT and exc.status == 412:
                # inside an array a revision mismatch is a plain inline conflict
                raise ArangoError(E.CONFLICT, exc.message) from None
            raise

    return _many(collection, body, each, opts, 201)


def _collection_for_array(call: Call) -> str:
    name = call.params.get("collection") or call.arg("collection")
    if not name:
        raise ArangoError(
            E.HTTP_BAD_PARAMETER,
            "collection must be given in URL path or query parameter "
            "'collection' must be specified",
        )
    return name


async def put_many(call: Call) -> Response:
    """``PUT /_api/document/{collection}``: replace many, or read many with ``onlyget``."""
    name = _collection_for_array(call)
    onlyget = "onlyget" in call.query  # any value, as in ArangoDB
    call.require("ro" if onlyget else "rw", collection=name)
    collection = call.collection(name)
    body = await call.body()
    if onlyget:
        return _read_many(call, collection, body)
    return await _modify_many(call, collection, body, patch=False)


async def patch_many(call: Call) -> Response:
    name = _collection_for_array(call)
    collection = call.collection(name)
    return await _modify_many(call, collection, await call.body(), patch=True)


# ---------------------------------------------------------------------- remove
async def remove_one(call: Call) -> Response:
    collection = call.collection()
    opts = _options(call, collection)
    key = _lookup_key(call.params["key"])
    result = collection.remove(key, trx=call.trx, expected_rev=_etag(call, "if-match"))
    return _single(call, collection, result, opts, 200)


async def remove_many(call: Call) -> Response:
    collection = call.collection()
    body = await call.body()
    if isinstance(body, dict):  # one selector object in the body
        body = [body]
        single = True
    elif isinstance(body, list):
        single = False
    else:
        raise ArangoError(E.HTTP_BAD_PARAMETER, "Request body not parseable")
    opts = _options(call, collection)
    trx = call.trx

    def each(item: Any) -> WriteResult:
        key = _selector_key(item)
        try:
            return collection.remove(key, trx=trx, expected_rev=_body_rev(item, opts))
        except ArangoError as exc:
            if exc.error_num == E.CONFLICT and exc.status == 412:
                # a body _rev is no If-Match: ArangoDB reports 409 here (inline in arrays)
                if single:
                    exc.status = 409
                    raise
                raise ArangoError(E.CONFLICT, exc.message) from None
            raise

    if single:
        return _single(call, collection, each(body[0]), opts, 200)
    return _many(collection, body, each, opts, 200)


# ---------------------------------------------------------------------- edges
_DIRECTIONS = {"any": "any", "out": "out", "outbound": "out", "in": "in", "inbound": "in"}


async def edges(call: Call) -> Response:
    """``GET /_api/edges/{collection}?vertex=ID&direction=in|out|any`` via the edge index."""
    collection = call.db.find(call.params["collection"])
    if collection is None:
        raise ArangoError(E.DATA_SOURCE_NOT_FOUND)
    if not collection.is_edge or collection.indexes.edge is None:
        raise ArangoError(E.COLLECTION_TYPE_INVALID)
    raw_direction = call.arg("direction") or "any"
    direction = _DIRECTIONS.get(raw_direction)
    if direction is None:
        raise ArangoError(
            E.HTTP_BAD_PARAMETER, f"<direction> must by any, in, or out, not: {raw_direction}"
        )
    vertex = call.arg("vertex")
    if not vertex:
        raise ArangoError(E.DOCUMENT_HANDLE_BAD, "illegal document handle")
    index = collection.indexes.edge
    keys: list[str] = []
    if direction in ("out", "any"):
        keys.extend(index.outbound(vertex))
    if direction in ("in", "any"):
        keys.extend(index.inbound(vertex))
    scanned = len(keys)
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        doc = collection.get(key)
        if doc is not None:
            found.append(doc)
    return json_response(
        {
            "edges": found,
            "error": False,
            "code": 200,
            "stats": {"scannedIndex": scanned, "filtered": 0},
        }
    )


routes: list[Route] = [
    Route("POST", "/_api/document", create, access="coll:rw"),
    Route("PUT", "/_api/document", put_many, access="handler"),
    Route("PATCH", "/_api/document", patch_many, access="coll:rw"),
    Route("POST", "/_api/document/{collection}", create, access="coll:rw"),
    Route("GET", "/_api/document/{collection}", read_missing_key, access="coll:ro"),
    Route("PUT", "/_api/document/{collection}", put_many, access="handler"),
    Route("PATCH", "/_api/document/{collection}", patch_many, access="coll:rw"),
    Route("DELETE", "/_api/document/{collection}", remove_many, access="coll:rw"),
    Route("GET", "/_api/document/{collection}/{key}", read, access="coll:ro"),
    Route("PUT", "/_api/document/{collection}/{key}", replace_one, access="coll:rw"),
    Route("PATCH", "/_api/document/{collection}/{key}", update_one, access="coll:rw"),
    Route("DELETE", "/_api/document/{collection}/{key}", remove_one, access="coll:rw"),
    Route("GET", "/_api/edges/{collection}", edges, access="coll:ro"),
]
