"""What the optimizer rules need to know about plan nodes and expressions:
which variables a node defines and reads, where nothing may be moved past, and
whether an expression may be evaluated at another place (deterministic, no
subquery).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from arangolite.aql import ast
from arangolite.aql.functions import FUNCTIONS
from arangolite.aql.planner import (
    CalculationNode,
    CollectNode,
    EnumerateCollectionNode,
    EnumerateListNode,
    FilterNode,
    PlanNode,
    SortNode,
)

__all__ = [
    "defined_vars",
    "used_vars",
    "movable",
    "is_barrier",
    "fingerprint",
    "conjuncts",
    "join_conjuncts",
]


def defined_vars(node: PlanNode) -> set[int]:
    """Variable ids ``node`` sets."""
    var = getattr(node, "var", None)
    if isinstance(var, ast.Var):
        return {var.id}
    if isinstance(node, CollectNode):
        op = node.op
        out = {a.var.id for a in (*op.groups, *op.aggregates)}
        for extra in (op.into, op.count_into):
            if extra is not None:
                out.add(extra.id)
        return out
    return set()


def _expressions(node: PlanNode) -> list[Any]:
    out: list[Any] = []
    for f in fields(node):
        if f.name in ("id", "var"):
            continue
        value = getattr(node, f.name)
        if isinstance(value, ast.Node | tuple | list):
            out.append(value)
    return out


def used_vars(node: Any) -> set[int]:
    """Variable ids read by a plan node or an expression (subqueries included).

    ``COLLECT … INTO g`` without an expression captures every visible variable:
    that is reported as ``{-1}`` ("all")."""
    if isinstance(node, PlanNode):
        found = set()
        for part in _expressions(node):
            found |= used_vars(part)
        if isinstance(node, CollectNode):
            found |= {v.id for v in node.op.into_vars}
            if node.op.into is not None and node.op.into_expr is None:
                found.add(-1)
        return found
    if isinstance(node, list):
        node = tuple(node)
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.VariableRef):
            found.add(sub.var.id)
    if isinstance(node, tuple):
        for item in node:
            if isinstance(item, tuple):
                found |= used_vars(item)
    return found


def movable(expr: Any) -> bool:
    """May ``expr`` be computed at another point of the plan (or not at all)?
    Not with non-deterministic or side-effect functions, nor with subqueries."""
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Subquery):
            return False
        if isinstance(sub, ast.FunctionCall):
            spec = FUNCTIONS.get(sub.name)
            if spec is None or not spec.deterministic:
                return False
    return True


#: nodes a calculation or filter may be moved up past (when it reads nothing they set)
_PASSABLE = (EnumerateCollectionNode, EnumerateListNode, CalculationNode, SortNode, FilterNode)


def is_barrier(node: PlanNode) -> bool:
    """Nothing is moved past these (they change scope, row count or data)."""
    from arangolite.aql.index_scan import IndexNode

    return not isinstance(node, (*_PASSABLE, IndexNode))


def fingerprint(node: Any) -> Any:
    """A hashable form of an expression that ignores source positions."""
    if isinstance(node, ast.Node):
        return (
            type(node).__name__,
            tuple(fingerprint(getattr(node, f.name)) for f in fields(node) if f.name != "span"),
        )
    if isinstance(node, tuple | list):
        return tuple(fingerprint(item) for item in node)
    if isinstance(node, ast.Var):
        return ("var", node.id)
    if isinstance(node, dict | set):
        return repr(node)
    return (type(node).__name__, node)


def conjuncts(expr: ast.Expr) -> list[ast.Expr]:
    """``a && b && c`` -> ``[a, b, c]``."""
    if isinstance(expr, ast.Binary) and expr.op == "&&":
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def join_conjuncts(parts: list[ast.Expr]) -> ast.Expr:
    """The inverse of :func:`conjuncts` (``parts`` not empty)."""
    expr = parts[0]
    for part in parts[1:]:
        expr = ast.Binary(expr.span, "&&", expr, part)
    return expr
