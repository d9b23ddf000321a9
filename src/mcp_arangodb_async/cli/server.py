"""``mcp-arangodb-async server``: run the MCP server over stdio (default) or HTTP."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
from typing import Any

from mcp_arangodb_async.config import load_config
from mcp_arangodb_async.workflows import WORKFLOWS

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "server",
        help="run the MCP server",
        description="Run the MCP server. Configuration: --config-path, else "
        "ARANGO_DATABASES_CONFIG_FILE, else ./config/databases.yaml, else the user config "
        "directory; without a file, ARANGO_URL (env-only mode); without that, an embedded "
        "arangolite.",
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address")
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (0: any free port)")
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="HTTP without sessions: pass `database` on each call",
    )
    parser.add_argument("--config-path", default=None, help="YAML file of databases")
    parser.add_argument(
        "--workflow",
        choices=tuple(WORKFLOWS),
        default=None,
        help="tool set sessions start with (default: the config's `workflow:`, else full)",
    )


def _configure_logging() -> None:
    level = os.environ.get("MCP_ARANGO_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # the SDK logs every session at INFO; keep it at WARNING unless debugging
    if level != "DEBUG":
        logging.getLogger("mcp").setLevel(logging.WARNING)


def run(args: argparse.Namespace) -> int:
    from mcp_arangodb_async.runtime import Runtime
    from mcp_arangodb_async.transports import run_http, run_stdio

    _configure_logging()
    config = load_config(args.config_path)
    if args.workflow is not None:
        config = dataclasses.replace(config, workflow=args.workflow)
    if args.stateless and args.transport != "http":
        print("Error: --stateless applies to --transport http only", file=sys.stderr)
        return 1
    runtime = Runtime.create(config, transport=args.transport, stateless=args.stateless)
    if args.transport == "stdio":
        asyncio.run(run_stdio(runtime))
    else:
        asyncio.run(run_http(runtime, host=args.host, port=args.port))
    return 0
