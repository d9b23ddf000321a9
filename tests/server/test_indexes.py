"""Index tools over streamable HTTP: list, create, delete."""

from __future__ import annotations

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def test_index_lifecycle(http_server: McpHttpServer):
    coll = unique_name("ix")
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": coll})
        created = await call(
            client,
            "arango_create_index",
            {"collection": coll, "fields": ["email"], "unique": True, "name": "by_email"},
        )
        again = await call(
            client,
            "arango_create_index",
            {"collection": coll, "fields": ["email"], "unique": True, "name": "by_email"},
        )
        listed = await call(client, "arango_list_indexes", {"collection": coll})
        await call(client, "arango_insert", {"collection": coll, "documents": {"email": "a@b"}})
        violation = await call_error(
            client, "arango_insert", {"collection": coll, "documents": {"email": "a@b"}}
        )
        deleted = await call(
            client, "arango_delete_index", {"collection": coll, "index": created["index"]["id"]}
        )
        after = await call(client, "arango_list_indexes", {"collection": coll})
        twice = await call_error(
            client, "arango_delete_index", {"collection": coll, "index": created["index"]["id"]}
        )
    assert created["created"] is True and again["created"] is False
    assert created["index"]["id"] == again["index"]["id"]
    assert created["index"]["fields"] == ["email"] and created["index"]["unique"] is True
    assert [i["type"] for i in listed["indexes"]] == ["primary", "persistent"]
    assert violation["errorNum"] == 1210
    assert deleted["deleted"] == created["index"]["id"]
    assert [i["type"] for i in after["indexes"]] == ["primary"]
    assert twice["errorNum"] == 1212


async def test_ttl_index_and_errors(http_server: McpHttpServer):
    coll = unique_name("ttl")
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": coll})
        ttl = await call(
            client,
            "arango_create_index",
            {"collection": coll, "type": "ttl", "fields": ["at"], "expire_after": 60},
        )
        missing = await call_error(client, "arango_list_indexes", {"collection": "nope_missing"})
        no_fields = await call_error(
            client, "arango_create_index", {"collection": coll, "fields": []}
        )
        bad_type = await call_error(
            client, "arango_create_index", {"collection": coll, "fields": ["a"], "type": "btree"}
        )
        primary = await call_error(
            client, "arango_delete_index", {"collection": coll, "index": "0"}
        )
    assert ttl["index"]["type"] == "ttl" and ttl["index"]["expireAfter"] == 60
    assert missing["errorNum"] == 1203
    assert no_fields["field"] == "fields"
    assert bad_type["field"] == "type"
    assert primary["kind"] == "arango" and primary["errorNum"] in (11, 1212)
