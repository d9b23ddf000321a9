"""One python-arango-async client per configured key: lazy, verified, re-established.

A client is created on the first call that needs its key and verified with a version
call before use. Connect attempts are bounded by the entry's ``connect_timeout`` (one try
per URL, no silent retry loop), so a database that is down fails its calls fast while the
other keys keep working. Any connection failure drops the client; the next call builds
and verifies a new one, so a database that comes back works again without a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mcp_arangodb_async.config import Config, DatabaseEntry
from mcp_arangodb_async.embedded import EmbeddedServers
from mcp_arangodb_async.errors import (
    DatabaseUnavailable,
    ToolError,
    UnknownDatabase,
    from_driver_error,
)

if TYPE_CHECKING:
    from arangoasync import ArangoClient
    from arangoasync.database import StandardDatabase

__all__ = ["ConnectionManager", "DatabaseStatus", "version_text"]


def version_text(version: Any) -> str:
    """The version number from a ``/_api/version`` body."""
    if isinstance(version, dict):
        return str(version.get("version", "unknown"))
    return str(version)


@dataclass
class _Slot:
    client: ArangoClient | None = None
    db: StandardDatabase | None = None
    version: str | None = None
    url: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class DatabaseStatus:
    """What a status tool reports for one key."""

    key: str
    database: str
    url: str
    reachable: bool
    server_version: str | None = None
    latency_ms: float | None = None
    error: dict[str, Any] | None = None
    embedded_data_dir: str | None = None
    read_only: bool = False
    description: str | None = None


class ConnectionManager:
    def __init__(
        self, config: Config, embedded: EmbeddedServers, environ: Mapping[str, str]
    ) -> None:
        self.config = config
        self.embedded = embedded
        self._environ = environ
        self._slots: dict[str, _Slot] = {}

    def entry(self, key: str) -> DatabaseEntry:
        try:
            return self.config.databases[key]
        except KeyError:
            raise UnknownDatabase(
                f"database '{key}' is not configured",
                hint=f"available keys: {', '.join(self.config.databases) or 'none'}",
            ) from None

    async def database(self, key: str) -> StandardDatabase:
        """The verified database handle for ``key``, connecting on first use."""
        slot = self._slots.setdefault(key, _Slot())
        if slot.db is not None:
            return slot.db
        async with slot.lock:
            if slot.db is None:
                await self._connect(key, slot)
        assert slot.db is not None
        return slot.db

    async def _connect(self, key: str, slot: _Slot) -> None:
        # the driver (and aiohttp) load on the first connection, not at server start:
        # the server answers the handshake and tools/list without them
        from aiohttp import ClientTimeout, TCPConnector
        from arangoasync import ArangoClient
        from arangoasync.auth import Auth
        from arangoasync.http import AioHTTPClient
        from arangoasync.resolver import RoundRobinHostResolver, SingleHostResolver

        entry = self.entry(key)
        if entry.embedded:
            try:
                instance = await self.embedded.ensure(entry.embedded_path)
            except RuntimeError as exc:
                raise DatabaseUnavailable(str(exc), database=key) from None
            urls = [instance.url]
        else:
            instance = None
            urls = entry.urls
        resolver = (
            SingleHostResolver(1, max_tries=1)
            if len(urls) == 1
            else RoundRobinHostResolver(len(urls), max_tries=len(urls))
        )
        http = AioHTTPClient(
            connector=TCPConnector(keepalive_timeout=60, limit=100),
            timeout=ClientTimeout(
                total=entry.timeout,
                connect=entry.connect_timeout,
                sock_connect=entry.connect_timeout,
            ),
        )
        client = ArangoClient(hosts=urls, host_resolver=resolver, http_client=http)
        try:
            if instance is not None:
                db = await client.db(
                    entry.database, auth_method="superuser", token=instance.token()
                )
                await _ensure_database(client, entry.database, instance.token())
            else:
                auth = Auth(username=entry.username, password=entry.password(self._environ))
                db = await client.db(entry.database, auth=auth)
            version = await asyncio.wait_for(db.version(), timeout=entry.connect_timeout + 1)
        except BaseException as exc:
            await client.close()
            if isinstance(exc, ToolError | asyncio.CancelledError):
                raise
            raise from_driver_error(exc, database=key) from None
        slot.client, slot.db, slot.version, slot.url = client, db, version_text(version), urls[0]

    async def invalidate(self, key: str) -> None:
        """Drop the client of ``key`` after a failure; the next call reconnects."""
        slot = self._slots.get(key)
        if slot is None or slot.client is None:
            return
        client, slot.client, slot.db, slot.version = slot.client, None, None, None
        await client.close()

    async def check(self, key: str) -> DatabaseStatus:
        """Verify ``key`` now (a version call), reconnecting if needed; never raises ToolError."""
        entry = self.entry(key)
        started = time.perf_counter()
        error: dict[str, Any] | None = None
        version: str | None = None
        try:
            db = await self.database(key)
            version = version_text(await db.version())
        except ToolError as exc:
            error = exc.payload()
        except Exception as exc:
            tool_error = from_driver_error(exc, database=key)
            if isinstance(tool_error, DatabaseUnavailable):
                await self.invalidate(key)
            error = tool_error.payload()
        latency = round((time.perf_counter() - started) * 1000, 2)
        slot = self._slots.get(key)
        instance = self.embedded.running(entry.embedded_path) if entry.embedded else None
        url = (
            instance.url
            if instance is not None
            else (slot.url if slot and slot.url else entry.urls[0])
            if not entry.embedded
            else "embedded (not started)"
        )
        return DatabaseStatus(
            key=key,
            database=entry.database,
            url=url,
            reachable=error is None,
            server_version=version,
            latency_ms=latency if error is None else None,
            error=error,
            embedded_data_dir=instance.data_dir if instance is not None else None,
            read_only=entry.read_only,
            description=entry.description,
        )

    async def check_all(self) -> list[DatabaseStatus]:
        """Check every key concurrently (one slow server does not delay the others)."""
        return list(await asyncio.gather(*(self.check(key) for key in self.config.databases)))

    async def close_all(self) -> None:
        slots, self._slots = list(self._slots.values()), {}
        await asyncio.gather(*(slot.client.close() for slot in slots if slot.client is not None))
        await self.embedded.stop_all()


async def _ensure_database(client: ArangoClient, name: str, token: Any) -> None:
    """Embedded entries create their database on first use (it is our own server)."""
    if name == "_system":
        return
    sys_db = await client.db("_system", auth_method="superuser", token=token)
    if not await sys_db.has_database(name):
        await sys_db.create_database(name)
