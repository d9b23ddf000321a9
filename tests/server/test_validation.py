"""Validation tools over streamable HTTP: broken _id references (and fixes), validated inserts."""

from __future__ import annotations

from typing import Any

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error


async def _setup(client: Any) -> tuple[str, str]:
    people, orders = unique_name("people"), unique_name("orders")
    for name in (people, orders):
        await call(client, "arango_create_collection", {"name": name})
    await call(client, "arango_insert", {"collection": people, "documents": [{"_key": "ann"}]})
    await call(
        client,
        "arango_insert",
        {
            "collection": orders,
            "documents": [
                {"_key": "o1", "buyer": f"{people}/ann", "seller": f"{people}/ann"},
                {"_key": "o2", "buyer": f"{people}/bob", "seller": f"{people}/ann"},
                {"_key": "o3", "buyer": "nope_missing/x", "seller": 7},
                {"_key": "o4", "buyer": None},
            ],
        },
    )
    return people, orders


async def _docs(client: Any, collection: str) -> list[dict[str, Any]]:
    out = await call(
        client,
        "arango_query",
        {
            "query": "FOR d IN @@c SORT d._key RETURN UNSET(d, '_id', '_rev')",
            "bind_vars": {"@c": collection},
        },
    )
    return out["rows"]


async def test_validate_references_finds_dangling_ids(http_server: McpHttpServer):
    async with http_server.client() as client:
        people, orders = await _setup(client)
        report = await call(
            client,
            "arango_validate_references",
            {"collection": orders, "fields": ["buyer", "seller"]},
        )
        limited = await call(
            client,
            "arango_validate_references",
            {"collection": orders, "fields": ["buyer", "seller"], "limit": 1},
        )
        untouched = await _docs(client, orders)
    broken = {(b["key"], b["field"], str(b["value"])) for b in report["broken"]}
    assert broken == {
        ("o2", "buyer", f"{people}/bob"),
        ("o3", "buyer", "nope_missing/x"),
        ("o3", "seller", "7"),
    }
    assert (report["broken_count"], report["truncated"], report["fixed_documents"]) == (3, False, 0)
    assert (limited["broken_count"], len(limited["broken"]), limited["truncated"]) == (3, 1, True)
    assert len(untouched) == 4


async def test_validate_references_fixes(http_server: McpHttpServer):
    async with http_server.client() as client:
        _, orders = await _setup(client)
        nulled = await call(
            client,
            "arango_validate_references",
            {"collection": orders, "fields": ["buyer", "seller"], "fix": "set_null"},
        )
        after_null = await _docs(client, orders)
        again = await call(
            client, "arango_validate_references", {"collection": orders, "fields": ["buyer"]}
        )
        _, orders2 = await _setup(client)
        removed = await call(
            client,
            "arango_validate_references",
            {"collection": orders2, "fields": ["buyer"], "fix": "remove_document"},
        )
        after_remove = await _docs(client, orders2)
    assert (nulled["broken_count"], nulled["fixed_documents"]) == (3, 2)
    by_key = {d["_key"]: d for d in after_null}
    assert by_key["o2"]["buyer"] is None and by_key["o2"]["seller"].endswith("/ann")
    assert by_key["o3"] == {"_key": "o3", "buyer": None, "seller": None}
    assert again["broken_count"] == 0
    assert removed["fixed_documents"] == 2
    assert [d["_key"] for d in after_remove] == ["o1", "o4"]


async def test_validate_references_errors(http_server: McpHttpServer):
    async with http_server.client() as client:
        missing = await call_error(
            client, "arango_validate_references", {"collection": "nope_missing", "fields": ["a"]}
        )
        no_fields = await call_error(
            client, "arango_validate_references", {"collection": "x", "fields": []}
        )
        bad_fix = await call_error(
            client,
            "arango_validate_references",
            {"collection": "x", "fields": ["a"], "fix": "delete_everything"},
        )
    assert missing["errorNum"] == 1203
    assert no_fields["field"] == "fields"
    assert bad_fix["field"] == "fix"


RULE = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


async def test_insert_with_validation(http_server: McpHttpServer):
    async with http_server.client() as client:
        coll = unique_name("checked")
        await call(client, "arango_create_collection", {"name": coll})
        no_schema = await call_error(
            client, "arango_insert_with_validation", {"collection": coll, "document": {"n": 1}}
        )
        await call(client, "arango_create_schema", {"collection": coll, "rule": RULE})
        good = await call(
            client,
            "arango_insert_with_validation",
            {"collection": coll, "document": {"_key": "g", "n": 1}},
        )
        bad = await call(
            client,
            "arango_insert_with_validation",
            {"collection": coll, "document": {"_key": "b", "n": "one", "m": 1}},
        )
        inline = await call(
            client,
            "arango_insert_with_validation",
            {
                "collection": coll,
                "document": {"_key": "i", "n": 2},
                "rule": {"properties": {"n": {"maximum": 1}}},
            },
        )
        duplicate = await call_error(
            client,
            "arango_insert_with_validation",
            {"collection": coll, "document": {"_key": "g", "n": 1}},
        )
        keys = await _docs(client, coll)
    assert no_schema["kind"] == "not_found"
    assert good["valid"] and good["inserted"] and good["document"]["_id"] == f"{coll}/g"
    assert (bad["valid"], bad["inserted"]) == (False, False)
    assert bad["violations"] == [
        {"path": "/n", "message": "'one' is not of type 'integer'", "keyword": "type"}
    ]
    assert inline["inserted"] is False and inline["violations"][0]["keyword"] == "maximum"
    assert duplicate["errorNum"] == 1210
    assert [d["_key"] for d in keys] == ["g"]
