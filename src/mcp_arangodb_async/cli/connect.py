"""Opening ``_system`` on the server for one CLI command, with the server's driver.

The driver (python-arango-async, as in the MCP server) is imported here, inside the
function, so commands that never talk to ArangoDB (``version``, ``db config add``) do not
pay for importing it. One try per request (no silent retry loop): a server that is down
fails the command within the connect timeout, with a one-line message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from mcp_arangodb_async.cli.credentials import Login
from mcp_arangodb_async.cli.errors import translate

if TYPE_CHECKING:
    from arangoasync.database import StandardDatabase

__all__ = ["CONNECT_TIMEOUT", "REQUEST_TIMEOUT", "system_database"]

#: seconds to establish a connection
CONNECT_TIMEOUT = 5.0
#: seconds for one request (dropping a large database can take a while)
REQUEST_TIMEOUT = 300.0


@asynccontextmanager
async def system_database(login: Login) -> AsyncIterator[StandardDatabase]:
    """``_system`` as ``login``; driver errors inside the block become ``CommandError``."""
    from aiohttp import ClientTimeout
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth
    from arangoasync.http import AioHTTPClient
    from arangoasync.resolver import SingleHostResolver

    http = AioHTTPClient(
        timeout=ClientTimeout(
            total=REQUEST_TIMEOUT, connect=CONNECT_TIMEOUT, sock_connect=CONNECT_TIMEOUT
        )
    )
    client = ArangoClient(
        hosts=login.url, host_resolver=SingleHostResolver(1, max_tries=1), http_client=http
    )
    try:
        yield await client.db("_system", auth=Auth(login.username, login.password))
    except Exception as exc:
        raise translate(exc, login.peer) from None
    finally:
        await client.close()
