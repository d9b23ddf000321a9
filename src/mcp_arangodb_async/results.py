"""Results that fit a context window: row and byte caps, explicit truncation, the rest on request.

A tool that returns rows hands them to :meth:`PageStore.first_page`, which takes rows until
``max_rows`` or ``max_bytes`` (compact JSON) would be exceeded. When rows remain, the reply
says ``truncated: true`` and carries ``next_cursor``, a random token; ``arango_next_page``
with that token returns the next page from the same source (an ArangoDB cursor stays open
server-side for it). A single row larger than ``max_bytes`` can never fit a page: it is
skipped and counted in ``omitted_rows``, so nothing is cut silently.

Pending pages expire after ``PAGE_TTL`` seconds and at most ``MAX_PENDING`` are kept.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from mcp_arangodb_async.errors import NotFound

if TYPE_CHECKING:
    from arangoasync.cursor import Cursor

__all__ = ["PAGE_TTL", "Page", "PageStore", "RowSource", "dumps"]

PAGE_TTL = 300.0
MAX_PENDING = 256
#: bytes of the envelope around the rows ({"rows":[...],"truncated":...}) allowed for
_ENVELOPE = 256


def dumps(value: Any) -> str:
    """Compact JSON text (what the text content of every reply is)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class RowSource:
    """Rows from a driver cursor or a list, with one-row push-back."""

    def __init__(self, *, cursor: Cursor | None = None, rows: Sequence[Any] = ()) -> None:
        self.cursor = cursor
        self._buffer: deque[Any] = deque(rows)
        self.total: int | None = cursor.count if cursor is not None else len(rows)

    def exhausted(self) -> bool:
        if self._buffer:
            return False
        return self.cursor is None or (self.cursor.empty() and not self.cursor.has_more)

    async def next(self) -> tuple[bool, Any]:
        if self._buffer:
            return True, self._buffer.popleft()
        if self.cursor is None:
            return False, None
        try:
            return True, await self.cursor.next()
        except StopAsyncIteration:
            return False, None

    def push_back(self, row: Any) -> None:
        self._buffer.appendleft(row)

    async def close(self) -> None:
        if self.cursor is not None and self.cursor.id is not None and self.cursor.has_more:
            try:
                await self.cursor.close(ignore_missing=True)
            except Exception:  # best effort: the server expires it by ttl anyway
                pass


@dataclass
class Page:
    rows: list[Any]
    truncated: bool
    next_cursor: str | None
    total: int | None
    omitted_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "rows": self.rows,
            "returned": len(self.rows),
            "truncated": self.truncated,
            "next_cursor": self.next_cursor,
            "total": self.total,
        }
        if self.omitted_rows:
            body["omitted_rows"] = self.omitted_rows
        return body


@dataclass
class _Pending:
    source: RowSource
    owner: str | None
    database: str
    max_rows: int
    expires_at: float = field(default_factory=lambda: time.monotonic() + PAGE_TTL)


class PageStore:
    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    async def first_page(
        self,
        source: RowSource,
        *,
        max_rows: int,
        max_bytes: int,
        owner: str | None,
        database: str,
    ) -> Page:
        await self._expire()
        return await self._page(source, max_rows, max_bytes, owner, database)

    async def next_page(
        self, token: str, *, max_rows: int | None, max_bytes: int, owner: str | None
    ) -> tuple[Page, str]:
        """The next page for ``token`` and the database key it reads from.

        Without ``max_rows``, pages keep the size the first page had.
        """
        await self._expire()
        pending = self._pending.pop(token, None)
        if pending is None or pending.owner != owner:
            if pending is not None:
                self._pending[token] = pending
            raise NotFound(
                "no pending result for this cursor",
                hint=f"cursors are single-use and expire after {int(PAGE_TTL)} s; run the query again",
            )
        rows = max_rows if max_rows is not None else pending.max_rows
        page = await self._page(pending.source, rows, max_bytes, owner, pending.database)
        return page, pending.database

    async def _page(
        self,
        source: RowSource,
        max_rows: int,
        max_bytes: int,
        owner: str | None,
        database: str,
    ) -> Page:
        rows: list[Any] = []
        size = _ENVELOPE
        omitted = 0
        while len(rows) < max_rows:
            ok, row = await source.next()
            if not ok:
                break
            row_bytes = len(orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS)) + 1
            if row_bytes + _ENVELOPE > max_bytes:
                omitted += 1
                continue
            if size + row_bytes > max_bytes:
                source.push_back(row)
                break
            rows.append(row)
            size += row_bytes
        if source.exhausted():
            await source.close()
            return Page(rows, False, None, source.total, omitted)
        token = secrets.token_urlsafe(16)
        self._pending[token] = _Pending(source, owner, database, max_rows)
        while len(self._pending) > MAX_PENDING:
            oldest = next(iter(self._pending))
            await self._pending.pop(oldest).source.close()
        return Page(rows, True, token, source.total, omitted)

    async def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, p in self._pending.items() if p.expires_at < now]:
            await self._pending.pop(token).source.close()

    async def discard_owner(self, owner: str) -> None:
        for token in [t for t, p in self._pending.items() if p.owner == owner]:
            await self._pending.pop(token).source.close()

    async def close_all(self) -> None:
        pending, self._pending = list(self._pending.values()), {}
        for item in pending:
            await item.source.close()
