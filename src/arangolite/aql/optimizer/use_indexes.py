"""``use-indexes``: a ``FOR`` over a collection followed by filters on its
documents' attributes reads through an index instead of scanning.

Conditions come from the filters directly after the ``FOR`` (after
``move-filters-up``), split at ``&&``. A usable condition compares an attribute
path of the loop variable with ``==``, ``<``, ``<=``, ``>``, ``>=`` or ``IN``
to a value that does not depend on the loop (constants, bind parameters,
variables set before the ``FOR``). Indexes:

- primary: ``_key`` / ``_id`` equality and ``IN``;
- edge: ``_from`` / ``_to`` equality and ``IN``;
- persistent: equality or ``IN`` on a prefix of its fields, optionally followed
  by a range on the next field. Indexes over array expansions (``a[*]``) are
  not used. A sparse index only when every field is constrained by a condition
  that excludes null (known from a constant or bind parameter value).

Among the candidates the one with the fewest estimated documents wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from arangolite.aql import ast
from arangolite.aql.index_scan import FieldLookup, IndexNode
from arangolite.aql.optimizer.analysis import conjuncts, defined_vars, movable, used_vars
from arangolite.aql.optimizer.context import UNKNOWN, OptimizerContext
from arangolite.aql.planner import (
    CalculationNode,
    EnumerateCollectionNode,
    FilterNode,
    PlanNode,
)

__all__ = ["use_indexes", "NAME", "Condition", "attribute_path"]

NAME = "use-indexes"

_FLIP = {"==": "==", "<": ">", "<=": ">=", ">": "<", ">=": "<=", "IN": "IN"}


@dataclass
class Condition:
    """``doc.path <op> value`` (normalised so the attribute is on the left)."""

    path: tuple[str, ...]
    op: str
    value: ast.Expr
    source: ast.Expr


def attribute_path(expr: ast.Expr, var: ast.Var) -> tuple[str, ...] | None:
    """``var.a.b`` -> ``("a", "b")``; None for anything else."""
    names: list[str] = []
    while True:
        if isinstance(expr, ast.AttributeAccess):
            names.append(expr.name)
            expr = expr.object
        elif (
            isinstance(expr, ast.IndexedAccess)
            and isinstance(expr.index, ast.Literal)
            and isinstance(expr.index.value, str)
        ):
            names.append(expr.index.value)
            expr = expr.object
        else:
            break
    if names and isinstance(expr, ast.VariableRef) and expr.var.id == var.id:
        return tuple(reversed(names))
    return None


def conditions_for(nodes: list[PlanNode], position: int, var: ast.Var) -> list[Condition]:
    """The usable conditions of the filters right after ``nodes[position]``.

    Values may read any variable not set by the loop or after it (also those
    of an enclosing query, for a subquery's plan)."""
    later: set[int] = set()
    for node in nodes[position:]:
        later |= defined_vars(node)
    found: list[Condition] = []
    for node in nodes[position + 1 :]:
        if isinstance(node, CalculationNode):
            continue
        if not isinstance(node, FilterNode):
            break
        for part in conjuncts(node.expr):
            condition = _condition(part, var, later)
            if condition is not None:
                found.append(condition)
    return found


def _condition(part: ast.Expr, var: ast.Var, later: set[int]) -> Condition | None:
    if not isinstance(part, ast.Binary) or part.op not in _FLIP:
        return None
    for attr, value, op in ((part.left, part.right, part.op), (part.right, part.left, None)):
        if op is None:
            if part.op == "IN":
                continue
            op = _FLIP[part.op]
        path = attribute_path(attr, var)
        if path is None:
            continue
        if not movable(value) or used_vars(value) & later:
            continue
        if any(
            isinstance(sub, ast.CollectionRef | ast.DataSourceParameter) for sub in ast.walk(value)
        ):
            continue
        return Condition(path, op, value, part)
    return None


@dataclass
class _Candidate:
    index: Any
    lookups: list[FieldLookup]
    covered: list[ast.Expr] = field(default_factory=list)
    estimate: float = 0.0
    fields_used: int = 0


def use_indexes(nodes: list[PlanNode], ctx: OptimizerContext) -> list[PlanNode]:
    out = list(nodes)
    for position, node in enumerate(out):
        if not isinstance(node, EnumerateCollectionNode):
            continue
        conditions = conditions_for(out, position, node.var)
        if not conditions:
            continue
        collection = ctx.db.find(node.collection)
        if collection is None:
            continue
        best = choose_index(collection, conditions, ctx)
        if best is None:
            continue
        out[position] = IndexNode(
            node.id,
            node.var,
            node.collection,
            node.op,
            best.index,
            best.lookups,
            best.covered,
            estimated_items=max(1, int(best.estimate)),
        )
        ctx.fired(NAME)
    return out


def choose_index(
    collection: Any, conditions: list[Condition], ctx: OptimizerContext
) -> _Candidate | None:
    total = max(1, collection.count())
    candidates: list[_Candidate] = []
    indexes = collection.indexes
    for path in (("_key",), ("_id",)):
        found = _equality(conditions, path)
        if found is not None:
            lookup, covered = found
            candidates.append(_Candidate(indexes.primary, [lookup], covered, 1.0, 1))
    if indexes.edge is not None:
        selectivity = indexes.edge.selectivity() or 1
        for path in (("_from",), ("_to",)):
            found = _equality(conditions, path)
            if found is not None:
                lookup, covered = found
                estimate = max(1.0, 1 / selectivity)
                candidates.append(_Candidate(indexes.edge, [lookup], covered, estimate, 1))
    for index in indexes.of_type("persistent", "hash", "skiplist"):
        candidate = _persistent(index, conditions, ctx, total)
        if candidate is not None:
            candidates.append(candidate)
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.estimate, -c.fields_used))


def _equality(
    conditions: list[Condition], path: tuple[str, ...]
) -> tuple[FieldLookup, list[ast.Expr]] | None:
    for condition in conditions:
        if condition.path != path:
            continue
        if condition.op == "==":
            return FieldLookup(path, eq=condition.value), [condition.source]
        if condition.op == "IN":
            return FieldLookup(path, in_list=condition.value), [condition.source]
    return None


def _excludes_null(condition: Condition, ctx: OptimizerContext) -> bool:
    """Can the condition hold for a null (or missing) attribute? False if it can."""
    value = ctx.static_value(condition.value)
    if value is UNKNOWN:
        return False
    if condition.op == "==":
        return value is not None
    if condition.op == "IN":
        return isinstance(value, list) and None not in value
    if condition.op == ">":
        return True
    if condition.op == ">=":
        return value is not None
    return False  # < and <= admit null


def _persistent(
    index: Any, conditions: list[Condition], ctx: OptimizerContext, total: int
) -> _Candidate | None:
    if getattr(index, "expands", False):
        return None
    paths = [tuple(str(f).split(".")) for f in index.fields]
    lookups: list[FieldLookup] = []
    covered: list[ast.Expr] = []
    null_safe: list[bool] = []
    for path in paths:
        mine = [c for c in conditions if c.path == path]
        equality = next((c for c in mine if c.op == "=="), None) or next(
            (c for c in mine if c.op == "IN"), None
        )
        if equality is not None:
            lookup = FieldLookup(path)
            if equality.op == "==":
                lookup.eq = equality.value
            else:
                lookup.in_list = equality.value
            lookups.append(lookup)
            covered.append(equality.source)
            null_safe.append(_excludes_null(equality, ctx))
            continue
        ranges = [c for c in mine if c.op in ("<", "<=", ">", ">=")]
        if ranges:
            lookup = FieldLookup(path)
            for c in ranges:
                bound = (c.value, c.op in ("<=", ">="))
                (lookup.lowers if c.op in (">", ">=") else lookup.uppers).append(bound)
                covered.append(c.source)
            lookups.append(lookup)
            null_safe.append(any(_excludes_null(c, ctx) for c in ranges))
        break
    if not lookups:
        return None
    if index.sparse and (len(lookups) < len(paths) or not all(null_safe)):
        return None
    selectivity = index.selectivity() or 0.1
    equalities = sum(1 for lookup in lookups if lookup.is_equality)
    if equalities == len(paths):
        estimate = 1.0 if index.unique else max(1.0, 1 / selectivity)
    else:
        estimate = (
            max(1.0, total * (0.1**equalities) * 0.5)
            if equalities or lookups[-1].is_range
            else total
        )
        if lookups[-1].is_range and equalities:
            estimate = max(1.0, min(estimate, (1 / selectivity) * 10 ** (len(paths) - equalities)))
    return _Candidate(index, lookups, covered, estimate + 0.5, len(lookups))
