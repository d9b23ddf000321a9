"""REST API: server information (version, engine, role, availability, status, time)."""

from __future__ import annotations

import os
import platform
import socket
import time

from starlette.responses import Response

from arangolite import __arangodb_version__
from arangolite.routing import Call, Route, json_response

__all__ = ["routes"]

ENGINE = {
    "name": "rocksdb",
    "supports": {
        "dfdb": False,
        "indexes": [
            "primary",
            "edge",
            "persistent",
            "geo",
            "fulltext",
            "ttl",
            "inverted",
            "mdi",
            "mdi-prefixed",
        ],
        "aliases": {"indexes": {"hash": "persistent", "skiplist": "persistent"}},
    },
}


async def version(call: Call) -> Response:
    body: dict[str, object] = {
        "server": "arango",
        "license": "community",
        "version": __arangodb_version__,
    }
    if call.flag("details"):
        body["details"] = {
            "architecture": "64bit",
            "arm": "false",
            "mode": "server",
            "role": "SINGLE",
            "engine": "rocksdb",
            "host": socket.gethostname(),
            "platform": platform.system().lower(),
            "server-version": __arangodb_version__,
            "license": "community",
            "build-repository": "arangolite",
        }
    return json_response(body)


async def engine(call: Call) -> Response:
    return json_response(ENGINE)


async def role(call: Call) -> Response:
    return json_response({"error": False, "code": 200, "role": "SINGLE", "mode": "default"})


async def availability(call: Call) -> Response:
    return json_response({"mode": "default"})


async def status(call: Call) -> Response:
    return json_response(
        {
            "server": "arango",
            "version": __arangodb_version__,
            "pid": os.getpid(),
            "license": "community",
            "mode": "server",
            "operationMode": "server",
            "foxxApi": False,
            "host": socket.gethostname(),
            "hostname": socket.gethostname(),
            "serverInfo": {
                "role": "SINGLE",
                "maintenance": False,
                "persistedId": "arangolite",
                "progress": {"phase": "in wait", "feature": "", "recoveryTick": 0},
                "address": "",
                "serverId": "",
                "state": "RUNNING",
                "writeOpsEnabled": True,
                "readOnly": False,
            },
        }
    )


async def server_time(call: Call) -> Response:
    return json_response({"error": False, "code": 200, "time": time.time()})


routes = [
    Route("GET", "/_api/version", version, access="auth"),
    Route("GET", "/_api/engine", engine, access="auth"),
    Route("GET", "/_admin/server/role", role, access="auth"),
    Route("GET", "/_admin/server/availability", availability, access="public"),
    Route("GET", "/_admin/status", status, access="auth"),
    Route("GET", "/_admin/time", server_time, access="auth"),
]
