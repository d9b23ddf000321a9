"""AQL tools: run, page, explain, profile, and build queries from structured filters."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from mcp_arangodb_async.errors import ArangoToolError, InvalidArguments
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
    """Run AQL with bind parameters; paged results.

    Pass values as @bind parameters (`bind_vars`), never in the query text. Replies are
    capped in rows and bytes: `truncated: true` with `next_cursor` means more rows are
    waiting (see arango_next_page); `total` is the full row count.
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
    """Next page by a reply's next_cursor.

    Works for every paged reply (arango_query, arango_traverse, …); `max_rows` defaults to
    the first page's size.
    """
    page, database = await ctx.runtime.pages.next_page(
        args.cursor,
        max_rows=_max_rows(ctx, args.max_rows) if args.max_rows is not None else None,
        max_bytes=ctx.limits.max_bytes,
        owner=ctx.identity.session_id,
    )
    return PageOut.model_validate(_page_out(database, page))


class ExplainArgs(DatabaseArgs):
    query: str = Field(min_length=1, description="AQL query")
    bind_vars: dict[str, Any] | None = Field(default=None, description="Bind parameters")


class PlanNode(Result):
    id: int
    type: str
    estimatedCost: float | None = None
    estimatedNrItems: int | None = None
    calls: int | None = None
    items: int | None = None
    runtime: float | None = None


class ExplainOut(Result):
    database: str
    nodes: list[PlanNode]
    rules: list[str]
    estimatedCost: float | None = None
    collections: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] | None = None


def _nodes(plan: dict[str, Any], stats: dict[int, dict[str, Any]] | None = None) -> list[PlanNode]:
    out = []
    for node in plan.get("nodes", []):
        extra = (stats or {}).get(node.get("id"), {})
        out.append(
            PlanNode(
                id=node.get("id", 0),
                type=str(node.get("type", "?")),
                estimatedCost=node.get("estimatedCost"),
                estimatedNrItems=node.get("estimatedNrItems"),
                calls=extra.get("calls"),
                items=extra.get("items"),
                runtime=extra.get("runtime"),
            )
        )
    return out


@tool(
    "arango_explain_query",
    title="Explain an AQL query",
    category="queries",
    args=ExplainArgs,
    result=ExplainOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def explain_query(ctx: ToolContext, args: ExplainArgs) -> ExplainOut:
    """Show a query's plan without running it.

    The optimizer's execution plan: nodes, costs and applied rules.
    """
    db = await ctx.db()
    body = await db.aql.explain(args.query, bind_vars=args.bind_vars)
    plan = body.get("plan") or {}
    return ExplainOut(
        database=ctx.key,
        nodes=_nodes(plan),
        rules=list(plan.get("rules", [])),
        estimatedCost=plan.get("estimatedCost"),
        collections=list(plan.get("collections", [])),
        warnings=body.get("warnings") or None,
    )


class ProfileOut(ExplainOut):
    rows: int
    phases: dict[str, float]
    stats: dict[str, Any] | None = None


@tool(
    "arango_query_profile",
    title="Profile an AQL query",
    category="queries",
    args=ExplainArgs,
    result=ProfileOut,
    read_only=False,  # the query really runs, writes included
    destructive=True,
    idempotent=False,
    open_world=False,
)
async def query_profile(ctx: ToolContext, args: ExplainArgs) -> ProfileOut:
    """Run AQL with per-node profiling.

    Reports per-node calls, items and runtime, and phase timings. The query really executes
    (writes included); rows are counted, not returned.
    """
    db = await ctx.db()
    cursor = await db.aql.execute(
        args.query, bind_vars=args.bind_vars, batch_size=1000, options={"profile": 2}
    )
    rows = 0
    while True:
        rows += len(cursor.batch)
        cursor.batch.clear()
        if not cursor.has_more:
            break
        await cursor.fetch()
    extra = cursor.extra.to_dict()
    if not extra.get("profile") or not extra.get("plan"):
        raise ArangoToolError(
            "the server returned no profile for this query",
            hint="the server does not support options.profile; use arango_explain_query",
            database=ctx.key,
        )
    statistics = dict(extra.get("stats") or {})
    per_node = {int(n["id"]): n for n in statistics.pop("nodes", []) if "id" in n}
    plan = extra.get("plan") or {}
    stats = {k: v for k, v in statistics.items() if k in _STATS}
    return ProfileOut(
        database=ctx.key,
        nodes=_nodes(plan, per_node),
        rules=list(plan.get("rules", [])),
        estimatedCost=plan.get("estimatedCost"),
        collections=list(plan.get("collections", [])),
        warnings=cursor.warnings or None,
        rows=rows,
        phases={k: float(v) for k, v in (extra.get("profile") or {}).items()},
        stats=stats or None,
    )


Operator = Literal["==", "!=", "<", "<=", ">", ">=", "IN", "NOT IN", "LIKE"]
#: dot-separated, no empty segment; any other character is fine, since paths are bound
_PATH = re.compile(r"^[^.]+(\.[^.]+)*$")
_PATH_HELP = "a dotted attribute path such as `address.city`"


class Condition(Args):
    field: str = Field(min_length=1, max_length=512, description="Dotted path")
    op: Operator = "=="
    value: Any = None


class SortKey(Args):
    field: str = Field(min_length=1, max_length=512)
    direction: Literal["ASC", "DESC"] = "ASC"


class QueryBuilderArgs(DatabaseArgs):
    collection: str = Field(min_length=1, description="Collection to read")
    filters: list[Condition] = Field(default=[], max_length=50, description="ANDed conditions")
    sort: list[SortKey] = Field(default=[], max_length=10)
    limit: int | None = Field(default=None, ge=0, le=1_000_000)
    offset: int = Field(default=0, ge=0)
    fields: list[str] | None = Field(default=None, max_length=100, description="Paths to return")
    execute: bool = Field(default=True, description="false: only return the compiled AQL")
    max_rows: int | None = Field(default=None, ge=1, description="Rows per reply")


class QueryBuilderOut(QueryOut):
    query: str
    bind_vars: dict[str, Any]
    database: str
    #: absent when `execute` is false
    rows: list[Any] | None = None  # type: ignore[assignment]
    returned: int | None = None  # type: ignore[assignment]
    truncated: bool | None = None  # type: ignore[assignment]


def _path(value: str, field: str) -> list[str]:
    if not _PATH.match(value):
        raise InvalidArguments(f"`{field}` must be {_PATH_HELP}", field=field)
    return value.split(".")


def compile_query(args: QueryBuilderArgs) -> tuple[str, dict[str, Any]]:
    """AQL and bind parameters for the builder's arguments.

    Nothing from the arguments enters the query text: the collection is ``@@coll``,
    attribute paths are array bind parameters (``d.@a0`` with ``["address", "city"]``)
    and values are bind parameters. The text only holds operators chosen from a fixed set.
    """
    bind: dict[str, Any] = {"@coll": args.collection}
    lines = ["FOR d IN @@coll"]
    for i, cond in enumerate(args.filters):
        bind[f"a{i}"] = _path(cond.field, f"filters.{i}.field")
        bind[f"v{i}"] = cond.value
        lines.append(f"  FILTER d.@a{i} {cond.op} @v{i}")
    if args.sort:
        keys = []
        for i, key in enumerate(args.sort):
            bind[f"s{i}"] = _path(key.field, f"sort.{i}.field")
            keys.append(f"d.@s{i} {key.direction}")
        lines.append("  SORT " + ", ".join(keys))
    if args.limit is not None or args.offset:
        bind["offset"] = args.offset
        bind["limit"] = args.limit if args.limit is not None else 2**31
        lines.append("  LIMIT @offset, @limit")
    if args.fields:
        parts = []
        for i, name in enumerate(args.fields):
            bind[f"r{i}"] = _path(name, f"fields.{i}")
            bind[f"n{i}"] = name
            parts.append(f"[@n{i}]: d.@r{i}")
        lines.append("  RETURN {" + ", ".join(parts) + "}")
    else:
        lines.append("  RETURN d")
    return "\n".join(lines), bind


@tool(
    "arango_query_builder",
    title="Build and run a query",
    category="queries",
    args=QueryBuilderArgs,
    result=QueryBuilderOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def query_builder(ctx: ToolContext, args: QueryBuilderArgs) -> QueryBuilderOut:
    """Build AQL from filters/sort/fields; run it.

    Compiles filters, sort, limit and fields to AQL with bind parameters only; with
    `execute: false` it only returns the compiled query.
    """
    text, bind = compile_query(args)
    out: dict[str, Any] = {"query": text, "bind_vars": bind, "database": ctx.key}
    if args.execute:
        max_rows = _max_rows(ctx, args.max_rows)
        cursor = await (await ctx.db()).aql.execute(
            text, bind_vars=bind, count=True, batch_size=min(max_rows + 1, 1000), ttl=int(PAGE_TTL)
        )
        page = await ctx.runtime.pages.first_page(
            RowSource(cursor=cursor),
            max_rows=max_rows,
            max_bytes=ctx.limits.max_bytes,
            owner=ctx.identity.session_id,
            database=ctx.key,
        )
        out.update(_page_out(ctx.key, page))
        out["warnings"] = cursor.warnings or None
    return QueryBuilderOut.model_validate(out)
