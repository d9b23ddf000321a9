"""Schema tools: set a collection's native schema, list schemas, validate without writing."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from pydantic import ConfigDict, Field

from mcp_arangodb_async.errors import InvalidArguments
from mcp_arangodb_async.json_schema import check_rule, collection_schema, violations
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import DatabaseArgs, Result, tool

__all__: list[str] = []

Level = Literal["none", "new", "moderate", "strict"]


class CreateSchemaArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")
    rule: dict[str, Any] = Field(description="JSON Schema (draft 4)")
    level: Level = Field(default="strict", description="Which writes are validated")
    message: str | None = Field(default=None, description="Error text on a violation")


class SchemaOut(Result):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)
    database: str
    collection: str
    schema_: dict[str, Any] | None = Field(alias="schema")


@tool(
    "arango_create_schema",
    title="Set a collection schema",
    category="schemas",
    args=CreateSchemaArgs,
    result=SchemaOut,
    read_only=False,
    destructive=True,  # replaces any schema the collection had
    idempotent=True,
    open_world=False,
)
async def create_schema(ctx: ToolContext, args: CreateSchemaArgs) -> SchemaOut:
    """Set a collection's JSON Schema validation.

    Sets the native schema (`rule`, `level`, `message`); the database enforces it.
    """
    check_rule(args.rule)
    schema: dict[str, Any] = {"rule": args.rule, "level": args.level}
    if args.message is not None:
        schema["message"] = args.message
    db = await ctx.db()
    stored = await db.collection(args.collection).configure(schema=schema)
    return SchemaOut(
        database=ctx.key, collection=args.collection, schema=stored.to_dict().get("schema")
    )


class ListSchemasArgs(DatabaseArgs):
    with_schema_only: bool = Field(default=False, description="Omit collections without one")


class CollectionSchema(Result):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)
    collection: str
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")


class ListSchemasOut(Result):
    database: str
    collections: list[CollectionSchema]


@tool(
    "arango_list_schemas",
    title="List collection schemas",
    category="schemas",
    args=ListSchemasArgs,
    result=ListSchemasOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_schemas(ctx: ToolContext, args: ListSchemasArgs) -> ListSchemasOut:
    """List collections with their schemas.

    Non-system collections only; `schema` is absent when a collection has none.
    """
    db = await ctx.db()
    names = sorted(c.name for c in await db.collections() if not c.name.startswith("_"))
    properties = await asyncio.gather(*(db.collection(n).properties() for n in names))
    out = []
    for name, props in zip(names, properties, strict=True):
        schema = props.to_dict().get("schema") or None
        if schema is not None or not args.with_schema_only:
            out.append(CollectionSchema(collection=name, schema=schema))
    return ListSchemasOut(database=ctx.key, collections=out)


class ValidateDocumentArgs(DatabaseArgs):
    document: dict[str, Any] = Field(description="The document to check (not written)")
    collection: str | None = Field(default=None, description="Use this collection's schema")
    rule: dict[str, Any] | None = Field(default=None, description="Or an inline JSON Schema")


class Violation(Result):
    path: str
    message: str
    keyword: str


class ValidationOut(Result):
    valid: bool
    violations: list[Violation]
    level: str | None = None


@tool(
    "arango_validate_document",
    title="Validate a document",
    category="schemas",
    args=ValidateDocumentArgs,
    result=ValidationOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def validate_document(ctx: ToolContext, args: ValidateDocumentArgs) -> ValidationOut:
    """Check a document against a schema (no write).

    Uses the collection's schema or an inline `rule`. Every violation is listed with its
    JSON Pointer path (system attributes are skipped, as ArangoDB does).
    """
    if (args.collection is None) == (args.rule is None):
        raise InvalidArguments("pass exactly one of `collection` or `rule`", field="collection")
    level = None
    if args.rule is not None:
        validator = check_rule(args.rule)
    else:
        assert args.collection is not None
        schema = await collection_schema(await ctx.db(), args.collection)
        validator = check_rule(schema["rule"])
        level = schema.get("level")
    found = violations(validator, args.document)
    return ValidationOut(valid=not found, violations=[Violation(**v) for v in found], level=level)
