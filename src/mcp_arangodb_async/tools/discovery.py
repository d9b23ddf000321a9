"""Discovery tools (seed 000 §2.8): search the registry, load and unload tools, usage stats.

Search reads the whole registry (every tool this server can run), not just the session's
visible set, so an agent in a small workflow can find and load what it lacks.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from mcp_arangodb_async.errors import InvalidArguments
from mcp_arangodb_async.sessions import SessionState
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import Args, Result, ToolSpec, tool
from mcp_arangodb_async.tools.workflows import Changed, brief, change_tools, session_state
from mcp_arangodb_async.workflows import ALWAYS_VISIBLE

__all__: list[str] = []

_WORD = re.compile(r"[a-z0-9]+")


# ------------------------------------------------------------------ search
class SearchArgs(Args):
    query: str | None = Field(default=None, description="Keywords")
    category: str | None = None
    detail: Literal["name", "summary", "full"] = Field(
        default="summary", description="full adds input and output schemas"
    )
    load: bool = Field(default=False, description="Load the found tools")
    limit: int = Field(default=10, ge=1, le=100)


class FoundTool(Result):
    name: str
    category: str | None = None
    description: str | None = None
    required: list[str] | None = None
    input_schema: dict[str, Any] | None = None
    #: the result's fields (tools/list only says ``{"type": "object"}``)
    output_schema: dict[str, Any] | None = None
    read_only: bool | None = None
    destructive: bool | None = None
    visible: bool


class SearchOut(Result):
    tools: list[FoundTool]
    total: int
    loaded: Changed | None = None


def _score(spec: ToolSpec, words: list[str]) -> int:
    name = spec.name.removeprefix("arango_").replace("_", " ")
    text = f"{spec.title} {spec.description}".lower()
    score = 0
    for word in words:
        if word in name.split():
            score += 4
        elif word in name:
            score += 3
        if word == spec.category or word in spec.category:
            score += 2
        if word in text:
            score += 1
    return score if all(_hits(spec, name, text, w) for w in words) else 0


def _hits(spec: ToolSpec, name: str, text: str, word: str) -> bool:
    return word in name or word in spec.category or word in text


@tool(
    "arango_search_tools",
    title="Search tools",
    category="discovery",
    args=SearchArgs,
    result=SearchOut,
    read_only=True,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def search_tools(ctx: ToolContext, args: SearchArgs) -> SearchOut:
    """Search all tools; `load` adds them.

    Finds tools by keywords or category, loaded or not; `load` adds the found tools to this
    session, and `detail: full` adds their input schemas and result fields.
    """
    registry = ctx.runtime.registry
    available = registry.available(ctx.config)
    if args.category is not None and args.category not in registry.categories():
        raise InvalidArguments(
            f"unknown category '{args.category}'",
            hint=f"categories: {', '.join(registry.categories())}",
            field="category",
        )
    words = _WORD.findall((args.query or "").lower().removeprefix("arango_"))
    scored = [
        (_score(spec, words) if words else 1, index, spec)
        for index, spec in enumerate(available)
        if args.category is None or spec.category == args.category
    ]
    hits = [spec for score, _, spec in sorted(scored, key=lambda t: (-t[0], t[1])) if score]
    found = hits[: args.limit]
    loaded = None
    if args.load and found:
        if ctx.identity.session_id is None:
            session_state(ctx)  # raises the refusal

        def mutate(state: SessionState) -> None:
            for spec in found:
                state.loaded.add(spec.name)
                state.unloaded.discard(spec.name)

        loaded = change_tools(ctx, mutate)
    visible = {s.name for s in registry.visible(ctx.session, ctx.config)}
    return SearchOut(
        tools=[_found(spec, args.detail, spec.name in visible) for spec in found],
        total=len(hits),
        loaded=loaded,
    )


def _found(spec: ToolSpec, detail: str, visible: bool) -> FoundTool:
    if detail == "name":
        return FoundTool(name=spec.name, visible=visible)
    short = brief(spec)
    out = FoundTool(
        name=spec.name,
        category=spec.category,
        description=short.description,
        required=short.required,
        visible=visible,
    )
    if detail == "full":
        out.description = spec.summary
        out.input_schema = spec.input_schema
        out.output_schema = spec.result_schema
        out.read_only = spec.read_only
        out.destructive = spec.destructive
    return out


# ------------------------------------------------------------------ categories
class CategoryArgs(Args):
    category: str | None = None


class CategoryOut(Result):
    category: str
    tools: list[str]
    #: the subset of `tools` this session sees now
    visible: list[str]


class CategoriesOut(Result):
    categories: list[CategoryOut]


@tool(
    "arango_list_tools_by_category",
    title="List tools by category",
    category="discovery",
    args=CategoryArgs,
    result=CategoriesOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_tools_by_category(ctx: ToolContext, args: CategoryArgs) -> CategoriesOut:
    """List tool names by category.

    Shows which of them this session sees.
    """
    registry = ctx.runtime.registry
    available = {s.name for s in registry.available(ctx.config)}
    visible = {s.name for s in registry.visible(ctx.session, ctx.config)}
    groups = registry.categories()
    if args.category is not None and args.category not in groups:
        raise InvalidArguments(
            f"unknown category '{args.category}'",
            hint=f"categories: {', '.join(groups)}",
            field="category",
        )
    out = []
    for category, names in groups.items():
        if args.category not in (None, category):
            continue
        names = [n for n in names if n in available]
        out.append(
            CategoryOut(category=category, tools=names, visible=[n for n in names if n in visible])
        )
    return CategoriesOut(categories=out)


# ------------------------------------------------------------------ unload
class UnloadArgs(Args):
    tools: list[str] = []
    category: str | None = None


@tool(
    "arango_unload_tools",
    title="Unload tools",
    category="discovery",
    args=UnloadArgs,
    result=Changed,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def unload_tools(ctx: ToolContext, args: UnloadArgs) -> Changed:
    """Hide tools from this session.

    By name or by category; arango_search_tools with `load` brings them back.
    """
    registry = ctx.runtime.registry
    names = list(args.tools)
    if args.category is not None:
        if args.category not in registry.categories():
            raise InvalidArguments(
                f"unknown category '{args.category}'",
                hint=f"categories: {', '.join(registry.categories())}",
                field="category",
            )
        names += registry.categories()[args.category]
    if not names:
        raise InvalidArguments("name `tools` or a `category` to unload", field="tools")
    for name in names:
        spec = registry.get(name)
        if spec is None:
            raise InvalidArguments(
                f"unknown tool '{name}'", hint="arango_search_tools finds names", field="tools"
            )
        if spec.category in ALWAYS_VISIBLE and args.category is None:
            raise InvalidArguments(
                f"{name} is always visible (workflow and discovery tools cannot be unloaded)",
                field="tools",
            )
    targets = [n for n in names if registry.get(n).category not in ALWAYS_VISIBLE]  # type: ignore[union-attr]

    def mutate(state: SessionState) -> None:
        for name in targets:
            state.unloaded.add(name)
            state.loaded.discard(name)

    return change_tools(ctx, mutate)


# ------------------------------------------------------------------ usage
class UsageOut(Result):
    name: str
    calls: int
    errors: int
    last_used: str


class UsageStatsOut(Result):
    tools: list[UsageOut]
    total_calls: int
    #: visible tools this session never called (candidates for arango_unload_tools)
    unused_visible: int


@tool(
    "arango_get_tool_usage_stats",
    title="Tool usage statistics",
    category="discovery",
    args=Args,
    result=UsageStatsOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def get_tool_usage_stats(ctx: ToolContext, args: Args) -> UsageStatsOut:
    """Show this session's tool usage.

    Calls, errors and last use per tool.
    """
    state = session_state(ctx)
    rows = sorted(state.usage.items(), key=lambda kv: (-kv[1].calls, kv[0]))
    visible = {s.name for s in ctx.runtime.registry.visible(state, ctx.config)}
    return UsageStatsOut(
        tools=[
            UsageOut(
                name=name,
                calls=u.calls,
                errors=u.errors,
                last_used=datetime.fromtimestamp(u.last_used, UTC).isoformat(timespec="seconds"),
            )
            for name, u in rows
        ],
        total_calls=sum(u.calls for u in state.usage.values()),
        unused_visible=len(visible - set(state.usage)),
    )
