"""Building the argparse tree: one helper so every level shows its aliases and examples.

``Parser`` exits with code 1 on a usage error (argparse's own default is 2, which seed
004 §4.4 reserves for "cancelled by the user"), so scripts can tell the two apart.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from mcp_arangodb_async.cli.errors import EXIT_ERROR

__all__ = ["Handler", "Parser", "add_command", "add_group"]

Handler = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"Error: {message}\n")


def _epilog(examples: Sequence[str], aliases: Sequence[str], name: str) -> str | None:
    parts = []
    if aliases:
        parts.append(f"aliases: {name} = {', '.join(aliases)}")
    if examples:
        parts.append("examples:\n" + "\n".join(f"  {line}" for line in examples))
    return "\n\n".join(parts) or None


def add_command(
    subcommands: Any,
    name: str,
    *,
    help: str,
    handler: Handler | None = None,
    description: str | None = None,
    aliases: Sequence[str] = (),
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` shows its description, aliases and examples."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        name,
        aliases=list(aliases),
        help=help,
        description=textwrap.fill(description or help[:1].upper() + help[1:] + ".", 88),
        epilog=_epilog(examples, aliases, name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_group(
    subcommands: Any,
    name: str,
    *,
    help: str,
    description: str | None = None,
    examples: Sequence[str] = (),
) -> Any:
    """A command that only holds subcommands (``db``, ``db config``, ``user``)."""
    parser = add_command(subcommands, name, help=help, description=description, examples=examples)
    parser.set_defaults(handler=lambda args: _missing(parser))
    return parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", title="commands")


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_ERROR
