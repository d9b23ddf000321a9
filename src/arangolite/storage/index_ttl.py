"""TTL indexes: documents expire ``expireAfter`` seconds after the time in one attribute.

The attribute holds a Unix timestamp in seconds (a number) or an ISO 8601 date
string; anything else (or a negative time) is not indexed and never expires, as
in ArangoDB (``Index::getTimestamp``). The index keeps ``(timestamp, key)`` sorted,
so finding what has expired costs a bisection. :func:`remove_expired` is the
sweep ArangoDB's TTL thread does; the server runs it periodically, and removals
go through :meth:`Collection.remove` so every other index and the journal stay
right.
"""

from __future__ import annotations

import re
import time
from calendar import timegm
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedList

from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import get_path, parse_fields
from arangolite.storage.index_persistent import TOP
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection
    from arangolite.storage.engine import Engine

__all__ = ["TtlIndex", "remove_expired", "timestamp_of"]

#: at most this many documents per collection per sweep (keeps the loop responsive)
SWEEP_LIMIT = 10_000

_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def timestamp_of(value: Any) -> float | None:
    """The Unix time (seconds) a TTL index reads from ``value``, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        stamp = timegm(
            (int(year), int(month), int(day), int(hour or 0), int(minute or 0),
             int(second or 0), 0, 0, 0)
        )  # fmt: skip
    except (ValueError, OverflowError):
        return None
    if not 1 <= int(month) <= 12 or not 1 <= int(day) <= 31:
        return None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        stamp -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return float(stamp) if stamp >= 0 else None


@register("ttl")
class TtlIndex(Index):
    """A sparse, non-unique index over one top-level attribute holding a point in time."""

    type = "ttl"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        super().__init__(collection, **kwargs)
        self.path = tuple(str(self.fields[0]).split("."))
        self.expire_after = float(self.options.get("expireAfter", 0))
        self._stamps: dict[str, float] = {}
        self._sorted: SortedList = SortedList()

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        fields = body.get("fields")
        try:
            parse_fields(fields, max_fields=1, allow_sub_attributes=False)
        except ArangoError as exc:
            failure: ArangoError | None = exc
        else:
            failure = None
        if body.get("unique") is True:
            raise ArangoError(E.BAD_PARAMETER, "a TTL index cannot be unique")
        if failure is not None:
            raise failure
        expire_after = body.get("expireAfter")
        if isinstance(expire_after, bool) or not isinstance(expire_after, int | float):
            raise ArangoError(E.BAD_PARAMETER, "expireAfter attribute must be a number")
        if expire_after < 0:
            raise ArangoError(E.BAD_PARAMETER, "expireAfter attribute must greater equal to zero")
        return {
            "fields": list(fields),
            "unique": False,
            "sparse": True,
            "options": {"expireAfter": expire_after},
        }

    def matches(self, definition: dict[str, Any]) -> bool:
        other = float(definition["options"]["expireAfter"])
        return definition["fields"] == self.fields and abs(other - self.expire_after) < 1e-9

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        stamp = timestamp_of(get_path(doc, self.path))
        if stamp is not None:
            self._stamps[key] = stamp
            self._sorted.add((stamp, key))

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        stamp = self._stamps.pop(key, None)
        if stamp is not None:
            self._sorted.discard((stamp, key))

    def clear(self) -> None:
        self._stamps.clear()
        self._sorted.clear()

    def expired(self, now: float | None = None, limit: int | None = None) -> list[str]:
        """Keys of the documents expired at ``now``, oldest first."""
        cutoff = (time.time() if now is None else now) - self.expire_after
        out = []
        for _stamp, key in self._sorted.irange(None, (cutoff, TOP)):
            out.append(key)
            if limit is not None and len(out) >= limit:
                break
        return out

    def selectivity(self) -> float | None:
        total = len(self._sorted)
        return 1 if not total else round(len(set(self._stamps.values())) / total, 6)


def remove_expired(engine: Engine, now: float | None = None) -> int:
    """Remove every expired document of every TTL-indexed collection; return how many."""
    removed = 0
    for database in list(engine.databases.values()):
        for collection in list(database.collections.values()):
            for index in collection.indexes.of_type("ttl"):
                assert isinstance(index, TtlIndex)
                for key in index.expired(now, SWEEP_LIMIT):
                    try:
                        collection.remove(key)
                    except ArangoError:  # gone meanwhile
                        continue
                    removed += 1
    return removed
