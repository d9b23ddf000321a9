"""Workflow tools (seed 000 §2.8): switch, show, list workflows and advance stages.

Each change recomputes this session's visible set (the registry does that from
``SessionState``); when the set changed, ``tools_version`` is bumped and the server sends
``notifications/tools/list_changed``. Clients that never re-fetch ``tools/list`` learn
from the result itself which tools they may call now and with which required arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from pydantic import Field

from mcp_arangodb_async.errors import InvalidArguments, SessionStateRefused
from mcp_arangodb_async.sessions import SessionState
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.registry import view_of
from mcp_arangodb_async.tools.spec import Args, Result, ToolSpec, tool
from mcp_arangodb_async.workflows import STAGE_ORDER, STAGES, WORKFLOWS, base_names

__all__ = ["Changed", "ToolBrief", "brief", "change_tools"]

WorkflowName = Literal[
    "baseline",
    "data_analysis",
    "graph_modeling",
    "bulk_operations",
    "schema_validation",
    "database_admin",
    "full",
]
StageName = Literal["setup", "data_loading", "analysis", "cleanup"]
if set(get_args(WorkflowName)) != set(WORKFLOWS) or get_args(StageName) != STAGE_ORDER:
    raise RuntimeError("the workflow/stage names here must match workflows.py")


# ------------------------------------------------------------------ shared pieces
class ToolBrief(Result):
    """How to call a tool without its schema: name, one line, required arguments."""

    name: str
    description: str
    required: list[str] = []


def brief(spec: ToolSpec) -> ToolBrief:
    line = spec.summary.split(". ", 1)[0].rstrip(".") + "."
    return ToolBrief(
        name=spec.name, description=line, required=list(spec.input_schema.get("required", []))
    )


class Changed(Result):
    """What a change did to this session's tools (shared by every tool that changes them)."""

    workflow: str
    stage: str | None = None
    #: tools callable now that were not before (call them by name even if tools/list is stale)
    added: list[ToolBrief] = []
    removed: list[str] = []
    #: how many tools this session sees now, and bytes/4 of its tools/list
    visible: int
    tokens: int


def session_state(ctx: ToolContext) -> SessionState:
    """This session's state; refuses when the connection has no session."""
    if ctx.identity.session_id is None:
        raise SessionStateRefused(
            "this connection has no session (stateless HTTP or a 2026-07-28 request without "
            "an authenticated principal), so its tool set cannot change",
            hint="the server's starting workflow applies (--workflow or `workflow:` in the config)",
        )
    return ctx.runtime.sessions.get(ctx.identity.session_id)


def change_tools(ctx: ToolContext, mutate: Callable[[SessionState], None]) -> Changed:
    """Apply ``mutate`` to the session and report the difference in visible tools.

    No await between reading and writing, so the change is atomic on the event loop.
    """
    state = session_state(ctx)
    registry = ctx.runtime.registry
    before = {s.name for s in registry.visible(state, ctx.config)}
    mutate(state)
    after = registry.visible(state, ctx.config)
    names = [s.name for s in after]
    if set(names) != before:
        state.tools_version += 1
    view = view_of(state, ctx.config)
    return Changed(
        workflow=view.workflow,
        stage=view.stage,
        added=[brief(s) for s in after if s.name not in before],
        removed=sorted(before - set(names)),
        visible=len(names),
        tokens=registry.wire_bytes(names) // 4,
    )


class NoArgs(Args):
    pass


# ------------------------------------------------------------------ switch
class SwitchArgs(Args):
    workflow: WorkflowName


@tool(
    "arango_switch_workflow",
    title="Switch workflow",
    category="workflows",
    args=SwitchArgs,
    result=Changed,
    read_only=True,  # changes this session's tool list, never data
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def switch_workflow(ctx: ToolContext, args: SwitchArgs) -> Changed:
    """Switch to a workflow's tool set.

    Replaces this session's tools with the workflow's set and lists the tools added.
    Clears the stage and single loaded/unloaded tools; the focused database is kept.
    """

    def mutate(state: SessionState) -> None:
        state.workflow = args.workflow
        state.stage = None
        state.loaded.clear()
        state.unloaded.clear()

    return change_tools(ctx, mutate)


# ------------------------------------------------------------------ show
class ActiveOut(Result):
    workflow: str
    stage: str | None = None
    next_stage: str | None = None
    loaded: list[str] = []
    unloaded: list[str] = []
    visible: list[str]
    tokens: int


@tool(
    "arango_get_active_workflow",
    title="Show the active workflow",
    category="workflows",
    args=NoArgs,
    result=ActiveOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def get_active_workflow(ctx: ToolContext, args: NoArgs) -> ActiveOut:
    """Show workflow, stage and visible tools.

    This session's workflow and stage, and the names of the tools it sees now.
    """
    view = view_of(ctx.session, ctx.config)
    names = [s.name for s in ctx.runtime.registry.visible(ctx.session, ctx.config)]
    return ActiveOut(
        workflow=view.workflow,
        stage=view.stage,
        next_stage=_next_stage(view.stage),
        loaded=sorted(view.loaded),
        unloaded=sorted(view.unloaded),
        visible=names,
        tokens=ctx.runtime.registry.wire_bytes(names) // 4,
    )


def _next_stage(stage: str | None) -> str | None:
    if stage is None:
        return STAGE_ORDER[0]
    index = STAGE_ORDER.index(stage) + 1
    return STAGE_ORDER[index] if index < len(STAGE_ORDER) else None


# ------------------------------------------------------------------ list
class WorkflowOut(Result):
    name: str
    description: str
    categories: list[str]
    tools: int
    tokens: int
    active: bool = False


class StageOut(Result):
    name: str
    description: str
    adds: list[str]
    read_only: bool = False


class WorkflowsOut(Result):
    workflows: list[WorkflowOut]
    stages: list[StageOut]


@tool(
    "arango_list_workflows",
    title="List workflows",
    category="workflows",
    args=NoArgs,
    result=WorkflowsOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_workflows(ctx: ToolContext, args: NoArgs) -> WorkflowsOut:
    """List workflows and stages.

    Workflows are tool sets (with their sizes); stages adjust them.
    """
    registry = ctx.runtime.registry
    available = registry.available(ctx.config)
    active = view_of(ctx.session, ctx.config).workflow
    flows = []
    for flow in WORKFLOWS.values():
        names = base_names(available, flow.name, None)
        flows.append(
            WorkflowOut(
                name=flow.name,
                description=flow.description,
                categories=[*flow.categories, *flow.tools],
                tools=len(names),
                tokens=registry.wire_bytes(names) // 4,
                active=flow.name == active,
            )
        )
    stages = [
        StageOut(name=s.name, description=s.description, adds=list(s.adds), read_only=s.read_only)
        for s in STAGES.values()
    ]
    return WorkflowsOut(workflows=flows, stages=stages)


# ------------------------------------------------------------------ stages
class AdvanceArgs(Args):
    stage: StageName | None = Field(default=None, description="Default: the next stage")


@tool(
    "arango_advance_workflow_stage",
    title="Advance the workflow stage",
    category="workflows",
    args=AdvanceArgs,
    result=Changed,
    read_only=True,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def advance_workflow_stage(ctx: ToolContext, args: AdvanceArgs) -> Changed:
    """Enter the next or a named stage.

    Lists the tools added. Stages run setup, data_loading, analysis, cleanup; each adds its
    categories to the workflow, and analysis hides write tools.
    """
    state = session_state(ctx)
    target = args.stage or _next_stage(state.stage)
    if target is None:
        raise InvalidArguments(
            "cleanup is the last stage",
            hint="name a stage, or call arango_switch_workflow to start over",
            field="stage",
        )

    def mutate(state: SessionState) -> None:
        state.stage = target

    return change_tools(ctx, mutate)
