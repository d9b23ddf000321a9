"""How mutating commands tell what they will do and what they did (seed 004 §3).

Every consequence is one line, ``[TYPE] description``. The type is in the present tense
while it is pending (the confirmation preview: ``[ADD]``), in the past tense once done
(``[ADDED]``), and past tense with a ``- DRY-RUN`` suffix for a dry run
(``[ADDED - DRY-RUN]``). Colour follows the kind of consequence — green adds and grants,
red removes and revokes, yellow updates, grey for the dry-run suffix — dimmed while
pending, bright once done. Colour is used only when the stream is a terminal and
``NO_COLOR`` is unset (https://no-color.org), so piped output and logs stay plain.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from typing import TextIO

__all__ = ["Action", "Consequence", "Reporter", "use_color"]

_RESET = "\033[0m"
_GRAY = "\033[90m"


class Consequence(Enum):
    """A kind of consequence: its present and past words and its colour (SGR codes)."""

    ADD = ("ADD", "ADDED", "32")
    REMOVE = ("REMOVE", "REMOVED", "31")
    GRANT = ("GRANT", "GRANTED", "32")
    REVOKE = ("REVOKE", "REVOKED", "31")
    UPDATE = ("UPDATE", "UPDATED", "33")

    def __init__(self, present: str, past: str, color: str) -> None:
        self.present = present
        self.past = past
        self.color = color

    @property
    def pending_sgr(self) -> str:
        """Dim, normal-intensity colour: not done yet."""
        return f"\033[2;{self.color}m"

    @property
    def done_sgr(self) -> str:
        """The bright variant (90-97): done."""
        return f"\033[9{self.color[-1]}m"


@dataclass(frozen=True)
class Action:
    """One consequence of a command.

    ``detail`` is known only once the action is done or simulated (``(was: rw)``,
    ``(rolled back)``), so the confirmation preview leaves it out, as seed 004 §3.5 shows.
    """

    kind: Consequence
    text: str
    detail: str | None = None


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Reporter:
    """Writes the preview, the results and the dry-run report of one command."""

    def __init__(self, command: str, *, stream: TextIO | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stdout
        self.color = use_color(self.stream)

    # -------------------------------------------------------------- formatting
    def tag(
        self,
        kind: Consequence,
        *,
        pending: bool = False,
        dry_run: bool = False,
        color: bool | None = None,
    ) -> str:
        word = kind.present if pending else kind.past
        if not (self.color if color is None else color):
            return f"[{word} - DRY-RUN]" if dry_run else f"[{word}]"
        sgr = kind.pending_sgr if pending else kind.done_sgr
        if dry_run:
            return f"{sgr}[{word}{_RESET}{_GRAY} - DRY-RUN{_RESET}{sgr}]{_RESET}"
        return f"{sgr}[{word}]{_RESET}"

    def line(
        self,
        action: Action,
        *,
        pending: bool = False,
        dry_run: bool = False,
        color: bool | None = None,
    ) -> str:
        text = action.text
        if action.detail and not pending:
            text = f"{text} {action.detail}"
        tag = self.tag(action.kind, pending=pending, dry_run=dry_run, color=color)
        return f"{tag} {text}"

    # -------------------------------------------------------------- writing
    def _write(self, text: str = "") -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def preview(self, actions: list[Action], stream: TextIO | None = None) -> None:
        """The confirmation preview: present tense, dimmed, indented."""
        out = stream or self.stream
        color = use_color(out)
        out.write("The following actions will be performed:\n")
        for action in actions:
            out.write(f"  {self.line(action, pending=True, color=color)}\n")
        out.write("\n")
        out.flush()

    def header(self, *, dry_run: bool = False) -> None:
        self._write(f"{self.command} (dry-run):" if dry_run else f"{self.command}:")

    def done(self, action: Action, *, dry_run: bool = False) -> None:
        self._write(self.line(action, dry_run=dry_run))

    def dry_run_footer(self) -> None:
        self._write()
        self._write("No changes made. Remove --dry-run to execute.")
