"""``remove-redundant-calculations``: a ``LET`` computing what an earlier one
already computed (same expression, same inputs) becomes a reference to the
earlier variable."""

from __future__ import annotations

from typing import Any

from arangolite.aql import ast
from arangolite.aql.optimizer.analysis import fingerprint, is_barrier, movable
from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.planner import CalculationNode, PlanNode

__all__ = ["remove_redundant_calculations", "NAME"]

NAME = "remove-redundant-calculations"


def remove_redundant_calculations(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    seen: dict[Any, ast.Var] = {}
    for node in nodes:
        if is_barrier(node):
            seen.clear()  # COLLECT and friends end the variables' scope
            continue
        if not isinstance(node, CalculationNode) or isinstance(node.expr, ast.VariableRef):
            continue
        if not movable(node.expr) or isinstance(node.expr, ast.Literal):
            continue
        key = fingerprint(node.expr)
        first = seen.get(key)
        if first is None:
            seen[key] = node.var
            continue
        node.expr = ast.VariableRef(node.expr.span, first)
        ctx.fired(NAME)
    return nodes
