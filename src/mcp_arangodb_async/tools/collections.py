"""Collection tools: list, create, and the status of one database."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mcp_arangodb_async.connections import version_text
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import LISTED, DatabaseArgs, Result, tool

__all__: list[str] = []


class ListCollectionsArgs(DatabaseArgs):
    include_system: bool = Field(default=False, description="Include _system collections")


class CollectionOut(Result):
    name: str
    type: Literal["document", "edge"]
    system: bool = False


class ListCollectionsOut(Result):
    database: str
    collections: list[CollectionOut]


def _type_name(value: Any) -> Literal["document", "edge"]:
    return "edge" if value in (3, "edge") or getattr(value, "value", None) == 3 else "document"


def _collection_type(name: str) -> Any:
    """The driver's ``CollectionType`` (imported here: the driver loads on first connection)."""
    from arangoasync.typings import CollectionType

    return CollectionType.EDGE if name == "edge" else CollectionType.DOCUMENT


@tool(
    "arango_list_collections",
    title="List collections",
    category="collections",
    args=ListCollectionsArgs,
    result=ListCollectionsOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_collections(ctx: ToolContext, args: ListCollectionsArgs) -> ListCollectionsOut:
    """List collections.

    Lists a database's collections, sorted by name; system collections only with
    `include_system`.
    """
    db = await ctx.db()
    infos = await db.collections(exclude_system=not args.include_system)
    rows = sorted(
        (
            CollectionOut(
                name=info.name, type=_type_name(info.to_dict().get("type")), system=info.is_system
            )
            for info in infos
        ),
        key=lambda c: c.name,
    )
    return ListCollectionsOut(database=ctx.key, collections=rows)


class CreateCollectionArgs(DatabaseArgs):
    name: str = Field(min_length=1, max_length=256, description="Collection name")
    type: Literal["document", "edge"] = "document"
    schema_rule: dict[str, Any] | None = Field(
        default=None,
        alias="schema",
        description="{rule, level, message}",
        json_schema_extra=LISTED,
    )
    wait_for_sync: bool | None = None


class CreateCollectionOut(Result):
    database: str
    name: str
    type: Literal["document", "edge"]
    created: bool


@tool(
    "arango_create_collection",
    title="Create a collection",
    category="collections",
    args=CreateCollectionArgs,
    result=CreateCollectionOut,
    read_only=False,
    destructive=False,
    idempotent=False,  # a second call fails with 1207 duplicate name
    open_world=False,
)
async def create_collection(ctx: ToolContext, args: CreateCollectionArgs) -> CreateCollectionOut:
    """Create a document or edge collection.

    `schema` sets optional JSON Schema document validation as `{rule, level, message}`
    (see arango_create_schema).
    """
    db = await ctx.db()
    await db.create_collection(
        args.name,
        col_type=_collection_type(args.type),
        schema=args.schema_rule,
        wait_for_sync=args.wait_for_sync,
    )
    return CreateCollectionOut(database=ctx.key, name=args.name, type=args.type, created=True)


class DatabaseStatusOut(Result):
    database: str
    name: str
    server_version: str
    collections: int
    documents: int | None = None
    read_only: bool
    description: str | None = None


@tool(
    "arango_database_status",
    title="Database status",
    category="collections",
    args=DatabaseArgs,
    result=DatabaseStatusOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def database_status(ctx: ToolContext, args: DatabaseArgs) -> DatabaseStatusOut:
    """Show version, collection and document counts.

    Reports on the resolved database.
    """
    db = await ctx.db()
    version = await db.version()
    infos = await db.collections(exclude_system=True)
    documents = 0
    for info in infos:
        documents += await db.collection(info.name).count()
    entry = ctx.config.databases[ctx.key]
    return DatabaseStatusOut(
        database=ctx.key,
        name=entry.database,
        server_version=version_text(version),
        collections=len(infos),
        documents=documents,
        read_only=entry.read_only,
        description=entry.description,
    )
