"""From a parsed query to an execution plan: a chain of nodes named as ArangoDB's
explain names them (``SingletonNode``, ``EnumerateCollectionNode``,
``CalculationNode``, ``FilterNode``, ``SortNode``, ``LimitNode``, ``CollectNode``,
``ReturnNode``, ``InsertNode`` …).

The planner also does what must happen before anything runs, with ArangoDB's
errors: bind parameters checked against ``bindVars`` (1551 missing, 1552
undeclared, 1553 wrong type), ``@@collection`` parameters and collection names
resolved (1203), ``LIMIT`` values checked to be constant numbers (1504). The
result says which collections the query reads and writes, so the API layer can
check permissions before execution.

Each node keeps the AST it came from; :mod:`arangolite.aql.executor` turns nodes
into running operators. :func:`build_plan` then runs the optimizer rules
(:mod:`arangolite.aql.optimizer`: index use, moving filters, …) over the nodes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from arangolite.aql import ast
from arangolite.aql.parser import ParsedQuery
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.databases import Database

__all__ = [
    "Plan",
    "PlanNode",
    "SingletonNode",
    "EnumerateCollectionNode",
    "EnumerateListNode",
    "CalculationNode",
    "FilterNode",
    "SortNode",
    "LimitNode",
    "CollectNode",
    "WindowNode",
    "TraversalNode",
    "ShortestPathNode",
    "ReturnNode",
    "ModificationNode",
    "InsertNode",
    "UpdateNode",
    "ReplaceNode",
    "RemoveNode",
    "UpsertNode",
    "PlanBuilder",
    "build_plan",
    "mark_limits",
    "check_bind_parameters",
]


@dataclass(eq=False)
class PlanNode:
    """One step of a plan. ``TYPE`` is the name explain reports."""

    TYPE: ClassVar[str] = ""
    id: int

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.TYPE, "id": self.id}


@dataclass(eq=False)
class SingletonNode(PlanNode):
    TYPE: ClassVar[str] = "SingletonNode"


@dataclass(eq=False)
class EnumerateCollectionNode(PlanNode):
    TYPE: ClassVar[str] = "EnumerateCollectionNode"
    var: ast.Var
    collection: str
    op: ast.For


@dataclass(eq=False)
class EnumerateListNode(PlanNode):
    TYPE: ClassVar[str] = "EnumerateListNode"
    var: ast.Var
    expr: ast.Expr


@dataclass(eq=False)
class CalculationNode(PlanNode):
    TYPE: ClassVar[str] = "CalculationNode"
    var: ast.Var
    expr: ast.Expr


@dataclass(eq=False)
class FilterNode(PlanNode):
    TYPE: ClassVar[str] = "FilterNode"
    expr: ast.Expr


@dataclass(eq=False)
class SortNode(PlanNode):
    TYPE: ClassVar[str] = "SortNode"
    elements: list[tuple[ast.Expr, bool | ast.Expr]]


@dataclass(eq=False)
class LimitNode(PlanNode):
    TYPE: ClassVar[str] = "LimitNode"
    offset: ast.Expr
    count: ast.Expr
    #: count rows past the limit for ``options.fullCount`` (last top-level LIMIT)
    full_count: bool = False
    #: keep pulling after the limit: a write before it must happen for every row
    drain: bool = False


@dataclass(eq=False)
class CollectNode(PlanNode):
    TYPE: ClassVar[str] = "CollectNode"
    op: ast.Collect


@dataclass(eq=False)
class WindowNode(PlanNode):
    TYPE: ClassVar[str] = "WindowNode"
    op: ast.Window


@dataclass(eq=False)
class TraversalNode(PlanNode):
    TYPE: ClassVar[str] = "TraversalNode"
    op: ast.Traversal


@dataclass(eq=False)
class ShortestPathNode(PlanNode):
    TYPE: ClassVar[str] = "ShortestPathNode"
    op: ast.ShortestPath


@dataclass(eq=False)
class ReturnNode(PlanNode):
    TYPE: ClassVar[str] = "ReturnNode"
    expr: ast.Expr
    distinct: bool


@dataclass(eq=False)
class ModificationNode(PlanNode):
    collection: str
    op: ast.Operation


@dataclass(eq=False)
class InsertNode(ModificationNode):
    TYPE: ClassVar[str] = "InsertNode"


@dataclass(eq=False)
class UpdateNode(ModificationNode):
    TYPE: ClassVar[str] = "UpdateNode"


@dataclass(eq=False)
class ReplaceNode(ModificationNode):
    TYPE: ClassVar[str] = "ReplaceNode"


@dataclass(eq=False)
class RemoveNode(ModificationNode):
    TYPE: ClassVar[str] = "RemoveNode"


@dataclass(eq=False)
class UpsertNode(ModificationNode):
    TYPE: ClassVar[str] = "UpsertNode"


_MODIFICATION_NODES: dict[type[ast.Operation], type[ModificationNode]] = {
    ast.Insert: InsertNode,
    ast.Update: UpdateNode,
    ast.Replace: ReplaceNode,
    ast.Remove: RemoveNode,
    ast.Upsert: UpsertNode,
}


@dataclass
class Plan:
    """The plan of one query body (subqueries get their own, built on demand)."""

    nodes: list[PlanNode]
    parsed: ParsedQuery
    bind_vars: dict[str, Any]
    #: collection name -> "read" | "write" (what permission checks need)
    collections: dict[str, str] = field(default_factory=dict)
    #: the optimizer rules that changed the plan, in rule order (explain's ``rules``)
    rules: list[str] = field(default_factory=list)
    #: seconds spent building / optimizing (``options.profile`` phases)
    build_time: float = 0.0
    optimize_time: float = 0.0

    @property
    def is_modification(self) -> bool:
        return self.parsed.is_modification


def check_bind_parameters(parsed: ParsedQuery, bind_vars: dict[str, Any]) -> None:
    """ArangoDB's bind parameter rules: every declared one given, no extra ones,
    collection parameters naming a collection."""
    for name in parsed.bind_parameters:
        if name not in bind_vars:
            raise ArangoError(
                E.QUERY_BIND_PARAMETER_MISSING,
                f"no value specified for declared bind parameter '{name}'",
            )
        if name.startswith("@") and not isinstance(bind_vars[name], str):
            raise ArangoError(
                E.QUERY_BIND_PARAMETER_TYPE,
                f"bind parameter '{name}' has an invalid value or type",
            )
    declared = set(parsed.bind_parameters)
    for name in bind_vars:
        if name not in declared:
            raise ArangoError(
                E.QUERY_BIND_PARAMETER_UNDECLARED,
                f"bind parameter '{name}' was not declared in the query",
            )


class PlanBuilder:
    """Lays out the plan nodes of one query body and records the collections it uses."""

    def __init__(self, parsed: ParsedQuery, bind_vars: dict[str, Any], db: Database) -> None:
        self.parsed = parsed
        self.bind_vars = bind_vars
        self.db = db
        self.next_id = 1
        self.collections: dict[str, str] = {}

    def new_id(self) -> int:
        node_id = self.next_id
        self.next_id += 1
        return node_id

    def collection_name(self, expr: ast.Expr) -> str:
        if isinstance(expr, ast.CollectionRef):
            return expr.name
        if isinstance(expr, ast.DataSourceParameter):
            return str(self.bind_vars[expr.name])
        raise ArangoError(E.INTERNAL, "collection expected")

    def use(self, name: str, mode: str) -> str:
        """Record a collection use; 1203 if it does not exist. Returns its real name."""
        collection = self.db.find(name)
        if collection is None:
            raise ArangoError(E.DATA_SOURCE_NOT_FOUND, f"collection or view not found: {name}")
        if mode == "write" or collection.name not in self.collections:
            self.collections[collection.name] = mode
        return collection.name

    def use_graph(
        self, graph: ast.Expr | None, edges: tuple[tuple[str | None, ast.Expr], ...]
    ) -> None:
        """Record the collections of a traversal or path search (1924: unknown graph)."""
        if graph is None:
            for _direction, coll in edges:
                self.use(self.collection_name(coll), "read")
            return
        from arangolite.aql.graph_access import graph_edge_collections

        name = graph.value if isinstance(graph, ast.Literal) else None
        if isinstance(graph, ast.BindParameter):
            name = self.bind_vars.get(graph.name)
        edge_names, vertex_names = graph_edge_collections(self.db, name)
        for collection in edge_names + vertex_names:
            if self.db.find(collection) is not None:
                self.use(collection, "read")

    def scan_expressions(self, node: Any) -> None:
        """Record collections read by name inside expressions."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.CollectionRef | ast.DataSourceParameter):
                self.use(self.collection_name(sub), "read")

    def build(self, query: ast.Query) -> list[PlanNode]:
        nodes: list[PlanNode] = [SingletonNode(self.new_id())]
        for op in query.operations:
            nodes.extend(self.operation(op))
        return nodes

    def operation(self, op: ast.Operation) -> list[PlanNode]:
        if isinstance(op, ast.For):
            if isinstance(op.source, ast.CollectionRef | ast.DataSourceParameter):
                name = self.use(self.collection_name(op.source), "read")
                self.scan_expressions(op.options)
                return [EnumerateCollectionNode(self.new_id(), op.var, name, op)]
            self.scan_expressions(op.source)
            return [EnumerateListNode(self.new_id(), op.var, op.source)]
        if isinstance(op, ast.Let):
            self.scan_expressions(op.expr)
            return [CalculationNode(self.new_id(), op.var, op.expr)]
        if isinstance(op, ast.Filter):
            self.scan_expressions(op.condition)
            return [FilterNode(self.new_id(), op.condition)]
        if isinstance(op, ast.Sort):
            self.scan_expressions(op.elements)
            return [SortNode(self.new_id(), [(e.expr, e.ascending) for e in op.elements])]
        if isinstance(op, ast.Limit):
            return [LimitNode(self.new_id(), op.offset, op.count)]
        if isinstance(op, ast.Collect):
            self.scan_expressions((op.groups, op.aggregates, op.into_expr))
            return [CollectNode(self.new_id(), op)]
        if isinstance(op, ast.Window):
            self.scan_expressions((op.range_expr, op.aggregates))
            if op.range_expr is not None:
                # a range window needs its rows ordered by the range value
                sort = SortNode(self.new_id(), [(op.range_expr, True)])
                return [sort, WindowNode(self.new_id(), op)]
            return [WindowNode(self.new_id(), op)]
        if isinstance(op, ast.Return):
            self.scan_expressions(op.expr)
            return [ReturnNode(self.new_id(), op.expr, op.distinct)]
        if isinstance(op, ast.With):
            for name in op.collections:
                self.use(self.collection_name(name), "read")
            return []
        if isinstance(op, ast.Traversal):
            self.use_graph(op.graph, op.edge_collections)
            self.scan_expressions((op.start, op.prune))
            return [TraversalNode(self.new_id(), op)]
        if isinstance(op, ast.ShortestPath):
            self.use_graph(op.graph, op.edge_collections)
            self.scan_expressions((op.start, op.target))
            return [ShortestPathNode(self.new_id(), op)]
        node_class = _MODIFICATION_NODES.get(type(op))
        if node_class is not None:
            collection_expr = op.collection  # type: ignore[attr-defined]
            name = self.use(self.collection_name(collection_expr), "write")
            for f in ("key", "doc", "search", "insert", "update"):
                self.scan_expressions(getattr(op, f, None))
            return [node_class(self.new_id(), name, op)]
        raise ArangoError(E.INTERNAL, f"no plan node for {type(op).__name__}")


def build_plan(
    parsed: ParsedQuery,
    bind_vars: dict[str, Any],
    db: Database,
    *,
    full_count: bool = False,
    options: dict[str, Any] | None = None,
) -> Plan:
    """Check bind parameters, resolve collections, lay out the top-level plan and
    optimize it (:mod:`arangolite.aql.optimizer`)."""
    started = time.perf_counter()
    check_bind_parameters(parsed, bind_vars)
    builder = PlanBuilder(parsed, bind_vars, db)
    nodes = builder.build(parsed.ast)
    # every subquery's collections count too (they are planned again when run)
    for sub in ast.walk(parsed.ast):
        if isinstance(sub, ast.Subquery):
            nested = PlanBuilder(parsed, bind_vars, db)
            nested.build(sub.query)
            for name, mode in nested.collections.items():
                if mode == "write" or name not in builder.collections:
                    builder.collections[name] = mode
    from arangolite.aql.optimizer import optimize

    built = time.perf_counter()
    nodes, rules = optimize(nodes, db, bind_vars, options=options)
    mark_limits(nodes, full_count=full_count)
    plan = Plan(nodes, parsed, bind_vars, builder.collections, rules)
    plan.build_time = built - started
    plan.optimize_time = time.perf_counter() - built
    return plan


def mark_limits(nodes: list[PlanNode], *, full_count: bool = False) -> None:
    """Set ``drain`` on limits after a write and ``full_count`` on the last one."""
    seen_write = False
    last_limit: LimitNode | None = None
    for node in nodes:
        if isinstance(node, ModificationNode):
            seen_write = True
        if isinstance(node, LimitNode):
            node.drain = seen_write
            last_limit = node
    if full_count and last_limit is not None:
        last_limit.full_count = True
