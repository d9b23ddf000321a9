"""Collections: create, list, get, drop, properties, count, figures, revision,
checksum, truncate, rename, the compatibility no-ops, and their errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    CollectionConfigureError,
    CollectionCreateError,
    CollectionDeleteError,
    CollectionListError,
    CollectionPropertiesError,
    CollectionRenameError,
    CollectionTruncateError,
    DocumentCountError,
    DocumentInsertError,
)
from arangoasync.typings import CollectionType, UserInfo

from tests.conftest import Target, unique_name

SCHEMA = {
    "rule": {
        "type": "object",
        "properties": {"age": {"type": "integer"}},
        "required": ["age"],
    },
    "level": "strict",
    "message": "age is required",
}


async def _raw(
    target: Target, method: str, db: str, path: str, json: Any = None, **kw: Any
) -> httpx.Response:
    async with httpx.AsyncClient(auth=("root", target.root_password)) as http:
        return await http.request(method, f"{target.url}/_db/{db}{path}", json=json, **kw)


async def _key_options(db: Any, name: str) -> dict[str, Any]:
    # read the raw JSON: the driver's CollectionProperties.key_options wraps it wrongly
    props = await db.collection(name).properties()
    return props.to_dict()["keyOptions"]


# ---------------------------------------------------------------------- create / list / drop
async def test_create_get_list_drop(db):
    col = await db.create_collection("things")
    assert col.name == "things"
    assert await db.has_collection("things")
    assert not await db.has_collection("nothing_here")
    listed = {c.name: c for c in await db.collections()}
    assert (
        listed["things"].is_system is False and listed["things"].col_type == CollectionType.DOCUMENT
    )
    assert listed["_graphs"].is_system is True
    user_only = [c.name for c in await db.collections(exclude_system=True)]
    assert user_only == ["things"]
    assert await db.delete_collection("things") is True
    assert not await db.has_collection("things")
    assert await db.delete_collection("things", ignore_missing=True) is False


async def test_create_response_is_properties_with_error_false(db, target):
    resp = await _raw(target, "POST", db.name, "/_api/collection", {"name": "shaped"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["error"] is False and body["code"] == 200
    assert body["name"] == "shaped" and body["type"] == 2 and body["isSystem"] is False
    assert body["waitForSync"] is False and body["schema"] is None
    assert body["keyOptions"]["type"] == "traditional"
    assert body["keyOptions"]["allowUserKeys"] is True
    for attribute in ("id", "globallyUniqueId", "status", "cacheEnabled", "syncByRevision"):
        assert attribute in body
    info = (await _raw(target, "GET", db.name, "/_api/collection/shaped")).json()
    assert {k: info[k] for k in ("id", "name", "type", "isSystem", "status")} == {
        "id": body["id"],
        "name": "shaped",
        "type": 2,
        "isSystem": False,
        "status": 3,
    }
    assert "waitForSync" not in info


async def test_create_edge_collection_and_options(db):
    await db.create_collection("rel", col_type=CollectionType.EDGE)
    props = await db.collection("rel").properties()
    assert props.type == CollectionType.EDGE
    await db.create_collection("opts", wait_for_sync=True, cache_enabled=True, schema=SCHEMA)
    props = await db.collection("opts").properties()
    assert props.wait_for_sync is True and props.cache_enabled is True
    assert props.schema["rule"] == SCHEMA["rule"] and props.schema["level"] == "strict"


async def test_type_string_edge_and_unknown_type_like_arangodb(db, target):
    # 3.12 parses the create body leniently: "edge" means 3, anything else 2
    resp = await _raw(target, "POST", db.name, "/_api/collection", {"name": "e", "type": "edge"})
    assert resp.status_code == 200 and resp.json()["type"] == 3
    resp = await _raw(target, "POST", db.name, "/_api/collection", {"name": "d", "type": 7})
    assert resp.status_code == 200 and resp.json()["type"] == 2


async def test_key_generators_and_key_options(db):
    assert set(await db.key_generators()) == {"traditional", "autoincrement", "uuid", "padded"}
    await db.create_collection(
        "auto",
        key_options={"type": "autoincrement", "increment": 5, "offset": 10, "allowUserKeys": False},
    )
    key_options = await _key_options(db, "auto")
    assert key_options["type"] == "autoincrement" and key_options["allowUserKeys"] is False
    assert key_options["increment"] == 5 and key_options["offset"] == 10
    await db.create_collection("pad", key_options={"type": "padded", "allowUserKeys": True})
    assert (await _key_options(db, "pad"))["type"] == "padded"
    await db.create_collection("uu", key_options={"type": "uuid", "allowUserKeys": True})
    assert (await _key_options(db, "uu"))["type"] == "uuid"


async def test_autoincrement_keys_and_user_keys_refused(db):
    col = await db.create_collection(
        "auto",
        key_options={"type": "autoincrement", "increment": 5, "offset": 10, "allowUserKeys": False},
    )
    first = await col.insert({"n": 1})
    second = await col.insert({"n": 2})
    assert int(second["_key"]) - int(first["_key"]) == 5
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "mine"})
    assert exc.value.error_code == 1222 and exc.value.http_code == 400


async def test_duplicate_and_illegal_names(db):
    await db.create_collection("dup")
    with pytest.raises(CollectionCreateError) as dup:
        await db.create_collection("dup")
    assert dup.value.error_code == 1207 and dup.value.http_code == 409
    for bad in ("has/slash", "x" * 257, "_underscore"):
        with pytest.raises(CollectionCreateError) as exc:
            await db.create_collection(bad)
        assert exc.value.error_code == 1208 and exc.value.http_code == 400, bad


async def test_missing_name_or_non_object_body_is_illegal_name(db, target):
    for body in ({}, {"name": ""}, {"name": 12}, [1, 2]):
        resp = await _raw(target, "POST", db.name, "/_api/collection", body)
        assert resp.status_code == 400 and resp.json()["errorNum"] == 1208, body


async def test_bad_key_generator_and_bad_schema(db, target):
    for options in ({"type": "nonsense"}, {"type": "autoincrement", "increment": 0}):
        resp = await _raw(
            target, "POST", db.name, "/_api/collection", {"name": "k", "keyOptions": options}
        )
        assert resp.status_code == 400 and resp.json()["errorNum"] == 1232, options
    resp = await _raw(
        target,
        "POST",
        db.name,
        "/_api/collection",
        {"name": "s", "schema": {"rule": {"type": 12}, "level": "strict"}},
    )
    assert resp.status_code == 400 and resp.json()["errorNum"] == 1621
    with pytest.raises(CollectionCreateError) as exc:
        await db.create_collection("s2", schema={"rule": SCHEMA["rule"], "level": "bogus"})
    assert exc.value.error_code == 1621
    assert not await db.has_collection("k") and not await db.has_collection("s")


async def test_system_collections_need_is_system(db):
    col = await db.create_collection("_mine", is_system=True)
    assert (await col.properties()).is_system is True
    with pytest.raises(CollectionDeleteError) as exc:
        await db.delete_collection("_mine")
    assert exc.value.error_code == 11 and exc.value.http_code == 403
    assert await db.has_collection("_mine")
    assert await db.delete_collection("_mine", is_system=True) is True
    assert not await db.has_collection("_mine")


async def test_unknown_collection_is_404_1203(db, target):
    with pytest.raises(CollectionPropertiesError) as exc:
        await db.collection("ghost").properties()
    assert exc.value.error_code == 1203 and exc.value.http_code == 404
    with pytest.raises(DocumentCountError) as exc:
        await db.collection("ghost").count()
    assert exc.value.error_code == 1203
    with pytest.raises(CollectionDeleteError) as exc:
        await db.delete_collection("ghost")
    assert exc.value.error_code == 1203 and exc.value.http_code == 404
    for method, path in (
        ("GET", "/_api/collection/ghost"),
        ("PUT", "/_api/collection/ghost/truncate"),
        ("PUT", "/_api/collection/ghost/rename"),
    ):
        resp = await _raw(target, method, db.name, path, {"name": "x"})
        body = resp.json()
        assert resp.status_code == 404 and body["errorNum"] == 1203, path


async def test_unknown_sub_resource_is_404(db, target):
    await db.create_collection("c")
    resp = await _raw(target, "GET", db.name, "/_api/collection/c/nonsense")
    assert resp.status_code == 404 and resp.json()["errorNum"] == 404
    resp = await _raw(target, "PUT", db.name, "/_api/collection/c/nonsense", {})
    assert resp.status_code == 404 and resp.json()["errorNum"] == 404


# ---------------------------------------------------------------------- properties
async def test_configure_changes_mutable_properties_only(db, target):
    col = await db.create_collection("conf")
    props = await col.configure(wait_for_sync=True, cache_enabled=True, schema=SCHEMA)
    assert props.wait_for_sync is True and props.cache_enabled is True
    assert props.schema["message"] == "age is required"
    again = await col.properties()
    assert again.wait_for_sync is True and again.schema["level"] == "strict"
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"name": "no age"})
    assert exc.value.error_code == 1620
    # immutable attributes are ignored, not applied
    resp = await _raw(
        target,
        "PUT",
        db.name,
        "/_api/collection/conf/properties",
        {"keyOptions": {"type": "uuid"}, "type": 3, "isSystem": True, "name": "other"},
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["keyOptions"]["type"] == "traditional" and body["type"] == 2
    assert body["name"] == "conf" and body["isSystem"] is False
    # schema null removes the schema
    resp = await _raw(target, "PUT", db.name, "/_api/collection/conf/properties", {"schema": None})
    assert resp.status_code == 200 and resp.json()["schema"] is None
    await col.insert({"name": "no age"})


async def test_configure_bad_schema_changes_nothing(db):
    col = await db.create_collection("conf", schema=SCHEMA)
    with pytest.raises(CollectionConfigureError) as exc:
        await col.configure(wait_for_sync=True, schema={"rule": {"type": 5}})
    assert exc.value.error_code == 1621 and exc.value.http_code == 400
    props = await col.properties()
    assert props.wait_for_sync is False and props.schema["rule"] == SCHEMA["rule"]


async def test_computed_values_are_stored_and_reported(db):
    computed = [{"name": "created", "expression": "RETURN 1", "overwrite": True}]
    col = await db.create_collection("cv", computed_values=computed)
    stored = (await col.properties()).computed_values[0]
    assert stored["name"] == "created" and stored["overwrite"] is True
    assert stored["computeOn"] == ["insert", "update", "replace"] and stored["keepNull"] is True
    for bad in (
        {"name": "_key", "expression": "RETURN 1", "overwrite": True},
        {"name": "x", "expression": "RETURN 1"},
    ):
        with pytest.raises(CollectionConfigureError) as exc:
            await col.configure(computed_values=[bad])
        assert exc.value.error_code == 10 and exc.value.http_code == 400, bad
    props = await col.configure(computed_values=[])
    assert props.computed_values is None


# ---------------------------------------------------------------------- count / figures / …
async def test_count_figures_revision_checksum(db):
    col = await db.create_collection("stats")
    assert await col.count() == 0
    empty_revision = await col.revision()
    for n in range(3):
        await col.insert({"_key": f"k{n}", "n": n})
    assert await col.count() == 3
    figures = (await col.statistics()).figures
    assert figures["indexes"]["count"] >= 1 and "documentsSize" in figures
    revision = await col.revision()
    assert revision != empty_revision
    await col.insert({"_key": "k3", "n": 3})
    assert await col.revision() != revision


async def test_checksum_depends_on_content_not_order(db):
    first = await db.create_collection("one")
    second = await db.create_collection("two")
    assert await first.checksum() == await second.checksum() == "0"
    for key in ("a", "b", "c"):
        await first.insert({"_key": key, "v": 1})
    for key in ("c", "a", "b"):
        await second.insert({"_key": key, "v": 1})
    assert await first.checksum() == await second.checksum() != "0"
    assert await first.checksum(with_data=True) == await second.checksum(with_data=True)
    # revisions differ between the two collections, so withRevisions tells them apart
    assert await first.checksum(with_rev=True) != await second.checksum(with_rev=True)
    await second.update({"_key": "a", "v": 2})
    assert await first.checksum() == await second.checksum()
    assert await first.checksum(with_data=True) != await second.checksum(with_data=True)


async def test_truncate_keeps_collection_and_indexes(db):
    col = await db.create_collection("trunc")
    await col.add_index(type="persistent", fields=["n"], options={"unique": True})
    for n in range(5):
        await col.insert({"n": n})
    await col.truncate()
    assert await col.count() == 0
    assert await db.has_collection("trunc")
    await col.insert({"n": 1})  # the unique index was emptied too
    assert len(await col.indexes()) == 2


async def test_compatibility_noops(db, target):
    col = await db.create_collection("noop")
    await col.insert({"x": 1})
    assert await col.load_indexes() is True
    await col.recalculate_count()
    info = await col.compact()
    assert info.name == "noop"
    resp = await _raw(target, "PUT", db.name, "/_api/collection/noop/load")
    assert resp.status_code == 200 and resp.json()["count"] == 1
    resp = await _raw(target, "PUT", db.name, "/_api/collection/noop/unload")
    assert resp.status_code == 200 and resp.json()["name"] == "noop"


# ---------------------------------------------------------------------- rename
async def test_rename_keeps_documents_reachable(db):
    col = await db.create_collection("before")
    await col.insert({"_key": "a", "v": 1})
    await col.rename("after")
    assert col.name == "after"
    assert not await db.has_collection("before")
    doc = await db.collection("after").get("a")
    assert doc["_id"] == "after/a" and doc["v"] == 1
    listed = [c.name for c in await db.collections(exclude_system=True)]
    assert listed == ["after"]
    await db.collection("after").insert({"_key": "b"})
    assert await db.collection("after").count() == 2


async def test_rename_errors(db, target):
    await db.create_collection("a")
    await db.create_collection("b")
    with pytest.raises(CollectionRenameError) as exc:
        await db.collection("a").rename("b")
    assert exc.value.error_code == 1207 and exc.value.http_code == 409
    with pytest.raises(CollectionRenameError) as exc:
        await db.collection("a").rename("no spaces allowed")
    assert exc.value.error_code == 1208 and exc.value.http_code == 400
    with pytest.raises(CollectionRenameError) as exc:
        await db.collection("_graphs").rename("graphs2")
    assert exc.value.error_code == 11 and exc.value.http_code == 403
    resp = await _raw(target, "PUT", db.name, "/_api/collection/a/rename", {})
    assert resp.status_code == 400 and resp.json()["errorNum"] == 1208
    assert await db.has_collection("a") and await db.has_collection("_graphs")


async def test_rename_updates_graph_definitions(db):
    await db.create_graph(
        "g",
        edge_definitions=[{"collection": "knows", "from": ["people"], "to": ["people"]}],
        orphan_collections=["loners"],
    )
    await db.collection("people").rename("persons")
    await db.collection("loners").rename("hermits")
    definitions = await db.graph("g").edge_definitions()
    assert definitions[0]["from_vertex_collections"] == ["persons"]
    assert definitions[0]["to_vertex_collections"] == ["persons"]
    assert await db.graph("g").vertex_collections() == ["hermits", "persons"]


# ---------------------------------------------------------------------- transactions
async def test_count_and_truncate_inside_stream_transaction(db):
    col = await db.create_collection("tx")
    for n in range(3):
        await col.insert({"n": n})
    trx = await db.begin_transaction(write=["tx"])
    in_trx = trx.collection("tx")
    await in_trx.insert({"n": 99})
    assert await in_trx.count() == 4
    assert await col.count() == 3
    await in_trx.truncate()
    assert await in_trx.count() == 0
    assert await col.count() == 3
    await trx.commit_transaction()
    assert await col.count() == 0


async def test_truncate_in_transaction_not_declared_for_write(db):
    col = await db.create_collection("tx")
    await col.insert({"n": 1})
    trx = await db.begin_transaction(read=["tx"])
    with pytest.raises(CollectionTruncateError) as exc:
        await trx.collection("tx").truncate()
    assert exc.value.error_code == 1652
    await trx.abort_transaction()
    assert await col.count() == 1


# ---------------------------------------------------------------------- permissions
async def test_permissions(client, sys_db, db, target):
    await db.create_collection("open")
    await db.create_collection("secret")
    user = unique_name("u")
    await sys_db.create_user(UserInfo(user=user, password="pw"))
    try:
        await sys_db.update_permission(user, "ro", db.name)
        await sys_db.update_permission(user, "none", db.name, "secret")
        as_user = await client.db(db.name, auth=Auth(user, "pw"))
        names = [c.name for c in await as_user.collections(exclude_system=True)]
        assert names == ["open"]
        assert await as_user.collection("open").count() == 0
        with pytest.raises(CollectionCreateError) as exc:
            await as_user.create_collection("nope")
        assert exc.value.error_code == 11 and exc.value.http_code == 403
        with pytest.raises(CollectionDeleteError) as exc:
            await as_user.delete_collection("open")
        assert exc.value.error_code == 11 and exc.value.http_code == 403
        with pytest.raises(CollectionTruncateError) as exc:
            await as_user.collection("open").truncate()
        assert exc.value.error_code == 1004 and exc.value.http_code == 403
        with pytest.raises(CollectionListError):
            await as_user.has_collection("secret")
    finally:
        await sys_db.delete_user(user)


async def test_drop_forgets_collection_grants(client, sys_db, db):
    user = unique_name("u")
    await sys_db.create_user(UserInfo(user=user, password="pw"))
    try:
        await sys_db.update_permission(user, "rw", db.name)
        await db.create_collection("theirs")
        await sys_db.update_permission(user, "ro", db.name, "theirs")
        as_user = await client.db(db.name, auth=Auth(user, "pw"))
        mine = await as_user.create_collection("mine")
        await mine.truncate()
        with pytest.raises(CollectionTruncateError) as exc:
            await as_user.collection("theirs").truncate()
        assert exc.value.error_code == 1004 and exc.value.http_code == 403
        # a new "theirs" does not inherit the old collection's grant
        await db.delete_collection("theirs")
        await db.create_collection("theirs")
        assert await sys_db.permission(user, db.name, "theirs") == "rw"
        await as_user.collection("theirs").truncate()
    finally:
        await sys_db.delete_user(user)
