"""Collection tools over streamable HTTP: list, create, database status."""

from __future__ import annotations

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def test_create_and_list_document_and_edge_collections(http_server: McpHttpServer):
    docs, edges = unique_name("c"), unique_name("e")
    async with http_server.client() as client:
        created = await call(client, "arango_create_collection", {"name": docs, "database": "beta"})
        await call(
            client, "arango_create_collection", {"name": edges, "type": "edge", "database": "beta"}
        )
        listed = await call(client, "arango_list_collections", {"database": "beta"})
        with_system = await call(
            client, "arango_list_collections", {"database": "beta", "include_system": True}
        )
    assert created == {"database": "beta", "name": docs, "type": "document", "created": True}
    kinds = {c["name"]: c["type"] for c in listed["collections"]}
    assert kinds[docs] == "document" and kinds[edges] == "edge"
    assert [c["name"] for c in listed["collections"]] == sorted(kinds)
    assert not any(c["system"] for c in listed["collections"])
    assert any(c["system"] for c in with_system["collections"])


async def test_create_collection_errors(http_server: McpHttpServer):
    name = unique_name("dup")
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": name})
        duplicate = await call_error(client, "arango_create_collection", {"name": name})
        bad_name = await call_error(client, "arango_create_collection", {"name": "1 bad name!"})
        bad_type = await call_error(
            client, "arango_create_collection", {"name": "x", "type": "graph"}
        )
    assert (duplicate["errorNum"], duplicate["httpStatus"]) == (1207, 409)
    assert bad_name["kind"] == "arango" and bad_name["httpStatus"] == 400
    assert bad_type["field"] == "type"


async def test_create_collection_with_schema_rejects_invalid_documents(http_server: McpHttpServer):
    name = unique_name("schema")
    schema = {"rule": {"type": "object", "required": ["n"]}, "level": "strict", "message": "need n"}
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": name, "schema": schema})
        error = await call_error(
            client, "arango_insert", {"collection": name, "documents": {"m": 1}}
        )
    assert error["errorNum"] == 1620


async def test_database_status(http_server: McpHttpServer):
    name = unique_name("st")
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": name, "database": "beta"})
        await call(
            client, "arango_insert", {"collection": name, "documents": [{}, {}], "database": "beta"}
        )
        status = await call(client, "arango_database_status", {"database": "beta"})
        wrong = await call_error(client, "arango_database_status", {"database": 5})
    assert status["database"] == "beta"
    assert status["collections"] >= 1 and status["documents"] >= 2
    assert status["server_version"].startswith("3.")
    assert status["read_only"] is False
    assert wrong["field"] == "database"
