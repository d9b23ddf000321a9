"""Who is calling: HTTP Basic, user JWTs issued by ``/_open/auth``, and superuser
JWTs signed with the server's secret (``server_id`` claim, no user).

:meth:`Authenticator.authenticate` returns the :class:`User`, or ``None`` for a
superuser, or raises HTTP 401 / errorNum 11 — for a missing, malformed, expired
or wrongly signed credential alike, and for inactive users, as ArangoDB does.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import TYPE_CHECKING, Any

import jwt

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.engine import Engine
    from arangolite.storage.users import User

__all__ = ["Authenticator", "UNAUTHORIZED_MESSAGE", "TOKEN_LIFETIME"]

UNAUTHORIZED_MESSAGE = "not authorized to execute this request"
#: ArangoDB's default ``--server.session-timeout`` (seconds a user JWT is valid)
TOKEN_LIFETIME = 3600.0


def unauthorized(message: str = UNAUTHORIZED_MESSAGE) -> ArangoError:
    return ArangoError(E.FORBIDDEN, message, status=401)


class Authenticator:
    def __init__(
        self, engine: Engine, *, jwt_secret: str, token_lifetime: float = TOKEN_LIFETIME
    ) -> None:
        self.engine = engine
        self.jwt_secret = jwt_secret
        self.token_lifetime = token_lifetime

    def login(self, username: Any, password: Any) -> str:
        """Check credentials and issue a user JWT (``POST /_open/auth``).

        Non-string fields are 400 "invalid JSON"; bad credentials (or an inactive
        user) 401 with errorNum 401 "Wrong credentials" — ArangoDB's own answers.
        """
        if not isinstance(username, str) or not isinstance(password, str):
            raise ArangoError(E.HTTP_BAD_PARAMETER, "invalid JSON")
        user = self.engine.users.get(username)
        if user is None or not user.active or not user.check_password(password):
            raise ArangoError(E.HTTP_UNAUTHORIZED, "Wrong credentials", status=401)
        return self.issue(username)

    def issue(self, username: str) -> str:
        now = time.time()
        claims = {
            "iss": "arangodb",
            "preferred_username": username,
            "iat": int(now),
            "exp": int(now + self.token_lifetime),
        }
        return jwt.encode(claims, self.jwt_secret, algorithm="HS256")

    def authenticate(self, authorization: str | None) -> User | None:
        if not authorization:
            raise unauthorized()
        scheme, _, credentials = authorization.strip().partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            return self._basic(credentials.strip())
        if scheme == "bearer":
            return self._bearer(credentials.strip())
        raise unauthorized()

    def _basic(self, credentials: str) -> User:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise unauthorized() from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise unauthorized()
        user = self.engine.users.get(username)
        if user is None or not user.active or not user.check_password(password):
            raise unauthorized()
        return user

    def _bearer(self, token: str) -> User | None:
        try:
            claims = jwt.decode(
                token,
                self.jwt_secret,
                algorithms=["HS256"],
                # ArangoDB checks iss and (when present) exp; it ignores iat
                options={"require": ["iss"], "verify_iat": False},
                issuer="arangodb",
            )
        except jwt.PyJWTError:
            raise unauthorized() from None
        username = claims.get("preferred_username")
        if username is None:
            if isinstance(claims.get("server_id"), str):
                return None  # superuser token
            raise unauthorized()
        if not isinstance(username, str):
            raise unauthorized()
        user = self.engine.users.get(username)
        if user is None or not user.active:
            raise unauthorized()
        return user
