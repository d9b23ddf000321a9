"""Server-side cursors: the part of a query result a client has not fetched yet.

A cursor either holds the remaining results of a finished query, or (``stream:
true``) the running :class:`~arangolite.aql.query.AqlQuery` itself, which
produces the next batch only when asked. Cursors expire ``ttl`` seconds after
their last use; every engine has its own :class:`CursorStore`.

Batches are numbered from 1. Every batch but the last announces
``nextBatchId``; the latest batch can be fetched again
(``POST /_api/cursor/<id>/<batchId>``) when the query set ``allowRetry``.
"""

from __future__ import annotations

import itertools
import time
import weakref
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.query import AqlQuery
    from arangolite.storage.engine import Engine

__all__ = ["Cursor", "CursorStore", "cursors_for", "DEFAULT_TTL", "DEFAULT_BATCH_SIZE"]

DEFAULT_TTL = 30.0
DEFAULT_BATCH_SIZE = 1000
_ids = itertools.count(int(time.time()) % 100000 * 1000 + 1)


def cursor_not_found() -> ArangoError:
    return ArangoError(E.CURSOR_NOT_FOUND, "cursor not found")


class Cursor:
    """What is left of one query result, fetched batch by batch."""

    def __init__(
        self,
        *,
        batch_size: int,
        ttl: float,
        count: int | None,
        extra: dict[str, Any] | None,
        pending: list[Any] | None = None,
        query: AqlQuery | None = None,
        allow_retry: bool = False,
        database: str,
    ) -> None:
        self.id = str(next(_ids))
        self.database = database
        self.batch_size = batch_size
        self.ttl = ttl
        self.count = count
        #: sent with the first batch (stream cursors: with the last)
        self.extra = extra
        self.pending = pending if pending is not None else []
        self.query = query
        self.allow_retry = allow_retry
        self.batch_id = 0
        self.last_response: dict[str, Any] | None = None
        self.busy = False
        self.expires = time.monotonic() + ttl

    @property
    def exhausted(self) -> bool:
        return not self.pending and (self.query is None or self.query.done)

    def touch(self) -> None:
        self.expires = time.monotonic() + self.ttl

    async def next_batch(self) -> dict[str, Any]:
        """The next batch as a response body (without ``code``/``error``)."""
        if self.busy:
            raise ArangoError(E.CURSOR_BUSY)
        self.busy = True
        try:
            if (
                self.query is not None
                and not self.query.done
                and len(self.pending) < self.batch_size
            ):
                self.pending.extend(await self.query.fetch(self.batch_size - len(self.pending)))
                if self.query.done:
                    self.query.finish()
            batch = self.pending[: self.batch_size]
            del self.pending[: self.batch_size]
            if self.query is not None and not self.query.done and not self.pending:
                # look ahead so hasMore is exact (ArangoDB may say true and send nothing)
                self.pending.extend(await self.query.fetch(1))
                if self.query.done:
                    self.query.finish()
        finally:
            self.busy = False
        self.batch_id += 1
        has_more = not self.exhausted
        body: dict[str, Any] = {"result": batch, "hasMore": has_more, "id": self.id}
        if self.count is not None:
            body["count"] = self.count
        if has_more:
            body["nextBatchId"] = str(self.batch_id + 1)
        body["cached"] = False
        extra = self.extra if self.query is None else None
        if self.query is not None and not has_more:
            extra = self.query.extra()
        if extra is not None and (self.batch_id == 1 or self.query is not None):
            body["extra"] = extra
        self.last_response = body
        self.touch()
        return body

    def close(self) -> None:
        if self.query is not None and not self.query.done:
            self.query.abort()


class CursorStore:
    """The cursors of one engine, by id."""

    def __init__(self) -> None:
        self._cursors: dict[str, Cursor] = {}

    def sweep(self) -> None:
        now = time.monotonic()
        for cursor_id, cursor in list(self._cursors.items()):
            if cursor.expires < now and not cursor.busy:
                cursor.close()
                del self._cursors[cursor_id]

    def add(self, cursor: Cursor) -> Cursor:
        self.sweep()
        self._cursors[cursor.id] = cursor
        return cursor

    def get(self, cursor_id: str, database: str) -> Cursor:
        self.sweep()
        cursor = self._cursors.get(cursor_id)
        if cursor is None or cursor.database != database:
            raise cursor_not_found()
        return cursor

    def drop(self, cursor_id: str, database: str) -> None:
        cursor = self.get(cursor_id, database)
        cursor.close()
        del self._cursors[cursor_id]

    def discard(self, cursor: Cursor) -> None:
        self._cursors.pop(cursor.id, None)


_STORES: weakref.WeakKeyDictionary[Engine, CursorStore] = weakref.WeakKeyDictionary()


def cursors_for(engine: Engine) -> CursorStore:
    store = _STORES.get(engine)
    if store is None:
        store = _STORES[engine] = CursorStore()
    return store
