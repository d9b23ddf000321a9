"""Document and object functions (AQL reference: "Document and object functions")."""

from __future__ import annotations

from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import to_bool, to_string, values_equal
from arangolite.errors import ArangoError, E


def _names(args: tuple[Any, ...]) -> list[str]:
    """Attribute names given as separate arguments or as one array."""
    out: list[str] = []
    for arg in args:
        if isinstance(arg, list):
            out.extend(to_string(a) for a in arg)
        else:
            out.append(to_string(arg))
    return out


@aql_function("MERGE", min_args=1, max_args=None)
def merge(ctx: FunctionContext, *docs: Any) -> Any:
    if len(docs) == 1 and isinstance(docs[0], list):
        docs = tuple(docs[0])
    out: dict[str, Any] = {}
    for doc in docs:
        if not isinstance(doc, dict):
            return ctx.invalid_argument("MERGE")
        out.update(doc)
    return out


def _merge_recursive(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for name, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = _merge_recursive(out[name], value)
        else:
            out[name] = value
    return out


@aql_function("MERGE_RECURSIVE", min_args=1, max_args=None)
def merge_recursive(ctx: FunctionContext, *docs: Any) -> Any:
    if len(docs) == 1 and isinstance(docs[0], list):
        docs = tuple(docs[0])
    out: dict[str, Any] = {}
    for doc in docs:
        if not isinstance(doc, dict):
            return ctx.invalid_argument("MERGE_RECURSIVE")
        out = _merge_recursive(out, doc)
    return out


@aql_function("UNSET", min_args=1, max_args=None)
def unset(ctx: FunctionContext, doc: Any, *names: Any) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("UNSET")
    drop = set(_names(names))
    return {k: v for k, v in doc.items() if k not in drop}


def _unset_recursive(value: Any, drop: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _unset_recursive(v, drop) for k, v in value.items() if k not in drop}
    return value


@aql_function("UNSET_RECURSIVE", min_args=1, max_args=None)
def unset_recursive(ctx: FunctionContext, doc: Any, *names: Any) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("UNSET_RECURSIVE")
    return _unset_recursive(doc, set(_names(names)))


@aql_function("KEEP", min_args=1, max_args=None)
def keep(ctx: FunctionContext, doc: Any, *names: Any) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("KEEP")
    wanted = set(_names(names))
    return {k: v for k, v in doc.items() if k in wanted}


def _keep_recursive(value: Any, wanted: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _keep_recursive(v, wanted) for k, v in value.items() if k in wanted}
    return value


@aql_function("KEEP_RECURSIVE", min_args=1, max_args=None)
def keep_recursive(ctx: FunctionContext, doc: Any, *names: Any) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("KEEP_RECURSIVE")
    return _keep_recursive(doc, set(_names(names)))


@aql_function("HAS", min_args=2, max_args=2)
def has(ctx: FunctionContext, doc: Any, name: Any) -> bool:
    return isinstance(doc, dict) and to_string(name) in doc


@aql_function("ATTRIBUTES", "KEYS", min_args=1, max_args=3)
def attributes(
    ctx: FunctionContext, doc: Any, remove_system: Any = False, sort: Any = False
) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("ATTRIBUTES")
    names = [k for k in doc if not (to_bool(remove_system) and k.startswith("_"))]
    return sorted(names) if to_bool(sort) else names


@aql_function("VALUES", min_args=1, max_args=2)
def values(ctx: FunctionContext, doc: Any, remove_system: Any = False) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("VALUES")
    return [v for k, v in doc.items() if not (to_bool(remove_system) and k.startswith("_"))]


@aql_function("ENTRIES", min_args=1, max_args=1)
def entries(ctx: FunctionContext, doc: Any) -> Any:
    if not isinstance(doc, dict):
        return ctx.invalid_argument("ENTRIES")
    return [[k, v] for k, v in doc.items()]


@aql_function("ZIP", min_args=2, max_args=2)
def zip_(ctx: FunctionContext, keys: Any, vals: Any) -> Any:
    if not isinstance(keys, list) or not isinstance(vals, list) or len(keys) != len(vals):
        return ctx.invalid_argument("ZIP")
    out: dict[str, Any] = {}
    for k, v in zip(keys, vals, strict=True):
        out.setdefault(to_string(k), v)
    return out


@aql_function("PARSE_IDENTIFIER", min_args=1, max_args=1)
def parse_identifier(ctx: FunctionContext, value: Any) -> Any:
    if isinstance(value, dict):
        value = value.get("_id")
    if not isinstance(value, str) or value.count("/") != 1:
        return ctx.invalid_argument("PARSE_IDENTIFIER")
    collection, key = value.split("/")
    if not collection or not key:
        return ctx.invalid_argument("PARSE_IDENTIFIER")
    return {"collection": collection, "key": key}


def _matches(doc: dict[str, Any], example: dict[str, Any]) -> bool:
    return all(name in doc and values_equal(doc[name], v) for name, v in example.items())


@aql_function("MATCHES", min_args=2, max_args=3)
def matches(ctx: FunctionContext, doc: Any, examples: Any, return_index: Any = False) -> Any:
    if not isinstance(doc, dict):
        return False
    candidates = examples if isinstance(examples, list) else [examples]
    for i, example in enumerate(candidates):
        if isinstance(example, dict) and _matches(doc, example):
            return i if to_bool(return_index) else True
    return -1 if to_bool(return_index) else False


@aql_function("TRANSLATE", min_args=2, max_args=3)
def translate(ctx: FunctionContext, value: Any, lookup: Any, default: Any = ...) -> Any:
    if not isinstance(lookup, dict):
        return ctx.invalid_argument("TRANSLATE")
    key = to_string(value)
    if key in lookup:
        return lookup[key]
    return value if default is ... else default


def _identifier(ctx: FunctionContext, name: str, value: Any) -> tuple[str, str] | None:
    """``collection/key`` from an ``_id`` string or a document's ``_id``; 1542 otherwise
    (the 3.12 functions fail where PARSE_IDENTIFIER only warns)."""
    if isinstance(value, dict):
        value = value.get("_id")
    if isinstance(value, str) and value.count("/") == 1:
        collection, key = value.split("/")
        if collection and key:
            return collection, key
    raise ArangoError(
        E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH,
        f"invalid argument type in call to function '{name}()'",
    )


@aql_function("PARSE_COLLECTION", min_args=1, max_args=1)
def parse_collection(ctx: FunctionContext, value: Any) -> Any:
    parts = _identifier(ctx, "PARSE_COLLECTION", value)
    return parts[0] if parts else None


@aql_function("PARSE_KEY", min_args=1, max_args=1)
def parse_key(ctx: FunctionContext, value: Any) -> Any:
    parts = _identifier(ctx, "PARSE_KEY", value)
    return parts[1] if parts else None


@aql_function("VALUE", min_args=2, max_args=2)
def value_(ctx: FunctionContext, doc: Any, path: Any) -> Any:
    """The value at ``path`` (attribute names and array indexes) inside ``doc``."""
    if not isinstance(doc, dict) or not isinstance(path, list) or not path:
        return ctx.invalid_argument("VALUE")
    current: Any = doc
    for step in path:
        if isinstance(step, str):
            if not isinstance(current, dict):
                return None
            current = current.get(step)
        elif isinstance(step, int | float) and not isinstance(step, bool):
            if not isinstance(current, list) or step != int(step):
                return None
            index = int(step)
            if index < 0:
                index += len(current)
            if not 0 <= index < len(current):
                return None
            current = current[index]
        else:
            return ctx.invalid_argument("VALUE")
    return current
