"""``health``: can the server reach its databases right now? JSON on stdout, exit 0 or 1.

It loads the configuration exactly as ``server`` would and checks every configured
database concurrently with the server's own connection code (one version call each), so
it answers "would the MCP server work here?" — usable as a container or cron probe. The
JSON is printed even when the configuration itself is broken (with ``error``), so a
monitor always gets a body to parse.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from mcp_arangodb_async import __version__
from mcp_arangodb_async.cli.credentials import add_env_file_argument, environment
from mcp_arangodb_async.cli.errors import EXIT_ERROR, EXIT_OK
from mcp_arangodb_async.cli.parsers import add_command
from mcp_arangodb_async.errors import McpArangoError

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = add_command(
        commands,
        "health",
        help="check that every configured database answers (JSON; exit 0 healthy, 1 not)",
        handler=lambda args: asyncio.run(_health(args)),
        description="Load the configuration as the server would and check every configured "
        "database concurrently. Prints JSON; exit status 0 when all answer, 1 otherwise.",
        examples=(
            "mcp-arangodb-async health",
            "mcp-arangodb-async health --config-path config/databases.yaml --env-file .env",
        ),
    )
    parser.add_argument("--config-path", metavar="PATH", help="YAML file of databases")
    add_env_file_argument(parser)


async def _health(args: argparse.Namespace) -> int:
    from mcp_arangodb_async.config import load_config

    body: dict[str, Any] = {"status": "unhealthy", "version": __version__}
    try:
        environ = environment(args)
        config = load_config(args.config_path, environ)
    except McpArangoError as exc:
        body["error"] = str(exc)
        print(json.dumps(body, indent=2))
        return EXIT_ERROR
    from mcp_arangodb_async.connections import ConnectionManager
    from mcp_arangodb_async.embedded import EmbeddedServers

    manager = ConnectionManager(config, EmbeddedServers(), environ)
    try:
        statuses = await manager.check_all()
    finally:
        await manager.close_all()
    healthy = bool(statuses) and all(s.reachable for s in statuses)
    body.update(
        status="healthy" if healthy else "unhealthy",
        source=config.describe_source(),
        databases=[
            {
                "key": s.key,
                "url": s.url,
                "database": s.database,
                "reachable": s.reachable,
                "server_version": s.server_version,
                "latency_ms": s.latency_ms,
                **({"error": s.error.get("message")} if s.error else {}),
            }
            for s in statuses
        ],
    )
    print(json.dumps(body, indent=2))
    return EXIT_OK if healthy else EXIT_ERROR
