"""How a tool is declared: ``@tool(...)`` turns an async handler into a frozen ``ToolSpec``.

::

    @tool("arango_insert", title="Insert documents", category="documents",
          args=InsertArgs, result=InsertResult,
          read_only=False, destructive=False, idempotent=False, open_world=False)
    async def insert(ctx: ToolContext, args: InsertArgs) -> InsertResult:
        \"\"\"Insert one or more documents into a collection.\"\"\"

The four annotations are keyword-only and required, so a tool that forgets one fails at
import. The handler's docstring is the tool's description. Input and output JSON Schemas
are derived from the pydantic models once and compacted (no ``title`` noise, no
``$ref``/``$defs``, ``additionalProperties: false`` from ``extra="forbid"``).

Two forms of each tool exist. The documentation form (``description``, ``input_schema``
with every argument description) feeds docs/tools.md, ``arango_search_tools``
``detail=full`` and input validation. The wire form (``summary``, ``wire_schema``) is
what ``tools/list`` carries: every client pays for it in context on every session, so it
keeps an argument's description only where name, type and enum cannot say it, marked
``Field(description="…", json_schema_extra=LISTED)`` (at most 40 characters).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from mcp_arangodb_async.tools.context import ToolContext

__all__ = [
    "Args",
    "DatabaseArgs",
    "Handler",
    "LISTED",
    "Result",
    "ToolSpec",
    "compact_schema",
    "shallow_schema",
    "tool",
]

TOOL_NAME = re.compile(r"^arango_[a-z0-9_]{1,100}$")
CATEGORIES = (
    "databases",
    "documents",
    "collections",
    "indexes",
    "queries",
    "graphs",
    "schemas",
    "validation",
    "backups",
    "workflows",
    "discovery",
)

DATABASE_DESCRIPTION = "Database key (this call only)"
#: ``json_schema_extra`` marking an argument whose description ``tools/list`` carries
LISTED: dict[str, Any] = {"listed": True}

#: a sentence ends at ". " before a capital or a backtick ("e.g. x" does not end one)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`])")
#: keywords the server enforces itself (a violation is a tool error naming the field):
#: listing them costs bytes on every tools/list without helping a caller choose values
_ENFORCED_ONLY = frozenset(
    {"title", "$defs", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"}
)
#: what every tool's ``outputSchema`` says on the wire (see :func:`shallow_schema`)
_WIRE_OUTPUT = {"type": "object"}


class Args(BaseModel):
    """Base of every tool's arguments: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class DatabaseArgs(Args):
    """Arguments of a data tool: the optional per-call ``database`` override (seed §2.9)."""

    database: str | None = Field(default=None, description=DATABASE_DESCRIPTION)


class Result(BaseModel):
    """Base of every tool's result (structuredContent)."""

    model_config = ConfigDict(extra="forbid")


Handler = Callable[["ToolContext", Any], Awaitable[BaseModel]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    category: str
    args: type[Args]
    result: type[Result]
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool
    handler: Handler = field(repr=False)
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=dict, repr=False)
    output_schema: dict[str, Any] = field(default_factory=dict, repr=False)
    #: ``input_schema`` without the argument descriptions not marked ``LISTED``
    wire_schema: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the result model's full compact schema (docs and search ``detail=full``)
    result_schema: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def summary(self) -> str:
        """The description's first sentence: what ``tools/list`` carries (docs show it all).

        Every client pays for ``tools/list`` in context on every session, so the wire
        carries one sentence, without its closing full stop (a byte per tool that says
        nothing); docs/tools.md carries the whole docstring.
        """
        paragraph = self.description.split("\n\n", 1)[0].replace("\n", " ")
        return _SENTENCE_END.split(paragraph, maxsplit=1)[0].removesuffix(".")

    @property
    def uses_database(self) -> bool:
        """Whether the call resolves a database (has the ``database`` override)."""
        return issubclass(self.args, DatabaseArgs)


def tool(
    name: str,
    *,
    title: str,
    category: str,
    args: type[Args],
    result: type[Result],
    read_only: bool,
    destructive: bool,
    idempotent: bool,
    open_world: bool,
) -> Callable[[Handler], ToolSpec]:
    """Declare a tool (see the module docstring)."""
    if not TOOL_NAME.match(name):
        raise ValueError(f"tool name {name!r} must match {TOOL_NAME.pattern}")
    if category not in CATEGORIES:
        raise ValueError(f"tool {name}: unknown category {category!r}")
    if not (issubclass(args, Args) and issubclass(result, Result)):
        raise TypeError(f"tool {name}: args must subclass Args and result must subclass Result")
    if read_only and destructive:
        raise ValueError(f"tool {name}: a read-only tool cannot be destructive")

    def register(handler: Handler) -> ToolSpec:
        if not inspect.iscoroutinefunction(handler):
            raise TypeError(f"tool {name}: the handler must be async")
        description = inspect.cleandoc(handler.__doc__ or "")
        if not description:
            raise ValueError(f"tool {name}: the handler needs a docstring (the description)")
        schema = args.model_json_schema()
        result_schema = result.model_json_schema(mode="serialization")
        return ToolSpec(
            name=name,
            title=title,
            category=category,
            args=args,
            result=result,
            read_only=read_only,
            destructive=destructive,
            idempotent=idempotent,
            open_world=open_world,
            handler=handler,
            description=description,
            input_schema=compact_schema(schema),
            output_schema=shallow_schema(result_schema),
            wire_schema=compact_schema(schema, wire=True),
            result_schema=compact_schema(result_schema),
        )

    return register


def compact_schema(schema: dict[str, Any], *, wire: bool = False) -> dict[str, Any]:
    """Inline ``$ref``s, drop noise, fold ``X | None`` to ``X``.

    Noise: ``title``s, model docstrings (a ``description`` of the root or of a ``$ref``
    target: written for developers), ``default`` of ``null``/``false``/empty, bounds and
    nested ``additionalProperties: false`` (the server enforces them and names the field),
    ``type`` next to a string ``enum``, and the ``LISTED`` marker.
    Optional fields stay optional through ``required``; the server still accepts an
    explicit ``null`` for them, so folding the null branch only saves bytes. Any other
    union of distinct types becomes one ``type`` list (``["string", "null"]``,
    ``["object", "array"]`` with ``items``) when each branch's keywords apply only to
    its own type: the same schema, shorter.
    With ``wire``, argument descriptions not marked ``LISTED`` go too (the ``tools/list``
    form; see the module docstring). Every property keeps its ``type``: hosts that
    translate tool schemas for a model provider often require one.
    """
    defs = schema.get("$defs", {})

    def walk(node: Any, root: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = defs[node["$ref"].rsplit("/", 1)[-1]]
            target = {k: v for k, v in target.items() if k != "description"}
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return walk(merged)
        optional = "default" in node and node["default"] is None
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _ENFORCED_ONLY or key == "listed":
                continue
            if key == "description" and wire and not node.get("listed"):
                continue
            if key == "default" and (value is None or value is False or value in ([], {})):
                continue
            if key == "type" and all(isinstance(v, str) for v in node.get("enum", [None])):
                continue
            if key == "additionalProperties" and (value is True or (value is False and not root)):
                continue  # the JSON Schema default; nested objects: enforced by the server
            if key == "properties":
                out[key] = {name: walk(sub) for name, sub in value.items()}
            else:
                out[key] = walk(value)
        variants = out.get("anyOf")
        if (
            optional
            and isinstance(variants, list)
            and len(variants) == 2
            and {"type": "null"} in variants
        ):
            (other,) = [v for v in variants if v != {"type": "null"}]
            del out["anyOf"]
            out = {**other, **out}
        elif isinstance(variants, list) and _one_per_type(variants):
            del out["anyOf"]
            merged: dict[str, Any] = {"type": [v["type"] for v in variants]}
            for variant in variants:
                merged.update((k, v) for k, v in variant.items() if k != "type")
            out = {**merged, **out}
        return out

    compact = walk(schema, root=True)
    compact.pop("description", None)  # the root model's docstring
    return compact


#: keywords that constrain only instances of one type (so branches can share a schema)
_TYPE_ONLY = {"array": {"items"}, "object": {"properties", "required"}}


def _one_per_type(variants: list[Any]) -> bool:
    """Whether ``anyOf`` branches can merge into one schema with a ``type`` list."""
    kinds = [v.get("type") if isinstance(v, dict) else None for v in variants]
    if not all(isinstance(k, str) for k in kinds) or len(set(kinds)) != len(kinds):
        return False
    return all(set(v) - {"type"} <= _TYPE_ONLY.get(v["type"], set()) for v in variants)


def shallow_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The output schema as published: ``{"type": "object"}``, the same for every tool.

    Every client pays for ``tools/list`` in context on every session; listing each
    result's key fields there cost about 2,700 bytes of the catalogue, while an agent
    reads a reply's fields off the reply itself. The result fields are in docs/tools.md
    and in ``arango_search_tools`` ``detail=full`` (``ToolSpec.result_schema``). Every
    reply still carries ``structuredContent`` (the result model), which this schema
    truthfully describes.
    """
    if schema.get("type") != "object":
        raise TypeError("a tool result must serialise to a JSON object")
    return dict(_WIRE_OUTPUT)
