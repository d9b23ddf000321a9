"""REST API: ``POST /_open/auth`` issues a JWT for a username and password."""

from __future__ import annotations

from starlette.responses import Response

from arangolite.routing import Call, Route, json_response

__all__ = ["routes"]


async def login(call: Call) -> Response:
    body = await call.object_body()
    token = call.server.authenticator.login(body.get("username"), body.get("password"))
    return json_response({"jwt": token})


routes = [Route("POST", "/_open/auth", login, access="public")]
