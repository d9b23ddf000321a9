"""REST API: users and their permissions (``/_api/user``).

Any authenticated user reaches these routes whatever their database access (as
in ArangoDB); each handler then applies ArangoDB's rule: administrators (``rw``
on ``_system``) may do everything, other users may read and change their own
record and read their own permissions. Refusals mirror ArangoDB's handler:
reads answer 403 with errorNum 403, writes 403 with errorNum 11.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.users import User, parse_level

__all__ = ["routes"]


def _user_result(user: User, code: int = 200) -> Response:
    return json_response({**user.public(), "error": False, "code": code}, status=code)


def _ok(result: Any) -> Response:
    return json_response({"error": False, "code": 200, "result": result})


def _accepted() -> Response:
    return json_response({"error": False, "code": 202}, status=202)


def _can_access(call: Call, name: str) -> bool:
    """Administrators see everyone; a user sees itself."""
    return (call.user is not None and call.user.name == name) or call.is_admin


def _require_read(call: Call, name: str) -> None:
    if not _can_access(call, name):
        raise ArangoError(E.HTTP_FORBIDDEN, "forbidden", status=403)


def _require_write(call: Call, name: str) -> None:
    if not _can_access(call, name):
        raise ArangoError(E.FORBIDDEN, "forbidden", status=403)


def _password(body: dict[str, Any]) -> str:
    value = body.get("passwd")
    return value if isinstance(value, str) else ""


def _extra(body: dict[str, Any]) -> dict[str, Any]:
    """Only a non-empty object is kept, as ArangoDB stores it."""
    value = body.get("extra")
    return value if isinstance(value, dict) and value else {}


# ---------------------------------------------------------------------- users
async def create_user(call: Call) -> Response:
    body = await call.object_body()
    call.require_admin()
    name = body.get("user")
    active = body.get("active")
    user = call.engine.create_user(
        name if isinstance(name, str) else "",
        _password(body),
        active=active if isinstance(active, bool) else True,
        extra=_extra(body),
    )
    return _user_result(user, 201)


async def list_users(call: Call) -> Response:
    if not call.is_admin:
        raise ArangoError(E.HTTP_FORBIDDEN, "forbidden", status=403)
    users = sorted(call.engine.users.values(), key=lambda u: u.name)
    return _ok([u.public() for u in users])


async def get_user(call: Call) -> Response:
    name = call.params["user"]
    _require_read(call, name)
    return _user_result(call.engine.user(name))


async def replace_user(call: Call) -> Response:
    name = call.params["user"]
    body = await call.body(default={})
    _require_write(call, name)
    body = body if isinstance(body, dict) else {}
    active = body.get("active")
    user = call.engine.replace_user(
        name,
        _password(body),
        active=active if isinstance(active, bool) else True,
        extra=_extra(body),
    )
    return _user_result(user)


async def update_user(call: Call) -> Response:
    name = call.params["user"]
    body = await call.body(default={})
    _require_write(call, name)
    body = body if isinstance(body, dict) else {}
    password = body.get("passwd")
    active = body.get("active")
    user = call.engine.update_user(
        name,
        password=password if isinstance(password, str) else None,
        active=active if isinstance(active, bool) else None,
        extra=_extra(body) or None,
    )
    return _user_result(user)


async def delete_user(call: Call) -> Response:
    call.require_admin()
    call.engine.drop_user(call.params["user"])
    return _accepted()


async def check_password(call: Call) -> Response:
    """``POST /_api/user/{user}`` with ``{"passwd": ...}``: true, or 404 1703."""
    body = await call.object_body()
    user = call.engine.users.get(call.params["user"])
    password = _password(body)
    if user is None or not user.active or not user.check_password(password):
        raise ArangoError(E.USER_NOT_FOUND)
    return _ok(True)


# ---------------------------------------------------------------------- permissions
async def list_permissions(call: Call) -> Response:
    name = call.params["user"]
    _require_read(call, name)
    user = call.engine.user(name)
    result: dict[str, Any] = {}
    for db_name in sorted(call.engine.databases):
        if call.flag("full"):
            database = call.engine.databases[db_name]
            collections = {
                coll: user.configured_collection_level(db_name, coll)
                for coll in sorted(database.collections)
            }
            collections["*"] = user.configured_collection_level(db_name, "*")
            result[db_name] = {
                "permission": user.configured_database_level(db_name),
                "collections": collections,
            }
        else:  # only the databases the user can use
            level = user.database_level(db_name)
            if level != "none":
                result[db_name] = level
    if call.flag("full"):
        result["*"] = {"permission": user.database_level("*")}
    return _ok(result)


def _level_of(call: Call, name: str, db: str, collection: str | None) -> str:
    """Effective level; an unknown user simply has none (ArangoDB answers 200)."""
    user = call.engine.users.get(name)
    if user is None:
        return "none"
    if collection is None:
        return user.database_level(db)
    return user.collection_level(db, collection)


async def get_database_permission(call: Call) -> Response:
    name = call.params["user"]
    _require_read(call, name)
    return _ok(_level_of(call, name, call.params["dbname"], None))


async def get_collection_permission(call: Call) -> Response:
    name = call.params["user"]
    _require_read(call, name)
    level = _level_of(call, name, call.params["dbname"], call.params["collection"])
    return _ok(level)


def _check_target(call: Call, db: str, collection: str | None) -> None:
    """A collection grant needs its database and collection to exist (``*`` aside)."""
    if collection is None or db == "*":
        return
    database = call.engine.database(db)
    if collection != "*":
        database.collection(collection)


async def _set_permission(call: Call, collection: str | None) -> Response:
    call.require_admin()
    name, db = call.params["user"], call.params["dbname"]
    _check_target(call, db, collection)
    body = await call.body(default=None)
    if not isinstance(body, dict) or not isinstance(body.get("grant"), str):
        raise ArangoError(E.BAD_PARAMETER)
    level = parse_level(body["grant"])
    call.engine.grant(name, db, level, collection=collection)
    key = db if collection is None else f"{db}/{collection}"
    return json_response({key: level, "error": False, "code": 200})


async def set_database_permission(call: Call) -> Response:
    return await _set_permission(call, None)


async def set_collection_permission(call: Call) -> Response:
    return await _set_permission(call, call.params["collection"])


async def _clear_permission(call: Call, collection: str | None) -> Response:
    call.require_admin()
    db = call.params["dbname"]
    _check_target(call, db, collection)
    call.engine.revoke(call.params["user"], db, collection=collection)
    return _accepted()


async def clear_database_permission(call: Call) -> Response:
    return await _clear_permission(call, None)


async def clear_collection_permission(call: Call) -> Response:
    return await _clear_permission(call, call.params["collection"])


_USER = "/_api/user/{user}"
_DB = _USER + "/database/{dbname}"
_COLL = _DB + "/{collection}"

routes = [
    Route("POST", "/_api/user", create_user, access="user"),
    Route("GET", "/_api/user", list_users, access="user"),
    Route("GET", _USER, get_user, access="user"),
    Route("PUT", _USER, replace_user, access="user"),
    Route("PATCH", _USER, update_user, access="user"),
    Route("DELETE", _USER, delete_user, access="user"),
    Route("POST", _USER, check_password, access="user"),
    Route("GET", _USER + "/database", list_permissions, access="user"),
    Route("GET", _DB, get_database_permission, access="user"),
    Route("PUT", _DB, set_database_permission, access="user"),
    Route("DELETE", _DB, clear_database_permission, access="user"),
    Route("GET", _COLL, get_collection_permission, access="user"),
    Route("PUT", _COLL, set_collection_permission, access="user"),
    Route("DELETE", _COLL, clear_collection_permission, access="user"),
]
