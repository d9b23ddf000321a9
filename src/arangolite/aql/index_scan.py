"""``IndexNode``: a ``FOR`` over a collection that reads documents through an
index instead of scanning them all (set up by the ``use-indexes`` and
``use-index-for-sort`` optimizer rules), and the executor stage that runs it.

An index node knows, per index field, the lookup expressions the optimizer
found (``==`` value, ``IN`` list, range bounds); they are evaluated per input
row, so they may read variables set before the ``FOR``. ``covered`` holds the
filter conditions the lookup answers exactly (``remove-filter-covered-by-index``
drops them from the filters).

Stream transactions: indexes hold committed documents only. When the query's
transaction sees a collection differently from the committed state
(:meth:`~arangolite.storage.transactions.Transaction.changed_keys` not empty),
the stage falls back to a scan of what the transaction sees, tests the covered
conditions itself and sorts in index order if the node promised an order.
Correctness first: that is a full scan, but only inside such a transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import orjson

from arangolite.aql import ast
from arangolite.aql.context import PAUSE
from arangolite.aql.planner import PlanNode
from arangolite.aql.values import hash_key, sort_key, to_bool

if TYPE_CHECKING:
    from arangolite.aql.executor import Executor, Rows, Stage
    from arangolite.aql.expressions import Frame
    from arangolite.storage.collections import Collection
    from arangolite.storage.indexes import Index

__all__ = ["FieldLookup", "IndexNode", "index_stage"]

#: rows between two PAUSE markers
PAUSE_EVERY = 256


@dataclass
class FieldLookup:
    """The conditions on one index field: ``==``, ``IN`` or range bounds."""

    path: tuple[str, ...]
    eq: ast.Expr | None = None
    in_list: ast.Expr | None = None
    #: (value, inclusive)
    lowers: list[tuple[ast.Expr, bool]] = field(default_factory=list)
    uppers: list[tuple[ast.Expr, bool]] = field(default_factory=list)

    @property
    def is_equality(self) -> bool:
        return self.eq is not None or self.in_list is not None

    @property
    def is_range(self) -> bool:
        return bool(self.lowers or self.uppers)


@dataclass(eq=False)
class IndexNode(PlanNode):
    TYPE: ClassVar[str] = "IndexNode"
    var: ast.Var
    collection: str
    op: ast.For
    index: Index
    #: one per index field used, in field order (empty: a full index scan for sorting)
    lookups: list[FieldLookup] = field(default_factory=list)
    #: filter conjuncts the lookup answers exactly
    covered: list[ast.Expr] = field(default_factory=list)
    #: produce documents in index order (a SORT was removed for it)
    ordered: bool = False
    reverse: bool = False
    estimated_items: int = 1


def _read(doc: Any, path: tuple[str, ...]) -> Any:
    value = doc
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _distinct_sorted(values: Iterable[Any]) -> list[Any]:
    seen: dict[Any, Any] = {}
    for value in values:
        seen.setdefault(hash_key(value), value)
    return sorted(seen.values(), key=sort_key)


class _Lookup:
    """The compiled lookup of one index node: frame -> document keys in order."""

    def __init__(self, executor: Executor, node: IndexNode, collection: Collection) -> None:
        compile_ = executor.expressions.compile
        self.node = node
        self.collection = collection
        self.index = node.index
        self.fields: list[tuple[Callable[[Frame], Any] | None, bool, list[Any], list[Any]]] = []
        for lookup in node.lookups:
            value_expr = lookup.eq if lookup.eq is not None else lookup.in_list
            self.fields.append(
                (
                    compile_(value_expr) if value_expr is not None else None,
                    lookup.in_list is not None,
                    [(compile_(e), inc) for e, inc in lookup.lowers],
                    [(compile_(e), inc) for e, inc in lookup.uppers],
                )
            )

    def _values(self, frame: Frame, fn: Callable[[Frame], Any], is_in: bool) -> list[Any]:
        value = fn(frame)
        if not is_in:
            return [value]
        if not isinstance(value, list):
            return []
        return _distinct_sorted(value)

    def keys(self, frame: Frame) -> list[str]:
        index, node = self.index, self.node
        if index.type == "primary":
            fn, is_in, _l, _u = self.fields[0]
            assert fn is not None
            by_id = node.lookups[0].path == ("_id",)
            prefix = f"{self.collection.name}/"
            out = []
            for value in self._values(frame, fn, is_in):
                if not isinstance(value, str):
                    continue
                if by_id:
                    if not value.startswith(prefix):
                        continue
                    value = value[len(prefix) :]
                if value in self.collection.docs:
                    out.append(value)
            return out
        if index.type == "edge":
            fn, is_in, _l, _u = self.fields[0]
            assert fn is not None
            edges = index.outbound if node.lookups[0].path == ("_from",) else index.inbound  # type: ignore[attr-defined]
            found: set[str] = set()
            for value in self._values(frame, fn, is_in):
                if isinstance(value, str):
                    found.update(edges(value))
            return sorted(found)
        return self._persistent(frame)

    def _persistent(self, frame: Frame) -> list[str]:
        index: Any = self.index
        reverse = self.node.reverse
        lists: list[list[Any]] = []
        bounds: tuple[Any, bool, Any, bool] | None = None
        for fn, is_in, lowers, uppers in self.fields:
            if fn is not None:
                values = self._values(frame, fn, is_in)
                lists.append(values[::-1] if reverse else values)
                continue
            bounds = (*_tightest(frame, lowers, 1), *_tightest(frame, uppers, -1))
            break
        if not lists and bounds is None:
            return list(index.scan(reverse))
        out: list[str] = []
        full = len(lists) == len(index.paths)
        for combo in itertools.product(*lists):
            if bounds is None:
                if full:
                    keys = list(index.lookup(combo))
                    out.extend(keys[::-1] if reverse else keys)
                else:
                    out.extend(index.range(combo, combo, True, True, reverse))
                continue
            low, include_low, high, include_high = bounds
            lower = (*combo, low) if low is not _NONE else (combo or None)
            upper = (*combo, high) if high is not _NONE else (combo or None)
            out.extend(
                index.range(
                    lower,
                    upper,
                    include_low if low is not _NONE else True,
                    include_high if high is not _NONE else True,
                    reverse,
                )
            )
        return out


_NONE: Any = object()


def _tightest(
    frame: Frame, bounds: list[tuple[Callable[[Frame], Any], bool]], direction: int
) -> tuple[Any, bool]:
    """The strongest of several bounds (``direction`` 1: the largest lower bound)."""
    from arangolite.aql.values import compare

    best: Any = _NONE
    inclusive = True
    for fn, inc in bounds:
        value = fn(frame)
        if best is _NONE:
            best, inclusive = value, inc
            continue
        c = compare(value, best) * direction
        if c > 0:
            best, inclusive = value, inc
        elif c == 0:
            inclusive = inclusive and inc
    return best, inclusive


def index_stage(executor: Executor, node: IndexNode) -> Stage:
    ctx = executor.ctx
    collection = ctx.db.collection(node.collection)
    lookup = _Lookup(executor, node, collection)
    slot = node.var.id
    loads = orjson.loads
    condition = None
    if node.covered:
        from arangolite.aql.optimizer.analysis import join_conjuncts

        condition = executor.expressions.compile(join_conjuncts(list(node.covered)))
    paths = [tuple(p) for p in _field_paths(node)]

    def fallback(frame: Frame, trx: Any) -> Iterator[Any]:
        """The transaction sees changes the index does not hold: scan, test, order."""
        matched: list[tuple[Any, str, Any]] = []
        for key in list(collection.keys(trx)):
            raw = collection.get_raw(key, trx)
            if raw is None:
                continue
            ctx.stats.scanned_full += 1
            doc = loads(raw)
            row = list(frame)
            row[slot] = doc
            if condition is not None and not to_bool(condition(row)):
                continue
            if node.index.sparse and any(_read(doc, p) is None for p in paths):
                continue
            order = [sort_key(_read(doc, p)) for p in paths] if node.ordered else None
            matched.append((order, key, row))
        if node.ordered:
            matched.sort(key=lambda m: (m[0], m[1]), reverse=node.reverse)
        for _order, _key, row in matched:
            yield row

    def stage(rows: Rows, base: Frame) -> Rows:
        for frame in rows:
            if frame is PAUSE:
                yield PAUSE
                continue
            trx = ctx.trx
            produced = 0
            if trx is not None and trx.changed_keys(collection):
                source: Iterator[Any] = fallback(frame, trx)
            else:
                source = _fetch(lookup.keys(frame), frame, trx)
            for row in source:
                yield row
                produced += 1
                if produced % PAUSE_EVERY == 0 or ctx.sleep_debt:
                    yield PAUSE

    def _fetch(keys: list[str], frame: Frame, trx: Any) -> Iterator[Any]:
        for key in keys:
            raw = collection.get_raw(key, trx)
            if raw is None:
                continue
            ctx.stats.scanned_index += 1
            row = list(frame)
            row[slot] = loads(raw)
            yield row

    return stage


def _field_paths(node: IndexNode) -> list[tuple[str, ...]]:
    """The attribute paths of the index fields (for ordering in the fallback)."""
    if node.index.type in ("primary", "edge"):
        return [lookup.path for lookup in node.lookups]
    return [tuple(str(f).split(".")) for f in node.index.fields]
