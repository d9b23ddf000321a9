"""``move-filters-up``: test a ``FILTER`` right after the last node setting a
variable it reads, so rows are dropped early and conditions end up next to the
``FOR`` they are about (where ``use-indexes`` looks for them)."""

from __future__ import annotations

from arangolite.aql.optimizer.analysis import defined_vars, is_barrier, movable, used_vars
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.planner import FilterNode, PlanNode

__all__ = ["move_filters_up", "NAME"]

NAME = "move-filters-up"


def move_filters_up(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    nodes = list(nodes)
    for node in list(nodes):
        if not isinstance(node, FilterNode) or not movable(node.expr):
            continue
        reads = used_vars(node.expr)
        position = nodes.index(node)
        target = position
        while target > 1:
            above = nodes[target - 1]
            if is_barrier(above) or isinstance(above, FilterNode) or reads & defined_vars(above):
                break
            target -= 1
        if target < position:
            nodes.pop(position)
            nodes.insert(target, node)
            ctx.fired(NAME)
    return nodes
