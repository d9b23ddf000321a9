"""``move-calculations-up``: compute a ``LET`` as early as the variables it
reads allow, ideally outside of loops, so it runs less often. Only
deterministic expressions without subqueries move, and never past a filter
(that could compute, and warn, for rows the filter drops)."""

from __future__ import annotations

from arangolite.aql.optimizer.analysis import defined_vars, is_barrier, movable, used_vars
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.planner import CalculationNode, FilterNode, PlanNode

__all__ = ["move_calculations_up", "NAME"]

NAME = "move-calculations-up"


def move_calculations_up(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    nodes = list(nodes)
    for node in list(nodes):
        if not isinstance(node, CalculationNode) or not movable(node.expr):
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
