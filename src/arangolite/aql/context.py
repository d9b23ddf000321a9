"""The runtime context of one query: where it runs, what it counted, what it warned.

It is also the ``ctx`` AQL functions receive (see
:mod:`arangolite.aql.functions` for the interface they may rely on).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = ["QueryContext", "Stats", "PAUSE", "DEFAULT_MAX_WARNINGS"]

DEFAULT_MAX_WARNINGS = 10


class _Pause:
    """Yielded by operators between rows: "a good moment to let others run"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PAUSE"


PAUSE: Any = _Pause()


@dataclass
class Stats:
    """The counters ArangoDB reports in ``extra.stats``."""

    writes_executed: int = 0
    writes_ignored: int = 0
    scanned_full: int = 0
    scanned_index: int = 0
    filtered: int = 0
    full_count: int | None = None
    started: float = field(default_factory=time.perf_counter)

    def to_dict(self, *, full_count: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "writesExecuted": self.writes_executed,
            "writesIgnored": self.writes_ignored,
            "documentLookups": 0,
            "seeks": 0,
            "scannedFull": self.scanned_full,
            "scannedIndex": self.scanned_index,
            "cursorsCreated": 0,
            "cursorsRearmed": 0,
            "cacheHits": 0,
            "cacheMisses": 0,
            "filtered": self.filtered,
            "httpRequests": 0,
            "executionTime": time.perf_counter() - self.started,
            "peakMemoryUsage": 0,
            "intermediateCommits": 0,
        }
        if full_count:
            out["fullCount"] = self.full_count if self.full_count is not None else 0
        return out


class QueryContext:
    """Everything a running query (and the functions it calls) may use."""

    def __init__(
        self,
        db: Database,
        *,
        trx: Transaction | None = None,
        options: dict[str, Any] | None = None,
        user: str | None = None,
    ) -> None:
        self.db = db
        self.trx = trx
        self.options = options or {}
        self.user = user
        self.stats = Stats()
        self.warnings: list[dict[str, Any]] = []
        max_warnings = self.options.get("maxWarningCount", DEFAULT_MAX_WARNINGS)
        self.max_warnings = max_warnings if isinstance(max_warnings, int) else DEFAULT_MAX_WARNINGS
        self.fail_on_warning = bool(self.options.get("failOnWarning", False))
        #: seconds SLEEP() asked for and the driver has not yet waited
        self.sleep_debt = 0.0

    # ------------------------------------------------------------------ function context
    def warn(self, code: int, message: str) -> None:
        if self.fail_on_warning:
            raise ArangoError(code, message)
        if len(self.warnings) < self.max_warnings:
            self.warnings.append({"code": code, "message": message})

    def invalid_argument(self, name: str) -> None:
        self.warn(
            E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH,
            f"invalid argument type in call to function '{name}()'",
        )

    def sleep(self, seconds: float) -> None:
        self.sleep_debt += seconds

    @property
    def pause_requested(self) -> bool:
        return self.sleep_debt > 0
