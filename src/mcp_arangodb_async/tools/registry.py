"""The one tool registry: listing, per-session visibility, dispatch and the error boundary.

The category modules are imported in a fixed order and every ``ToolSpec`` they define is
collected in definition order, so ``tools/list`` is deterministic. Duplicate or invalid
names fail at import.

:meth:`Registry.call` is the single boundary between a tool call and the client:
arguments are validated (an error names the field), the database key is resolved, the
handler runs, and whatever happens becomes either ``structuredContent`` plus compact JSON
text, or an ``isError`` result whose payload carries ``kind``, ``message``, ``hint`` and
(for ArangoDB errors) ``errorNum``. Tracebacks go to the debug log only, never to the
client.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import mcp_types as types
from pydantic import ValidationError

from mcp_arangodb_async.errors import (
    DatabaseUnavailable,
    InvalidArguments,
    ReadOnlyDatabase,
    ToolError,
    ToolNotLoaded,
    from_driver_error,
)
from mcp_arangodb_async.resolution import resolve
from mcp_arangodb_async.results import dumps
from mcp_arangodb_async.sessions import ToolUsage
from mcp_arangodb_async.tools.context import ProgressFn, ToolContext
from mcp_arangodb_async.tools.spec import TOOL_NAME, ToolSpec
from mcp_arangodb_async.workflows import WorkflowView, visible_names, workflows_including

if TYPE_CHECKING:
    from mcp_arangodb_async.config import Config
    from mcp_arangodb_async.runtime import Runtime
    from mcp_arangodb_async.sessions import SessionIdentity, SessionState

__all__ = ["REGISTRY", "Registry", "build_registry", "view_of"]

log = logging.getLogger("mcp_arangodb_async")

#: distinct workflow views whose visible names are memoised (cleared when full)
_VIEW_CACHE_SIZE = 1024


class Registry:
    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        self._specs: dict[str, ToolSpec] = {}
        for spec in specs:
            if not TOOL_NAME.match(spec.name):
                raise ValueError(f"invalid tool name {spec.name!r}")
            if spec.name in self._specs:
                raise ValueError(f"duplicate tool name {spec.name!r}")
            self._specs[spec.name] = spec
        self._wire: dict[str, types.Tool] = {s.name: _to_wire(s) for s in self._specs.values()}
        self._wire_size = {
            name: len(
                dumps(tool.model_dump(by_alias=True, exclude_none=True, mode="json")).encode()
            )
            + 1  # the separating comma in the list
            for name, tool in self._wire.items()
        }
        self._names_by_view: dict[WorkflowView, frozenset[str]] = {}

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Registry:
        specs: list[ToolSpec] = []
        for module in modules:
            specs.extend(v for v in vars(module).values() if isinstance(v, ToolSpec))
        return cls(specs)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def get(self, name: str) -> ToolSpec | None:
        return self._specs.get(name)

    def categories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for spec in self._specs.values():
            out.setdefault(spec.category, []).append(spec.name)
        return out

    def visible(self, session: SessionState | None, config: Config) -> list[ToolSpec]:
        """The tools this session may see and call, in registry order.

        The session's workflow view (workflow, stage, loaded/unloaded tools; without a
        session, the server's starting workflow) picks the set; write tools then
        disappear when every configured database is ``read_only``.
        """
        names = self._visible_names(session, config)
        return [s for s in self.available(config) if s.name in names]

    def available(self, config: Config) -> list[ToolSpec]:
        """Every tool this server can run at all (the read-only filter only)."""
        all_read_only = _all_read_only(config)
        return [s for s in self._specs.values() if s.read_only or not all_read_only]

    def _visible_names(self, session: SessionState | None, config: Config) -> frozenset[str]:
        """``visible_names`` of the session's view, memoised: every call checks it.

        Views are few (workflow, stage and per-session adjustments) and immutable.
        """
        view = view_of(session, config)
        names = self._names_by_view.get(view)
        if names is None:
            if len(self._names_by_view) >= _VIEW_CACHE_SIZE:
                self._names_by_view.clear()
            names = frozenset(visible_names(self._specs.values(), view))
            self._names_by_view[view] = names
        return names

    def _callable(self, spec: ToolSpec, session: SessionState | None, config: Config) -> bool:
        """``spec in self.visible(session, config)`` without building the list."""
        if not spec.read_only and _all_read_only(config):
            return False
        return spec.name in self._visible_names(session, config)

    def wire_bytes(self, names: Iterable[str]) -> int:
        """Bytes of compact ``tools/list`` JSON for these tools (for token estimates)."""
        return sum(self._wire_size[name] for name in names if name in self._wire_size)

    def list_tools(self, session: SessionState | None, config: Config) -> list[types.Tool]:
        return [self._wire[spec.name] for spec in self.visible(session, config)]

    def input_schema(self, name: str) -> dict[str, Any] | None:
        spec = self._specs.get(name)
        return spec.input_schema if spec is not None else None

    async def call(
        self,
        name: str,
        arguments: dict[str, Any] | None,
        runtime: Runtime,
        identity: SessionIdentity,
        progress: ProgressFn | None = None,
    ) -> types.CallToolResult:
        session = runtime.sessions.get(identity.session_id) if identity.session_id else None
        spec = self._specs.get(name)
        if spec is None or (not spec.read_only and _all_read_only(runtime.config)):
            return _error_result(
                ToolError(f"unknown tool '{name}'", hint="call tools/list for the available tools"),
                name,
            )
        if not self._callable(spec, session, runtime.config):
            return _error_result(self._not_loaded(spec, session, runtime.config), name)
        result = await self._run(spec, arguments, runtime, identity, session, progress)
        if session is not None:
            usage = session.usage.setdefault(name, ToolUsage())
            usage.calls += 1
            usage.errors += bool(result.is_error)
            usage.last_used = time.time()
        return result

    def _not_loaded(
        self, spec: ToolSpec, session: SessionState | None, config: Config
    ) -> ToolNotLoaded:
        view = view_of(session, config)
        flows = workflows_including(self._specs.values(), spec.name)
        how = f'arango_search_tools with {{"query": "{spec.name}", "load": true}}'
        if flows:
            how += f", or arango_switch_workflow to one of: {', '.join(flows)}"
        stage = f", stage '{view.stage}'" if view.stage else ""
        return ToolNotLoaded(
            f"{spec.name} is not loaded in this session (workflow '{view.workflow}'{stage})",
            hint=f"load it: {how}",
            workflows=flows,
        )

    async def _run(
        self,
        spec: ToolSpec,
        arguments: dict[str, Any] | None,
        runtime: Runtime,
        identity: SessionIdentity,
        session: SessionState | None,
        progress: ProgressFn | None,
    ) -> types.CallToolResult:
        name = spec.name
        key: str | None = None
        try:
            try:
                args = spec.args.model_validate(arguments or {})
            except ValidationError as exc:
                raise _invalid_arguments(name, exc) from None
            context = ToolContext(
                runtime=runtime, identity=identity, session=session, progress=progress
            )
            if spec.uses_database:
                context.resolution = resolve(
                    getattr(args, "database", None), session, runtime.config
                )
                key = context.resolution.key
                entry = runtime.config.databases.get(key)
                if entry is not None and entry.read_only and not spec.read_only:
                    raise ReadOnlyDatabase(
                        f"database '{key}' is configured read_only; {name} writes",
                        hint="use a key without read_only for writes",
                        database=key,
                    )
            result = await spec.handler(context, args)
        except ToolError as exc:
            return _error_result(exc, name)
        except Exception as exc:
            if isinstance(exc, OSError | TimeoutError) or _is_driver_error(exc):
                error = from_driver_error(exc, database=key or "?")
                if isinstance(error, DatabaseUnavailable) and key is not None:
                    await runtime.connections.invalidate(key)
                return _error_result(error, name)
            log.error("tool %s failed unexpectedly (%s)", name, type(exc).__name__)
            log.debug("traceback of the failure in %s", name, exc_info=True)
            return _error_result(ToolError("internal error in the MCP server"), name)
        structured = result.model_dump(mode="json", exclude_none=True)
        return types.CallToolResult(
            content=[types.TextContent(text=dumps(structured))],
            structured_content=structured,
        )


def _is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from python-arango-async.

    Looked up in ``sys.modules`` so the registry does not import the driver (it loads on
    the first connection): before that, no exception can be one of its errors.
    """
    exceptions = sys.modules.get("arangoasync.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.ArangoError)


def _all_read_only(config: Config) -> bool:
    """Whether every configured database is ``read_only`` (write tools then disappear)."""
    return bool(config.databases) and all(entry.read_only for entry in config.databases.values())


def view_of(session: SessionState | None, config: Config) -> WorkflowView:
    """The workflow view of a session (the server's starting workflow without one)."""
    if session is None:
        return WorkflowView(workflow=config.workflow)
    return WorkflowView(
        workflow=session.workflow or config.workflow,
        stage=session.stage,
        loaded=frozenset(session.loaded),
        unloaded=frozenset(session.unloaded),
    )


def _invalid_arguments(tool_name: str, exc: ValidationError) -> InvalidArguments:
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(arguments)"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append({"field": field, "message": message.removeprefix("Value error, ")})
    summary = "; ".join(f"`{p['field']}`: {p['message']}" for p in problems)
    return InvalidArguments(
        f"invalid arguments for {tool_name}: {summary}",
        hint="see the tool's inputSchema in tools/list",
        field=problems[0]["field"] if problems else None,
        errors=problems,
    )


def _error_result(error: ToolError, tool_name: str) -> types.CallToolResult:
    payload = {"tool": tool_name, **error.payload()}
    log.info("tool %s failed: %s", tool_name, error.kind)
    return types.CallToolResult(
        content=[types.TextContent(text=dumps({"error": payload}))], is_error=True
    )


def _to_wire(spec: ToolSpec) -> types.Tool:
    """The ``tools/list`` form of a tool: what an agent needs to pick and call it.

    Every client pays for this in context on every session, so it carries the summary
    sentence, the wire schema (argument descriptions only where ``LISTED``), a plain
    object output schema and the four annotations, but no ``title``: titles, the whole
    docstring and the result fields are in docs/tools.md and ``arango_search_tools``.
    """
    return types.Tool(
        name=spec.name,
        description=spec.summary,
        input_schema=spec.wire_schema,
        output_schema=spec.output_schema,
        annotations=types.ToolAnnotations(
            read_only_hint=spec.read_only,
            destructive_hint=spec.destructive,
            idempotent_hint=spec.idempotent,
            open_world_hint=spec.open_world,
        ),
    )


def build_registry() -> Registry:
    """The registry of every tool, in category order (the order of ``tools/list``)."""
    from mcp_arangodb_async.tools import (
        backups,
        bulk,
        collections,
        databases,
        discovery,
        documents,
        graph_backup,
        graphs,
        indexes,
        queries,
        schemas,
        validation,
        workflows,
    )

    return Registry.from_modules(
        (
            databases,
            documents,
            bulk,
            collections,
            indexes,
            queries,
            graphs,
            graph_backup,
            schemas,
            validation,
            backups,
            workflows,
            discovery,
        )
    )


REGISTRY = build_registry()
