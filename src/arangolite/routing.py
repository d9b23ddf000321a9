"""Routes as data, and the per-request context handlers receive.

Each API module exports ``routes: list[Route]``. A route declares its method,
path and the access it needs; the server does database resolution,
authentication, the permission check, body parsing errors and error conversion
centrally, so a handler only reads: parse -> call storage -> shape JSON.

Access kinds (``Route.access``). As in ArangoDB, every authenticated request
first needs at least ``ro`` on the request's database (else HTTP 401, errorNum
11), except ``public`` and ``user`` routes:

- ``public``: no authentication (``/_open/auth``);
- ``user``: any authenticated user, whatever their database access
  (``/_api/user/...``; the handler checks admin/self itself);
- ``auth``: any authenticated user with access to the request's database;
- ``db:ro`` / ``db:rw``: that level on the request's database (403 otherwise);
- ``coll:ro`` / ``coll:rw``: that level on the collection named by the path
  parameter ``collection`` (or the query parameter ``collection``), checked
  like ArangoDB's transactions do (403 errorNum 11, or 1004 for a write to a
  read-only collection); a missing collection is left to the handler (404);
- ``admin``: ``rw`` on ``_system`` (server administration: databases, users);
- ``handler``: the handler checks permissions itself via :meth:`Call.require`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response

from arangolite.auth import UNAUTHORIZED_MESSAGE
from arangolite.errors import ArangoError, E
from arangolite.storage.users import allows

if TYPE_CHECKING:
    from arangolite.server import LiteServer
    from arangolite.storage.collections import Collection
    from arangolite.storage.databases import Database
    from arangolite.storage.engine import Engine
    from arangolite.storage.transactions import Transaction
    from arangolite.storage.users import User

__all__ = ["Route", "Call", "json_response", "ACCESS_KINDS"]

ACCESS_KINDS = (
    "public",
    "user",
    "auth",
    "db:ro",
    "db:rw",
    "coll:ro",
    "coll:rw",
    "admin",
    "handler",
)

Endpoint = Callable[["Call"], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    endpoint: Endpoint
    access: str = "db:ro"
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.access not in ACCESS_KINDS:
            raise ValueError(f"Route {self.method} {self.path}: unknown access {self.access!r}")
        pattern = re.sub(r"\{(\w+):path\}", r"(?P<\1>.+)", self.path)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        object.__setattr__(self, "regex", re.compile(f"^{pattern}/?$"))


_TRUE = {"true", "1", "yes", "on"}


class Call:
    """One request as a handler sees it."""

    def __init__(
        self,
        request: Request,
        server: LiteServer,
        database: Database,
        user: User | None,
        params: dict[str, str],
    ) -> None:
        self.request = request
        self.server = server
        self.engine: Engine = server.engine
        self.db = database
        #: None means a superuser (JWT signed with the server secret)
        self.user = user
        self.params = {k: unquote(v) for k, v in params.items()}
        self.query = request.query_params
        self._body: Any = _MISSING

    @property
    def username(self) -> str:
        return self.user.name if self.user is not None else "root"

    # ------------------------------------------------------------------ input
    async def raw_body(self) -> bytes:
        return await self.request.body()

    async def body(self, *, default: Any = None) -> Any:
        """The parsed JSON body; 400/600 for malformed JSON, ``default`` when empty."""
        if self._body is _MISSING:
            raw = await self.request.body()
            if not raw.strip():
                self._body = default
            else:
                try:
                    self._body = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    raise ArangoError(
                        E.HTTP_CORRUPTED_JSON,
                        f"VPackError error: {exc.args[0] if exc.args else 'invalid JSON'}",
                    ) from None
        return self._body

    async def object_body(self) -> dict[str, Any]:
        body = await self.body(default=None)
        if not isinstance(body, dict):
            raise ArangoError(E.HTTP_BAD_PARAMETER, "expecting a JSON object as body")
        return body

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.query.get(name)
        if value is None:
            return default
        return value.strip().lower() in _TRUE

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        value = self.query.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ArangoError(
                E.HTTP_BAD_PARAMETER, f"invalid value for parameter '{name}'"
            ) from None

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    # ------------------------------------------------------------------ context
    def collection(self, name: str | None = None) -> Collection:
        if name is None:
            name = self.params.get("collection") or self.query.get("collection")
        if not name:
            raise ArangoError(E.COLLECTION_PARAMETER_MISSING)
        return self.db.collection(name)

    @property
    def trx(self) -> Transaction | None:
        """The stream transaction named by ``x-arango-trx-id``, if any."""
        trx_id = self.request.headers.get("x-arango-trx-id")
        if not trx_id:
            return None
        # unknown, ended, expired or someone else's: 1655, as ArangoDB answers
        user = self.user.name if self.user is not None else None
        return self.engine.transactions.lease(trx_id.strip(), self.db, user)

    def level(self, collection: str | None = None, database: str | None = None) -> str:
        """The caller's effective access level on a database or one of its collections."""
        if self.user is None:
            return "rw"
        db = database or self.db.name
        if collection is None:
            return self.user.database_level(db)
        return self.user.collection_level(db, collection)

    @property
    def is_admin(self) -> bool:
        """Server access level *Administrate*: ``rw`` on ``_system`` (or a superuser)."""
        return self.level(database="_system") == "rw"

    def require_admin(self) -> None:
        """Raise 403 / errorNum 11 unless the caller administrates the server."""
        if not self.is_admin:
            raise ArangoError(E.FORBIDDEN, "forbidden", status=403)

    def require(
        self, needed: str, collection: str | None = None, database: str | None = None
    ) -> None:
        """Raise ArangoDB's error unless the caller has ``needed`` access.

        No access to the database at all is HTTP 401 ("not authorized to execute
        this request"); too little on the database is 403 "forbidden"; on a
        collection, no access is 403 errorNum 11 and a write to a read-only
        collection 403 errorNum 1004, as ArangoDB's transactions report them.
        """
        if self.user is None:
            return
        db_level = self.level(database=database)
        if db_level == "none":
            raise ArangoError(E.FORBIDDEN, UNAUTHORIZED_MESSAGE, status=401)
        if collection is None:
            if not allows(db_level, needed):
                raise ArangoError(E.FORBIDDEN, "forbidden", status=403)
            return
        level = self.level(collection, database)
        mode = "write" if needed == "rw" else "read"
        if level == "none":
            raise ArangoError(E.FORBIDDEN, f"forbidden: {collection} [{mode}]", status=403)
        if not allows(level, needed):
            raise ArangoError(E.READ_ONLY, f"read only: {collection} [{mode}]", status=403)

    def grant_creator(self, collection: str) -> None:
        """Give a non-superuser ``rw`` on the collection it just created (as ArangoDB
        does, so that the creator can use it whatever its wildcard grants say)."""
        if self.user is None or collection.startswith("_"):
            return
        self.engine.grant(self.user.name, self.db.name, "rw", collection=collection)


_MISSING = object()
