"""Queries and plans as ArangoDB shows them: the AST of ``POST /_api/query`` and
the execution plan of ``POST /_api/explain``.

AST nodes are dumped as ``{"type": <ArangoDB's node type name>, "subNodes":
[...]}`` (plus ``name``/``value``/``id`` where ArangoDB has them). The plan is
the planner's node chain, expanded the way ArangoDB's explain shows it: every
expression that is not a plain variable gets a ``CalculationNode`` writing a
temporary variable (``#1``, ``#2`` …) that the ``FilterNode``, ``ReturnNode``
etc. then read. ``rules`` lists the optimizer rules that changed the plan;
costs are rough estimates. ``IndexNode`` is rendered by :mod:`explain_index`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from arangolite.aql import ast
from arangolite.aql.index_scan import IndexNode
from arangolite.aql.planner import (
    CalculationNode,
    CollectNode,
    EnumerateCollectionNode,
    EnumerateListNode,
    FilterNode,
    LimitNode,
    ModificationNode,
    Plan,
    PlanNode,
    ReturnNode,
    ShortestPathNode,
    SortNode,
    TraversalNode,
)

if TYPE_CHECKING:
    from arangolite.storage.databases import Database

__all__ = ["ast_to_json", "explain_plan", "explain_with_ids"]

_BINARY = {
    "&&": "logical and",
    "||": "logical or",
    "+": "plus",
    "-": "minus",
    "*": "times",
    "/": "division",
    "%": "modulus",
    "==": "compare ==",
    "!=": "compare !=",
    "<": "compare <",
    "<=": "compare <=",
    ">": "compare >",
    ">=": "compare >=",
    "IN": "compare in",
    "NOT IN": "compare not in",
}
_UNARY = {"!": "unary not", "-": "unary minus", "+": "unary plus"}
_TYPES: dict[type[ast.Node], str] = {
    ast.Query: "root",
    ast.For: "for",
    ast.Traversal: "traversal",
    ast.ShortestPath: "shortest path",
    ast.Let: "let",
    ast.Filter: "filter",
    ast.Return: "return",
    ast.Collect: "collect",
    ast.Window: "window",
    ast.Sort: "sort",
    ast.SortElement: "sort element",
    ast.Limit: "limit",
    ast.Insert: "insert",
    ast.Update: "update",
    ast.Replace: "replace",
    ast.Remove: "remove",
    ast.Upsert: "upsert",
    ast.With: "with",
    ast.Assignment: "assign",
    ast.Literal: "value",
    ast.ArrayLiteral: "array",
    ast.ObjectLiteral: "object",
    ast.ObjectItem: "object element",
    ast.BindParameter: "parameter",
    ast.DataSourceParameter: "datasource parameter",
    ast.VariableRef: "reference",
    ast.CollectionRef: "collection",
    ast.AttributeAccess: "attribute access",
    ast.BoundAttributeAccess: "bound attribute access",
    ast.IndexedAccess: "indexed access",
    ast.Expansion: "expansion",
    ast.ArrayFilter: "expansion",
    ast.Parenthesized: "passthru",
    ast.Range: "range",
    ast.Ternary: "ternary",
    ast.FunctionCall: "function call",
    ast.Subquery: "subquery",
    ast.ArrayComparison: "array compare",
    ast.Quantifier: "quantifier",
}


def _variable(var: ast.Var) -> dict[str, Any]:
    return {"type": "variable", "name": var.name, "id": var.id}


def ast_to_json(node: Any) -> Any:
    """One AST node (or tuple of nodes) in ArangoDB's AST JSON shape."""
    if isinstance(node, tuple):
        return [ast_to_json(n) for n in node]
    if isinstance(node, ast.Var):
        return _variable(node)
    if not isinstance(node, ast.Node):
        return {"type": "value", "value": node}
    if isinstance(node, ast.Binary):
        name = _BINARY.get(node.op, node.op)
        return {"type": name, "subNodes": [ast_to_json(node.left), ast_to_json(node.right)]}
    if isinstance(node, ast.Unary):
        return {"type": _UNARY.get(node.op, node.op), "subNodes": [ast_to_json(node.operand)]}
    out: dict[str, Any] = {"type": _TYPES.get(type(node), type(node).__name__.lower())}
    if isinstance(node, ast.Literal):
        out["value"] = node.value
        return out
    if isinstance(node, ast.VariableRef):
        out.update(name=node.var.name, id=node.var.id)
        return out
    if isinstance(node, ast.CollectionRef | ast.BindParameter | ast.DataSourceParameter):
        out["name"] = node.name
        return out
    if isinstance(node, ast.AttributeAccess):
        out["name"] = node.name
        out["subNodes"] = [ast_to_json(node.object)]
        return out
    if isinstance(node, ast.FunctionCall):
        out["name"] = node.name
        out["subNodes"] = [{"type": "array", "subNodes": ast_to_json(node.args)}]
        return out
    if isinstance(node, ast.ObjectItem) and isinstance(node.key, str):
        out["name"] = node.key
        out["subNodes"] = [ast_to_json(node.value)]
        return out
    if isinstance(node, ast.Query):
        out["subNodes"] = [ast_to_json(op) for op in node.operations]
        return out
    if isinstance(node, ast.Subquery):
        out["subNodes"] = [ast_to_json(node.query)]
        return out
    sub: list[Any] = []
    for f in fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if value is None or isinstance(value, bool | str | int):
            continue
        converted = ast_to_json(value)
        if isinstance(converted, list):
            sub.extend(converted)
        else:
            sub.append(converted)
    if sub:
        out["subNodes"] = sub
    return out


class _Renderer:
    """Expands plan nodes into ArangoDB's explain nodes."""

    def __init__(self, plan: Plan, db: Database) -> None:
        self.plan = plan
        self.db = db
        self.nodes: list[dict[str, Any]] = []
        self.temp = plan.parsed.var_count
        self.variables: dict[int, dict[str, Any]] = {}
        self.items = 1

    def var(self, var: ast.Var) -> dict[str, Any]:
        info = {"id": var.id, "name": var.name}
        self.variables.setdefault(var.id, info)
        return info

    def add(self, node_type: str, cost_factor: float = 1.0, **fields: Any) -> dict[str, Any]:
        previous = self.nodes[-1] if self.nodes else None
        cost = (previous["estimatedCost"] if previous else 0) + max(1, self.items) * cost_factor
        node = {
            "type": node_type,
            "dependencies": [previous["id"]] if previous else [],
            "id": len(self.nodes) + 1,
            "estimatedCost": cost,
            "estimatedNrItems": self.items,
            **fields,
        }
        self.nodes.append(node)
        return node

    def calculation(self, expr: ast.Expr) -> dict[str, Any]:
        """The variable holding ``expr``: itself if it is one, else a new CalculationNode's."""
        if isinstance(expr, ast.VariableRef):
            return self.var(expr.var)
        out = self.var(ast.Var(f"#{self.temp}", self.temp))
        self.temp += 1
        self.add(
            "CalculationNode",
            outVariable=out,
            expression=ast_to_json(expr),
            canThrow=False,
            expressionType="simple",
        )
        return out

    def render(self, node: PlanNode) -> None:
        if node.TYPE == "SingletonNode":
            self.add("SingletonNode")
        elif isinstance(node, EnumerateCollectionNode):
            collection = self.db.find(node.collection)
            self.items *= max(1, collection.count() if collection is not None else 1)
            self.add(
                "EnumerateCollectionNode",
                database=self.db.name,
                collection=node.collection,
                outVariable=self.var(node.var),
                random=False,
                producesResult=True,
                projections=[],
                count=False,
                readOwnWrites=False,
            )
        elif isinstance(node, EnumerateListNode):
            source = self.calculation(node.expr)
            self.items *= 100
            self.add("EnumerateListNode", inVariable=source, outVariable=self.var(node.var))
        elif isinstance(node, CalculationNode):
            out = self.var(node.var)
            self.add(
                "CalculationNode",
                outVariable=out,
                expression=ast_to_json(node.expr),
                canThrow=False,
                expressionType="simple",
            )
        elif isinstance(node, FilterNode):
            source = self.calculation(node.expr)
            self.add("FilterNode", inVariable=source)
        elif isinstance(node, SortNode):
            elements = []
            for expr, ascending in node.elements:
                elements.append(
                    {
                        "inVariable": self.calculation(expr),
                        "ascending": ascending if isinstance(ascending, bool) else True,
                    }
                )
            self.add("SortNode", cost_factor=2.0, elements=elements, stable=False, limit=0)
        elif isinstance(node, LimitNode):
            offset = node.offset.value if isinstance(node.offset, ast.Literal) else 0
            count = node.count.value if isinstance(node.count, ast.Literal) else None
            if isinstance(count, int):
                self.items = min(self.items, count)
            self.add("LimitNode", offset=offset, limit=count, fullCount=node.full_count)
        elif isinstance(node, CollectNode):
            op = node.op
            groups = [
                {"outVariable": self.var(a.var), "inVariable": self.calculation(a.expr)}
                for a in op.groups
            ]
            aggregates = []
            for a in op.aggregates:
                call = a.expr
                assert isinstance(call, ast.FunctionCall)
                arg = self.calculation(call.args[0]) if call.args else None
                aggregates.append(
                    {"outVariable": self.var(a.var), "inVariable": arg, "type": call.name}
                )
            fields_: dict[str, Any] = {"groups": groups, "aggregates": aggregates}
            if op.into is not None:
                fields_["outVariable"] = self.var(op.into)
            if op.count_into is not None:
                aggregates.append(
                    {"outVariable": self.var(op.count_into), "inVariable": None, "type": "LENGTH"}
                )
            self.add("CollectNode", collectOptions={"method": "sorted"}, **fields_)
        elif isinstance(node, ReturnNode):
            source = self.calculation(node.expr)
            if node.distinct:
                self.add(
                    "CollectNode",
                    groups=[{"inVariable": source, "outVariable": source}],
                    aggregates=[],
                    collectOptions={"method": "distinct"},
                )
            self.add("ReturnNode", inVariable=source, count=True)
        elif isinstance(node, ModificationNode):
            op = node.op
            fields_ = {
                "database": self.db.name,
                "collection": node.collection,
                "countStats": True,
            }
            for name in ("doc", "key", "search", "insert", "update"):
                expr = getattr(op, name, None)
                if expr is not None:
                    fields_[f"{name}Variable" if name != "doc" else "inVariable"] = (
                        self.calculation(expr)
                    )
            for name, label in (("new", "outVariableNew"), ("old", "outVariableOld")):
                var = getattr(op, name, None)
                if var is not None:
                    fields_[label] = self.var(var)
            self.add(node.TYPE, **fields_)
        elif isinstance(node, TraversalNode | ShortestPathNode):
            self.graph_node(node)
        else:
            self.add(node.TYPE)

    def graph_node(self, node: TraversalNode | ShortestPathNode) -> None:
        """Traversals and path searches; the ``K_…`` searches are ArangoDB's
        ``EnumeratePathsNode``."""
        op = node.op
        fields_: dict[str, Any] = {"database": self.db.name}
        if isinstance(op.graph, ast.Literal):
            fields_["graph"] = op.graph.value
        fields_["isLocalGraphNode"] = False
        fields_["isUsedAsSatellite"] = False
        fields_["vertexOutVariable"] = self.var(op.vertex)
        if op.edge is not None:
            fields_["edgeOutVariable"] = self.var(op.edge)
        node_type = "TraversalNode"
        if isinstance(node, TraversalNode):
            fields_["inVariable"] = self.calculation(op.start)
            if op.path is not None:
                fields_["pathOutVariable"] = self.var(op.path)
        else:
            fields_["startInVariable"] = self.calculation(op.start)
            fields_["targetInVariable"] = self.calculation(op.target)
            node_type = "ShortestPathNode" if op.kind == "SHORTEST_PATH" else "EnumeratePathsNode"
            if node_type == "EnumeratePathsNode":
                fields_["pathType"] = op.kind
        self.items *= 10
        self.add(node_type, **fields_)


def explain_plan(plan: Plan, db: Database) -> dict[str, Any]:
    """The ``plan`` object of ``POST /_api/explain``."""
    return explain_with_ids(plan, db)[0]


def explain_with_ids(plan: Plan, db: Database) -> tuple[dict[str, Any], dict[int, int]]:
    """The explained plan, and ``id(plan node)`` -> the id of its node in it
    (what ``options.profile`` reports per node)."""
    renderer = _Renderer(plan, db)
    ids: dict[int, int] = {}
    for node in plan.nodes:
        if isinstance(node, IndexNode):
            render_index_node(renderer, node)
        else:
            renderer.render(node)
        if renderer.nodes:
            ids[id(node)] = renderer.nodes[-1]["id"]
    last = renderer.nodes[-1] if renderer.nodes else {"estimatedCost": 0, "estimatedNrItems": 0}
    return {
        "nodes": renderer.nodes,
        "rules": list(plan.rules),
        "collections": [{"name": n, "type": mode} for n, mode in sorted(plan.collections.items())],
        "variables": sorted(renderer.variables.values(), key=lambda v: v["id"]),
        "estimatedCost": last["estimatedCost"],
        "estimatedNrItems": last["estimatedNrItems"],
        "isModificationQuery": plan.is_modification,
    }, ids


def render_index_node(renderer: _Renderer, node: IndexNode) -> None:
    """An ``IndexNode`` as ArangoDB explains it (index definition, condition, order)."""
    from arangolite.aql.explain_index import index_node_fields

    renderer.items = max(1, renderer.items) * max(1, node.estimated_items)
    renderer.add(
        "IndexNode",
        cost_factor=0.1,
        **index_node_fields(node, renderer.db.name, renderer.var(node.var)),
    )
