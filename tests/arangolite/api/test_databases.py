"""Databases: create, list, current, accessible, drop, and their errors."""

from __future__ import annotations

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    DatabaseCreateError,
    DatabaseDeleteError,
    DatabaseListError,
    ServerConnectionError,
)

from tests.conftest import unique_name


async def test_create_list_drop(sys_db):
    name = unique_name("db")
    assert await sys_db.create_database(name) is True
    assert name in await sys_db.databases()
    assert await sys_db.has_database(name)
    assert await sys_db.delete_database(name) is True
    assert name not in await sys_db.databases()


async def test_duplicate_invalid_and_missing_names(sys_db):
    name = unique_name("db")
    await sys_db.create_database(name)
    with pytest.raises(DatabaseCreateError) as dup:
        await sys_db.create_database(name)
    assert dup.value.error_code == 1207 and dup.value.http_code == 409
    with pytest.raises(DatabaseCreateError) as bad:
        await sys_db.create_database("1-not valid!")
    assert bad.value.error_code == 1229 and bad.value.http_code == 400
    await sys_db.delete_database(name)
    with pytest.raises(DatabaseDeleteError) as missing:
        await sys_db.delete_database(name)
    assert missing.value.error_code == 1228 and missing.value.http_code == 404


async def test_current_database_info(db):
    info = await db.properties()
    assert info.name == db.name
    assert info.is_system is False


async def test_management_only_from_system(client, db, target):
    with pytest.raises(DatabaseListError) as exc:
        await db.databases()
    assert exc.value.error_code == 1230


async def test_create_with_initial_users(client, sys_db, target):
    name = unique_name("db")
    user = unique_name("u")
    await sys_db.create_database(
        name, users=[{"username": user, "password": "pw1", "active": True}]
    )
    try:
        as_user = await client.db(name, auth=Auth(user, "pw1"))
        assert (await as_user.properties()).name == name
        assert name in await as_user.databases_accessible_to_user()
    finally:
        await sys_db.delete_database(name)
        await sys_db.delete_user(user, ignore_missing=True)


async def test_cannot_use_dropped_database(client, sys_db, target):
    name = unique_name("db")
    await sys_db.create_database(name)
    handle = await client.db(name, auth=Auth("root", target.root_password))
    await sys_db.delete_database(name)
    with pytest.raises((ServerConnectionError, Exception)) as exc:
        await handle.properties()
    assert getattr(exc.value, "error_code", None) == 1228
