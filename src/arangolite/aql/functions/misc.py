"""Miscellaneous functions (AQL reference: "Miscellaneous functions"):
control flow, database information, document lookups, SLEEP/FAIL/ASSERT."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import compare, hash_key, is_number, to_bool, to_string
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


@aql_function("V8", min_args=1, max_args=1)
def v8(ctx: FunctionContext, value: Any) -> Any:
    """Forces JavaScript evaluation in ArangoDB; arangolite has no V8, so it is identity."""
    return value


@aql_function("IN_RANGE", min_args=5, max_args=5)
def in_range(
    ctx: FunctionContext, value: Any, low: Any, high: Any, include_low: Any, include_high: Any
) -> Any:
    if not isinstance(include_low, bool) or not isinstance(include_high, bool):
        return ctx.invalid_argument("IN_RANGE")
    above = compare(value, low)
    below = compare(value, high)
    return (above > 0 or (include_low and above == 0)) and (
        below < 0 or (include_high and below == 0)
    )


def _call(ctx: FunctionContext, caller: str, name: Any, args: list[Any]) -> Any:
    """CALL()/APPLY(): run a built-in function chosen at run time."""
    from arangolite.aql.functions import FUNCTIONS, lookup

    if not isinstance(name, str) or not name:
        return ctx.invalid_argument(caller)
    if "::" not in name and name.upper() not in FUNCTIONS:
        raise ArangoError(
            E.QUERY_FUNCTION_NAME_UNKNOWN, f"usage of unknown function '{name.upper()}()'"
        )
    if "::" in name:  # user-defined functions are not supported
        raise ArangoError(
            E.QUERY_FUNCTION_NAME_UNKNOWN, f"usage of unknown function '{name.upper()}()'"
        )
    spec = lookup(name, len(args))
    return spec.fn(ctx, *args)


@aql_function("CALL", min_args=1, max_args=None, deterministic=False)
def call(ctx: FunctionContext, name: Any, *args: Any) -> Any:
    return _call(ctx, "CALL", name, list(args))


@aql_function("APPLY", min_args=1, max_args=2, deterministic=False)
def apply(ctx: FunctionContext, name: Any, args: Any = None) -> Any:
    if args is None:
        args = []
    if not isinstance(args, list):
        return ctx.invalid_argument("APPLY")
    return _call(ctx, "APPLY", name, args)


@aql_function("SCHEMA_GET", min_args=1, max_args=1, deterministic=False)
def schema_get(ctx: FunctionContext, name: Any) -> Any:
    collection = _collection(ctx, name)
    validator = getattr(collection, "validator", None)
    return validator.definition if validator is not None else None


@aql_function("SCHEMA_VALIDATE", min_args=2, max_args=2)
def schema_validate(ctx: FunctionContext, doc: Any, schema: Any) -> Any:
    from arangolite.storage.schema import compile_schema

    if not isinstance(doc, dict) or not (schema is None or isinstance(schema, dict)):
        return ctx.invalid_argument("SCHEMA_VALIDATE")
    try:
        validator = compile_schema(schema)
    except ArangoError as exc:
        ctx.warn(exc.error_num, exc.message)
        return None
    if validator is None or validator.is_valid(doc):
        return {"valid": True}
    return {"valid": False, "errorMessage": validator.message or "Schema validation failed"}


@aql_function("DECODE_REV", min_args=1, max_args=1)
def decode_rev(ctx: FunctionContext, rev: Any) -> Any:
    """A revision's hybrid logical clock: its time (ms, upper bits) and counter (20 bits)."""
    from arangolite.aql.dates import iso_string
    from arangolite.storage.keys import decode_rev as decode

    value = decode(rev) if isinstance(rev, str) and rev else None
    if value is None:
        return ctx.invalid_argument("DECODE_REV")
    date = iso_string(value >> 20)
    if date is None:
        return ctx.invalid_argument("DECODE_REV")
    return {"date": date, "count": value & 0xFFFFF}


@aql_function("SHARD_ID", min_args=2, max_args=2, deterministic=False)
def shard_id(ctx: FunctionContext, name: Any, shard_keys: Any) -> Any:
    """A single server has no shards: the collection's own name stands for its one shard."""
    if not isinstance(shard_keys, dict):
        return ctx.invalid_argument("SHARD_ID")
    return _collection(ctx, name).name


@aql_function("MINHASH_COUNT", min_args=1, max_args=1)
def minhash_count(ctx: FunctionContext, error: Any) -> Any:
    """How many MinHash values give at most ``error`` in Jaccard estimates: ceil(1 / error²)."""
    if not is_number(error) or not 0 < error < 1:
        return ctx.invalid_argument("MINHASH_COUNT")
    return math.ceil(1 / (error * error))


@aql_function("MINHASH_ERROR", min_args=1, max_args=1)
def minhash_error(ctx: FunctionContext, count: Any) -> Any:
    """The Jaccard estimate error of ``count`` MinHash values: 1 / sqrt(count)."""
    if not is_number(count) or count < 1:
        return ctx.invalid_argument("MINHASH_ERROR")
    return 1 / math.sqrt(int(count))
