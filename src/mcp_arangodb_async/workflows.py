"""Workflows and stages as data: which registry categories a session sees (seed 000 §2.8).

A workflow is a named tool set defined by categories (plus a few named tools), so a tool
added to a category later joins every workflow that lists the category. A stage narrows
or widens the active workflow for one phase of the work: it adds categories and may hide
the write tools. On top of both, a session can load single tools (``arango_search_tools``
with ``load``) and unload others (``arango_unload_tools``). The workflow and discovery
tools themselves are always visible, so a session can always find its way back.

This module is pure data and set arithmetic over ``ToolSpec``-like records; the registry
applies it per session, the tools in ``tools/workflows.py`` and ``tools/discovery.py``
change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "ALWAYS_VISIBLE",
    "DEFAULT_WORKFLOW",
    "STAGES",
    "STAGE_ORDER",
    "WORKFLOWS",
    "Stage",
    "Workflow",
    "WorkflowView",
    "visible_names",
]

#: categories every session sees whatever its workflow: the way to load everything else
ALWAYS_VISIBLE = ("workflows", "discovery")
#: what a session sees before it switches (``--workflow`` / ``workflow:`` change it)
DEFAULT_WORKFLOW = "full"


class _Spec(Protocol):
    name: str
    category: str
    read_only: bool


@dataclass(frozen=True)
class Workflow:
    name: str
    description: str
    #: categories whose tools are all in the set (``"*"``: every category)
    categories: tuple[str, ...] = ()
    #: single tools from other categories
    tools: tuple[str, ...] = ()
    #: single tools left out of the listed categories
    exclude: tuple[str, ...] = ()

    def includes(self, spec: _Spec) -> bool:
        if spec.category in ALWAYS_VISIBLE or spec.name in self.tools:
            return True
        if spec.name in self.exclude:
            return False
        return "*" in self.categories or spec.category in self.categories


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    #: categories added to the workflow for this stage (widen)
    adds: tuple[str, ...] = ()
    #: hide the tools that write, except in the stage's own categories (narrow)
    read_only: bool = False


_ESSENTIALS = ("arango_list_collections", "arango_query")
_GRAPH_BACKUPS = ("arango_backup_graph", "arango_backup_named_graphs", "arango_restore_graph")

WORKFLOWS: dict[str, Workflow] = {
    w.name: w
    for w in (
        Workflow(
            "baseline",
            "Smallest set: discovery tools, collection listing and AQL; load more on demand.",
            tools=_ESSENTIALS,
        ),
        Workflow(
            "data_analysis",
            "Read and query data: AQL, paging, collections and indexes.",
            categories=("queries", "collections", "indexes"),
            tools=("arango_get_focused_database", "arango_list_available_databases"),
        ),
        Workflow(
            "graph_modeling",
            "Design and traverse graphs: graph tools, collection listing and AQL.",
            categories=("graphs",),
            tools=("arango_list_collections", "arango_query", "arango_next_page"),
            exclude=_GRAPH_BACKUPS,
        ),
        Workflow(
            "bulk_operations",
            "Load and change many documents: document and bulk tools, collections and AQL.",
            categories=("documents", "collections"),
            tools=("arango_query",),
        ),
        Workflow(
            "schema_validation",
            "Define and check document schemas and indexes.",
            categories=("schemas", "validation", "indexes"),
            tools=("arango_list_collections",),
        ),
        Workflow(
            "database_admin",
            "Manage databases, focus, connections, backups and collections.",
            categories=("databases", "backups", "collections"),
            tools=_GRAPH_BACKUPS,
        ),
        Workflow("full", "Every tool the server has.", categories=("*",)),
    )
}

STAGES: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage(
            "setup",
            "Create collections, indexes and schemas.",
            adds=("collections", "indexes", "schemas"),
        ),
        Stage(
            "data_loading",
            "Write documents in bulk and validate them.",
            adds=("documents", "validation"),
        ),
        Stage(
            "analysis",
            "Query and traverse; other write tools hidden.",
            adds=("queries", "graphs"),
            read_only=True,
        ),
        Stage(
            "cleanup",
            "Drop, truncate and back up.",
            adds=("collections", "indexes", "backups"),
        ),
    )
}
STAGE_ORDER = tuple(STAGES)


@dataclass(frozen=True)
class WorkflowView:
    """What decides a session's set: workflow, stage and the per-tool adjustments."""

    workflow: str = DEFAULT_WORKFLOW
    stage: str | None = None
    loaded: frozenset[str] = frozenset()
    unloaded: frozenset[str] = frozenset()


def base_names(specs: Iterable[_Spec], workflow: str, stage: str | None) -> list[str]:
    """The workflow's tools as narrowed or widened by the stage, in registry order."""
    flow = WORKFLOWS[workflow]
    phase = STAGES[stage] if stage is not None else None
    out = []
    for spec in specs:
        always = spec.category in ALWAYS_VISIBLE
        chosen = flow.includes(spec) or (phase is not None and spec.category in phase.adds)
        added = phase is not None and spec.category in phase.adds
        if phase is not None and phase.read_only and not (spec.read_only or always or added):
            chosen = False
        if chosen:
            out.append(spec.name)
    return out


def visible_names(specs: Iterable[_Spec], view: WorkflowView) -> set[str]:
    """The names a session with ``view`` sees (before the read-only configuration filter)."""
    specs = list(specs)
    names = set(base_names(specs, view.workflow, view.stage)) | view.loaded
    always = {s.name for s in specs if s.category in ALWAYS_VISIBLE}
    return (names - view.unloaded) | always


def workflows_including(specs: Iterable[_Spec], name: str) -> list[str]:
    """The workflows (not ``full``) whose base set holds tool ``name``."""
    specs = list(specs)
    return [flow for flow in WORKFLOWS if flow != "full" and name in base_names(specs, flow, None)]
