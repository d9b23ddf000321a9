"""``remove-unnecessary-calculations``: drop a ``LET`` whose variable nothing
reads afterwards (unless computing it has effects: subqueries and
non-deterministic functions stay)."""

from __future__ import annotations

from arangolite.aql.optimizer.analysis import movable, used_vars
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.planner import CalculationNode, PlanNode

__all__ = ["remove_unnecessary_calculations", "NAME"]

NAME = "remove-unnecessary-calculations"


def remove_unnecessary_calculations(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    out = list(nodes)
    changed = True
    while changed:
        changed = False
        for position, node in enumerate(out):
            if not isinstance(node, CalculationNode) or not movable(node.expr):
                continue
            later: set[int] = set()
            for other in out[position + 1 :]:
                later |= used_vars(other)
            if node.var.id in later or -1 in later:
                continue
            out.pop(position)
            ctx.fired(NAME)
            changed = True
            break
    return out
