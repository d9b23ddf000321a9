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
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import mcp_types as types
from arangoasync.exceptions import ArangoError as DriverError
from pydantic import ValidationError

from mcp_arangodb_async.errors import (
    DatabaseUnavailable,
    InvalidArguments,
    ReadOnlyDatabase,
    ToolError,
    from_driver_error,
)
from mcp_arangodb_async.resolution import resolve
from mcp_arangodb_async.results import dumps
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import TOOL_NAME, ToolSpec

if TYPE_CHECKING:
    from mcp_arangodb_async.config import Config
    from mcp_arangodb_async.runtime import Runtime
    from mcp_arangodb_async.sessions import SessionIdentity, SessionState

__all__ = ["REGISTRY", "Registry", "build_registry"]

log = logging.getLogger("mcp_arangodb_async")


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
        """The tools this session may see and call.

        Write tools disappear when every configured database is ``read_only``. Later
        features (workflows) narrow the set further from ``session``.
        """
        all_read_only = bool(config.databases) and all(
            entry.read_only for entry in config.databases.values()
        )
        return [s for s in self._specs.values() if s.read_only or not all_read_only]

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
    ) -> types.CallToolResult:
        session = runtime.sessions.get(identity.session_id) if identity.session_id else None
        spec = self._specs.get(name)
        if spec is None or spec not in self.visible(session, runtime.config):
            return _error_result(
                ToolError(f"unknown tool '{name}'", hint="call tools/list for the available tools"),
                name,
            )
        key: str | None = None
        try:
            try:
                args = spec.args.model_validate(arguments or {})
            except ValidationError as exc:
                raise _invalid_arguments(name, exc) from None
            context = ToolContext(runtime=runtime, identity=identity, session=session)
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
        except (DriverError, OSError, TimeoutError) as exc:
            error = from_driver_error(exc, database=key or "?")
            if isinstance(error, DatabaseUnavailable) and key is not None:
                await runtime.connections.invalidate(key)
            return _error_result(error, name)
        except Exception as exc:
            log.error("tool %s failed unexpectedly (%s)", name, type(exc).__name__)
            log.debug("traceback of the failure in %s", name, exc_info=True)
            return _error_result(ToolError("internal error in the MCP server"), name)
        structured = result.model_dump(mode="json", exclude_none=True)
        return types.CallToolResult(
            content=[types.TextContent(text=dumps(structured))],
            structured_content=structured,
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
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=spec.summary,
        input_schema=spec.input_schema,
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
    from mcp_arangodb_async.tools import collections, databases, documents, indexes, queries

    return Registry.from_modules((databases, documents, collections, indexes, queries))


REGISTRY = build_registry()
