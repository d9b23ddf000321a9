"""Users (``/_api/user``): create, list, get, update, replace, delete, and who may."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    UserCreateError,
    UserDeleteError,
    UserGetError,
    UserListError,
    UserReplaceError,
    UserUpdateError,
)
from arangoasync.typings import UserInfo

from tests.conftest import unique_name

MakeUser = Callable[..., Awaitable[str]]


@pytest.fixture
async def make_user(sys_db) -> AsyncIterator[MakeUser]:
    """Create users through the API; delete them after the test."""
    created: list[str] = []

    async def make(password: str = "pw", **fields: object) -> str:
        name = unique_name("u")
        await sys_db.create_user(UserInfo(user=name, password=password, **fields))
        created.append(name)
        return name

    yield make
    for name in created:
        await sys_db.delete_user(name, ignore_missing=True)


async def test_create_get_list_delete(sys_db):
    name = unique_name("u")
    created = await sys_db.create_user(
        UserInfo(user=name, password="secret", active=True, extra={"team": "blue"})
    )
    assert (created.user, created.active, created.extra) == (name, True, {"team": "blue"})
    fetched = await sys_db.user(name)
    assert (fetched.user, fetched.active, fetched.extra) == (name, True, {"team": "blue"})
    assert sum(u.user == name for u in await sys_db.users()) == 1
    assert "root" in {u.user for u in await sys_db.users()}
    assert await sys_db.has_user(name) is True

    assert await sys_db.delete_user(name) is True
    assert await sys_db.has_user(name) is False
    assert await sys_db.delete_user(name, ignore_missing=True) is False
    with pytest.raises(UserDeleteError) as missing:
        await sys_db.delete_user(name)
    assert (missing.value.http_code, missing.value.error_code) == (404, 1703)
    with pytest.raises(UserGetError) as gone:
        await sys_db.user(name)
    assert (gone.value.http_code, gone.value.error_code) == (404, 1703)


async def test_create_defaults_and_wire_shape(client, sys_db, target):
    name = unique_name("u")
    async with httpx.AsyncClient(base_url=target.url) as http:
        resp = await http.post(
            "/_api/user", json={"user": name}, auth=("root", target.root_password)
        )
        try:
            assert resp.status_code == 201
            assert resp.json() == {
                "user": name,
                "active": True,
                "extra": {},
                "error": False,
                "code": 201,
            }
            # no passwd means the empty password
            as_user = await client.db("_system", auth=Auth(name, ""))
            assert (await as_user.user(name)).user == name
            deleted = await http.delete(f"/_api/user/{name}", auth=("root", target.root_password))
            assert deleted.status_code == 202
            assert deleted.json() == {"error": False, "code": 202}
        finally:
            await sys_db.delete_user(name, ignore_missing=True)


async def test_duplicate_and_invalid_names(sys_db, make_user):
    name = await make_user()
    with pytest.raises(UserCreateError) as dup:
        await sys_db.create_user(UserInfo(user=name, password="x"))
    assert (dup.value.http_code, dup.value.error_code) == (409, 1702)


async def test_empty_name_is_invalid(target):
    async with httpx.AsyncClient(base_url=target.url) as http:
        for body in ({"user": ""}, {"passwd": "x"}):
            resp = await http.post("/_api/user", json=body, auth=("root", target.root_password))
            assert resp.status_code == 400
            assert resp.json()["errorNum"] == 1700


async def test_update_changes_only_given_fields(client, sys_db, make_user):
    name = await make_user("old", extra={"a": 1})
    updated = await sys_db.update_user(UserInfo(user=name, password="new"))
    assert (updated.active, updated.extra) == (True, {"a": 1})
    assert (await (await client.db("_system", auth=Auth(name, "new"))).user(name)).user == name
    updated = await sys_db.update_user({"user": name, "active": False})
    assert updated.active is False
    assert (await sys_db.user(name)).active is False
    updated = await sys_db.update_user({"user": name, "extra": {"b": 2}})
    assert updated.extra == {"b": 2}
    with pytest.raises(UserUpdateError) as missing:
        await sys_db.update_user({"user": unique_name("nobody"), "active": True})
    assert (missing.value.http_code, missing.value.error_code) == (404, 1703)


async def test_replace_resets_fields_and_permissions(sys_db, db, make_user):
    name = await make_user("pw", active=False, extra={"a": 1})
    await sys_db.update_permission(name, "rw", db.name)
    replaced = await sys_db.replace_user(UserInfo(user=name, password="other"))
    assert (replaced.active, replaced.extra) == (True, {})
    # replacing a user resets its access levels
    assert await sys_db.permission(name, db.name) == "none"
    with pytest.raises(UserReplaceError) as missing:
        await sys_db.replace_user(UserInfo(user=unique_name("nobody"), password="x"))
    assert (missing.value.http_code, missing.value.error_code) == (404, 1703)


async def test_inactive_user_cannot_log_in(client, sys_db, make_user):
    name = await make_user("pw", active=False)
    as_user = await client.db("_system", auth=Auth(name, "pw"))
    with pytest.raises(UserGetError) as refused:
        await as_user.user(name)
    assert (refused.value.http_code, refused.value.error_code) == (401, 11)


async def test_root_cannot_be_deleted(sys_db):
    with pytest.raises(UserDeleteError) as exc:
        await sys_db.delete_user("root")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert await sys_db.has_user("root")


async def test_non_admin_reads_only_itself(client, sys_db, make_user):
    me = await make_user("pw")
    other = await make_user("pw2")
    as_me = await client.db("_system", auth=Auth(me, "pw"))
    assert (await as_me.user(me)).user == me
    with pytest.raises(UserGetError) as other_user:
        await as_me.user(other)
    assert (other_user.value.http_code, other_user.value.error_code) == (403, 403)
    with pytest.raises(UserListError) as listing:
        await as_me.users()
    assert listing.value.http_code == 403


async def test_non_admin_cannot_manage_others(client, sys_db, make_user):
    me = await make_user("pw")
    other = await make_user("pw2")
    as_me = await client.db("_system", auth=Auth(me, "pw"))
    with pytest.raises(UserCreateError) as create:
        await as_me.create_user(UserInfo(user=unique_name("u"), password="x"))
    assert (create.value.http_code, create.value.error_code) == (403, 11)
    with pytest.raises(UserUpdateError) as update:
        await as_me.update_user({"user": other, "active": False})
    assert (update.value.http_code, update.value.error_code) == (403, 11)
    with pytest.raises(UserDeleteError) as delete:
        await as_me.delete_user(other)
    assert (delete.value.http_code, delete.value.error_code) == (403, 11)
    assert (await sys_db.user(other)).active is True


async def test_user_changes_own_password(client, sys_db, make_user):
    me = await make_user("before")
    as_me = await client.db("_system", auth=Auth(me, "before"))
    # no database access is needed to reach one's own user record
    await as_me.update_user(UserInfo(user=me, password="after"))
    with pytest.raises(UserGetError) as stale:
        await as_me.user(me)
    assert stale.value.http_code == 401
    again = await client.db("_system", auth=Auth(me, "after"))
    assert (await again.user(me)).user == me


async def test_admin_is_rw_on_system(client, sys_db, make_user):
    admin = await make_user("pw")
    await sys_db.update_permission(admin, "rw", "_system")
    as_admin = await client.db("_system", auth=Auth(admin, "pw"))
    made = await as_admin.create_user(UserInfo(user=unique_name("u"), password="x"))
    try:
        assert {u.user for u in await as_admin.users()} >= {admin, made.user, "root"}
    finally:
        assert await as_admin.delete_user(made.user) is True


async def test_check_password_endpoint(target, make_user):
    name = await make_user("pw")
    async with httpx.AsyncClient(base_url=target.url, auth=(name, "pw")) as http:
        good = await http.post(f"/_api/user/{name}", json={"passwd": "pw"})
        assert good.status_code == 200 and good.json()["result"] is True
        bad = await http.post(f"/_api/user/{name}", json={"passwd": "nope"})
        assert (bad.status_code, bad.json()["errorNum"]) == (404, 1703)


@pytest.mark.lite_only
async def test_user_changes_are_journaled():
    """Every user change reaches the journal with the user's full record."""
    from arangolite.server import LiteServer
    from arangolite.storage.journal import Journal

    class Recorder(Journal):
        def __init__(self) -> None:
            self.records: list[dict[str, object]] = []

        def log(self, record: dict[str, object]) -> None:
            self.records.append(record)

    server = LiteServer(root_password="pw")
    recorder = Recorder()
    server.engine.journal = recorder
    url = server.start_in_thread()
    try:
        async with ArangoClient(hosts=url) as client:
            sys_db = await client.db("_system", auth=Auth("root", "pw"))
            await sys_db.create_user(UserInfo(user="j1", password="a"))
            await sys_db.update_user({"user": "j1", "active": False})
            await sys_db.update_permission("j1", "ro", "_system")
            await sys_db.reset_permission("j1", "_system")
            await sys_db.delete_user("j1")
    finally:
        server.stop_thread()
    users = [r for r in recorder.records if r["op"] in ("user", "drop_user")]
    states = [
        (r["data"]["active"], dict(r["data"]["databases"]))  # type: ignore[index]
        for r in users
        if r["op"] == "user"
    ]
    assert states == [(True, {}), (False, {}), (False, {"_system": "ro"}), (False, {})]
    assert users[-1] == {"op": "drop_user", "name": "j1"}
