"""AQL's syntax tree: one frozen, slotted dataclass per construct.

Every node carries a :class:`Span` (where it starts and ends in the query), so
errors found after parsing can still point at their source. Children are plain
typed fields; :func:`walk` visits any tree generically, by reading the fields.

Names are resolved while parsing: a name bound by ``FOR``/``LET``/``COLLECT``
(or ``NEW``/``OLD``/``CURRENT``) becomes a :class:`VariableRef` to a
:class:`Var` with a query-wide unique ``id`` (the executor's register number);
any other name is a :class:`CollectionRef`. So two sibling subqueries may both
say ``FOR x IN …`` without clashing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "Span",
    "Var",
    "Node",
    "Expr",
    "Operation",
    "Literal",
    "ArrayLiteral",
    "ObjectItem",
    "ObjectLiteral",
    "BindParameter",
    "DataSourceParameter",
    "VariableRef",
    "CollectionRef",
    "AttributeAccess",
    "BoundAttributeAccess",
    "IndexedAccess",
    "Expansion",
    "Quantifier",
    "ArrayFilter",
    "Unary",
    "Binary",
    "ArrayComparison",
    "Range",
    "Ternary",
    "FunctionCall",
    "Subquery",
    "Parenthesized",
    "Query",
    "For",
    "Traversal",
    "ShortestPath",
    "Let",
    "Filter",
    "SortElement",
    "Sort",
    "Limit",
    "Assignment",
    "Collect",
    "Window",
    "Return",
    "Insert",
    "Update",
    "Replace",
    "Remove",
    "Upsert",
    "With",
    "walk",
    "MODIFICATIONS",
]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node comes from: offsets into the query, and the 1-based line/column of its start."""

    start: int
    end: int
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Var:
    """A query variable. ``id`` is unique in the whole query and doubles as its register."""

    name: str
    id: int


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


class Expr(Node):
    """Base of everything that computes a value."""

    __slots__ = ()


class Operation(Node):
    """Base of the high-level operations a query body is a sequence of."""

    __slots__ = ()


# ---------------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class Literal(Expr):
    value: Any


@dataclass(frozen=True, slots=True)
class ArrayLiteral(Expr):
    elements: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class ObjectItem(Node):
    #: a fixed name, or an expression for ``[expr]: value`` and ``@param: value``
    key: str | Expr
    value: Expr


@dataclass(frozen=True, slots=True)
class ObjectLiteral(Expr):
    items: tuple[ObjectItem, ...]


@dataclass(frozen=True, slots=True)
class BindParameter(Expr):
    """``@name``: a value supplied in ``bindVars``."""

    name: str


@dataclass(frozen=True, slots=True)
class DataSourceParameter(Expr):
    """``@@name``: a collection name supplied as ``bindVars["@name"]``."""

    name: str


@dataclass(frozen=True, slots=True)
class VariableRef(Expr):
    var: Var


@dataclass(frozen=True, slots=True)
class CollectionRef(Expr):
    """A name that is no variable: a collection (all of its documents in an expression)."""

    name: str


# ---------------------------------------------------------------------- access
@dataclass(frozen=True, slots=True)
class AttributeAccess(Expr):
    object: Expr
    name: str


@dataclass(frozen=True, slots=True)
class BoundAttributeAccess(Expr):
    """``doc.@attr``."""

    object: Expr
    name: Expr


@dataclass(frozen=True, slots=True)
class IndexedAccess(Expr):
    object: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Expansion(Expr):
    """``source[* FILTER … LIMIT … RETURN …]`` and ``[**]`` (``levels`` = number of stars).

    ``expr`` is computed per element with ``iterator`` bound to it (``CURRENT``);
    attribute and index accesses written after the brackets are folded into it,
    so ``u.friends[*].name`` is one expansion whose ``expr`` is ``CURRENT.name``.
    """

    levels: int
    source: Expr
    iterator: Var
    filter: Expr | None
    offset: Expr | None
    count: Expr | None
    expr: Expr


@dataclass(frozen=True, slots=True)
class Quantifier(Node):
    """``ALL``, ``ANY``, ``NONE``, ``AT LEAST (n)``, an exact number or a range."""

    kind: str
    value: Expr | None = None


@dataclass(frozen=True, slots=True)
class ArrayFilter(Expr):
    """The question mark operator ``source[? quantifier FILTER condition]``."""

    levels: int
    source: Expr
    iterator: Var
    quantifier: Quantifier | None
    filter: Expr | None


@dataclass(frozen=True, slots=True)
class Parenthesized(Expr):
    """An expansion in parentheses: later accesses apply to its result, not per element."""

    expr: Expr


# ---------------------------------------------------------------------- operators
@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str  # "-", "+", "!"
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    #: "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "IN", "NOT IN", "&&", "||"
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class ArrayComparison(Expr):
    """``left ALL|ANY|NONE|AT LEAST (n) <op> right``."""

    op: str
    quantifier: Quantifier
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Range(Expr):
    low: Expr
    high: Expr


@dataclass(frozen=True, slots=True)
class Ternary(Expr):
    condition: Expr
    then: Expr | None  # None: the shortcut form ``a ?: b``
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class FunctionCall(Expr):
    name: str  # upper-cased canonical name
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Subquery(Expr):
    query: Query


# ---------------------------------------------------------------------- operations
@dataclass(frozen=True, slots=True)
class Query(Node):
    """A query body (the whole query, or a subquery): operations in order."""

    operations: tuple[Operation, ...]


@dataclass(frozen=True, slots=True)
class With(Operation):
    collections: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class For(Operation):
    var: Var
    source: Expr
    search: Expr | None = None
    options: Expr | None = None


@dataclass(frozen=True, slots=True)
class Traversal(Operation):
    """``FOR v[, e[, p]] IN min..max OUTBOUND|INBOUND|ANY start GRAPH g|edges [PRUNE …] [OPTIONS …]``."""

    vertex: Var
    edge: Var | None
    path: Var | None
    depth: Expr | None
    direction: str
    start: Expr
    graph: Expr | None
    edge_collections: tuple[tuple[str | None, Expr], ...]
    prune: Expr | None
    prune_var: Var | None
    options: Expr | None


@dataclass(frozen=True, slots=True)
class ShortestPath(Operation):
    """``SHORTEST_PATH``, ``K_SHORTEST_PATHS``, ``K_PATHS``, ``ALL_SHORTEST_PATHS``."""

    kind: str
    vertex: Var
    edge: Var | None
    depth: Expr | None
    direction: str
    start: Expr
    target: Expr
    graph: Expr | None
    edge_collections: tuple[tuple[str | None, Expr], ...]
    options: Expr | None


@dataclass(frozen=True, slots=True)
class Let(Operation):
    var: Var
    expr: Expr


@dataclass(frozen=True, slots=True)
class Filter(Operation):
    condition: Expr


@dataclass(frozen=True, slots=True)
class SortElement(Node):
    expr: Expr
    #: True/False for ASC/DESC, or a literal/bind parameter deciding it
    ascending: bool | Expr


@dataclass(frozen=True, slots=True)
class Sort(Operation):
    elements: tuple[SortElement, ...]


@dataclass(frozen=True, slots=True)
class Limit(Operation):
    offset: Expr
    count: Expr


@dataclass(frozen=True, slots=True)
class Assignment(Node):
    var: Var
    expr: Expr


@dataclass(frozen=True, slots=True)
class Collect(Operation):
    groups: tuple[Assignment, ...]
    aggregates: tuple[Assignment, ...]
    into: Var | None
    into_expr: Expr | None
    #: KEEP variables, or (without KEEP) every variable an INTO group captures
    into_vars: tuple[Var, ...]
    count_into: Var | None
    options: Expr | None
    #: whether ``into_vars`` were named by ``KEEP`` (else they are the implicit captures)
    keep: bool = False


@dataclass(frozen=True, slots=True)
class Window(Operation):
    range_expr: Expr | None
    spec: Expr
    aggregates: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class Return(Operation):
    expr: Expr
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class Insert(Operation):
    doc: Expr
    collection: Expr  # CollectionRef or DataSourceParameter
    options: Expr | None
    new: Var | None
    old: Var | None


@dataclass(frozen=True, slots=True)
class Update(Operation):
    key: Expr | None  # None: the key comes from ``doc``
    doc: Expr
    collection: Expr
    options: Expr | None
    new: Var | None
    old: Var | None


@dataclass(frozen=True, slots=True)
class Replace(Operation):
    key: Expr | None
    doc: Expr
    collection: Expr
    options: Expr | None
    new: Var | None
    old: Var | None


@dataclass(frozen=True, slots=True)
class Remove(Operation):
    key: Expr
    collection: Expr
    options: Expr | None
    old: Var | None


@dataclass(frozen=True, slots=True)
class Upsert(Operation):
    """``UPSERT search INSERT doc UPDATE|REPLACE doc IN coll``; ``search`` is an
    example object, or (``UPSERT FILTER cond``) a condition on ``candidate``."""

    search: Expr
    candidate: Var | None  # set for the FILTER form
    insert: Expr
    update: Expr
    replace: bool
    collection: Expr
    options: Expr | None
    new: Var | None
    old: Var


MODIFICATIONS = (Insert, Update, Replace, Remove, Upsert)


def walk(node: Any) -> Iterator[Node]:
    """Every node in the tree below (and including) ``node``, depth first."""
    if isinstance(node, Node):
        yield node
        for f in fields(node):
            if f.name == "span":
                continue
            yield from walk(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item)
