"""The ``mcp-arangodb-async`` (alias ``maa``) command line.

Only ``version`` exists so far; ``server`` and the admin commands arrive with
their issues.
"""

from __future__ import annotations

import argparse
import platform
import sys

from mcp_arangodb_async import __version__

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcp-arangodb-async", description="MCP server for ArangoDB."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("version", help="print the package and Python versions")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "version":
        print(f"mcp-arangodb-async {__version__} (Python {platform.python_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
