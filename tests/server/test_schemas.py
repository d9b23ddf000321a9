"""Schema tools over streamable HTTP: native schemas the database enforces, local validation."""

from __future__ import annotations

from typing import Any

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error

RULE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name"],
    "additionalProperties": False,
}


async def _collection(client: Any) -> str:
    name = unique_name("schema")
    await call(client, "arango_create_collection", {"name": name})
    return name


async def test_create_schema_is_enforced_by_the_database(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        created = await call(
            client,
            "arango_create_schema",
            {"collection": coll, "rule": RULE, "level": "moderate", "message": "bad person"},
        )
        ok = await call(client, "arango_insert", {"collection": coll, "documents": {"name": "a"}})
        refused = await call_error(
            client, "arango_insert", {"collection": coll, "documents": {"age": -1}}
        )
        listed = await call(client, "arango_list_schemas", {"with_schema_only": True})
        everything = await call(client, "arango_list_schemas")
    assert created["schema"]["rule"] == RULE
    assert created["schema"]["level"] == "moderate"
    assert created["schema"]["message"] == "bad person"
    assert ok["inserted"][0]["_key"]
    assert (refused["errorNum"], refused["message"]) == (1620, "bad person")
    assert {c["collection"]: c["schema"]["level"] for c in listed["collections"]}[coll] == (
        "moderate"
    )
    assert all("schema" in c for c in listed["collections"])
    assert len(everything["collections"]) >= len(listed["collections"])


async def test_create_schema_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        bad_rule = await call_error(
            client, "arango_create_schema", {"collection": coll, "rule": {"type": 12}}
        )
        bad_level = await call_error(
            client, "arango_create_schema", {"collection": coll, "rule": RULE, "level": "sometimes"}
        )
        missing = await call_error(
            client, "arango_create_schema", {"collection": "nope_missing", "rule": RULE}
        )
    assert bad_rule["kind"] == "invalid_arguments" and bad_rule["field"] == "rule"
    assert "draft 4" in bad_rule["message"] and "type" in bad_rule["message"]
    assert bad_level["field"] == "level"
    assert missing["errorNum"] == 1203


async def test_validate_document_reports_every_violation_with_its_path(
    http_server: McpHttpServer,
):
    document = {"_key": "x", "age": -3, "tags": ["a", 7], "extra": True}
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(client, "arango_create_schema", {"collection": coll, "rule": RULE})
        stored = await call(
            client, "arango_validate_document", {"collection": coll, "document": document}
        )
        inline = await call(
            client, "arango_validate_document", {"rule": RULE, "document": {"name": "ok"}}
        )
        count = await call(
            client,
            "arango_query",
            {"query": "RETURN LENGTH(@@c)", "bind_vars": {"@c": coll}},
        )
    paths = {(v["path"], v["keyword"]) for v in stored["violations"]}
    assert stored["valid"] is False and stored["level"] == "strict"
    assert paths == {
        ("", "required"),
        ("", "additionalProperties"),
        ("/age", "minimum"),
        ("/tags/1", "type"),
    }
    assert inline == {"valid": True, "violations": []}
    assert count["rows"] == [0]  # nothing was written


async def test_validate_document_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        no_schema = await call_error(
            client, "arango_validate_document", {"collection": coll, "document": {}}
        )
        both = await call_error(
            client,
            "arango_validate_document",
            {"collection": coll, "rule": RULE, "document": {}},
        )
        neither = await call_error(client, "arango_validate_document", {"document": {}})
        missing = await call_error(
            client, "arango_validate_document", {"collection": "nope_missing", "document": {}}
        )
    assert no_schema["kind"] == "not_found" and "arango_create_schema" in no_schema["hint"]
    assert both["field"] == neither["field"] == "collection"
    assert missing["errorNum"] == 1203
