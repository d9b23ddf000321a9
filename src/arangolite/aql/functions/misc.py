"""Miscellaneous functions (AQL reference: "Miscellaneous functions"):
control flow, database information, document lookups, SLEEP/FAIL/ASSERT."""

from __future__ import annotations

import hashlib
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import hash_key, is_number, to_bool, to_string
from arangolite.errors import ArangoError, E
from arangolite.storage.keys import is_valid_key

#: functions whose first argument, when written as a bare collection name, means
#: the name (not the collection's documents)
COLLECTION_NAME_ARGUMENT = frozenset(
    {"DOCUMENT", "COLLECTION_COUNT", "IS_SAME_COLLECTION"}
    # geo.py / fulltext.py: the legacy index functions
    | {"NEAR", "WITHIN", "WITHIN_RECTANGLE", "FULLTEXT"}
)


@aql_function("NOT_NULL", min_args=1, max_args=None)
def not_null(ctx: FunctionContext, *values: Any) -> Any:
    return next((v for v in values if v is not None), None)


@aql_function("FIRST_LIST", min_args=1, max_args=None)
def first_list(ctx: FunctionContext, *values: Any) -> Any:
    return next((v for v in values if isinstance(v, list)), None)


@aql_function("FIRST_DOCUMENT", min_args=1, max_args=None)
def first_document(ctx: FunctionContext, *values: Any) -> Any:
    return next((v for v in values if isinstance(v, dict)), None)


@aql_function("PASSTHRU", min_args=1, max_args=1)
def passthru(ctx: FunctionContext, value: Any) -> Any:
    return value


@aql_function("NOOPT", "NOEVAL", min_args=1, max_args=1)
def noopt(ctx: FunctionContext, value: Any) -> Any:
    return value


@aql_function("CURRENT_DATABASE", min_args=0, max_args=0)
def current_database(ctx: FunctionContext) -> str:
    return ctx.db.name


@aql_function("CURRENT_USER", min_args=0, max_args=0)
def current_user(ctx: FunctionContext) -> Any:
    return getattr(ctx, "user", None)


@aql_function("VERSION", min_args=0, max_args=0)
def version(ctx: FunctionContext) -> str:
    from arangolite import __arangodb_version__

    return __arangodb_version__


def _collection(ctx: FunctionContext, name: Any) -> Any:
    if not isinstance(name, str):
        raise ArangoError(
            E.DATA_SOURCE_NOT_FOUND, f"collection or view not found: {to_string(name)}"
        )
    return ctx.db.collection(name)


@aql_function("COLLECTION_COUNT", min_args=1, max_args=1, deterministic=False)
def collection_count(ctx: FunctionContext, name: Any) -> int:
    return int(_collection(ctx, name).count(ctx.trx))


@aql_function("COLLECTIONS", min_args=0, max_args=0, deterministic=False)
def collections(ctx: FunctionContext) -> list[dict[str, Any]]:
    return [
        {"_id": c.id, "name": c.name}
        for c in sorted(ctx.db.collections.values(), key=lambda c: c.name)
    ]


def _lookup_id(ctx: FunctionContext, handle: Any) -> Any:
    if isinstance(handle, dict):
        handle = handle.get("_id")
    if not isinstance(handle, str) or handle.count("/") != 1:
        return None
    name, key = handle.split("/")
    collection = ctx.db.find(name)
    if collection is None or not is_valid_key(key):
        return None
    return collection.get(key, ctx.trx)


@aql_function("DOCUMENT", min_args=1, max_args=2, deterministic=False)
def document(ctx: FunctionContext, first: Any, second: Any = ...) -> Any:
    if second is ...:
        if isinstance(first, list):
            found = (_lookup_id(ctx, h) for h in first)
            return [d for d in found if d is not None]
        return _lookup_id(ctx, first)
    collection = ctx.db.find(first) if isinstance(first, str) else None
    if collection is None:
        return [] if isinstance(second, list) else None

    def get(key: Any) -> Any:
        if isinstance(key, dict):
            key = key.get("_id")
        if isinstance(key, str) and "/" in key:
            name, _, key = key.partition("/")
            if name != collection.name:
                return None
        if not isinstance(key, str) or not is_valid_key(key):
            return None
        return collection.get(key, ctx.trx)

    if isinstance(second, list):
        return [d for d in (get(k) for k in second) if d is not None]
    return get(second)


@aql_function("IS_SAME_COLLECTION", min_args=2, max_args=2)
def is_same_collection(ctx: FunctionContext, name: Any, doc: Any) -> Any:
    if isinstance(doc, dict):
        doc = doc.get("_id")
    if not isinstance(name, str) or not isinstance(doc, str):
        return ctx.invalid_argument("IS_SAME_COLLECTION")
    return doc.split("/", 1)[0] == name


@aql_function("CHECK_DOCUMENT", min_args=1, max_args=1)
def check_document(ctx: FunctionContext, doc: Any) -> bool:
    return isinstance(doc, dict)


@aql_function("HASH", min_args=1, max_args=1)
def hash_(ctx: FunctionContext, value: Any) -> int:
    digest = hashlib.sha256(repr(hash_key(value)).encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**52 - 1)


@aql_function("SLEEP", min_args=1, max_args=1, deterministic=False)
def sleep(ctx: FunctionContext, seconds: Any) -> Any:
    if not is_number(seconds) or seconds < 0:
        return ctx.invalid_argument("SLEEP")
    # the executor pays this debt by yielding to the event loop, never by blocking it
    ctx.sleep(float(seconds))  # type: ignore[attr-defined]
    return None


@aql_function("FAIL", min_args=0, max_args=1, deterministic=False)
def fail(ctx: FunctionContext, reason: Any = "") -> Any:
    raise ArangoError(E.QUERY_FAIL_CALLED, f"FAIL({to_string(reason)}) called")


@aql_function("ASSERT", min_args=2, max_args=2, deterministic=False)
def assert_(ctx: FunctionContext, condition: Any, message: Any) -> bool:
    if not to_bool(condition):
        raise ArangoError(E.QUERY_USER_ASSERT, to_string(message))
    return True


@aql_function("WARN", min_args=2, max_args=2, deterministic=False)
def warn(ctx: FunctionContext, condition: Any, message: Any) -> bool:
    if not to_bool(condition):
        ctx.warn(E.QUERY_USER_WARN, to_string(message))
        return False
    return True
