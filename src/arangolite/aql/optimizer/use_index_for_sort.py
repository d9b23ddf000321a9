"""``use-index-for-sort``: a ``SORT`` on attributes of a collection loop's
documents, all in one direction, is dropped when a persistent index delivers
that order — the loop's own index (sort fields following its equality
prefix), or for a plain scan a non-sparse index whose fields start with the
sort attributes. Only filters and calculations may stand between the ``FOR``
and the ``SORT`` (a nested loop would interleave rows)."""

from __future__ import annotations

from typing import Any

from arangolite.aql import ast
from arangolite.aql.index_scan import IndexNode
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.optimizer.use_indexes import attribute_path
from arangolite.aql.planner import (
    CalculationNode,
    EnumerateCollectionNode,
    FilterNode,
    PlanNode,
    SortNode,
)

__all__ = ["use_index_for_sort", "NAME"]

NAME = "use-index-for-sort"


def use_index_for_sort(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    out = list(nodes)
    position = 0
    while position < len(out):
        node = out[position]
        position += 1
        if not isinstance(node, EnumerateCollectionNode | IndexNode):
            continue
        sort_at = _following_sort(out, position)
        if sort_at is None:
            continue
        sort = out[sort_at]
        assert isinstance(sort, SortNode)
        wanted = _sort_paths(sort, node.var)
        if wanted is None:
            continue
        paths, ascending = wanted
        replacement = _ordered(node, paths, not ascending, ctx)
        if replacement is None:
            continue
        out[position - 1] = replacement
        del out[sort_at]
        ctx.fired(NAME)
    return out


def _following_sort(nodes: list[PlanNode], start: int) -> int | None:
    for at in range(start, len(nodes)):
        node = nodes[at]
        if isinstance(node, SortNode):
            return at
        if not isinstance(node, FilterNode | CalculationNode):
            return None
    return None


def _sort_paths(sort: SortNode, var: ast.Var) -> tuple[list[tuple[str, ...]], bool] | None:
    paths: list[tuple[str, ...]] = []
    directions: set[bool] = set()
    for expr, ascending in sort.elements:
        if not isinstance(ascending, bool):
            return None
        path = attribute_path(expr, var)
        if path is None:
            return None
        paths.append(path)
        directions.add(ascending)
    if len(directions) != 1:
        return None
    return paths, directions.pop()


def _index_paths(index: Any) -> list[tuple[str, ...]]:
    return [tuple(str(f).split(".")) for f in index.fields]


def _ordered(
    node: EnumerateCollectionNode | IndexNode,
    paths: list[tuple[str, ...]],
    reverse: bool,
    ctx: OptimizerContext,
) -> IndexNode | None:
    if isinstance(node, IndexNode):
        index = node.index
        if index.type not in ("persistent", "hash", "skiplist") or node.ordered:
            return None
        fields = _index_paths(index)
        # fields before the sort attributes must be fixed by a single == value
        for skip in range(len(node.lookups) + 1):
            if fields[skip : skip + len(paths)] != paths:
                continue
            if all(lookup.eq is not None for lookup in node.lookups[:skip]):
                node.ordered = True
                node.reverse = reverse
                return node
        return None
    collection = ctx.db.find(node.collection)
    if collection is None:
        return None
    for index in collection.indexes.of_type("persistent", "hash", "skiplist"):
        if index.sparse or getattr(index, "expands", False):
            continue
        if _index_paths(index)[: len(paths)] == paths:
            return IndexNode(
                node.id,
                node.var,
                node.collection,
                node.op,
                index,
                [],
                [],
                ordered=True,
                reverse=reverse,
                estimated_items=max(1, collection.count()),
            )
    return None
