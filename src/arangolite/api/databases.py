"""REST API: databases (``/_api/database``). Management only from ``_system``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response

__all__ = ["routes"]


def _system_only(call: Call) -> None:
    if call.db.name != "_system":
        raise ArangoError(E.USE_SYSTEM_DATABASE)


def _ok(result: Any, code: int = 200) -> Response:
    return json_response({"error": False, "code": code, "result": result}, status=code)


async def list_databases(call: Call) -> Response:
    _system_only(call)
    return _ok(sorted(call.engine.databases))


async def accessible_databases(call: Call) -> Response:
    names = sorted(name for name in call.engine.databases if call.level(database=name) != "none")
    return _ok(names)


async def current(call: Call) -> Response:
    return _ok(call.db.info())


async def create_database(call: Call) -> Response:
    _system_only(call)
    body = await call.object_body()
    name = body.get("name")
    users = body.get("users") or []
    if not isinstance(users, list) or not all(isinstance(u, dict) for u in users):
        raise ArangoError(E.HTTP_BAD_PARAMETER, "invalid 'users' attribute")
    for spec in users:
        username = spec.get("username", spec.get("user"))
        if not isinstance(username, str) or not username:
            raise ArangoError(E.USER_INVALID_NAME)
    call.engine.create_database(name)
    creator = call.user.name if call.user is not None else None
    if creator is not None and creator != "root":
        call.engine.grant(creator, name, "rw")
    for spec in users:
        username = spec.get("username", spec.get("user"))
        if username not in call.engine.users:
            call.engine.create_user(
                username,
                spec.get("passwd", "") or "",
                active=bool(spec.get("active", True)),
                extra=spec.get("extra") or {},
            )
        call.engine.grant(username, name, "rw")
    return _ok(True, 201)


async def drop_database(call: Call) -> Response:
    _system_only(call)
    call.engine.drop_database(call.params["name"])
    return _ok(True)


routes = [
    Route("GET", "/_api/database", list_databases, access="admin"),
    Route("GET", "/_api/database/user", accessible_databases, access="auth"),
    Route("GET", "/_api/database/current", current, access="db:ro"),
    Route("POST", "/_api/database", create_database, access="admin"),
    Route("DELETE", "/_api/database/{name}", drop_database, access="admin"),
]
