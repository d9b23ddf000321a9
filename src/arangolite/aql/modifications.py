"""INSERT, UPDATE, REPLACE, REMOVE and UPSERT as executor stages.

Every write goes through the collection's single write path with the query's
transaction, so validation, key rules, schemas and unique indexes behave as in
the document API. Per-operation ``OPTIONS`` (ArangoDB's names):

- ``ignoreErrors``: a failing document is counted in ``writesIgnored`` and
  skipped instead of aborting the query;
- ``keepNull`` (default true), ``mergeObjects`` (default true): UPDATE semantics;
- ``overwriteMode`` (``conflict``/``ignore``/``replace``/``update``) and the
  older ``overwrite: true`` (= ``replace``): INSERT on an existing key;
- ``ignoreRevs`` (default true): when false, a ``_rev`` in the key document must
  match (1200 conflict otherwise);
- ``waitForSync``, ``exclusive``, ``readOwnWrites``, index hints: accepted; the
  journal already syncs every acknowledged write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.aql import ast
from arangolite.aql.context import PAUSE
from arangolite.aql.planner import ModificationNode
from arangolite.aql.values import to_bool, values_equal
from arangolite.errors import ArangoError, E
from arangolite.storage.keys import is_valid_key

if TYPE_CHECKING:
    from arangolite.aql.executor import Executor, Rows, Stage
    from arangolite.aql.expressions import Frame
    from arangolite.storage.collections import Collection, WriteResult

__all__ = ["modification_stage"]

_OVERWRITE_MODES = ("conflict", "ignore", "replace", "update")


def _key_and_rev(value: Any, collection: Collection) -> tuple[str, str | None]:
    """The document a REMOVE/UPDATE/REPLACE means: a key string or an object with ``_key``."""
    if isinstance(value, str):
        if "/" in value:
            name, _, key = value.partition("/")
            if name != collection.name:
                raise ArangoError(E.DOCUMENT_HANDLE_BAD)
            return key, None
        return value, None
    if isinstance(value, dict):
        key = value.get("_key")
        if key is None and isinstance(value.get("_id"), str):
            return _key_and_rev(value["_id"], collection)[0], _rev_of(value)
        if key is None:
            raise ArangoError(E.DOCUMENT_KEY_MISSING)
        if not isinstance(key, str):
            raise ArangoError(E.DOCUMENT_KEY_BAD)
        return key, _rev_of(value)
    raise ArangoError(E.DOCUMENT_TYPE_INVALID)


def _rev_of(value: dict[str, Any]) -> str | None:
    rev = value.get("_rev")
    return rev if isinstance(rev, str) else None


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ArangoError(E.DOCUMENT_TYPE_INVALID)
    return value


class _Writer:
    """What every modification stage shares: options, counters, error policy."""

    def __init__(self, executor: Executor, node: ModificationNode) -> None:
        self.executor = executor
        self.ctx = executor.ctx
        self.collection = executor.ctx.db.collection(node.collection)
        op = node.op
        self.options = executor._options(getattr(op, "options", None))
        self.ignore_errors = self.flag("ignoreErrors", False)
        self.keep_null = self.flag("keepNull", True)
        self.merge_objects = self.flag("mergeObjects", True)
        self.ignore_revs = self.flag("ignoreRevs", True)
        mode = self.options.get("overwriteMode")
        if mode is None and self.flag("overwrite", False):
            mode = "replace"
        if mode is not None and mode not in _OVERWRITE_MODES:
            raise ArangoError(E.BAD_PARAMETER, f"invalid overwriteMode '{mode}'")
        self.overwrite_mode = mode

    def flag(self, name: str, default: bool) -> bool:
        """A boolean option; anything but true/false (e.g. a null bind value) means the default."""
        value = self.options.get(name)
        return value if isinstance(value, bool) else default

    def compile(self, expr: ast.Expr | None) -> Callable[[Frame], Any] | None:
        return self.executor.expressions.compile(expr) if expr is not None else None

    def run(
        self,
        write: Callable[[Frame], WriteResult | None],
        new_slot: int | None,
        old_slot: int | None,
    ) -> Stage:
        ctx = self.ctx
        stats = ctx.stats
        ignore = self.ignore_errors

        def stage(rows: Rows, base: Frame) -> Rows:
            for frame in rows:
                if frame is PAUSE:
                    yield PAUSE
                    continue
                try:
                    result = write(frame)
                except ArangoError:
                    if not ignore:
                        raise
                    stats.writes_ignored += 1
                    continue
                stats.writes_executed += 1
                if result is not None:
                    if new_slot is not None:
                        frame[new_slot] = result.new
                    if old_slot is not None:
                        frame[old_slot] = result.old
                yield frame

        return stage


def _insert(executor: Executor, node: ModificationNode) -> Stage:
    op = node.op
    assert isinstance(op, ast.Insert)
    w = _Writer(executor, node)
    doc_fn = w.compile(op.doc)
    assert doc_fn is not None

    def write(frame: Frame) -> WriteResult:
        return w.collection.insert(
            _object(doc_fn(frame)),
            trx=w.ctx.trx,
            overwrite_mode=w.overwrite_mode,
            keep_null=w.keep_null,
            merge_objects=w.merge_objects,
        )

    return w.run(write, _slot(op.new), _slot(op.old))


def _update_or_replace(executor: Executor, node: ModificationNode) -> Stage:
    op = node.op
    assert isinstance(op, ast.Update | ast.Replace)
    w = _Writer(executor, node)
    doc_fn = w.compile(op.doc)
    key_fn = w.compile(op.key)
    assert doc_fn is not None
    is_update = isinstance(op, ast.Update)

    def write(frame: Frame) -> WriteResult:
        doc = doc_fn(frame)
        key_value = key_fn(frame) if key_fn is not None else _object(doc)
        key, rev = _key_and_rev(key_value, w.collection)
        body = _object(doc)
        expected = None if w.ignore_revs else rev
        if is_update:
            return w.collection.update(
                key,
                body,
                trx=w.ctx.trx,
                expected_rev=expected,
                keep_null=w.keep_null,
                merge_objects=w.merge_objects,
            )
        return w.collection.replace(key, body, trx=w.ctx.trx, expected_rev=expected)

    return w.run(write, _slot(op.new), _slot(op.old))


def _remove(executor: Executor, node: ModificationNode) -> Stage:
    op = node.op
    assert isinstance(op, ast.Remove)
    w = _Writer(executor, node)
    key_fn = w.compile(op.key)
    assert key_fn is not None

    def write(frame: Frame) -> WriteResult:
        key, rev = _key_and_rev(key_fn(frame), w.collection)
        expected = None if w.ignore_revs else rev
        return w.collection.remove(key, trx=w.ctx.trx, expected_rev=expected)

    return w.run(write, None, _slot(op.old))


def _upsert(executor: Executor, node: ModificationNode) -> Stage:
    op = node.op
    assert isinstance(op, ast.Upsert)
    w = _Writer(executor, node)
    search_fn = w.compile(op.search)
    insert_fn = w.compile(op.insert)
    update_fn = w.compile(op.update)
    assert search_fn is not None and insert_fn is not None and update_fn is not None
    candidate = op.candidate.id if op.candidate is not None else None
    old_slot = op.old.id
    collection = w.collection
    ctx = w.ctx

    def find(frame: Frame) -> dict[str, Any] | None:
        if candidate is None:
            example = search_fn(frame)
            if not isinstance(example, dict):
                raise ArangoError(E.QUERY_PARSE, "upsert search document must be an object")
            key = example.get("_key")
            if isinstance(key, str):
                doc = collection.get(key, ctx.trx) if is_valid_key(key) else None
                if doc is not None and all(
                    values_equal(doc.get(k), v) if k in doc else False for k, v in example.items()
                ):
                    return doc
                return None
        else:
            example = None
        probe = list(frame)
        for key in list(collection.keys(ctx.trx)):
            raw = collection.get_raw(key, ctx.trx)
            if raw is None:
                continue
            ctx.stats.scanned_full += 1
            doc = orjson.loads(raw)
            if example is not None:
                if all(k in doc and values_equal(doc[k], v) for k, v in example.items()):
                    return doc
            else:
                probe[candidate] = doc  # type: ignore[index]
                if to_bool(search_fn(probe)):
                    return doc
        return None

    def write(frame: Frame) -> WriteResult:
        found = find(frame)
        frame[old_slot] = found
        if found is None:
            result = collection.insert(
                _object(insert_fn(frame)),
                trx=ctx.trx,
                keep_null=w.keep_null,
                merge_objects=w.merge_objects,
            )
            result.old = None
            return result
        body = _object(update_fn(frame))
        expected = None if w.ignore_revs else _rev_of(body)
        if op.replace:
            result = collection.replace(found["_key"], body, trx=ctx.trx, expected_rev=expected)
        else:
            result = collection.update(
                found["_key"],
                body,
                trx=ctx.trx,
                expected_rev=expected,
                keep_null=w.keep_null,
                merge_objects=w.merge_objects,
            )
        return result

    return w.run(write, _slot(op.new), old_slot)


def _slot(var: ast.Var | None) -> int | None:
    return var.id if var is not None else None


_STAGES: dict[type[ast.Operation], Callable[[Executor, ModificationNode], Stage]] = {
    ast.Insert: _insert,
    ast.Update: _update_or_replace,
    ast.Replace: _update_or_replace,
    ast.Remove: _remove,
    ast.Upsert: _upsert,
}


def modification_stage(executor: Executor, node: Any) -> Stage:
    assert isinstance(node, ModificationNode)
    return _STAGES[type(node.op)](executor, node)
