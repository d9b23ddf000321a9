"""The ``mcp-arangodb-async`` (alias ``maa``) command line.

``version`` lives here; every other command is one module under ``cli/`` (``server``,
``health``, ``db`` with ``db config``, ``user``) that registers its parser and handler.
Errors of this package are caught once, printed as one ``Error: …`` line on stderr, and
turned into an exit code: 0 ok, 1 error (usage errors included), 2 cancelled at the
confirmation prompt (seed 004 §4.4).
"""

from __future__ import annotations

import argparse
import platform
import sys

from mcp_arangodb_async import __version__
from mcp_arangodb_async.cli import db, health, server, users
from mcp_arangodb_async.cli.errors import EXIT_CANCELLED, EXIT_ERROR, EXIT_OK, Cancelled
from mcp_arangodb_async.cli.parsers import Parser, add_command
from mcp_arangodb_async.errors import McpArangoError

__all__ = ["EXIT_CANCELLED", "EXIT_ERROR", "EXIT_OK", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="mcp-arangodb-async",
        description="MCP server for ArangoDB, and its admin command line.",
        epilog="examples:\n"
        "  mcp-arangodb-async server --transport http --port 8000\n"
        "  mcp-arangodb-async db config add prod --url http://prod:8529 --database app\n"
        "  mcp-arangodb-async db add projectdb --with-user devuser --env-file .env\n"
        "  mcp-arangodb-async user grant analyst projectdb --permission ro --yes\n"
        "  mcp-arangodb-async COMMAND --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_command(
        commands,
        "version",
        help="print the package and Python versions",
        examples=("mcp-arangodb-async version",),
    )
    server.add_parser(commands)
    health.add_parser(commands)
    db.add_parser(commands)
    users.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "version":
            print(f"mcp-arangodb-async version {__version__}")
            print(f"Python {platform.python_version()}")
            return EXIT_OK
        if args.command == "server":
            return server.run(args)
        return int(args.handler(args))
    except Cancelled:
        print("Cancelled: no changes made.", file=sys.stderr)
        return EXIT_CANCELLED
    except McpArangoError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if args.command == "server":
            return EXIT_OK
        print("Interrupted.", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
