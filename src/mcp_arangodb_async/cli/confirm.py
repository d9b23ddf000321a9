"""Whether a mutating command may go ahead: ``--dry-run``, ``--yes``, the env var, a prompt.

The flow of seed 004 §4.3, in order:

1. ``--dry-run``: report what would happen (past tense, ``- DRY-RUN``) and change nothing;
2. ``--yes`` / ``-y``, or ``MCP_ARANGODB_ASYNC_CLI_YES=1``: go ahead without asking;
3. otherwise show the preview (present tense) and ask ``[y/N]``; anything but ``y``/``yes``
   cancels (exit 2).

Without a terminal to ask on (a script, CI, a pipe on stdin) there is nobody to answer,
so the command refuses and says how to confirm, rather than hang or assume "yes".
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from typing import TextIO

from mcp_arangodb_async.cli.errors import Cancelled, CommandError
from mcp_arangodb_async.cli.report import Action, Reporter

__all__ = ["YES_ENV", "Decision", "add_safety_arguments", "decide"]

YES_ENV = "MCP_ARANGODB_ASYNC_CLI_YES"
_TRUE = {"1", "true", "yes"}
PROMPT = "Are you sure you want to proceed? [y/N]: "


class Decision(Enum):
    DRY_RUN = "dry-run"
    PROCEED = "proceed"


def add_safety_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("safety")
    group.add_argument(
        "--dry-run", action="store_true", help="show what would be done and change nothing"
    )
    group.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help=f"do not ask for confirmation (or set {YES_ENV}=1)",
    )


def _prompt_stream() -> TextIO:
    """The prompt goes where the user looks: stdout if it is a terminal, else stderr."""
    return sys.stdout if sys.stdout.isatty() else sys.stderr


@contextmanager
def _interruptible() -> Iterator[None]:
    """Let Ctrl-C raise ``KeyboardInterrupt`` while we wait for the user.

    The prompt runs inside ``asyncio.run``, whose SIGINT handler only cancels the main
    task — a blocking read would not notice until Enter. Python's default handler is put
    back for the duration (before the prompt is shown, so no signal can slip in between).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def decide(
    args: argparse.Namespace,
    reporter: Reporter,
    actions: list[Action],
    environ: Mapping[str, str],
) -> Decision:
    """Dry run, proceed, or raise :class:`Cancelled` / :class:`CommandError` (no terminal)."""
    if getattr(args, "dry_run", False):
        return Decision.DRY_RUN
    if getattr(args, "yes", False) or environ.get(YES_ENV, "").strip().lower() in _TRUE:
        return Decision.PROCEED
    if not sys.stdin.isatty():
        raise CommandError(
            f"{reporter.command} needs confirmation, but no terminal is attached: "
            f"pass --yes (or set {YES_ENV}=1) to proceed, or --dry-run to preview"
        )
    out = _prompt_stream()
    with _interruptible():
        try:
            reporter.preview(actions, stream=out)
            out.write(PROMPT)
            out.flush()
            answer = sys.stdin.readline()  # "" at end of input (Ctrl-D)
        except KeyboardInterrupt:
            answer = ""
    if not answer:  # end of input (Ctrl-D) or Ctrl-C
        out.write("\n")
    out.write("\n")
    out.flush()
    if answer.strip().lower() not in {"y", "yes"}:
        raise Cancelled("cancelled: no changes made")
    return Decision.PROCEED
