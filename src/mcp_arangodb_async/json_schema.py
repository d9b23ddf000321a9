"""Checking documents against collection schemas locally, the way ArangoDB does.

ArangoDB validates with JSON Schema draft 4 and skips the system attributes (``_key``,
``_id``, ``_rev``, ``_from``, ``_to``). Validating here first lets a tool report *every*
violation with its path, where the server stops at the first with one message (1620).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mcp_arangodb_async.errors import InvalidArguments, NotFound

if TYPE_CHECKING:
    import jsonschema
    from arangoasync.database import StandardDatabase

__all__ = ["MAX_VIOLATIONS", "check_rule", "collection_schema", "violations"]

SYSTEM_ATTRIBUTES = ("_key", "_id", "_rev", "_from", "_to")
MAX_VIOLATIONS = 50


def check_rule(rule: dict[str, Any], *, field: str = "rule") -> jsonschema.Draft4Validator:
    """A validator for ``rule``, or a tool error saying why it is not a draft-4 schema."""
    # imported on first use: jsonschema is slow to import and server start should not wait
    import jsonschema
    from jsonschema.exceptions import SchemaError

    try:
        jsonschema.Draft4Validator.check_schema(rule)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise InvalidArguments(
            f"`{field}` is not a valid JSON Schema (draft 4) at {where}: {exc.message}",
            field=field,
        ) from None
    return jsonschema.Draft4Validator(rule)


def violations(validator: jsonschema.Draft4Validator, document: dict[str, Any]) -> list[dict]:
    """Every violation as ``{path, message, keyword}``, ``path`` a JSON Pointer ("" = root)."""
    body = {k: v for k, v in document.items() if k not in SYSTEM_ATTRIBUTES}
    found = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    return [
        {
            "path": "".join(f"/{part}" for part in error.absolute_path),
            "message": error.message,
            "keyword": str(error.validator),
        }
        for error in found[:MAX_VIOLATIONS]
    ]


async def collection_schema(db: StandardDatabase, collection: str) -> dict[str, Any]:
    """The collection's native schema ``{rule, level, message}``; an error if it has none."""
    properties = await db.collection(collection).properties()
    schema = properties.to_dict().get("schema")
    if not schema or not schema.get("rule"):
        raise NotFound(
            f"collection '{collection}' has no schema",
            hint="set one with arango_create_schema, or pass `schema` inline",
        )
    return dict(schema)
