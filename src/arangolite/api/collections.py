"""REST API: collections (``/_api/collection``) and ``/_api/key-generators``.

Handlers only parse, call :mod:`arangolite.storage` and shape ArangoDB 3.12's
JSON; the rules for names, key generators and schemas live in storage.

Response shapes follow ArangoDB's three representations of a collection:
``info`` (id, name, status, type, isSystem, globallyUniqueId), ``properties``
(info plus every property) and those plus ``count``/``figures``/``revision``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.collections import DOCUMENT, EDGE, SYSTEM_ATTRIBUTES, Collection
from arangolite.storage.keys import KEY_GENERATOR_TYPES
from arangolite.storage.users import allows

__all__ = ["routes"]


def _ok(body: dict[str, Any], status: int = 200) -> Response:
    return json_response({"error": False, "code": status, **body}, status=status)


def _writable_collection(call: Call) -> Collection:
    """Drop, rename and property changes need ``rw`` on the database *and* the
    collection, as in ArangoDB (``Collections::drop/rename/updateProperties``)."""
    call.require("rw")
    collection = call.collection()
    call.require("rw", collection=collection.name)
    return collection


def _journal_properties(call: Call, collection: Collection) -> None:
    call.engine.journal.log(
        {
            "op": "collection_props",
            "db": call.db.name,
            "c": collection.id,
            "meta": call.engine.describe_collection(collection),
        }
    )


def _computed_values(value: Any) -> list[dict[str, Any]] | None:
    """Check ``computedValues`` and fill in ArangoDB's defaults.

    They are stored and reported; evaluating them on writes is the document
    write path's business.
    """
    if value is None or value == []:
        return None
    if not isinstance(value, list):
        raise ArangoError(E.BAD_PARAMETER, "'computedValues' must be an array")
    out: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            raise ArangoError(E.BAD_PARAMETER, "computed value must be an object")
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise ArangoError(E.BAD_PARAMETER, "invalid 'name' attribute for computed value")
        if name in SYSTEM_ATTRIBUTES:
            raise ArangoError(
                E.BAD_PARAMETER, f"cannot use system attribute '{name}' for computed value"
            )
        if any(done["name"] == name for done in out):
            raise ArangoError(E.BAD_PARAMETER, f"duplicate computed value name '{name}'")
        expression = item.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            raise ArangoError(
                E.BAD_PARAMETER, f"invalid 'expression' attribute for computed value '{name}'"
            )
        if not isinstance(item.get("overwrite"), bool):
            raise ArangoError(
                E.BAD_PARAMETER, f"invalid 'overwrite' attribute for computed value '{name}'"
            )
        compute_on = item.get("computeOn", ["insert", "update", "replace"])
        if (
            not isinstance(compute_on, list)
            or not compute_on
            or any(op not in ("insert", "update", "replace") for op in compute_on)
        ):
            raise ArangoError(
                E.BAD_PARAMETER, f"invalid 'computeOn' attribute for computed value '{name}'"
            )
        out.append(
            {
                "name": name,
                "expression": expression,
                "computeOn": list(compute_on),
                "overwrite": item["overwrite"],
                "failOnWarning": item.get("failOnWarning", False) is True,
                "keepNull": item.get("keepNull", True) is not False,
            }
        )
    return out


# ---------------------------------------------------------------------- create / list / drop
async def create_collection(call: Call) -> Response:
    body = await call.body()
    if not isinstance(body, dict):
        raise ArangoError(E.ILLEGAL_NAME)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ArangoError(E.ILLEGAL_NAME)
    # ArangoDB 3.12 is lenient here (backwards-compatible parsing): any type
    # other than 3/"edge" makes a document collection, and non-boolean flags
    # are ignored.
    kind = body.get("type")
    is_edge = kind == "edge" or (
        isinstance(kind, int | float) and not isinstance(kind, bool) and kind == EDGE
    )
    is_system = body.get("isSystem") is True
    if name.startswith("_") and not is_system:
        raise ArangoError(E.ILLEGAL_NAME, f"illegal name: collection name '{name}' is invalid")
    key_options = body.get("keyOptions")
    if not isinstance(key_options, dict):
        key_options = None
    extra: dict[str, Any] = {}
    if isinstance(body.get("cacheEnabled"), bool):
        extra["cacheEnabled"] = body["cacheEnabled"]
    computed = _computed_values(body.get("computedValues"))
    if computed is not None:
        extra["computedValues"] = computed
    wait_for_sync = body.get("waitForSync")
    collection = call.db.create_collection(
        name,
        type=EDGE if is_edge else DOCUMENT,
        key_options=key_options,
        wait_for_sync=wait_for_sync if isinstance(wait_for_sync, bool) else False,
        schema=body.get("schema"),
        # a system collection needs both the flag and a leading underscore
        is_system=is_system and name.startswith("_"),
        extra=extra or None,
    )
    call.grant_creator(collection.name)
    return _ok(collection.properties())


async def list_collections(call: Call) -> Response:
    exclude_system = call.flag("excludeSystem")
    result = [
        c.info()
        for c in sorted(call.db.collections.values(), key=lambda c: c.name)
        if not (exclude_system and c.is_system) and allows(call.level(c.name), "ro")
    ]
    return _ok({"result": result})


async def get_collection(call: Call) -> Response:
    return _ok(call.collection().info())


async def drop_collection(call: Call) -> Response:
    collection = _writable_collection(call)
    call.db.drop_collection(collection.name, allow_system=call.flag("isSystem"))
    # ArangoDB forgets every user's grant on a dropped collection, so a new
    # collection of the same name does not inherit them
    for user in list(call.engine.users.values()):
        if (call.db.name, collection.name) in user.collections:
            call.engine.revoke(user.name, call.db.name, collection=collection.name)
    return _ok({"id": collection.id})


async def key_generators(call: Call) -> Response:
    return _ok({"keyGenerators": list(KEY_GENERATOR_TYPES)})


# ---------------------------------------------------------------------- reading
async def get_properties(call: Call) -> Response:
    return _ok(call.collection().properties())


async def get_count(call: Call) -> Response:
    collection = call.collection()
    return _ok({**collection.properties(), "count": collection.count(call.trx)})


async def get_figures(call: Call) -> Response:
    collection = call.collection()
    count = collection.count()
    documents_size = sum(len(raw) for raw in collection.docs.values())
    indexes = collection.indexes.all()
    figures: dict[str, Any] = {
        "indexes": {"count": len(indexes), "size": count * 16 * len(indexes)},
        "documentsSize": documents_size,
        "cacheInUse": False,
        "cacheSize": 0,
        "cacheUsage": 0,
    }
    if call.flag("details"):
        figures["engine"] = {
            "documents": count,
            "indexes": [
                {"type": index.type, "id": _numeric_id(index.id), "count": count}
                for index in indexes
            ],
        }
    return _ok({**collection.properties(), "count": count, "figures": figures})


def _numeric_id(index_id: Any) -> int:
    return int(index_id) if str(index_id).isdigit() else 0


async def get_revision(call: Call) -> Response:
    collection = call.collection()
    return _ok({**collection.properties(), "revision": collection.revision()})


async def get_checksum(call: Call) -> Response:
    collection = call.collection()
    # the driver sends "withRevision"; ArangoDB documents "withRevisions"
    with_revisions = call.flag("withRevisions") or call.flag("withRevision")
    checksum = collection.checksum(with_revisions=with_revisions, with_data=call.flag("withData"))
    return _ok({**collection.info(), "checksum": checksum, "revision": collection.revision()})


async def get_shards(call: Call) -> Response:
    call.collection()
    raise ArangoError(E.CLUSTER_ONLY_ON_COORDINATOR)


async def unknown_get(call: Call) -> Response:
    call.collection()
    raise ArangoError(
        E.HTTP_NOT_FOUND,
        "expecting one of the resources 'checksum', 'count', 'figures', 'properties', "
        "'responsibleShard', 'revision', 'shards'",
    )


# ---------------------------------------------------------------------- changing
async def _put_body(call: Call) -> dict[str, Any]:
    """PUT bodies are optional; anything but an object counts as ``{}``."""
    body = await call.body(default=None)
    return body if isinstance(body, dict) else {}


async def put_properties(call: Call) -> Response:
    collection = _writable_collection(call)
    body = await _put_body(call)
    computed: Any = collection.extra.get("computedValues")
    if "computedValues" in body:
        computed = _computed_values(body["computedValues"])
    if "schema" in body:
        collection.schema = body["schema"]  # validated before anything changes (1621)
    if isinstance(body.get("waitForSync"), bool):
        collection.wait_for_sync = body["waitForSync"]
    if isinstance(body.get("cacheEnabled"), bool):
        collection.extra["cacheEnabled"] = body["cacheEnabled"]
    if computed is None:
        collection.extra.pop("computedValues", None)
    else:
        collection.extra["computedValues"] = computed
    _journal_properties(call, collection)
    return _ok(collection.properties())


async def put_rename(call: Call) -> Response:
    collection = _writable_collection(call)
    body = await _put_body(call)
    new_name = body.get("name")
    if not isinstance(new_name, str):
        raise ArangoError(E.ILLEGAL_NAME, "name is empty")
    call.db.rename_collection(collection.name, new_name)
    return _ok(collection.info())


async def put_truncate(call: Call) -> Response:
    collection = call.collection()
    collection.truncate(call.trx)
    return _ok(collection.info())


async def put_load(call: Call) -> Response:
    """A no-op since ArangoDB 3.9, kept for compatibility."""
    collection = call.collection()
    body = await _put_body(call)
    out = collection.info()
    if body.get("count", True) is not False:
        out["count"] = collection.count(call.trx)
    return _ok(out)


async def put_info_noop(call: Call) -> Response:
    """``unload`` and ``compact``: nothing to do in memory; answer like ArangoDB."""
    return _ok(call.collection().info())


async def put_result_true(call: Call) -> Response:
    """``loadIndexesIntoMemory`` and ``recalculateCount``: indexes and counts are
    always in memory and exact here."""
    call.collection()
    return _ok({"result": True})


async def put_responsible_shard(call: Call) -> Response:
    call.collection()
    raise ArangoError(E.CLUSTER_ONLY_ON_COORDINATOR)


async def unknown_put(call: Call) -> Response:
    call.collection()
    raise ArangoError(
        E.HTTP_NOT_FOUND,
        "expecting one of the actions 'load', 'unload', 'truncate', 'properties', "
        "'compact', 'rename', 'loadIndexesIntoMemory', 'recalculateCount', "
        "'responsibleShard'",
    )


_BASE = "/_api/collection/{collection}"

routes: list[Route] = [
    Route("GET", "/_api/key-generators", key_generators, "db:ro"),
    Route("POST", "/_api/collection", create_collection, "db:rw"),
    Route("GET", "/_api/collection", list_collections, "db:ro"),
    Route("GET", _BASE, get_collection, "coll:ro"),
    Route("DELETE", _BASE, drop_collection, "handler"),
    Route("GET", f"{_BASE}/properties", get_properties, "coll:ro"),
    Route("GET", f"{_BASE}/count", get_count, "coll:ro"),
    Route("GET", f"{_BASE}/figures", get_figures, "coll:ro"),
    Route("GET", f"{_BASE}/revision", get_revision, "coll:ro"),
    Route("GET", f"{_BASE}/checksum", get_checksum, "coll:ro"),
    Route("GET", f"{_BASE}/shards", get_shards, "coll:ro"),
    Route("GET", f"{_BASE}/{{resource}}", unknown_get, "coll:ro"),
    Route("PUT", f"{_BASE}/properties", put_properties, "handler"),
    Route("PUT", f"{_BASE}/rename", put_rename, "handler"),
    Route("PUT", f"{_BASE}/truncate", put_truncate, "coll:rw"),
    Route("PUT", f"{_BASE}/load", put_load, "coll:ro"),
    Route("PUT", f"{_BASE}/unload", put_info_noop, "coll:ro"),
    Route("PUT", f"{_BASE}/compact", put_info_noop, "coll:rw"),
    Route("PUT", f"{_BASE}/loadIndexesIntoMemory", put_result_true, "coll:ro"),
    Route("PUT", f"{_BASE}/recalculateCount", put_result_true, "coll:rw"),
    Route("PUT", f"{_BASE}/responsibleShard", put_responsible_shard, "coll:ro"),
    Route("PUT", f"{_BASE}/{{action}}", unknown_put, "coll:ro"),
]
