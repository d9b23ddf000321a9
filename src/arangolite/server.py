"""The HTTP server: routing, authentication, permission checks and error
conversion in one place, and an async start/stop API.

Requests are served on one asyncio loop; storage operations are synchronous and
short, so each request's mutation is atomic with respect to the others. A write
is acknowledged only after the journal has synced it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import threading
from urllib.parse import unquote

import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from arangolite.api import ROUTES
from arangolite.auth import Authenticator
from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.engine import Engine
from arangolite.storage.journal import Journal

__all__ = ["LiteServer", "DEFAULT_HOST", "DEFAULT_PORT"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8529
log = logging.getLogger("arangolite")

_DB_PREFIX = re.compile(r"^/_db/([^/]+)(/.*)?$")


class LiteServer:
    """An arangolite server: an engine, its HTTP app, and a uvicorn runner.

    ``data_dir`` makes it durable (every acknowledged write survives a crash);
    without it, everything lives in memory.
    """

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        data_dir: str | None = None,
        root_password: str = "",
        jwt_secret: str | None = None,
        routes: list[Route] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.routes = routes if routes is not None else ROUTES
        journal: Journal | None = None
        if data_dir is not None:
            from arangolite.storage.durability import open_data_dir

            self.engine = open_data_dir(data_dir, root_password=root_password)
        else:
            self.engine = Engine(root_password=root_password, journal=journal)
            self.engine.bootstrap()
        self.authenticator = Authenticator(
            self.engine, jwt_secret=jwt_secret or secrets.token_hex(32)
        )
        self._uvicorn: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self.url: str | None = None
        #: seconds between TTL index sweeps (ArangoDB's TTL thread; tests may shorten it)
        self.ttl_interval = 1.0
        self._ttl_task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"LiteServer(url={self.url!r}, data_dir={self.data_dir!r})"

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self._ttl_task = asyncio.create_task(self._expire_ttl())
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self._ttl_task is not None:
                        self._ttl_task.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await self._ttl_task
                        self._ttl_task = None
                    await self.engine.journal.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        try:
            response = await self.dispatch(request)
        except ArangoError as exc:
            response = json_response(exc.to_body(), status=exc.status)
        except Exception:  # never a traceback to the client; the log gets it
            log.exception("internal error serving %s %s", request.method, request.url.path)
            error = ArangoError(E.INTERNAL)
            response = json_response(error.to_body(), status=500)
        await response(scope, receive, send)

    async def _expire_ttl(self) -> None:
        """Remove documents whose TTL index says they expired, every ``ttl_interval`` s."""
        from arangolite.storage.index_ttl import remove_expired

        while True:
            await asyncio.sleep(self.ttl_interval)
            try:
                if remove_expired(self.engine) and self.engine.journal.pending:
                    await self.engine.journal.sync()
            except Exception:  # keep sweeping; the log gets it
                log.exception("TTL expiry sweep failed")

    async def dispatch(self, request: Request) -> Response:
        # match the path as sent, still percent-encoded: each segment is decoded
        # exactly once (Call.params), so a key like "a%2520b" stays "a%20b"
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else request.url.path
        db_name = "_system"
        match = _DB_PREFIX.match(path)
        if match:
            db_name = unquote(match.group(1))
            path = match.group(2) or "/"
        route, params = self._match(request.method, path)
        user = None
        if route.access != "public":
            user = self.authenticator.authenticate(request.headers.get("authorization"))
            if db_name not in self.engine.databases and user is not None:
                # as ArangoDB: no hint that a database exists to who may not use it
                if user.database_level(db_name) == "none":
                    raise ArangoError(E.FORBIDDEN, status=401)
        database = self.engine.database(db_name)
        call = Call(request, self, database, user, params)
        self._authorize(route, call)
        try:
            response = await route.endpoint(call)
        finally:
            # an error reply may follow changes already made (and visible): sync those too
            if self.engine.journal.pending:
                await self.engine.journal.sync()
        return response

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed = False
        for route in self.routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise ArangoError(E.HTTP_METHOD_NOT_ALLOWED, "method not supported", status=405)
        raise ArangoError(E.HTTP_NOT_FOUND, f"unknown path '{path}'")

    @staticmethod
    def _authorize(route: Route, call: Call) -> None:
        access = route.access
        if access in ("public", "user"):
            return
        # every other path needs access to the request's database (ArangoDB's
        # CommTask::canAccessPath): 401 "not authorized to execute this request"
        call.require("ro")
        if access == "admin":
            call.require_admin()
        elif access.startswith("db:"):
            call.require(access[3:])
        elif access.startswith("coll:"):
            name = call.params.get("collection") or call.query.get("collection")
            found = call.db.find(name) if name else None
            if found is not None:  # a missing collection is the handler's 404
                call.require(access[5:], collection=found.name)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> str:
        """Start serving on this loop; return the bound URL (port 0 picks a free one)."""
        config = uvicorn.Config(
            self,
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_keep_alive=30,
        )
        self._uvicorn = uvicorn.Server(config)
        self._task = asyncio.create_task(self._uvicorn.serve())
        while not self._uvicorn.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("arangolite failed to start")
            await asyncio.sleep(0.01)
        sock = self._uvicorn.servers[0].sockets[0]
        port = sock.getsockname()[1]
        self.port = port
        self.url = f"http://{self.host}:{port}"
        return self.url

    async def stop(self) -> None:
        if self._uvicorn is not None and self._task is not None:
            self._uvicorn.should_exit = True
            await self._task
            self._uvicorn = None
            self._task = None

    def start_in_thread(self) -> str:
        """Serve from a private event loop in a daemon thread (tests, embedding)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_until_complete(self._task)  # type: ignore[arg-type]
            loop.close()

        self._thread = threading.Thread(target=run, name="arangolite", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        assert self.url is not None
        return self.url

    def stop_thread(self) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


def run(
    host: str, port: int, data_dir: str | None, root_password: str, jwt_secret: str | None
) -> None:
    """Serve in the foreground until interrupted (``arangolite serve``)."""
    server = LiteServer(
        host=host, port=port, data_dir=data_dir, root_password=root_password, jwt_secret=jwt_secret
    )

    async def main() -> None:
        url = await server.start()
        print(f"arangolite {_version()} listening on {url}", flush=True)
        assert server._task is not None
        await server._task

    asyncio.run(main())


def _version() -> str:
    from arangolite import __arangodb_version__

    return __arangodb_version__
