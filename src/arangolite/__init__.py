"""arangolite: an ArangoDB 3.12-compatible server in pure Python.

Run it standalone (``arangolite serve``) or in-process::

    server = LiteServer(root_password="secret")
    url = await server.start()      # e.g. "http://127.0.0.1:41233"
    ...
    await server.stop()
"""

from __future__ import annotations

__version__ = "0.5.0"
#: the ArangoDB version arangolite reports and imitates
__arangodb_version__ = "3.12.4"

__all__ = ["LiteServer", "__version__", "__arangodb_version__"]


def __getattr__(name: str) -> object:
    # imported lazily so `arangolite.errors` etc. stay cheap to import
    if name == "LiteServer":
        from arangolite.server import LiteServer

        return LiteServer
    raise AttributeError(name)
