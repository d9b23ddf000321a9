"""The AQL optimizer: an ordered tuple of rules, each a plain function in its
own module, named as ArangoDB names the rule (explain reports the ones that
fired).

Every rule is ``rule(nodes, ctx) -> nodes`` over the linear plan of one query
body and calls ``ctx.fired(NAME)`` when it changed something. Order matters:

1. ``move-calculations-up`` and ``move-filters-up`` bring conditions next to
   the ``FOR`` whose documents they test;
2. ``remove-redundant-calculations`` turns a repeated computation into a
   reference to the first one;
3. ``use-indexes`` replaces a collection scan by an index lookup for the
   conditions found right after the ``FOR``; ``remove-filter-covered-by-index``
   then drops the conditions the lookup answers exactly;
4. ``use-index-for-sort`` lets an index deliver a ``SORT``'s order;
5. ``remove-unnecessary-calculations`` drops results nobody reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from arangolite.aql.optimizer.context import OptimizerContext
from arangolite.aql.optimizer.move_calculations_up import move_calculations_up
from arangolite.aql.optimizer.move_filters_up import move_filters_up
from arangolite.aql.optimizer.remove_filter_covered_by_index import (
    remove_filter_covered_by_index,
)
from arangolite.aql.optimizer.remove_redundant_calculations import (
    remove_redundant_calculations,
)
from arangolite.aql.optimizer.remove_unnecessary_calculations import (
    remove_unnecessary_calculations,
)
from arangolite.aql.optimizer.use_index_for_sort import use_index_for_sort
from arangolite.aql.optimizer.use_indexes import use_indexes

if TYPE_CHECKING:
    from arangolite.aql.planner import PlanNode
    from arangolite.storage.databases import Database

__all__ = ["RULES", "RULE_NAMES", "OptimizerContext", "optimize"]

Rule = Callable[[list["PlanNode"], OptimizerContext], list["PlanNode"]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("move-calculations-up", move_calculations_up),
    ("move-filters-up", move_filters_up),
    ("remove-redundant-calculations", remove_redundant_calculations),
    ("use-indexes", use_indexes),
    ("remove-filter-covered-by-index", remove_filter_covered_by_index),
    ("use-index-for-sort", use_index_for_sort),
    ("remove-unnecessary-calculations", remove_unnecessary_calculations),
)
RULE_NAMES = tuple(name for name, _rule in RULES)


def optimize(
    nodes: list[PlanNode],
    db: Database,
    bind_vars: dict[str, Any],
    *,
    options: dict[str, Any] | None = None,
) -> tuple[list[PlanNode], list[str]]:
    """Run the rules in order; returns the new node list and the rules that fired.

    ``options.optimizer.rules`` may switch rules off (``"-use-indexes"``,
    ``"-all"``) as in ArangoDB."""
    disabled = _disabled((options or {}).get("optimizer"))
    ctx = OptimizerContext(db, bind_vars)
    for name, rule in RULES:
        if name in disabled or ("all" in disabled and f"+{name}" not in disabled):
            continue
        nodes = rule(nodes, ctx)
    fired = [name for name in RULE_NAMES if name in ctx.applied]
    return nodes, fired


def _disabled(optimizer: Any) -> set[str]:
    out: set[str] = set()
    rules = optimizer.get("rules") if isinstance(optimizer, dict) else None
    if not isinstance(rules, list):
        return out
    for rule in rules:
        if isinstance(rule, str) and rule.startswith("-"):
            out.add(rule[1:])
        elif isinstance(rule, str) and rule.startswith("+"):
            out.add(rule)
    return out
