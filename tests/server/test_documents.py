"""Document tools over streamable HTTP: insert, update, remove — successes and errors."""

from __future__ import annotations

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def _collection(client, database: str = "alpha") -> str:  # type: ignore[no-untyped-def]
    name = unique_name("docs")
    await call(client, "arango_create_collection", {"name": name, "database": database})
    return name


async def test_insert_one_and_many_with_per_document_failures(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        one = await call(
            client,
            "arango_insert",
            {"collection": coll, "documents": {"_key": "a", "n": 1}, "return_new": True},
        )
        many = await call(
            client,
            "arango_insert",
            {"collection": coll, "documents": [{"_key": "b"}, {"_key": "a"}, {"n": 3}]},
        )
    assert one["inserted"][0]["_id"] == f"{coll}/a"
    assert one["inserted"][0]["new"]["n"] == 1
    assert one["database"] == "alpha"
    assert [d["_key"] for d in many["inserted"]][0] == "b"
    assert len(many["inserted"]) == 2
    assert many["failed"][0]["index"] == 1
    assert many["failed"][0]["errorNum"] == 1210
    assert many["failed"][0]["hint"]


async def test_insert_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(client, "arango_insert", {"collection": coll, "documents": {"_key": "a"}})
        duplicate = await call_error(
            client, "arango_insert", {"collection": coll, "documents": {"_key": "a"}}
        )
        all_failed = await call_error(
            client, "arango_insert", {"collection": coll, "documents": [{"_key": "a"}]}
        )
        missing = await call_error(
            client, "arango_insert", {"collection": "nope_missing", "documents": {}}
        )
        empty = await call_error(client, "arango_insert", {"collection": coll, "documents": []})
        bad_type = await call_error(
            client, "arango_insert", {"collection": coll, "documents": "text"}
        )
        unknown = await call_error(
            client, "arango_insert", {"collection": coll, "documents": {}, "colour": 1}
        )
    assert (duplicate["errorNum"], duplicate["httpStatus"]) == (1210, 409)
    assert duplicate["kind"] == "arango" and "unique constraint" in duplicate["message"]
    assert all_failed["errorNum"] == 1210
    assert missing["errorNum"] == 1203 and "arango_list_collections" in missing["hint"]
    assert empty["kind"] == "invalid_arguments" and empty["field"] == "documents"
    assert bad_type["kind"] == "invalid_arguments" and bad_type["field"].startswith("documents")
    assert unknown["field"] == "colour" and "unknown field" in unknown["message"]


async def test_update_merges_and_reports_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(
            client,
            "arango_insert",
            {"collection": coll, "documents": {"_key": "k", "a": {"x": 1}, "b": 1}},
        )
        updated = await call(
            client,
            "arango_update",
            {
                "collection": coll,
                "key": "k",
                "update": {"a": {"y": 2}, "b": None},
                "keep_null": False,
                "return_new": True,
            },
        )
        not_found = await call_error(
            client, "arango_update", {"collection": coll, "key": "nope", "update": {"a": 1}}
        )
        bad = await call_error(
            client, "arango_update", {"collection": coll, "key": "k", "update": {"_key": "z"}}
        )
        missing = await call_error(client, "arango_update", {"collection": coll, "key": "k"})
    assert updated["document"]["new"]["a"] == {"x": 1, "y": 2}
    assert "b" not in updated["document"]["new"]
    assert (not_found["errorNum"], not_found["httpStatus"]) == (1202, 404)
    assert bad["kind"] == "invalid_arguments" and bad["field"] == "update"
    assert missing["field"] == "update"


async def test_remove_then_remove_again(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = await _collection(client)
        await call(
            client, "arango_insert", {"collection": coll, "documents": {"_key": "k", "v": 7}}
        )
        removed = await call(
            client, "arango_remove", {"collection": coll, "key": "k", "return_old": True}
        )
        again = await call_error(client, "arango_remove", {"collection": coll, "key": "k"})
        no_key = await call_error(client, "arango_remove", {"collection": coll, "key": ""})
    assert removed["document"]["_key"] == "k" and removed["document"]["old"]["v"] == 7
    assert again["errorNum"] == 1202
    assert no_key["field"] == "key"


async def test_writes_honour_the_database_override(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = unique_name("over")
        await call(client, "arango_create_collection", {"name": coll, "database": "beta"})
        inserted = await call(
            client,
            "arango_insert",
            {"collection": coll, "documents": {"_key": "x"}, "database": "beta"},
        )
        in_alpha = await call_error(
            client, "arango_insert", {"collection": coll, "documents": {"_key": "x"}}
        )
    assert inserted["database"] == "beta"
    assert in_alpha["errorNum"] == 1203
