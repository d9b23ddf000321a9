"""Index tools: list, create, delete."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import LISTED, DatabaseArgs, Result, tool

__all__: list[str] = []


class IndexOut(Result):
    model_config = ConfigDict(extra="allow")  # type-specific fields pass through

    id: str
    type: str
    name: str | None = None
    fields: list[Any] = []
    unique: bool | None = None
    sparse: bool | None = None


def _index(raw: Any) -> IndexOut:
    data = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw)
    for noise in ("error", "code", "isNewlyCreated"):
        data.pop(noise, None)
    return IndexOut.model_validate(data)


class ListIndexesArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")


class ListIndexesOut(Result):
    database: str
    collection: str
    indexes: list[IndexOut]


@tool(
    "arango_list_indexes",
    title="List indexes",
    category="indexes",
    args=ListIndexesArgs,
    result=ListIndexesOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_indexes(ctx: ToolContext, args: ListIndexesArgs) -> ListIndexesOut:
    """List a collection's indexes.

    The primary index is included.
    """
    collection = (await ctx.db()).collection(args.collection)
    indexes = [_index(item) for item in await collection.indexes()]
    return ListIndexesOut(database=ctx.key, collection=args.collection, indexes=indexes)


class CreateIndexArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")
    type: Literal["persistent", "ttl", "geo", "fulltext", "inverted", "mdi"] = "persistent"
    fields: list[str] = Field(min_length=1, description="Attribute paths to index")
    name: str | None = None
    unique: bool | None = None
    sparse: bool | None = None
    expire_after: float | None = Field(
        default=None, ge=0, description="Seconds (ttl only)", json_schema_extra=LISTED
    )
    geo_json: bool | None = Field(default=None, description="GeoJSON order (geo only)")
    in_background: bool | None = None


class CreateIndexOut(Result):
    database: str
    collection: str
    created: bool
    index: IndexOut


@tool(
    "arango_create_index",
    title="Create an index",
    category="indexes",
    args=CreateIndexArgs,
    result=CreateIndexOut,
    read_only=False,
    destructive=False,
    idempotent=True,  # an identical index is returned, not duplicated
    open_world=False,
)
async def create_index(ctx: ToolContext, args: CreateIndexArgs) -> CreateIndexOut:
    """Create an index, or return an identical one.

    `created` is false when an identical index already existed (it is returned instead).
    """
    options: dict[str, Any] = {}
    for name, wire in (
        ("name", "name"),
        ("unique", "unique"),
        ("sparse", "sparse"),
        ("expire_after", "expireAfter"),
        ("geo_json", "geoJson"),
        ("in_background", "inBackground"),
    ):
        value = getattr(args, name)
        if value is not None:
            options[wire] = value
    collection = (await ctx.db()).collection(args.collection)
    raw = await collection.add_index(args.type, args.fields, options)
    data = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw)
    return CreateIndexOut(
        database=ctx.key,
        collection=args.collection,
        created=bool(data.get("isNewlyCreated", True)),
        index=_index(raw),
    )


class DeleteIndexArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")
    index: str = Field(min_length=1, description="Index id (e.g. '123' or 'coll/123')")


class DeleteIndexOut(Result):
    database: str
    collection: str
    deleted: str


@tool(
    "arango_delete_index",
    title="Delete an index",
    category="indexes",
    args=DeleteIndexArgs,
    result=DeleteIndexOut,
    read_only=False,
    destructive=True,
    idempotent=False,  # a second call fails with 1212 index not found
    open_world=False,
)
async def delete_index(ctx: ToolContext, args: DeleteIndexArgs) -> DeleteIndexOut:
    """Delete an index by id.

    The primary and edge indexes cannot be deleted.
    """
    collection = (await ctx.db()).collection(args.collection)
    await collection.delete_index(args.index)
    full = args.index if "/" in args.index else f"{args.collection}/{args.index}"
    return DeleteIndexOut(database=ctx.key, collection=args.collection, deleted=full)
