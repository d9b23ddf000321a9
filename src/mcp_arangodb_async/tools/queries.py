"""AQL tools: run a query (rows capped, the rest by cursor) and fetch the next page."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mcp_arangodb_async.results import PAGE_TTL, Page, RowSource
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import Args, DatabaseArgs, Result, tool

__all__: list[str] = []

_STATS = (
    "writesExecuted",
    "writesIgnored",
    "scannedFull",
    "scannedIndex",
    "filtered",
    "executionTime",
)


class PageOut(Result):
    database: str
    rows: list[Any]
    returned: int
    truncated: bool
    next_cursor: str | None = Field(
        default=None, description="Pass to arango_next_page for the next rows"
    )
    total: int | None = None
    omitted_rows: int | None = Field(default=None, description="Rows larger than max_bytes")


class QueryOut(PageOut):
    warnings: list[dict[str, Any]] | None = None
    stats: dict[str, Any] | None = None


def _page_out(database: str, page: Page) -> dict[str, Any]:
    return {"database": database, **page.to_dict()}


class QueryArgs(DatabaseArgs):
    query: str = Field(min_length=1, description="AQL query; pass values as @bind parameters")
    bind_vars: dict[str, Any] | None = Field(default=None, description="Bind parameters")
    max_rows: int | None = Field(
        default=None, ge=1, description="Rows per reply (at most the configured limit)"
    )


def _max_rows(ctx: ToolContext, requested: int | None) -> int:
    limit = ctx.limits.max_rows
    return min(requested, limit) if requested is not None else limit


@tool(
    "arango_query",
    title="Run an AQL query",
    category="queries",
    args=QueryArgs,
    result=QueryOut,
    read_only=False,  # AQL may INSERT/UPDATE/REMOVE
    destructive=True,
    idempotent=False,
    open_world=False,
)
async def query(ctx: ToolContext, args: QueryArgs) -> QueryOut:
    """Run an AQL query with bind parameters; rows are capped (`truncated`, `next_cursor`).

    Replies are capped in rows and bytes: `truncated: true` with `next_cursor` means more
    rows are waiting (see arango_next_page); `total` is the full row count.
    """
    max_rows = _max_rows(ctx, args.max_rows)
    db = await ctx.db()
    cursor = await db.aql.execute(
        args.query,
        bind_vars=args.bind_vars,
        count=True,
        batch_size=min(max_rows + 1, 1000),
        ttl=int(PAGE_TTL),
    )
    page = await ctx.runtime.pages.first_page(
        RowSource(cursor=cursor),
        max_rows=max_rows,
        max_bytes=ctx.limits.max_bytes,
        owner=ctx.identity.session_id,
        database=ctx.key,
    )
    stats = {k: v for k, v in cursor.statistics.to_dict().items() if k in _STATS}
    return QueryOut.model_validate(
        {
            **_page_out(ctx.key, page),
            "warnings": cursor.warnings or None,
            "stats": stats or None,
        }
    )


class NextPageArgs(Args):
    cursor: str = Field(min_length=1, description="next_cursor from a truncated reply")
    max_rows: int | None = Field(
        default=None, ge=1, description="Rows in this reply (default: as the first page)"
    )


@tool(
    "arango_next_page",
    title="Next page of a result",
    category="queries",
    args=NextPageArgs,
    result=PageOut,
    read_only=True,
    destructive=False,
    idempotent=False,  # each call advances the cursor
    open_world=False,
)
async def next_page(ctx: ToolContext, args: NextPageArgs) -> PageOut:
    """Return the next rows of a truncated result, by the `next_cursor` it carried."""
    page, database = await ctx.runtime.pages.next_page(
        args.cursor,
        max_rows=_max_rows(ctx, args.max_rows) if args.max_rows is not None else None,
        max_bytes=ctx.limits.max_bytes,
        owner=ctx.identity.session_id,
    )
    return PageOut.model_validate(_page_out(database, page))
