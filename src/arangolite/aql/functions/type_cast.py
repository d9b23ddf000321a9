"""Type check and cast functions (AQL reference: "Type check & cast")."""

from __future__ import annotations

from typing import Any

from arangolite.aql.dates import is_date_string
from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import number, to_bool, to_number, to_string, type_name
from arangolite.storage.keys import is_valid_key


@aql_function("TO_BOOL", min_args=1, max_args=1)
def to_bool_(ctx: FunctionContext, value: Any) -> bool:
    return to_bool(value)


@aql_function("TO_NUMBER", min_args=1, max_args=1)
def to_number_(ctx: FunctionContext, value: Any) -> Any:
    return number(to_number(value))


@aql_function("TO_STRING", min_args=1, max_args=1)
def to_string_(ctx: FunctionContext, value: Any) -> str:
    return to_string(value)


@aql_function("TO_ARRAY", "TO_LIST", min_args=1, max_args=1)
def to_array(ctx: FunctionContext, value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


@aql_function("IS_NULL", min_args=1, max_args=1)
def is_null(ctx: FunctionContext, value: Any) -> bool:
    return value is None


@aql_function("IS_BOOL", min_args=1, max_args=1)
def is_bool(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, bool)


@aql_function("IS_NUMBER", min_args=1, max_args=1)
def is_number(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@aql_function("IS_STRING", min_args=1, max_args=1)
def is_string(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, str)


@aql_function("IS_ARRAY", "IS_LIST", min_args=1, max_args=1)
def is_array(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, list)


@aql_function("IS_OBJECT", "IS_DOCUMENT", min_args=1, max_args=1)
def is_object(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, dict)


@aql_function("IS_DATESTRING", min_args=1, max_args=1)
def is_datestring(ctx: FunctionContext, value: Any) -> bool:
    return is_date_string(value)  # the date functions' own parser


@aql_function("IS_KEY", min_args=1, max_args=1)
def is_key(ctx: FunctionContext, value: Any) -> bool:
    return isinstance(value, str) and is_valid_key(value)


@aql_function("TYPENAME", min_args=1, max_args=1)
def typename(ctx: FunctionContext, value: Any) -> str:
    return type_name(value)
