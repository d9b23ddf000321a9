"""Indexes: listing, creating (and finding the existing one), getting, dropping,
unique/sparse/array semantics, TTL expiry, the other index types, and errors."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from arangoasync.exceptions import (
    DocumentInsertError,
    DocumentUpdateError,
    IndexCreateError,
    IndexDeleteError,
    IndexGetError,
)


def _props(index):
    """The raw JSON of an IndexProperties wrapper."""
    return index.to_dict() if hasattr(index, "to_dict") else dict(index._data)


async def test_new_collections_list_their_implicit_indexes(db):
    col = await db.create_collection("things")
    [primary] = [_props(i) for i in await col.indexes()]
    assert primary["id"] == "things/0"
    assert primary["type"] == "primary" and primary["name"] == "primary"
    assert primary["fields"] == ["_key"]
    assert primary["unique"] is True and primary["sparse"] is False
    assert primary["selectivityEstimate"] == 1

    edges = await db.create_collection("links", col_type=3)
    kinds = {i.type: _props(i) for i in await edges.indexes()}
    assert set(kinds) == {"primary", "edge"}
    assert kinds["edge"]["fields"] == ["_from", "_to"]
    assert kinds["edge"]["name"] == "edge"
    assert kinds["edge"]["unique"] is False


async def test_list_shape_has_indexes_and_identifiers(db, target):
    col = await db.create_collection("shapes")
    await col.add_index("persistent", ["a"])
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as h:
        reply = await h.get(f"/_db/{db.name}/_api/index", params={"collection": "shapes"})
        assert reply.status_code == 200
        body = reply.json()
        assert body["error"] is False and body["code"] == 200
        assert [i["type"] for i in body["indexes"]] == ["primary", "persistent"]
        assert body["identifiers"] == {i["id"]: i for i in body["indexes"]}

        missing = await h.get(f"/_db/{db.name}/_api/index", params={"collection": "nope"})
        assert missing.status_code == 404 and missing.json()["errorNum"] == 1203


async def test_create_persistent_then_find_the_existing_one(db):
    col = await db.create_collection("people")
    created = await col.add_index("persistent", ["name", "address.city"])
    props = _props(created)
    assert created.is_newly_created is True
    assert props["id"].startswith("people/") and props["id"].split("/")[1].isdigit()
    assert props["name"].startswith("idx_")
    assert props["fields"] == ["name", "address.city"]
    assert props["type"] == "persistent"
    assert props["unique"] is False and props["sparse"] is False
    assert props["deduplicate"] is True and props["estimates"] is True
    assert props["cacheEnabled"] is False

    again = await col.add_index("persistent", ["name", "address.city"], {"name": "other"})
    assert again.is_newly_created is False and again.id == created.id
    alias = await col.add_index("hash", ["name", "address.city"])
    assert alias.is_newly_created is False and alias.id == created.id
    assert alias.type == "persistent"

    # order of fields, uniqueness and sparseness make different indexes
    swapped = await col.add_index("persistent", ["address.city", "name"])
    sparse = await col.add_index("persistent", ["name", "address.city"], {"sparse": True})
    assert swapped.is_newly_created and sparse.is_newly_created
    assert len({created.id, swapped.id, sparse.id}) == 3
    assert len(await col.indexes()) == 4


async def test_create_answers_201_then_200(db, target):
    await db.create_collection("codes")
    url = f"/_db/{db.name}/_api/index"
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as h:
        body = {"type": "persistent", "fields": ["x"], "name": "by_x"}
        first = await h.post(url, params={"collection": "codes"}, json=body)
        assert first.status_code == 201
        assert first.json()["isNewlyCreated"] is True and first.json()["code"] == 201
        second = await h.post(url, params={"collection": "codes"}, json=body)
        assert second.status_code == 200
        assert second.json()["isNewlyCreated"] is False
        assert second.json()["id"] == first.json()["id"]
        assert second.json()["name"] == "by_x"


async def test_get_index_by_id_number_and_name(db):
    col = await db.create_collection("lookup")
    created = await col.add_index("persistent", ["v"], {"name": "by_v"})
    for handle in (created.id, created.numeric_id, "by_v"):
        found = await col.get_index(handle)
        assert found.id == created.id and found.name == "by_v"
    primary = await col.get_index(0)
    assert primary.type == "primary"
    with pytest.raises(IndexGetError) as exc:
        await col.get_index(999999999)
    assert exc.value.error_code == 1212 and exc.value.http_code == 404
    with pytest.raises(IndexGetError) as exc:
        await col.get_index("no_such_name")
    assert exc.value.error_code == 1212


async def test_delete_index(db):
    col = await db.create_collection("dropping")
    by_id = await col.add_index("persistent", ["a"])
    by_name = await col.add_index("persistent", ["b"], {"name": "by_b"})
    assert await col.delete_index(by_id.id) is True
    assert await col.delete_index("by_b") is True
    assert [i.type for i in await col.indexes()] == ["primary"]
    assert by_name.name == "by_b"

    with pytest.raises(IndexDeleteError) as exc:
        await col.delete_index(by_id.id)
    assert exc.value.error_code == 1212 and exc.value.http_code == 404
    assert await col.delete_index(by_id.id, ignore_missing=True) is False
    with pytest.raises(IndexDeleteError) as exc:
        await col.delete_index("bad.handle!")
    assert exc.value.error_code == 1214 and exc.value.http_code == 400


async def test_implicit_indexes_cannot_be_dropped(db):
    col = await db.create_collection("vertices")
    with pytest.raises(IndexDeleteError) as exc:
        await col.delete_index(0)
    assert exc.value.error_code == 1212
    edges = await db.create_collection("edges_x", col_type=3)
    with pytest.raises(IndexDeleteError) as exc:
        await edges.delete_index("edge")
    assert exc.value.error_code == 11 and exc.value.http_code == 403


async def test_unique_violation_on_insert_and_update(db):
    col = await db.create_collection("users")
    await col.add_index("persistent", ["email"], {"unique": True, "name": "by_email"})
    await col.insert({"_key": "ann", "email": "ann@example.com"})
    await col.insert({"_key": "bob", "email": "bob@example.com"})
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "eve", "email": "ann@example.com"})
    assert exc.value.error_code == 1210 and exc.value.http_code == 409
    assert exc.value.error_message == (
        "unique constraint violated - in index by_email of type persistent over "
        "'email'; conflicting key: ann"
    )
    # a document may keep or change its own value, not take another's
    await col.update({"_key": "ann", "email": "ann@example.com", "x": 1})
    with pytest.raises(DocumentUpdateError) as exc:
        await col.update({"_key": "bob", "email": "ann@example.com"})
    assert exc.value.error_code == 1210
    # once removed, the value is free again
    await col.delete("ann")
    await col.insert({"_key": "eve", "email": "ann@example.com"})
    assert await col.count() == 2


async def test_unique_non_sparse_treats_missing_as_null(db):
    col = await db.create_collection("dense")
    await col.add_index("persistent", ["code"], {"unique": True})
    await col.insert({"_key": "first"})
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "second", "code": None})
    assert exc.value.error_code == 1210
    assert exc.value.error_message.endswith("conflicting key: first")


async def test_unique_sparse_skips_null_and_missing(db):
    col = await db.create_collection("sparse")
    await col.add_index("persistent", ["code"], {"unique": True, "sparse": True})
    await col.insert({"_key": "a"})
    await col.insert({"_key": "b"})
    await col.insert({"_key": "c", "code": None})
    await col.insert({"_key": "d", "code": 1})
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "e", "code": 1})
    assert exc.value.error_code == 1210
    # a combined sparse index skips a document when any attribute is null
    await col.add_index("persistent", ["p", "q"], {"unique": True, "sparse": True})
    await col.insert({"p": 1})
    await col.insert({"p": 1})
    await col.insert({"p": 1, "q": 2})
    with pytest.raises(DocumentInsertError):
        await col.insert({"p": 1, "q": 2})


async def test_unique_index_creation_on_conflicting_data_fails(db):
    col = await db.create_collection("dupes")
    await col.insert_many([{"_key": "a", "v": 1}, {"_key": "b", "v": 1}])
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("persistent", ["v"], {"unique": True})
    assert exc.value.error_code == 1210 and exc.value.http_code == 400
    assert [i.type for i in await col.indexes()] == ["primary"]


async def test_array_index_uniqueness_and_deduplicate(db):
    col = await db.create_collection("tagged")
    await col.add_index("persistent", ["tags[*]"], {"unique": True})
    await col.insert({"_key": "one", "tags": ["a", "b"]})
    await col.insert({"_key": "two", "tags": ["c", "c"]})  # deduplicated within a document
    await col.insert({"_key": "none", "tags": "not an array"})
    await col.insert({"_key": "none2"})  # no array: not indexed at all
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"tags": ["z", "b"]})
    assert exc.value.error_code == 1210
    assert exc.value.error_message.endswith("conflicting key: one")

    strict = await db.create_collection("tagged_strict")
    await strict.add_index("persistent", ["tags[*]"], {"unique": True, "deduplicate": False})
    with pytest.raises(DocumentInsertError) as exc:
        await strict.insert({"tags": ["x", "x"]})
    assert exc.value.error_code == 1210


async def test_stored_values_and_options_are_listed(db):
    col = await db.create_collection("opts")
    created = await col.add_index(
        "persistent",
        ["a"],
        {"storedValues": ["b", "c"], "cacheEnabled": True, "estimates": False, "sparse": True},
    )
    props = _props(await col.get_index(created.id))
    assert props["storedValues"] == ["b", "c"]
    assert props["cacheEnabled"] is True and props["estimates"] is False
    assert props["sparse"] is True
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("persistent", ["x"], {"storedValues": ["x"]})
    assert exc.value.error_code == 10 and exc.value.http_code == 400


async def test_ttl_index_removes_expired_documents(db, target):
    col = await db.create_collection("sessions")
    ttl = await col.add_index("ttl", ["expiresAt"], {"expireAfter": 0})
    props = _props(ttl)
    assert props["type"] == "ttl" and props["expireAfter"] == 0
    assert props["sparse"] is True and props["unique"] is False
    now = time.time()
    await col.insert_many(
        [
            {"_key": "old", "expiresAt": now - 60},
            {"_key": "old_iso", "expiresAt": "2001-02-03T04:05:06Z"},
            {"_key": "future", "expiresAt": now + 3600},
            {"_key": "no_time"},
            {"_key": "not_a_time", "expiresAt": "soon"},
        ]
    )
    deadline = time.monotonic() + (10 if target.is_lite else 90)
    while await col.count() > 3:
        assert time.monotonic() < deadline, "expired documents were not removed"
        await asyncio.sleep(0.2)
    keys = ("old", "old_iso", "future", "no_time", "not_a_time")
    remaining = {key for key in keys if await col.has(key)}
    assert remaining == {"future", "no_time", "not_a_time"}


async def test_ttl_index_rules(db):
    col = await db.create_collection("ttl_rules")
    await col.add_index("ttl", ["t"], {"expireAfter": 60})
    same = await col.add_index("ttl", ["t"], {"expireAfter": 60})
    assert same.is_newly_created is False
    for fields, options in (
        (["u"], {"expireAfter": 30}),  # only one TTL index per collection
        (["t"], {"expireAfter": 30}),
        (["t"], {"expireAfter": "soon"}),
        (["a.b"], {"expireAfter": 1}),
        (["t"], {"expireAfter": 1, "unique": True}),
    ):
        with pytest.raises(IndexCreateError) as exc:
            await col.add_index("ttl", fields, options)
        assert exc.value.error_code == 10 and exc.value.http_code == 400


async def test_geo_fulltext_mdi_inverted_are_listed_with_their_properties(db):
    col = await db.create_collection("places")
    geo = _props(await col.add_index("geo", ["location"], {"geoJson": True}))
    assert geo["type"] == "geo" and geo["geoJson"] is True
    assert geo["sparse"] is True and geo["unique"] is False
    assert geo["legacyPolygons"] is False
    pair = _props(await col.add_index("geo", ["lat", "lng"]))
    assert pair["fields"] == ["lat", "lng"]

    text = _props(await col.add_index("fulltext", ["description"], {"minLength": 3}))
    assert text["type"] == "fulltext" and text["minLength"] == 3 and text["sparse"] is True

    mdi = _props(await col.add_index("mdi", ["x", "y"], {"fieldValueTypes": "double"}))
    assert mdi["type"] == "mdi" and mdi["fieldValueTypes"] == "double"
    prefixed = _props(
        await col.add_index(
            "mdi-prefixed", ["x", "y"], {"fieldValueTypes": "double", "prefixFields": ["kind"]}
        )
    )
    assert prefixed["type"] == "mdi-prefixed" and prefixed["prefixFields"] == ["kind"]

    inverted = _props(await col.add_index("inverted", ["description"], {"name": "inv"}))
    assert inverted["type"] == "inverted" and inverted["name"] == "inv"
    assert inverted["fields"][0]["name"] == "description"

    types = [i.type for i in await col.indexes()]
    assert types == ["primary", "geo", "geo", "fulltext", "mdi", "mdi-prefixed", "inverted"]
    # documents keep flowing through every index type
    await col.insert(
        {
            "location": {"type": "Point", "coordinates": [8.5, 50.1]},
            "lat": 50.1,
            "lng": 8.5,
            "description": "a quiet place",
            "x": 1.5,
            "y": 2,
            "kind": "park",
        }
    )
    assert await col.count() == 1


async def test_mdi_requires_numbers_unless_sparse(db):
    col = await db.create_collection("boxes")
    await col.add_index("mdi", ["x"], {"fieldValueTypes": "double"})
    await col.insert({"x": 1})
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"x": "one"})
    assert exc.value.error_code == 1561
    sparse = await db.create_collection("boxes_sparse")
    await sparse.add_index("mdi", ["x"], {"fieldValueTypes": "double", "sparse": True})
    await sparse.insert({"x": "one"})
    assert await sparse.count() == 1


@pytest.mark.parametrize(
    ("body", "error_code", "http_code"),
    [
        ({"type": "nope", "fields": ["a"]}, 10, 400),
        ({"type": "persistent", "fields": []}, 10, 400),
        ({"type": "persistent", "fields": ["_id"]}, 10, 400),
        ({"type": "persistent", "fields": ["a", "a"]}, 10, 400),
        ({"type": "persistent", "fields": [1]}, 10, 400),
        ({"type": "persistent", "fields": ["a[*].b[*]"]}, 10, 400),
        ({"type": "persistent", "fields": ["a[1]"]}, 1220, 400),
        ({"type": "geo", "fields": ["a[*]"]}, 10, 400),
        ({"type": "persistent", "fields": ["a"], "name": "9lives"}, 1208, 400),
        ({"type": "mdi", "fields": ["a"]}, 10, 400),
        ({"type": "mdi-prefixed", "fields": ["a"], "fieldValueTypes": "double"}, 10, 400),
        ({"type": "fulltext", "fields": ["a", "b"]}, 10, 400),
        ({"type": "primary", "fields": ["_key"]}, 11, 403),
    ],
)
async def test_create_errors(db, target, body, error_code, http_code):
    await db.create_collection("errs")
    url = f"/_db/{db.name}/_api/index"
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as h:
        reply = await h.post(url, params={"collection": "errs"}, json=body)
    assert reply.status_code == http_code
    assert reply.json()["errorNum"] == error_code


async def test_create_errors_for_collection_and_names(db, target):
    col = await db.create_collection("named")
    await col.add_index("persistent", ["a"], {"name": "taken"})
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("persistent", ["b"], {"name": "taken"})
    assert exc.value.error_code == 1005 and exc.value.http_code == 400
    url = f"/_db/{db.name}/_api/index"
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as h:
        missing = await h.post(url, params={"collection": "nope"}, json={"type": "persistent"})
        assert missing.status_code == 404 and missing.json()["errorNum"] == 1203
        broken = await h.post(url, params={"collection": "named"}, content=b"{nope")
        assert broken.status_code == 400 and broken.json()["errorNum"] == 600


async def test_with_stats_adds_figures(db):
    col = await db.create_collection("stats")
    await col.add_index("persistent", ["a"])
    for index in await col.indexes(with_stats=True):
        assert isinstance(_props(index).get("figures"), dict)


@pytest.mark.lite_only
async def test_indexes_survive_a_restart(tmp_path):
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    from arangolite.server import LiteServer

    async def session(check):
        server = LiteServer(root_password="pw", data_dir=str(tmp_path))
        url = await server.start()
        try:
            async with ArangoClient(hosts=url) as client:
                await check(await client.db("_system", auth=Auth("root", "pw")))
        finally:
            await server.stop()

    async def create(sys_db):
        col = await sys_db.create_collection("kept")
        await col.insert({"_key": "a", "u": 1})
        await col.add_index("persistent", ["u"], {"unique": True, "name": "by_u"})
        await col.add_index("persistent", ["v"], {"name": "dropped"})
        await col.delete_index("dropped")

    async def verify(sys_db):
        col = sys_db.collection("kept")
        assert [i.name for i in await col.indexes()] == ["primary", "by_u"]
        with pytest.raises(DocumentInsertError) as exc:
            await col.insert({"u": 1})
        assert exc.value.error_code == 1210

    await session(create)
    await session(verify)
