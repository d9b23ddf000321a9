"""Multi-tenancy tools (seed 000 §2.7): focus, list, resolve, test and check databases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mcp_arangodb_async.connections import DatabaseStatus
from mcp_arangodb_async.resolution import check_key, explain, resolve
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import Args, DatabaseArgs, Result, tool

__all__: list[str] = []


# ------------------------------------------------------------------ shared models
class StatusOut(Result):
    key: str
    database: str
    url: str
    reachable: bool
    server_version: str | None = None
    latency_ms: float | None = None
    error: dict[str, Any] | None = None
    embedded_data_dir: str | None = None
    read_only: bool = False

    @classmethod
    def of(cls, status: DatabaseStatus) -> StatusOut:
        return cls(
            key=status.key,
            database=status.database,
            url=status.url,
            reachable=status.reachable,
            server_version=status.server_version,
            latency_ms=status.latency_ms,
            error=status.error,
            embedded_data_dir=status.embedded_data_dir,
            read_only=status.read_only,
        )


class NoArgs(Args):
    pass


# ------------------------------------------------------------------ focus
class SetFocusArgs(Args):
    database: str | None = Field(
        description="Configured database key to focus this session on; null clears the focus"
    )


class FocusOut(Result):
    focused_database: str | None = None
    previous: str | None = None
    #: the key a call without `database` would use now
    effective_database: str
    effective_level: int


@tool(
    "arango_set_focused_database",
    title="Focus a database",
    category="databases",
    args=SetFocusArgs,
    result=FocusOut,
    read_only=True,  # changes only this session's focus, never data
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def set_focused_database(ctx: ToolContext, args: SetFocusArgs) -> FocusOut:
    """Set the session's default database (null clears).

    Later calls without `database` use the focused key. Calls that pass `database` still use
    that key for themselves. Other sessions are unaffected.
    """
    session_id = ctx.identity.require()
    if args.database is not None:
        check_key(args.database, ctx.config)
    previous = ctx.runtime.sessions.get(session_id).focused_database
    state = await ctx.runtime.sessions.set_focused_database(session_id, args.database)
    effective = resolve(None, state, ctx.config)
    return FocusOut(
        focused_database=state.focused_database,
        previous=previous,
        effective_database=effective.key,
        effective_level=effective.level,
    )


@tool(
    "arango_get_focused_database",
    title="Show the focused database",
    category="databases",
    args=NoArgs,
    result=FocusOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def get_focused_database(ctx: ToolContext, args: NoArgs) -> FocusOut:
    """Show the focused and effective database.

    The focus is null when none is set; the effective key is what calls without `database`
    use now.
    """
    ctx.identity.require()
    effective = resolve(None, ctx.session, ctx.config)
    return FocusOut(
        focused_database=ctx.session.focused_database if ctx.session else None,
        effective_database=effective.key,
        effective_level=effective.level,
    )


# ------------------------------------------------------------------ listing and resolution
class DatabaseOut(Result):
    key: str
    database: str
    url: str
    username: str
    description: str | None = None
    read_only: bool = False
    focused: bool = False
    default: bool = False


class ListDatabasesOut(Result):
    databases: list[DatabaseOut]
    default_database: str | None = None
    source: str


@tool(
    "arango_list_available_databases",
    title="List configured databases",
    category="databases",
    args=NoArgs,
    result=ListDatabasesOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_available_databases(ctx: ToolContext, args: NoArgs) -> ListDatabasesOut:
    """List the configured database keys.

    Only these keys are accepted anywhere (as `database` or as a focus).
    """
    focused = ctx.session.focused_database if ctx.session else None
    default = resolve(None, None, ctx.config).key
    rows = [
        DatabaseOut(
            key=key,
            database=entry.database,
            url=str(entry.url) if entry.embedded else ", ".join(entry.urls),
            username="(embedded superuser)" if entry.embedded else entry.username,
            description=entry.description,
            read_only=entry.read_only,
            focused=key == focused,
            default=key == default,
        )
        for key, entry in ctx.config.databases.items()
    ]
    return ListDatabasesOut(
        databases=rows,
        default_database=default if ctx.config.databases else None,
        source=ctx.config.describe_source(),
    )


class ResolutionArgs(Args):
    database: str | None = Field(
        default=None, description="Show how a call passing this key would resolve"
    )


class LevelOut(Result):
    level: int
    source: str
    value: str | None = None


class ResolutionOut(Result):
    database: str
    level: int
    source: str
    levels: list[LevelOut]
    session: str


@tool(
    "arango_get_database_resolution",
    title="Explain database resolution",
    category="databases",
    args=ResolutionArgs,
    result=ResolutionOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def get_database_resolution(ctx: ToolContext, args: ResolutionArgs) -> ResolutionOut:
    """Show which database a call uses, and why.

    Lists the six resolution levels (argument, focus, config default, MCP_DEFAULT_DATABASE,
    first configured, _system) with their values, and which one a call would use.
    """
    resolution = resolve(args.database, ctx.session, ctx.config)
    return ResolutionOut(
        database=resolution.key,
        level=resolution.level,
        source=resolution.source,
        levels=[
            LevelOut.model_validate(level)
            for level in explain(args.database, ctx.session, ctx.config)
        ],
        session=ctx.identity.kind if ctx.identity.session_id else "none (stateless)",
    )


# ------------------------------------------------------------------ connectivity
@tool(
    "arango_test_database_connection",
    title="Test a database connection",
    category="databases",
    args=DatabaseArgs,
    result=StatusOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def test_database_connection(ctx: ToolContext, args: DatabaseArgs) -> StatusOut:
    """Check a database's reachability and version.

    Connects now (version call) and reports reachability, version and latency. An
    unreachable database is reported with `reachable: false` and the error.
    """
    return StatusOut.of(await ctx.runtime.connections.check(ctx.key))


class MultiStatusOut(Result):
    databases: list[StatusOut]
    reachable: int
    unreachable: int
    active_sessions: int
    transport: str


@tool(
    "arango_get_multi_database_status",
    title="Status of all databases",
    category="databases",
    args=NoArgs,
    result=MultiStatusOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def get_multi_database_status(ctx: ToolContext, args: NoArgs) -> MultiStatusOut:
    """Check all configured databases at once.

    Reports each one's status (reachability, version, latency or the error).
    """
    statuses = [StatusOut.of(s) for s in await ctx.runtime.connections.check_all()]
    up = sum(1 for s in statuses if s.reachable)
    return MultiStatusOut(
        databases=statuses,
        reachable=up,
        unreachable=len(statuses) - up,
        active_sessions=len(ctx.runtime.sessions),
        transport=ctx.runtime.transport + (" (stateless)" if ctx.runtime.stateless else ""),
    )
