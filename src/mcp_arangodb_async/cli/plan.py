"""Carrying out a mutating command: preview, confirm, run the steps, roll back on failure.

A command first works out its :class:`Step` list from what the server (or the file)
holds now — that is where "already exists" and "not found" are caught, before anything
changes — then :func:`carry_out` asks :mod:`confirm` whether to go ahead and runs the
steps in order, reporting each step's consequences as soon as it is done.

If a step fails, the steps already done are undone in reverse order (each one that
can be: ``db add --with-user`` removes the database and user it created), the undo is
reported (``[REMOVED] Database 'x' (rolled back)``), and the error says what failed and
what was rolled back — or, should an undo fail too, what was left behind.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from mcp_arangodb_async.cli.confirm import Decision, decide
from mcp_arangodb_async.cli.errors import EXIT_OK, CommandError, Peer, translate
from mcp_arangodb_async.cli.report import Action, Reporter

__all__ = ["Step", "carry_out"]


@dataclass
class Step:
    """One change: what it does (``actions``), how to do it, and how to undo it."""

    actions: list[Action]
    #: does the change; may return the actions actually done (when they depend on state
    #: read at the time of the change, like a configuration file re-read under its lock)
    run: Callable[[], Awaitable[list[Action] | None]]
    undo: Callable[[], Awaitable[None]] | None = None
    undo_actions: list[Action] = field(default_factory=list)

    def describe(self) -> str:
        first = self.actions[0]
        return f"{first.kind.present.lower()} {first.text}"


async def carry_out(
    command: str,
    steps: list[Step],
    args: argparse.Namespace,
    environ: Mapping[str, str],
    *,
    peer: Peer | None = None,
) -> int:
    """Dry-run, or confirm and run ``steps``; raises ``CommandError`` on failure."""
    reporter = Reporter(command)
    actions = [action for step in steps for action in step.actions]
    if decide(args, reporter, actions, environ) is Decision.DRY_RUN:
        reporter.header(dry_run=True)
        for action in actions:
            reporter.done(action, dry_run=True)
        reporter.dry_run_footer()
        return EXIT_OK
    reporter.header()
    done: list[Step] = []
    for step in steps:
        try:
            result = await step.run()
        except (Exception, asyncio.CancelledError) as exc:
            error = translate(exc, peer) if not isinstance(exc, asyncio.CancelledError) else None
            reason = str(error) if error is not None else "interrupted"
            raise CommandError(
                f"{step.describe()} failed: {reason}{await _roll_back(done, reporter, peer)}"
            ) from None
        for action in result if result is not None else step.actions:
            reporter.done(action)
        done.append(step)
    return EXIT_OK


async def _roll_back(done: list[Step], reporter: Reporter, peer: Peer | None) -> str:
    """Undo ``done`` in reverse; the text to append to the error message."""
    undone: list[str] = []
    left: list[str] = []
    for step in reversed(done):
        if step.undo is None:
            left.append(f"{step.describe()} (cannot be undone)")
            continue
        try:
            await step.undo()
        except Exception as exc:
            left.append(f"{step.describe()} ({translate(exc, peer)})")
            continue
        for action in step.undo_actions:
            reporter.done(action)
            undone.append(action.text)
    text = ""
    if undone:
        text += f"; rolled back: {', '.join(undone)} removed again"
    if left:
        text += f"; NOT rolled back: {'; '.join(left)}"
    return text
