"""The ``mcp-arangodb-async`` (alias ``maa``) command line.

``version`` and ``server`` live here; the admin command groups (``db``, users and
permissions) arrive as one module each under ``cli/``. Errors of this package are caught
once, printed as one ``Error: …`` line on stderr, and turned into an exit code.
"""

from __future__ import annotations

import argparse
import platform
import sys

from mcp_arangodb_async import __version__
from mcp_arangodb_async.cli import server
from mcp_arangodb_async.errors import McpArangoError

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcp-arangodb-async", description="MCP server for ArangoDB."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("version", help="print the package and Python versions")
    server.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "version":
            print(f"mcp-arangodb-async {__version__} (Python {platform.python_version()})")
            return EXIT_OK
        if args.command == "server":
            return server.run(args)
    except McpArangoError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
