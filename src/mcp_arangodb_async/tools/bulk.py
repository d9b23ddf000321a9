"""Bulk tools: insert or update many documents in batches, with per-item errors by index.

Each batch is one multi-document request (``insert_many`` / ``update_many``); ArangoDB
answers item by item, so an error names its item and the rest of the batch still applies.
``on_error`` decides what happens next: ``stop`` sends no further batch after the first
one with an error, ``continue`` goes on and lists every error, ``ignore`` goes on and only
counts them. Progress is reported after every batch when the client sent a progressToken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import Field, SkipValidation

from mcp_arangodb_async.errors import ArangoToolError, InvalidArguments, hint_for
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import DatabaseArgs, Result, tool

__all__: list[str] = []

MAX_DOCUMENTS = 100_000
#: errors listed in a reply; the rest are counted
MAX_ERRORS = 100

OnError = Literal["stop", "continue", "ignore"]
#: the documents go to the server as they are: validating every nested value with
#: pydantic took a fifth of a 100,000-document call; ``_check_objects`` is enough
Documents = list[SkipValidation[dict[str, Any]]]


class BulkArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection name")
    batch_size: int = Field(default=1000, ge=1, le=10_000)
    on_error: OnError = Field(
        default="continue", description="On item errors: stop after the batch, or not"
    )


class BulkInsertArgs(BulkArgs):
    documents: Documents = Field(
        min_length=1, max_length=MAX_DOCUMENTS, description="Documents to insert"
    )
    overwrite_mode: Literal["ignore", "replace", "update", "conflict"] | None = Field(
        default=None, description="When the _key exists"
    )


class BulkUpdateArgs(BulkArgs):
    documents: Documents = Field(
        min_length=1, max_length=MAX_DOCUMENTS, description="Partial documents, each with _key"
    )
    keep_null: bool = Field(default=True, description="false removes attributes set to null")
    merge_objects: bool = Field(default=True, description="false replaces nested objects")


class ItemError(Result):
    index: int
    errorNum: int | None = None
    message: str


class BulkOut(Result):
    database: str
    collection: str
    total: int
    succeeded: int
    failed: int
    not_attempted: int
    stopped: bool
    errors: list[ItemError]
    errors_truncated: bool = False


def _check_objects(documents: list[Any]) -> None:
    for index, doc in enumerate(documents):
        if not isinstance(doc, dict):
            raise InvalidArguments(
                f"`documents[{index}]` must be an object", field=f"documents.{index}"
            )


Batch = Callable[[list[dict[str, Any]]], Awaitable[list[Any]]]


async def _run(
    ctx: ToolContext, args: BulkArgs, documents: list[dict[str, Any]], send: Batch
) -> BulkOut:
    total = len(documents)
    succeeded = failed = done = 0
    errors: list[ItemError] = []
    stopped = False
    for start in range(0, total, args.batch_size):
        batch = documents[start : start + args.batch_size]
        results = await send(batch)
        batch_failed = 0
        for offset, item in enumerate(results):
            if isinstance(item, dict) and item.get("error"):
                batch_failed += 1
                if args.on_error != "ignore" and len(errors) < MAX_ERRORS:
                    errors.append(
                        ItemError(
                            index=start + offset,
                            errorNum=item.get("errorNum"),
                            message=str(item.get("errorMessage", "")),
                        )
                    )
        failed += batch_failed
        succeeded += len(batch) - batch_failed
        done = start + len(batch)
        await ctx.report_progress(done, total, f"{done}/{total} documents")
        if batch_failed and args.on_error == "stop":
            stopped = done < total
            break
    if succeeded == 0 and errors and args.on_error != "ignore":
        first = errors[0]
        raise ArangoToolError(
            f"no document was written: item {first.index}: {first.message}",
            hint=hint_for(first.errorNum),
            errorNum=first.errorNum,
            database=ctx.key,
        )
    return BulkOut(
        database=ctx.key,
        collection=args.collection,
        total=total,
        succeeded=succeeded,
        failed=failed,
        not_attempted=total - done,
        stopped=stopped,
        errors=errors,
        errors_truncated=args.on_error != "ignore" and failed > len(errors),
    )


@tool(
    "arango_bulk_insert",
    title="Bulk insert",
    category="documents",
    args=BulkInsertArgs,
    result=BulkOut,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def bulk_insert(ctx: ToolContext, args: BulkInsertArgs) -> BulkOut:
    """Insert many documents in batches.

    Per-item errors are reported by index; `on_error` decides whether to stop after the
    batch, continue, or ignore them.
    """
    _check_objects(args.documents)
    collection = (await ctx.db()).collection(args.collection)
    mode = args.overwrite_mode

    async def send(batch: list[dict[str, Any]]) -> list[Any]:
        return list(await collection.insert_many(batch, silent=False, overwrite_mode=mode))

    return await _run(ctx, args, args.documents, send)


@tool(
    "arango_bulk_update",
    title="Bulk update",
    category="documents",
    args=BulkUpdateArgs,
    result=BulkOut,
    read_only=False,
    destructive=True,
    idempotent=True,
    open_world=False,
)
async def bulk_update(ctx: ToolContext, args: BulkUpdateArgs) -> BulkOut:
    """Update many documents by _key, in batches.

    Merges partial documents (each with its _key) into the stored ones. Per-item errors
    are reported by index, as in arango_bulk_insert.
    """
    _check_objects(args.documents)
    for index, doc in enumerate(args.documents):
        if not isinstance(doc.get("_key"), str):
            raise InvalidArguments(
                f"`documents[{index}]` needs a string _key", field=f"documents.{index}"
            )
    collection = (await ctx.db()).collection(args.collection)

    async def send(batch: list[dict[str, Any]]) -> list[Any]:
        return list(
            await collection.update_many(
                batch, keep_null=args.keep_null, merge_objects=args.merge_objects
            )
        )

    return await _run(ctx, args, args.documents, send)
