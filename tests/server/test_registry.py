"""The registry's promises: every tool fully annotated, compact schemas, docs in sync."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import pytest
from pydantic import Field, ValidationError

from mcp_arangodb_async.config import Config, DatabaseEntry
from mcp_arangodb_async.tools.docs import render
from mcp_arangodb_async.tools.registry import REGISTRY, Registry, build_registry
from mcp_arangodb_async.tools.spec import (
    DATABASE_DESCRIPTION,
    LISTED,
    Args,
    DatabaseArgs,
    Result,
    compact_schema,
    tool,
)

ROOT = Path(__file__).resolve().parents[2]
DATA_CATEGORIES = {"documents", "collections", "indexes", "queries"}


def _wire(config: Config) -> list[dict]:
    return [
        t.model_dump(by_alias=True, exclude_none=True, mode="json")
        for t in REGISTRY.list_tools(None, config)
    ]


CONFIG = Config(databases={"a": DatabaseEntry(url="http://h:1")})


def test_every_tool_is_fully_declared():
    for listed in _wire(CONFIG):
        spec = REGISTRY.get(listed["name"])
        assert spec is not None
        annotations = listed["annotations"]
        assert annotations == {
            "readOnlyHint": spec.read_only,
            "destructiveHint": spec.destructive,
            "idempotentHint": spec.idempotent,
            "openWorldHint": spec.open_world,
        }
        assert listed["outputSchema"] == {"type": "object"}
        schema = listed["inputSchema"]
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        text = json.dumps(schema)
        assert '"title"' not in text and "$ref" not in text and "$defs" not in text
        assert '"listed"' not in text
        # the title stays in the registry (docs headings, search), off the wire
        assert listed["description"] and spec.title and "title" not in listed


def test_data_tools_take_the_database_override():
    for spec in REGISTRY:
        if spec.category in DATA_CATEGORIES and spec.name != "arango_next_page":
            assert "database" in spec.input_schema["properties"], spec.name
            assert spec.uses_database


def test_listing_is_deterministic_and_compact():
    first = json.dumps(_wire(CONFIG), separators=(",", ":"))
    assert first == json.dumps(
        [
            t.model_dump(by_alias=True, exclude_none=True, mode="json")
            for t in build_registry().list_tools(None, CONFIG)
        ],
        separators=(",", ":"),
    )
    catalogue = REGISTRY.wire_bytes(spec.name for spec in REGISTRY)
    # guards growth today; the issue-4 budget itself is test_full_catalogue_budget
    assert catalogue / len(REGISTRY) <= 750
    assert max(REGISTRY.wire_bytes([spec.name]) for spec in REGISTRY) <= 1400


def test_full_catalogue_budget():
    # issue 4: 24,000 bytes for the whole (50-tool) catalogue, about 530 per tool
    catalogue = REGISTRY.wire_bytes(spec.name for spec in REGISTRY)
    assert catalogue <= 24_000
    assert catalogue / len(REGISTRY) <= 530
    # wire_bytes is what a client receives: the serialised tools/list entries
    full = json.dumps(_wire(CONFIG), separators=(",", ":"), ensure_ascii=False)
    assert abs(len(full.encode()) - catalogue) <= 2


def test_wire_format_carries_no_noise():
    summaries = []
    for listed in _wire(CONFIG):
        # every client pays for tools/list: result fields are in docs and search, not here
        assert listed["outputSchema"] == {"type": "object"}
        text = json.dumps(listed["inputSchema"])
        for noise in ('"minLength"', '"maxItems"', '"default": null', '"default": false'):
            assert noise not in text, (listed["name"], noise)
        spec = REGISTRY.get(listed["name"])
        assert spec is not None and listed["description"] == spec.summary
        assert not re.search(r"[.!?]\s+[A-Z`]", listed["description"]), listed["name"]
        assert len(spec.summary) <= 90, spec.name
        summaries.append(len(spec.summary))
    assert sum(summaries) / len(summaries) <= 55
    query = REGISTRY.get("arango_query")
    assert query is not None
    # the documentation form still knows the result fields every reply holds
    assert {"database", "rows", "returned", "truncated"} <= set(query.result_schema["required"])
    first = query.description.split("\n\n")[0].replace("\n", " ")
    assert query.summary == first.removesuffix(".") and not query.summary.endswith(".")


def _described(schema: dict) -> dict[str, str]:
    """Top-level argument name -> description, for the arguments that have one."""
    props = schema.get("properties", {})
    return {name: sub["description"] for name, sub in props.items() if "description" in sub}


def test_wire_schemas_describe_only_the_listed_arguments():
    listed = {}
    for spec in REGISTRY:
        wire = spec.wire_schema
        docs = _described(spec.input_schema)
        # the documentation form keeps every description (docs/tools.md, search detail=full)
        if spec.uses_database:
            assert docs["database"] == DATABASE_DESCRIPTION
        # the wire keeps a subset of them, word for word, and nothing nested
        for name, text in _described(wire).items():
            assert docs[name] == text, (spec.name, name)
            listed[f"{spec.name}.{name}"] = text
        for name, sub in wire.get("properties", {}).items():
            assert "description" not in json.dumps(sub.get("items", {})), (spec.name, name)
        # same arguments, types, required set and enums: only descriptions are dropped
        assert wire["properties"].keys() == spec.input_schema["properties"].keys()
        for name, sub in wire["properties"].items():
            full = spec.input_schema["properties"][name]
            assert sub.get("type") == full.get("type"), (spec.name, name)
            assert "type" in sub or "enum" in sub, (spec.name, name)
        assert wire.get("required") == spec.input_schema.get("required")
    assert "arango_query.query" not in listed and "arango_insert.database" not in listed
    assert listed["arango_create_index.expire_after"] == "Seconds (ttl only)"
    assert listed["arango_restore.path"] == "Under the backup root"
    assert 0 < len(listed) <= 12, sorted(listed)
    assert all(len(text) <= 40 for text in listed.values()), listed


def test_wire_schema_keeps_marked_descriptions_and_every_type():
    class Sample(DatabaseArgs):
        name: str = Field(description="Not listed")
        seconds: float | None = Field(default=None, description="Seconds", json_schema_extra=LISTED)
        flag: bool = Field(default=True, description="On")
        limit: int = 10
        weight: float = 1
        either: str | None = Field(description="string or null")
        docs: dict | list[dict]

    wire = compact_schema(Sample.model_json_schema(), wire=True)
    assert wire["properties"] == {
        "database": {"type": "string"},
        "name": {"type": "string"},
        "seconds": {"description": "Seconds", "type": "number"},
        "flag": {"default": True, "type": "boolean"},
        "limit": {"default": 10, "type": "integer"},
        "weight": {"default": 1, "type": "number"},
        "either": {"type": ["string", "null"]},
        "docs": {"type": ["object", "array"], "items": {"type": "object"}},
    }
    full = compact_schema(Sample.model_json_schema())
    assert full["properties"]["seconds"] == {"description": "Seconds", "type": "number"}
    assert full["properties"]["flag"] == {"default": True, "description": "On", "type": "boolean"}
    assert full["properties"]["either"] == {
        "type": ["string", "null"],
        "description": "string or null",
    }
    assert wire["required"] == full["required"] == ["name", "either", "docs"]
    with pytest.raises(ValidationError):
        Sample.model_validate({"name": "x", "either": None, "docs": {}, "flag": "maybe"})


def test_compact_schema_drops_what_the_server_enforces():
    class Inner(Args):
        """Developer notes that clients never need."""

        op: Literal["==", "!="] = "=="

    class Sample(DatabaseArgs):
        """Also developer notes."""

        name: str = Field(min_length=1, max_length=64, description="A name")
        limit: int = Field(default=10, ge=1, le=100)
        flag: bool = False
        filters: list[Inner] | None = None

    schema = compact_schema(Sample.model_json_schema())
    assert schema == {
        "additionalProperties": False,
        "properties": {
            "database": {"type": "string", "description": DATABASE_DESCRIPTION},
            "name": {"description": "A name", "type": "string"},
            "limit": {"default": 10, "type": "integer"},
            "flag": {"type": "boolean"},
            "filters": {
                "items": {
                    "properties": {"op": {"default": "==", "enum": ["==", "!="]}},
                    "type": "object",
                },
                "type": "array",
            },
        },
        "required": ["name"],
        "type": "object",
    }
    # the pydantic model still enforces everything the schema no longer lists
    with pytest.raises(ValidationError):
        Sample.model_validate({"name": "x", "limit": 101})
    with pytest.raises(ValidationError):
        Sample.model_validate({"name": "x", "filters": [{"op": "==", "extra": 1}]})


def test_write_tools_are_hidden_when_every_database_is_read_only():
    read_only = Config(databases={"a": DatabaseEntry(url="http://h:1", read_only=True)})
    names = {t["name"] for t in _wire(read_only)}
    assert "arango_list_collections" in names and "arango_set_focused_database" in names
    assert "arango_insert" not in names and "arango_create_index" not in names


def test_bad_declarations_fail_at_import():
    class A(Args):
        pass

    class R(Result):
        pass

    async def handler(ctx, args):  # type: ignore[no-untyped-def]
        """Does nothing."""

    def declare(name: str = "arango_x", **overrides):  # type: ignore[no-untyped-def]
        options = dict(
            title="X",
            category="documents",
            args=A,
            result=R,
            read_only=True,
            destructive=False,
            idempotent=True,
            open_world=False,
        )
        options.update(overrides)
        return tool(name, **options)(handler)

    spec = declare()
    with pytest.raises(ValueError, match="duplicate tool name"):
        Registry([spec, spec])
    with pytest.raises(ValueError, match="must match"):
        declare("Bad Name")
    with pytest.raises(ValueError, match="unknown category"):
        declare(category="misc")
    with pytest.raises(ValueError, match="read-only tool cannot be destructive"):
        declare(destructive=True)
    with pytest.raises(TypeError):
        tool("arango_y", title="Y", category="documents", args=A, result=R, read_only=True)  # type: ignore[call-arg]


def test_docs_match_the_registry():
    committed = (ROOT / "docs" / "tools.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "regenerate: python -m mcp_arangodb_async.tools.docs > docs/tools.md"
    )
