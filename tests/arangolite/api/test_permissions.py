"""Permissions: grant, read, reset at database and collection level, ``*``
defaults, and their enforcement on a non-root user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from arangoasync.auth import Auth
from arangoasync.database import StandardDatabase
from arangoasync.exceptions import (
    CollectionCreateError,
    CollectionListError,
    CollectionPropertiesError,
    CollectionTruncateError,
    DocumentGetError,
    DocumentInsertError,
    PermissionGetError,
    PermissionListError,
    PermissionResetError,
    PermissionUpdateError,
)
from arangoasync.typings import UserInfo

from tests.conftest import unique_name


@dataclass
class Person:
    name: str
    password: str

    @property
    def auth(self) -> Auth:
        return Auth(self.name, self.password)

    @property
    def auth_tuple(self) -> tuple[str, str]:
        return (self.name, self.password)


@pytest.fixture
async def person(sys_db) -> AsyncIterator[Person]:
    """A fresh user with no grants at all; deleted afterwards."""
    found = Person(unique_name("u"), "pw")
    await sys_db.create_user(UserInfo(user=found.name, password=found.password))
    yield found
    await sys_db.delete_user(found.name, ignore_missing=True)


async def _as(client, person: Person, db: StandardDatabase) -> StandardDatabase:
    return await client.db(db.name, auth=person.auth)


# ---------------------------------------------------------------------- management
async def test_database_grant_get_reset(sys_db, db, person):
    assert await sys_db.permission(person.name, db.name) == "none"
    assert await sys_db.update_permission(person.name, "ro", db.name) is True
    assert await sys_db.permission(person.name, db.name) == "ro"
    assert (await sys_db.permissions(person.name, full=False)).get(db.name) == "ro"
    assert await sys_db.update_permission(person.name, "rw", db.name) is True
    assert await sys_db.permission(person.name, db.name) == "rw"
    assert await sys_db.reset_permission(person.name, db.name) is True
    assert await sys_db.permission(person.name, db.name) == "none"
    assert db.name not in await sys_db.permissions(person.name, full=False)


async def test_collection_grant_get_reset(sys_db, db, person):
    await db.create_collection("things")
    await sys_db.update_permission(person.name, "rw", db.name)
    # no collection grant: the database level applies
    assert await sys_db.permission(person.name, db.name, "things") == "rw"
    assert await sys_db.update_permission(person.name, "ro", db.name, "things") is True
    assert await sys_db.permission(person.name, db.name, "things") == "ro"
    assert await sys_db.update_permission(person.name, "none", db.name, "things") is True
    assert await sys_db.permission(person.name, db.name, "things") == "none"
    assert await sys_db.reset_permission(person.name, db.name, "things") is True
    assert await sys_db.permission(person.name, db.name, "things") == "rw"


async def test_full_listing_shows_configured_levels(sys_db, db, person):
    await db.create_collection("things")
    await sys_db.update_permission(person.name, "ro", db.name)
    await sys_db.update_permission(person.name, "rw", db.name, "things")
    full = await sys_db.permissions(person.name, full=True)
    mine = full[db.name]
    assert mine["permission"] == "ro"
    assert mine["collections"]["things"] == "rw"
    assert mine["collections"]["*"] == "undefined"
    assert full["_system"]["permission"] == "undefined"
    assert full["*"] == {"permission": "none"}


async def test_grant_response_shape(target, db, person):
    auth = ("root", target.root_password)
    async with httpx.AsyncClient(base_url=target.url, auth=auth) as http:
        await http.post(f"/_db/{db.name}/_api/collection", json={"name": "things"})
        base = f"/_api/user/{person.name}/database/{db.name}"
        resp = await http.put(base, json={"grant": "ro"})
        assert resp.status_code == 200
        assert resp.json() == {db.name: "ro", "error": False, "code": 200}
        resp = await http.put(f"{base}/things", json={"grant": "rw"})
        assert resp.json() == {f"{db.name}/things": "rw", "error": False, "code": 200}
        resp = await http.get(base)
        assert resp.json() == {"error": False, "code": 200, "result": "ro"}
        resp = await http.delete(f"{base}/things")
        assert (resp.status_code, resp.json()) == (202, {"error": False, "code": 202})


async def test_grant_errors(sys_db, db, person):
    with pytest.raises(PermissionUpdateError) as no_coll:
        await sys_db.update_permission(person.name, "ro", db.name, "no_such_collection")
    assert (no_coll.value.http_code, no_coll.value.error_code) == (404, 1203)
    with pytest.raises(PermissionUpdateError) as no_db:
        await sys_db.update_permission(person.name, "ro", unique_name("nodb"), "c")
    assert (no_db.value.http_code, no_db.value.error_code) == (404, 1228)
    with pytest.raises(PermissionUpdateError) as bad_level:
        await sys_db.update_permission(person.name, "admin", db.name)
    assert (bad_level.value.http_code, bad_level.value.error_code) == (400, 10)
    with pytest.raises(PermissionUpdateError) as system_coll:
        await sys_db.update_permission(person.name, "rw", db.name, "_graphs")
    assert (system_coll.value.http_code, system_coll.value.error_code) == (400, 10)
    with pytest.raises(PermissionUpdateError) as no_user:
        await sys_db.update_permission(unique_name("nobody"), "rw", db.name)
    assert (no_user.value.http_code, no_user.value.error_code) == (404, 1703)
    with pytest.raises(PermissionResetError) as reset_no_user:
        await sys_db.reset_permission(unique_name("nobody"), db.name)
    assert (reset_no_user.value.http_code, reset_no_user.value.error_code) == (404, 1703)
    with pytest.raises(PermissionListError) as list_no_user:
        await sys_db.permissions(unique_name("nobody"))
    assert (list_no_user.value.http_code, list_no_user.value.error_code) == (404, 1703)


async def test_root_keeps_system_access(sys_db):
    with pytest.raises(PermissionUpdateError) as lower:
        await sys_db.update_permission("root", "ro", "_system")
    assert (lower.value.http_code, lower.value.error_code) == (403, 11)
    with pytest.raises(PermissionResetError) as reset:
        await sys_db.reset_permission("root", "_system")
    assert (reset.value.http_code, reset.value.error_code) == (403, 11)
    assert await sys_db.permission("root", "_system") == "rw"


async def test_wildcard_defaults(sys_db, db, person):
    await db.create_collection("things")
    await sys_db.update_permission(person.name, "ro", "*")
    assert await sys_db.permission(person.name, db.name) == "ro"
    assert await sys_db.permission(person.name, db.name, "things") == "ro"
    # an explicit database grant beats the wildcard
    await sys_db.update_permission(person.name, "none", db.name)
    assert await sys_db.permission(person.name, db.name) == "none"
    await sys_db.reset_permission(person.name, db.name)
    assert await sys_db.permission(person.name, db.name) == "ro"
    # a collection wildcard raises collections above the database default
    await sys_db.update_permission(person.name, "rw", db.name, "*")
    assert await sys_db.permission(person.name, db.name, "things") == "rw"
    assert await sys_db.permission(person.name, db.name, "*") == "rw"
    await sys_db.reset_permission(person.name, db.name, "*")
    assert await sys_db.permission(person.name, db.name, "things") == "ro"
    # the "*" database wildcard for collections
    await sys_db.update_permission(person.name, "rw", "*", "*")
    assert await sys_db.permission(person.name, db.name, "things") == "rw"
    await sys_db.reset_permission(person.name, "*")
    await sys_db.reset_permission(person.name, "*", "*")
    assert await sys_db.permission(person.name, db.name) == "none"
    assert await sys_db.permission(person.name, db.name, "things") == "none"


async def test_users_read_only_their_own_permissions(client, sys_db, db, person):
    other = unique_name("u")
    await sys_db.create_user(UserInfo(user=other, password="x"))
    try:
        await sys_db.update_permission(person.name, "ro", db.name)
        as_person = await _as(client, person, db)
        assert await as_person.permission(person.name, db.name) == "ro"
        assert (await as_person.permissions(person.name, full=False))[db.name] == "ro"
        with pytest.raises(PermissionGetError) as others:
            await as_person.permission(other, db.name)
        assert others.value.http_code == 403
        with pytest.raises(PermissionUpdateError) as grant:
            await as_person.update_permission(person.name, "rw", db.name)
        assert (grant.value.http_code, grant.value.error_code) == (403, 11)
        assert await sys_db.permission(person.name, db.name) == "ro"
    finally:
        await sys_db.delete_user(other, ignore_missing=True)


# ---------------------------------------------------------------------- enforcement
async def test_no_access_user_is_refused(client, sys_db, db, person):
    await db.create_collection("things")
    as_person = await _as(client, person, db)
    with pytest.raises(CollectionListError) as listing:
        await as_person.collections()
    assert (listing.value.http_code, listing.value.error_code) == (401, 11)
    with pytest.raises(CollectionPropertiesError) as props:
        await as_person.collection("things").properties()
    assert (props.value.http_code, props.value.error_code) == (401, 11)


async def test_accessible_databases_lists_only_granted(client, sys_db, db, person):
    await sys_db.update_permission(person.name, "ro", db.name)
    as_person = await _as(client, person, db)
    assert await as_person.databases_accessible_to_user() == [db.name]
    await sys_db.update_permission(person.name, "ro", "_system")
    assert await as_person.databases_accessible_to_user() == sorted(["_system", db.name])


async def test_unknown_database_is_401_without_access(target, person):
    async with httpx.AsyncClient(base_url=target.url, auth=person.auth_tuple) as http:
        resp = await http.get(f"/_db/{unique_name('nodb')}/_api/collection")
        assert (resp.status_code, resp.json()["errorNum"]) == (401, 11)
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as http:
        resp = await http.get(f"/_db/{unique_name('nodb')}/_api/collection")
        assert (resp.status_code, resp.json()["errorNum"]) == (404, 1228)


async def test_read_only_database_cannot_create_collections(client, sys_db, db, person):
    await db.create_collection("things")
    await sys_db.update_permission(person.name, "ro", db.name)
    as_person = await _as(client, person, db)
    assert "things" in {c.name for c in await as_person.collections()}
    assert (await as_person.collection("things").properties()).name == "things"
    with pytest.raises(CollectionCreateError) as exc:
        await as_person.create_collection("mine")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    with pytest.raises(CollectionTruncateError) as truncate:
        await as_person.collection("things").truncate()
    assert truncate.value.http_code == 403


async def test_read_only_user_reads_but_cannot_insert(client, sys_db, db, person):
    things = await db.create_collection("things")
    await things.insert({"_key": "a", "v": 1})
    await sys_db.update_permission(person.name, "ro", db.name)
    mine = (await _as(client, person, db)).collection("things")
    assert (await mine.get("a"))["v"] == 1
    with pytest.raises(DocumentInsertError) as exc:
        await mine.insert({"_key": "b"})
    assert exc.value.http_code == 403
    assert await things.get("b") is None


async def test_collection_override_inside_rw_database(client, sys_db, db, person):
    await db.create_collection("open")
    locked = await db.create_collection("locked")
    await locked.insert({"_key": "a"})
    await sys_db.update_permission(person.name, "rw", db.name)
    await sys_db.update_permission(person.name, "ro", db.name, "locked")
    as_person = await _as(client, person, db)
    assert (await as_person.collection("open").insert({"_key": "x"}))["_key"] == "x"
    assert (await as_person.collection("locked").get("a"))["_key"] == "a"
    with pytest.raises(DocumentInsertError) as ro:
        await as_person.collection("locked").insert({"_key": "y"})
    assert ro.value.http_code == 403
    await sys_db.update_permission(person.name, "none", db.name, "locked")
    with pytest.raises(DocumentGetError) as none:
        await as_person.collection("locked").get("a")
    assert (none.value.http_code, none.value.error_code) == (403, 11)
    with pytest.raises(CollectionPropertiesError) as props:
        await as_person.collection("locked").properties()
    assert (props.value.http_code, props.value.error_code) == (403, 11)
    # resetting the collection grant falls back to the database's rw
    await sys_db.reset_permission(person.name, db.name, "locked")
    assert (await as_person.collection("locked").insert({"_key": "z"}))["_key"] == "z"


async def test_creator_gets_rw_on_new_collection(client, sys_db, db, person):
    await sys_db.update_permission(person.name, "rw", db.name)
    await sys_db.update_permission(person.name, "none", db.name, "*")
    as_person = await _as(client, person, db)
    await as_person.create_collection("mine")
    # an explicit grant, not just the database default
    full = await sys_db.permissions(person.name, full=True)
    assert full[db.name]["collections"]["mine"] == "rw"
    assert await sys_db.permission(person.name, db.name, "mine") == "rw"
