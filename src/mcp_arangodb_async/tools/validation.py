"""Validation tools: dangling ``_id`` references, and inserts checked against the schema first."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mcp_arangodb_async.json_schema import check_rule, collection_schema, violations
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.documents import DocumentMeta
from mcp_arangodb_async.tools.schemas import Violation
from mcp_arangodb_async.tools.spec import DatabaseArgs, Result, tool

__all__: list[str] = []

# A reference is broken when it is not a string naming an existing document. DOCUMENT()
# returns null for a missing document, a missing collection and a malformed id alike.
_BROKEN = """
FOR d IN @@coll
  FOR f IN @fields
    LET v = d[f]
    FILTER v != null
    FILTER !IS_STRING(v) OR DOCUMENT(v) == null
    LIMIT @limit
    RETURN {key: d._key, field: f, value: v}
"""
_FIX = """
FOR d IN @@coll
  LET bad = (
    FOR f IN @fields
      LET v = d[f]
      FILTER v != null
      FILTER !IS_STRING(v) OR DOCUMENT(v) == null
      RETURN f
  )
  FILTER LENGTH(bad) > 0
"""
_SET_NULL = (
    _FIX
    + """
  UPDATE d WITH ZIP(bad, (FOR f IN bad RETURN null)) IN @@coll OPTIONS {keepNull: true}
  COLLECT WITH COUNT INTO n
  RETURN n
"""
)
_REMOVE = (
    _FIX
    + """
  REMOVE d IN @@coll
  COLLECT WITH COUNT INTO n
  RETURN n
"""
)


class ValidateReferencesArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection to check")
    fields: list[str] = Field(
        min_length=1, max_length=50, description="Top-level attributes holding _id references"
    )
    fix: Literal["none", "set_null", "remove_document"] = Field(
        default="none", description="What to do with broken references"
    )
    limit: int = Field(default=100, ge=1, le=1000, description="Broken references listed")


class BrokenReference(Result):
    key: str
    field: str
    value: Any


class ValidateReferencesOut(Result):
    database: str
    collection: str
    broken_count: int
    broken: list[BrokenReference]
    truncated: bool
    fixed_documents: int = 0
    fix: str


@tool(
    "arango_validate_references",
    title="Find broken _id references",
    category="validation",
    args=ValidateReferencesArgs,
    result=ValidateReferencesOut,
    read_only=False,  # only with `fix`
    destructive=True,
    idempotent=True,
    open_world=False,
)
async def validate_references(
    ctx: ToolContext, args: ValidateReferencesArgs
) -> ValidateReferencesOut:
    """Find or fix broken _id references.

    Checks the given fields for `_id` references to missing documents; `fix` sets them to
    null or removes the referring documents.
    """
    db = await ctx.db()
    bind = {"@coll": args.collection, "fields": args.fields}
    cursor = await db.aql.execute(
        _BROKEN,
        bind_vars={**bind, "limit": args.limit},
        batch_size=args.limit,
        options={"fullCount": True},
    )
    rows = [row async for row in cursor]
    stats = cursor.statistics.to_dict()
    total = int(stats.get("fullCount", stats.get("full_count", len(rows))))
    fixed = 0
    if args.fix != "none" and total:
        query = _SET_NULL if args.fix == "set_null" else _REMOVE
        fix_cursor = await db.aql.execute(query, bind_vars=bind)
        fixed = sum([n async for n in fix_cursor])
    return ValidateReferencesOut(
        database=ctx.key,
        collection=args.collection,
        broken_count=total,
        broken=[BrokenReference(**row) for row in rows],
        truncated=total > len(rows),
        fixed_documents=fixed,
        fix=args.fix,
    )


class InsertValidatedArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")
    document: dict[str, Any] = Field(description="Document to insert if valid")
    rule: dict[str, Any] | None = Field(
        default=None, description="JSON Schema to use instead of the collection's"
    )


class InsertValidatedOut(Result):
    database: str
    collection: str
    valid: bool
    inserted: bool
    violations: list[Violation]
    document: DocumentMeta | None = None


@tool(
    "arango_insert_with_validation",
    title="Validate, then insert",
    category="validation",
    args=InsertValidatedArgs,
    result=InsertValidatedOut,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def insert_with_validation(ctx: ToolContext, args: InsertValidatedArgs) -> InsertValidatedOut:
    """Insert a document if it passes the schema.

    Validates against the collection's schema, or `rule` instead; nothing is written when
    the document is invalid.
    """
    db = await ctx.db()
    rule = args.rule
    if rule is None:
        rule = (await collection_schema(db, args.collection))["rule"]
    found = violations(check_rule(rule), args.document)
    meta = None
    if not found:
        meta = DocumentMeta.model_validate(
            await db.collection(args.collection).insert(args.document)
        )
    return InsertValidatedOut(
        database=ctx.key,
        collection=args.collection,
        valid=not found,
        inserted=meta is not None,
        violations=[Violation(**v) for v in found],
        document=meta,
    )
