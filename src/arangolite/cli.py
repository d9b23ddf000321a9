"""``arangolite serve``: run the server in the foreground."""

from __future__ import annotations

import argparse
import os
import sys

from arangolite import __arangodb_version__, __version__
from arangolite.server import DEFAULT_HOST, DEFAULT_PORT

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arangolite",
        description=f"An ArangoDB {__arangodb_version__}-compatible server in pure Python.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"arangolite {__version__} (ArangoDB {__arangodb_version__} API)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the HTTP API",
        description="Serve the ArangoDB HTTP API. Loopback only unless --host says otherwise.",
        epilog="example: ARANGO_ROOT_PASSWORD=secret arangolite serve --port 8529 --data-dir ./data",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--data-dir", default=None, help="directory for durable storage (default: in memory)"
    )
    serve.add_argument(
        "--root-password-env",
        default="ARANGO_ROOT_PASSWORD",
        metavar="VAR",
        help="environment variable holding root's password (default ARANGO_ROOT_PASSWORD; unset means empty)",
    )
    serve.add_argument(
        "--jwt-secret-env",
        default="ARANGO_JWT_SECRET",
        metavar="VAR",
        help="environment variable holding the JWT signing secret (default ARANGO_JWT_SECRET; unset means random)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from arangolite.errors import ArangoError
        from arangolite.server import run

        if not 0 <= args.port <= 65535:
            print(f"Error: --port must be between 0 and 65535, not {args.port}", file=sys.stderr)
            return 2
        try:
            run(
                args.host,
                args.port,
                args.data_dir,
                os.environ.get(args.root_password_env, ""),
                os.environ.get(args.jwt_secret_env) or None,
            )
        except KeyboardInterrupt:
            return 0
        except (ArangoError, OSError) as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
