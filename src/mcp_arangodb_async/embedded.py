"""The embedded arangolite: an in-process ArangoDB-compatible server for ``url: embedded``.

Each data directory gets one :class:`arangolite.server.LiteServer`, served from its own
thread and event loop (so its request handling never runs on the MCP server's loop), bound
to an ephemeral loopback port. Its data directory persists across restarts.

Credentials are generated per process and kept only in memory: a random root password
(applied when the directory is fresh) and a random JWT secret from which the connection
manager mints superuser tokens. Nothing secret is written to disk or printed; a restart
generates new ones, which is why tokens rather than the root password are used to connect.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mcp_arangodb_async.config import APP_NAME

if TYPE_CHECKING:
    from arangoasync.auth import JwtToken

    from arangolite.server import LiteServer

__all__ = ["EmbeddedInstance", "EmbeddedServers", "default_data_dir"]

#: superuser tokens are minted per connection; a long life keeps idle connections valid
TOKEN_LIFETIME = 30 * 24 * 3600


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "arangolite"


@dataclass
class EmbeddedInstance:
    """A running embedded server (what status tools report about it)."""

    data_dir: str
    url: str
    server: LiteServer = field(repr=False)
    _jwt_secret: str = field(repr=False, default="")

    def token(self) -> JwtToken:
        from arangoasync.auth import JwtToken  # the driver loads on first connection

        return JwtToken.generate_token(self._jwt_secret, exp=TOKEN_LIFETIME, server_id=APP_NAME)


class EmbeddedServers:
    """Starts embedded servers on first use (one per data directory) and stops them all."""

    def __init__(self) -> None:
        self._instances: dict[str, EmbeddedInstance] = {}
        self._lock = asyncio.Lock()

    def running(self, path: str | None) -> EmbeddedInstance | None:
        return self._instances.get(self._resolve(path))

    @staticmethod
    def _resolve(path: str | None) -> str:
        return str(Path(path).expanduser().resolve() if path else default_data_dir())

    async def ensure(self, path: str | None) -> EmbeddedInstance:
        """Return the server for ``path`` (``None``: the default data dir), starting it if needed.

        Raises ``RuntimeError`` with a readable message when it cannot start (for example,
        another process holds the data directory).
        """
        data_dir = self._resolve(path)
        async with self._lock:
            instance = self._instances.get(data_dir)
            if instance is None:
                instance = await asyncio.to_thread(_start, data_dir)
                self._instances[data_dir] = instance
                print(
                    f"{APP_NAME}: embedded arangolite serving {instance.url} "
                    f"(data directory {data_dir})",
                    file=sys.stderr,
                    flush=True,
                )
        return instance

    async def stop_all(self) -> None:
        instances, self._instances = list(self._instances.values()), {}
        for instance in instances:
            await asyncio.to_thread(instance.server.stop_thread)


def _start(data_dir: str) -> EmbeddedInstance:
    from arangolite.server import LiteServer

    Path(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    jwt_secret = secrets.token_hex(32)
    try:
        server = LiteServer(
            data_dir=data_dir, root_password=secrets.token_urlsafe(24), jwt_secret=jwt_secret
        )
        url = server.start_in_thread()
    except Exception as exc:  # the message (e.g. "data directory in use") is for the user
        raise RuntimeError(f"embedded arangolite could not start: {exc}") from None
    return EmbeddedInstance(data_dir=data_dir, url=url, server=server, _jwt_secret=jwt_secret)
