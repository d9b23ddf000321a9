"""``remove-filter-covered-by-index``: conditions an index lookup answers
exactly need no second test; a ``FILTER`` left without conditions goes."""

from __future__ import annotations

from arangolite.aql.index_scan import IndexNode
from arangolite.aql.optimizer.analysis import conjuncts, join_conjuncts
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.planner import FilterNode, PlanNode

__all__ = ["remove_filter_covered_by_index", "NAME"]

NAME = "remove-filter-covered-by-index"


def remove_filter_covered_by_index(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    covered = {id(expr) for node in nodes if isinstance(node, IndexNode) for expr in node.covered}
    if not covered:
        return nodes
    out: list[PlanNode] = []
    for node in nodes:
        if isinstance(node, FilterNode):
            parts = conjuncts(node.expr)
            kept = [part for part in parts if id(part) not in covered]
            if len(kept) != len(parts):
                ctx.fired(NAME)
                if not kept:
                    continue
                node.expr = join_conjuncts(kept)
        out.append(node)
    return out
