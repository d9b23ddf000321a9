"""Document tools: insert, update, remove (reads go through ``arango_query``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from mcp_arangodb_async.errors import ArangoToolError, InvalidArguments, hint_for
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import DatabaseArgs, Result, tool

__all__: list[str] = []

MAX_DOCUMENTS = 1000

Collection = Field(min_length=1, max_length=256, description="Collection name")
Key = Field(min_length=1, max_length=254, description="Document _key")


class InsertArgs(DatabaseArgs):
    collection: str = Collection
    documents: dict[str, Any] | list[dict[str, Any]] = Field(
        description=f"One document or a list of up to {MAX_DOCUMENTS}"
    )
    overwrite_mode: Literal["ignore", "replace", "update", "conflict"] | None = Field(
        default=None, description="What to do when the _key exists (default: conflict error)"
    )
    return_new: bool = Field(default=False, description="Include the stored documents")


class DocumentMeta(Result):
    id: str = Field(alias="_id")
    key: str = Field(alias="_key")
    rev: str = Field(alias="_rev")
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None

    # the server adds fields such as _oldRev; only these are reported
    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)


class DocumentFailure(Result):
    index: int
    errorNum: int | None = None
    message: str
    hint: str | None = None


class InsertOut(Result):
    database: str
    collection: str
    inserted: list[DocumentMeta]
    failed: list[DocumentFailure] = []


def _meta(body: dict[str, Any]) -> DocumentMeta:
    return DocumentMeta.model_validate(body)


@tool(
    "arango_insert",
    title="Insert documents",
    category="documents",
    args=InsertArgs,
    result=InsertOut,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def insert(ctx: ToolContext, args: InsertArgs) -> InsertOut:
    """Insert one document or a list of them.

    With a list, each document succeeds or fails on its own: failures are listed with
    their index and errorNum, the others are stored.
    """
    single = isinstance(args.documents, dict)
    docs = [args.documents] if isinstance(args.documents, dict) else args.documents
    if not docs or len(docs) > MAX_DOCUMENTS:
        raise InvalidArguments(
            f"`documents` must hold 1 to {MAX_DOCUMENTS} documents", field="documents"
        )
    collection = (await ctx.db()).collection(args.collection)
    options: dict[str, Any] = {"return_new": args.return_new or None}
    if args.overwrite_mode is not None:
        options["overwrite_mode"] = args.overwrite_mode
    inserted: list[DocumentMeta] = []
    failed: list[DocumentFailure] = []
    if single:
        inserted.append(_meta(await collection.insert(docs[0], **options)))
    else:
        for index, item in enumerate(await collection.insert_many(docs, **options)):
            if item.get("error"):
                number = item.get("errorNum")
                failed.append(
                    DocumentFailure(
                        index=index,
                        errorNum=number,
                        message=str(item.get("errorMessage", "")),
                        hint=hint_for(number),
                    )
                )
            else:
                inserted.append(_meta(item))
        if not inserted:
            first = failed[0]
            raise ArangoToolError(
                f"no document was inserted: {first.message}",
                hint=first.hint,
                errorNum=first.errorNum,
                database=ctx.key,
            )
    return InsertOut(database=ctx.key, collection=args.collection, inserted=inserted, failed=failed)


class UpdateArgs(DatabaseArgs):
    collection: str = Collection
    key: str = Key
    update: dict[str, Any] = Field(description="Attributes to set (merged into the document)")
    keep_null: bool = Field(default=True, description="false removes attributes set to null")
    merge_objects: bool = Field(default=True, description="false replaces nested objects")
    return_new: bool = Field(default=False, description="Include the updated document")


class WriteOut(Result):
    database: str
    collection: str
    document: DocumentMeta


@tool(
    "arango_update",
    title="Update a document",
    category="documents",
    args=UpdateArgs,
    result=WriteOut,
    read_only=False,
    destructive=True,  # overwrites attribute values
    idempotent=True,
    open_world=False,
)
async def update(ctx: ToolContext, args: UpdateArgs) -> WriteOut:
    """Merge attributes into a document by _key."""
    if any(name in args.update for name in ("_key", "_id")):
        raise InvalidArguments(
            "`update` must not contain _key or _id (the key is given by `key`)", field="update"
        )
    collection = (await ctx.db()).collection(args.collection)
    body = {**args.update, "_key": args.key}
    result = await collection.update(
        body,
        keep_null=args.keep_null,
        merge_objects=args.merge_objects,
        return_new=args.return_new or None,
    )
    return WriteOut(database=ctx.key, collection=args.collection, document=_meta(result))


class RemoveArgs(DatabaseArgs):
    collection: str = Collection
    key: str = Key
    return_old: bool = Field(default=False, description="Include the removed document")


@tool(
    "arango_remove",
    title="Remove a document",
    category="documents",
    args=RemoveArgs,
    result=WriteOut,
    read_only=False,
    destructive=True,
    idempotent=False,  # a second call fails with 1202 document not found
    open_world=False,
)
async def remove(ctx: ToolContext, args: RemoveArgs) -> WriteOut:
    """Remove a document by _key."""
    collection = (await ctx.db()).collection(args.collection)
    result = await collection.delete(args.key, return_old=args.return_old or None)
    return WriteOut(database=ctx.key, collection=args.collection, document=_meta(result))
