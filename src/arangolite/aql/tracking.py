"""Which queries are running, which were slow, and killing one
(``/_api/query/current``, ``/_api/query/slow``, ``DELETE /_api/query/{id}``).

A query is registered while it runs (a stream cursor's query until the cursor
is drained or dropped). Killing sets a flag the query checks between rows, so
it stops at its next pause with ArangoDB's 1500 "query killed".
"""

from __future__ import annotations

import time
import weakref
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.query import AqlQuery
    from arangolite.storage.engine import Engine

__all__ = ["QueryTracker", "tracker_for", "DEFAULT_PROPERTIES"]

DEFAULT_PROPERTIES: dict[str, Any] = {
    "enabled": True,
    "trackSlowQueries": True,
    "trackBindVars": True,
    "maxSlowQueries": 64,
    "slowQueryThreshold": 10.0,
    "slowStreamingQueryThreshold": 10.0,
    "maxQueryStringLength": 4096,
}


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class QueryTracker:
    """Running and slow queries of one engine, and the tracking settings."""

    def __init__(self) -> None:
        self.properties = dict(DEFAULT_PROPERTIES)
        self.running: dict[str, AqlQuery] = {}
        self.slow: deque[dict[str, Any]] = deque(maxlen=self.properties["maxSlowQueries"])

    def describe(self, query: AqlQuery, *, finished: bool = False) -> dict[str, Any]:
        text = query.text[: self.properties["maxQueryStringLength"]]
        out: dict[str, Any] = {
            "id": query.id,
            "database": query.db.name,
            "user": query.user or "",
            "query": text,
            "bindVars": query.bind_vars if self.properties["trackBindVars"] else {},
            "started": _iso(query.started),
            "runTime": time.time() - query.started,
            "peakMemoryUsage": 0,
            "state": "finished" if finished else "executing",
            "stream": bool(query.options.get("stream")),
        }
        return out

    def add(self, query: AqlQuery) -> None:
        if self.properties["enabled"]:
            self.running[query.id] = query

    def remove(self, query: AqlQuery) -> None:
        if self.running.pop(query.id, None) is None:
            return
        threshold_key = (
            "slowStreamingQueryThreshold" if query.options.get("stream") else "slowQueryThreshold"
        )
        if self.properties["trackSlowQueries"] and time.time() - query.started >= float(
            self.properties[threshold_key]
        ):
            self.slow.append(self.describe(query, finished=True))

    def current(self, database: str) -> list[dict[str, Any]]:
        return [self.describe(q) for q in self.running.values() if q.db.name == database]

    def slow_queries(self, database: str) -> list[dict[str, Any]]:
        return [q for q in self.slow if q["database"] == database]

    def clear_slow(self, database: str) -> None:
        kept = [q for q in self.slow if q["database"] != database]
        self.slow.clear()
        self.slow.extend(kept)

    def kill(self, query_id: str, database: str) -> None:
        query = self.running.get(query_id)
        if query is None or query.db.name != database:
            raise ArangoError(E.QUERY_NOT_FOUND, f"query ID not found: {query_id}")
        query.killed = True

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        for name, value in changes.items():
            if name not in DEFAULT_PROPERTIES:
                continue
            expected = type(DEFAULT_PROPERTIES[name])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ArangoError(E.BAD_PARAMETER, f"invalid value for '{name}'")
            self.properties[name] = value
        if self.slow.maxlen != self.properties["maxSlowQueries"]:
            self.slow = deque(self.slow, maxlen=max(0, self.properties["maxSlowQueries"]))
        return dict(self.properties)


_TRACKERS: weakref.WeakKeyDictionary[Engine, QueryTracker] = weakref.WeakKeyDictionary()


def tracker_for(engine: Engine) -> QueryTracker:
    found = _TRACKERS.get(engine)
    if found is None:
        found = _TRACKERS[engine] = QueryTracker()
    return found
