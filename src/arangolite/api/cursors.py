"""REST API: AQL cursors (``/_api/cursor``).

``POST /_api/cursor`` runs a query and answers with the first batch; the rest
is fetched with ``POST``/``PUT /_api/cursor/{id}`` (or ``POST
/_api/cursor/{id}/{batchId}``, which may also repeat the latest batch when the
query set ``allowRetry``) and released with ``DELETE /_api/cursor/{id}``.

Queries read with ``ro`` and write with ``rw`` permission on each collection
they name; they run in the stream transaction of ``x-arango-trx-id`` if given.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from arangolite.aql.cursor import DEFAULT_BATCH_SIZE, DEFAULT_TTL, Cursor, cursors_for
from arangolite.aql.query import AqlQuery
from arangolite.aql.tracking import tracker_for
from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response

__all__ = ["routes", "start_query"]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _options(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options")
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ArangoError(E.BAD_PARAMETER, "expecting object for 'options'")
    merged = dict(options)
    for name in ("cache", "memoryLimit", "ttl", "stream", "fullCount"):
        if name in body and name not in merged:
            merged[name] = body[name]
    return merged


def start_query(call: Call, body: dict[str, Any]) -> tuple[AqlQuery, dict[str, Any]]:
    """Validate a cursor/explain body, prepare the query, check permissions."""
    text = body.get("query")
    if not isinstance(text, str) or not text:
        raise ArangoError(E.QUERY_EMPTY)
    bind_vars = body.get("bindVars")
    if bind_vars is None:
        bind_vars = {}
    if not isinstance(bind_vars, dict):
        raise ArangoError(E.QUERY_BIND_PARAMETERS_INVALID)
    options = _options(body)
    query = AqlQuery(
        call.db,
        text,
        bind_vars,
        options,
        trx=call.trx,
        user=call.username,
        tracker=tracker_for(call.engine),
    ).prepare()
    for name, mode in query.collections.items():
        call.require("rw" if mode == "write" else "ro", collection=name)
    return query, options


async def create_cursor(call: Call) -> Response:
    body = await call.body(default=None)
    if not isinstance(body, dict):
        raise ArangoError(E.QUERY_EMPTY)
    batch_size = body.get("batchSize", DEFAULT_BATCH_SIZE)
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE
    if not _number(batch_size) or batch_size < 1:
        raise ArangoError(E.BAD_PARAMETER, "expecting non-zero value for 'batchSize'")
    batch_size = int(batch_size)
    ttl = body.get("ttl")
    ttl = float(ttl) if _number(ttl) and ttl > 0 else DEFAULT_TTL
    want_count = body.get("count") is True
    query, options = start_query(call, body)
    allow_retry = options.get("allowRetry") is True
    store = cursors_for(call.engine)
    stream = options.get("stream") is True and not query.is_modification
    if stream:
        cursor = Cursor(
            batch_size=batch_size,
            ttl=ttl,
            count=None,
            extra=None,
            query=query,
            allow_retry=allow_retry,
            database=call.db.name,
        )
    else:
        results = await query.run()
        extra = query.extra()
        if len(results) <= batch_size and not allow_retry:
            out: dict[str, Any] = {"result": results, "hasMore": False}
            if want_count:
                out["count"] = len(results)
            out.update({"cached": False, "extra": extra, "error": False, "code": 201})
            return json_response(out, status=201)
        cursor = Cursor(
            batch_size=batch_size,
            ttl=ttl,
            count=len(results) if want_count else None,
            extra=extra,
            pending=results,
            allow_retry=allow_retry,
            database=call.db.name,
        )
    store.add(cursor)
    try:
        batch = await cursor.next_batch()
    except BaseException:
        store.discard(cursor)
        raise
    if cursor.exhausted and not allow_retry:
        store.discard(cursor)
        batch.pop("id", None)
    return _respond(batch, 201)


def _respond(batch: dict[str, Any], code: int) -> Response:
    return json_response({**batch, "error": False, "code": code}, status=code)


async def next_batch(call: Call) -> Response:
    store = cursors_for(call.engine)
    cursor = store.get(call.params["id"], call.db.name)
    return await _advance(store, cursor)


async def _advance(store: Any, cursor: Cursor) -> Response:
    if cursor.exhausted and cursor.last_response is not None:
        # the last batch was delivered: without allowRetry the cursor is gone
        store.discard(cursor)
        raise ArangoError(E.CURSOR_NOT_FOUND, "cursor not found")
    try:
        batch = await cursor.next_batch()
    except ArangoError:
        store.discard(cursor)
        raise
    if cursor.exhausted and not cursor.allow_retry:
        store.discard(cursor)
    return _respond(batch, 200)


async def batch_by_id(call: Call) -> Response:
    store = cursors_for(call.engine)
    cursor = store.get(call.params["id"], call.db.name)
    wanted = call.params["batch"]
    if not wanted.isdigit():
        raise ArangoError(E.BAD_PARAMETER, "invalid batch id")
    number = int(wanted)
    if number == cursor.batch_id and cursor.last_response is not None:
        if not cursor.allow_retry:
            raise ArangoError(
                E.BAD_PARAMETER, "requested batch is not available; enable 'allowRetry'"
            )
        cursor.touch()
        return _respond(cursor.last_response, 200)
    if number == cursor.batch_id + 1 and not cursor.exhausted:
        return await _advance(store, cursor)
    raise ArangoError(E.CURSOR_NOT_FOUND, "batch not found")


async def delete_cursor(call: Call) -> Response:
    cursor_id = call.params["id"]
    cursors_for(call.engine).drop(cursor_id, call.db.name)
    return json_response({"id": cursor_id, "error": False, "code": 202}, status=202)


routes = [
    Route("POST", "/_api/cursor", create_cursor, access="db:ro"),
    Route("POST", "/_api/cursor/{id}", next_batch, access="db:ro"),
    Route("PUT", "/_api/cursor/{id}", next_batch, access="db:ro"),
    Route("POST", "/_api/cursor/{id}/{batch}", batch_by_id, access="db:ro"),
    Route("DELETE", "/_api/cursor/{id}", delete_cursor, access="db:ro"),
]
