"""REST API: bulk import (``POST /_api/import``).

Three body formats, as ArangoDB 3.12 reads them: JSON Lines (``type=documents``),
one JSON array (``type=array``/``list``), auto-detected (``type=auto``), and,
with no (or any other) ``type``, tabular lines: a header array of attribute
names, then one array of values per line.

The import runs like ArangoDB's: a first pass turns the body into candidate
documents (non-objects and edges without ``_from``/``_to`` are errors "at
position N", N counted from 1 per line or array element); then each candidate
goes through :meth:`Collection.insert`, failures reported "at position P" with P
the candidate's 0-based index among the candidates. ``complete=true`` makes the
whole import all-or-nothing: on the first error every change this request made
(including the ``overwrite`` truncation) is undone and the error is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.responses import Response

from arangolite.errors import ERRORS, ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.collections import Collection
from arangolite.storage.transactions import Transaction

__all__ = ["routes"]

_JSON_TYPES = ("documents", "array", "list", "auto")
_ON_DUPLICATE = {"update": "update", "replace": "replace", "ignore": "ignore"}
_BLANK = b" \t\r\n\b\f"
_MAX_CONTEXT = 255


class _Abort(Exception):
    """Stops an all-or-nothing (``complete=true``) import at its first error."""

    def __init__(self, error: ArangoError) -> None:
        super().__init__(error.message)
        self.error = error


def _snippet(text: str) -> str:
    return text if len(text) <= _MAX_CONTEXT else text[:_MAX_CONTEXT] + "..."


def _dump(value: Any) -> str:
    try:
        return _snippet(orjson.dumps(value).decode())
    except TypeError:  # cannot happen for parsed JSON; be safe anyway
        return _snippet(repr(value))


@dataclass
class _Import:
    """One import request: its options, counters and the undo log for ``complete``."""

    collection: Collection
    trx: Transaction | None
    complete: bool
    on_duplicate: str | None
    from_prefix: str
    to_prefix: str
    overwrite_prefix: bool
    ignore_missing: bool
    created: int = 0
    errors: int = 0
    empty: int = 0
    updated: int = 0
    ignored: int = 0
    details: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    undo: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = field(
        default_factory=list
    )
    truncated: list[tuple[str, bytes]] | None = None

    # -------------------------------------------------------------- first pass
    def fail(self, message: str, error_num: int) -> None:
        """Count a bad input value; with ``complete=true`` it ends the import."""
        self.errors += 1
        self.details.append(message)
        if self.complete:
            # ArangoDB answers a bad document or edge with the plain error text; for
            # unparsable lines (where it would import partially or fail with a 500)
            # we refuse the import with the detail message instead
            plain = error_num not in (E.HTTP_CORRUPTED_JSON, E.BAD_PARAMETER)
            raise _Abort(ArangoError(error_num, None if plain else message))

    def parse_error(self, position: int, context: bytes) -> None:
        text = context.decode("utf-8", errors="replace")
        self.fail(
            f"at position {position}: invalid JSON type (expecting object, probably parse "
            f"error), offending context: {_snippet(text)}",
            E.HTTP_CORRUPTED_JSON,
        )

    def candidate(self, doc: Any, position: int) -> None:
        """Check one parsed value and queue it for insertion."""
        if not isinstance(doc, dict):
            self.fail(
                f"at position {position}: invalid JSON type (expecting object), "
                f"offending document: {_dump(doc)}",
                E.DOCUMENT_TYPE_INVALID,
            )
            return
        if self.collection.is_edge:
            if self.from_prefix or self.to_prefix:
                doc = self._prefixed(doc)
            if not isinstance(doc.get("_from"), str) or not isinstance(doc.get("_to"), str):
                self.fail(
                    f"at position {position}: missing '_from' or '_to' attribute, "
                    f"offending document: {_dump(doc)}",
                    E.INVALID_EDGE_ATTRIBUTE,
                )
                return
        self.candidates.append(doc)

    def _prefixed(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc = dict(doc)
        for name, prefix in (("_from", self.from_prefix), ("_to", self.to_prefix)):
            if not prefix:
                continue
            value = doc.get(name)
            if isinstance(value, str):
                if "/" not in value:
                    doc[name] = prefix + value
                elif self.overwrite_prefix:
                    doc[name] = prefix + value.partition("/")[2]
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                doc[name] = prefix + str(value)
        return doc

    # -------------------------------------------------------------- second pass
    def truncate_first(self) -> None:
        collection, trx = self.collection, self.trx
        if self.complete:
            saved = []
            for key in list(collection.keys(trx)):
                raw = collection.get_raw(key, trx)
                if raw is not None:
                    saved.append((key, raw))
            self.truncated = saved
        collection.truncate(trx)

    def insert_all(self) -> None:
        collection, trx, complete = self.collection, self.trx, self.complete
        mode = self.on_duplicate if self.on_duplicate in ("update", "replace") else None
        ignore = self.on_duplicate == "ignore"
        undo = self.undo
        for position, doc in enumerate(self.candidates):
            try:
                result = collection.insert(doc, trx=trx, overwrite_mode=mode)
            except ArangoError as exc:
                if ignore and exc.error_num == E.UNIQUE_CONSTRAINT_VIOLATED:
                    self.ignored += 1
                    continue
                text = ERRORS.get(exc.error_num, (exc.message, 0))[0]
                self.errors += 1
                self.details.append(
                    f"at position {position}: creating document failed with error "
                    f"'{text}', offending document: {_dump(doc)}"
                )
                if complete:
                    raise _Abort(ArangoError(exc.error_num)) from None
                continue
            if result.old_rev is not None:
                self.updated += 1
            else:
                self.created += 1
            if complete:
                undo.append((result.key, result.old, result.new))

    def rollback(self) -> None:
        """Undo every change of this request, newest first (``complete=true``)."""
        collection, trx = self.collection, self.trx
        for key, before, after in reversed(self.undo):
            collection.restore(key, after, before, trx=trx)
        self.undo.clear()
        for key, raw in self.truncated or ():
            collection.restore(key, None, orjson.loads(raw), trx=trx)
        self.truncated = None

    def summary(self, with_details: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": False,
            "created": self.created,
            "errors": self.errors,
            "empty": self.empty,
            "updated": self.updated,
            "ignored": self.ignored,
        }
        if with_details:
            out["details"] = self.details
        return out


# ---------------------------------------------------------------------- body formats
def _read_lines(job: _Import, body: bytes) -> None:
    """JSON Lines: one object per line; blank lines count as ``empty``."""
    lines = body.split(b"\n")
    last = len(lines) - 1
    for index, line in enumerate(lines):
        text = line.lstrip(b" \t\r\b\f")
        if not text:
            if index != last:
                job.empty += 1
            continue
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            job.parse_error(index + 1, text)
            continue
        job.candidate(value, index + 1)


def _read_array(job: _Import, body: bytes) -> None:
    """One JSON array of objects."""
    if not body.strip(_BLANK):
        raise ArangoError(E.HTTP_BAD_PARAMETER, "expecting a JSON array in the request")
    try:
        values = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ArangoError(
            E.HTTP_BAD_PARAMETER,
            f"expecting a valid JSON array in the request. got: {exc.args[0]}",
        ) from None
    if not isinstance(values, list):
        raise ArangoError(E.HTTP_BAD_PARAMETER, "expecting a JSON array in the request")
    candidate = job.candidate
    for index, value in enumerate(values, 1):
        candidate(value, index)


def _read_header(body: bytes) -> tuple[list[str], bytes]:
    """The tabular format's first line: a non-empty array of attribute names."""
    newline = body.find(b"\n")
    if newline < 0:
        raise ArangoError(E.HTTP_BAD_PARAMETER, "no JSON array found in second line")
    bad_header = ArangoError(E.HTTP_BAD_PARAMETER, "no JSON string array found in first line")
    try:
        names = orjson.loads(body[:newline].strip(_BLANK))
    except orjson.JSONDecodeError:
        raise bad_header from None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise bad_header
    return names, body[newline + 1 :]


def _read_table(job: _Import, names: list[str], rest: bytes, first_line: int) -> None:
    """Tabular lines: arrays of values matched to ``names`` by position; nulls omitted."""
    lines = rest.split(b"\n")
    if lines[-1] == b"":  # nothing after the last newline is no line at all
        lines.pop()
    width = len(names)
    for position, line in enumerate(lines, first_line + 1):
        text = line.strip(_BLANK)
        if not text:
            job.empty += 1
            continue
        try:
            values = orjson.loads(text)
        except orjson.JSONDecodeError:
            job.parse_error(position, text)
            continue
        if not isinstance(values, list):
            job.fail(f"at position {position}: no valid JSON array data", E.BAD_PARAMETER)
            continue
        if len(values) != width and not job.ignore_missing:
            job.fail(
                f"at position {position}: wrong number of JSON values "
                f"(got {len(values)}, expected {width})",
                E.BAD_PARAMETER,
            )
            continue
        doc = {name: value for name, value in zip(names, values, strict=False) if value is not None}
        job.candidate(doc, position)


# ---------------------------------------------------------------------- endpoint
def _prefix(value: str | None) -> str:
    if not value:
        return ""
    return value if value.endswith("/") else value + "/"


def _first_line(call: Call) -> int:
    """The optional ``line`` offset (arangoimport's skipped lines); junk reads as 0."""
    try:
        return int(call.arg("line") or 0)
    except ValueError:
        return 0


async def import_documents(call: Call) -> Response:
    name = call.arg("collection")
    if not name:
        raise ArangoError(
            E.COLLECTION_PARAMETER_MISSING,
            "'collection' is missing, expecting /_api/import?collection=<identifier>",
        )
    kind = call.arg("type") or ""
    body = await call.raw_body()
    table: tuple[list[str], bytes] | None = None
    if kind not in _JSON_TYPES:
        table = _read_header(body)
    collection = call.collection(name)
    job = _Import(
        collection=collection,
        trx=call.trx,
        complete=call.flag("complete"),
        on_duplicate=_ON_DUPLICATE.get(call.arg("onDuplicate") or ""),
        from_prefix=_prefix(call.arg("fromPrefix")),
        to_prefix=_prefix(call.arg("toPrefix")),
        overwrite_prefix=call.flag("overwriteCollectionPrefix"),
        ignore_missing=call.flag("ignoreMissing"),
    )
    try:
        if table is not None:
            _read_table(job, table[0], table[1], _first_line(call))
        elif kind == "documents" or (kind == "auto" and body.lstrip(_BLANK)[:1] != b"["):
            _read_lines(job, body)
        else:
            _read_array(job, body)
        if call.flag("overwrite"):
            job.truncate_first()
        job.insert_all()
    except _Abort as abort:
        job.rollback()
        raise abort.error from None
    return json_response(job.summary(call.flag("details")), status=201)


routes: list[Route] = [
    Route("POST", "/_api/import", import_documents, access="coll:rw"),
]
