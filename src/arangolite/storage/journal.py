"""The journal interface every mutation reports to.

Storage calls :meth:`Journal.log` synchronously with a small record for each
change; the server awaits :meth:`Journal.sync` before it acknowledges a request,
so an acknowledged write is durable. :class:`MemoryJournal` (no data directory)
keeps nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Journal", "MemoryJournal"]


class Journal:
    def log(self, record: dict[str, Any]) -> None:
        raise NotImplementedError("The 'log' method must be implemented.")

    @property
    def pending(self) -> bool:
        return False

    async def sync(self) -> None:
        """Return once every record logged so far is on stable storage."""

    async def close(self) -> None:
        """Flush and release files."""


class MemoryJournal(Journal):
    """No data directory: nothing survives a restart, nothing to wait for."""

    def log(self, record: dict[str, Any]) -> None:
        pass
