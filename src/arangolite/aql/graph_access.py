"""What traversals and path searches read: edges through the edge index, vertices
by id, both as the query's transaction sees them.

Why a module of its own: :mod:`~arangolite.aql.traversal` and
:mod:`~arangolite.aql.paths` walk the same graphs with the same rules — which
edge collections in which direction (named graph or collection list, per
collection direction, ``edgeCollections``/``vertexCollections`` options),
edge weights (``weightAttribute``/``defaultWeight``), how a start vertex is
given (id string or document with ``_id``) and what a missing vertex becomes
(``null`` plus warning 1202, as ArangoDB's traverser cache does).

Edges are never found by scanning: each lookup asks the collection's edge index
(``_from`` for outbound, ``_to`` for inbound), in index order (insertion order).
Inside a stream transaction the committed index answer is corrected with the
keys the transaction sees differently (:meth:`Transaction.changed_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from arangolite.aql import ast
from arangolite.aql.values import is_number
from arangolite.errors import ArangoError, E
from arangolite.storage.graphs import graph_definition

if TYPE_CHECKING:
    from arangolite.aql.context import QueryContext
    from arangolite.storage.collections import Collection
    from arangolite.storage.databases import Database

__all__ = [
    "Edge",
    "GraphSource",
    "graph_edge_collections",
    "vertex_id_of",
    "depth_range",
]

_OUT, _IN = "OUTBOUND", "INBOUND"


@dataclass(slots=True)
class Edge:
    """One step along an edge: the edge document and the vertex it leads to."""

    id: str
    doc: dict[str, Any]
    to: str
    weight: float


def graph_edge_collections(db: Database, name: Any) -> tuple[list[str], list[str]]:
    """Edge and vertex collection names of named graph ``name`` (1924 if unknown)."""
    if not isinstance(name, str):
        raise ArangoError(E.GRAPH_NOT_FOUND, f"graph '{name}' not found")
    definition = graph_definition(db, name)
    edges: list[str] = []
    vertices: list[str] = []
    for item in definition.get("edgeDefinitions") or []:
        if item.get("collection") not in edges:
            edges.append(item["collection"])
        for v in list(item.get("from") or []) + list(item.get("to") or []):
            if v not in vertices:
                vertices.append(v)
    for v in definition.get("orphanCollections") or []:
        if v not in vertices:
            vertices.append(v)
    return edges, vertices


def vertex_id_of(value: Any) -> str | None:
    """The vertex id a start/target value names: ``"coll/key"`` or ``{_id: …}``."""
    if isinstance(value, dict):
        value = value.get("_id")
    if isinstance(value, str) and "/" in value:
        coll, _, key = value.partition("/")
        if coll and key:
            return value
    return None


def depth_range(low: Any, high: Any) -> tuple[int, int]:
    """Validated ``min..max`` of a traversal or ``K_PATHS``."""
    for value in (low, high):
        if not is_number(value) or value < 0 or value != int(value):
            raise ArangoError(E.QUERY_PARSE, "invalid traversal depth")
    return int(low), int(high)


def depth_of(expr: ast.Expr | None, constant: Any) -> tuple[int, int]:
    """``IN min..max`` (or ``IN n``, or nothing: 1..1) as numbers."""
    if expr is None:
        return 1, 1
    for sub in ast.walk(expr):
        if isinstance(sub, ast.VariableRef | ast.Subquery | ast.CollectionRef):
            raise ArangoError(E.QUERY_PARSE, "invalid traversal depth")
    if isinstance(expr, ast.Range):
        return depth_range(constant(expr.low), constant(expr.high))
    value = constant(expr)
    if isinstance(value, range | list) and value:
        return depth_range(value[0], value[-1])
    return depth_range(value, value)


class GraphSource:
    """Edge lookups and vertex documents for one graph operation of one query."""

    def __init__(
        self,
        ctx: QueryContext,
        lookups: list[tuple[Collection, str]],
        *,
        vertex_collections: list[str] | None = None,
        weight_attribute: str | None = None,
        default_weight: float = 1.0,
    ) -> None:
        self.ctx = ctx
        self.lookups = lookups
        self.vertex_collections = set(vertex_collections) if vertex_collections else None
        self.weight_attribute = weight_attribute
        self.default_weight = default_weight
        self._vertices: dict[str, dict[str, Any] | None] = {}
        self._collections: dict[str, Collection | None] = {}
        self._edges: dict[tuple[str, str], dict[str, Any]] = {}
        self._changed: dict[str, set[str]] = {}
        self._staged: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    @classmethod
    def build(
        cls,
        ctx: QueryContext,
        default_direction: str,
        edge_collections: list[tuple[str | None, str]],
        options: dict[str, Any],
    ) -> GraphSource:
        """Lookups for ``(direction or None, collection)`` pairs, honouring the
        ``edgeCollections``, ``vertexCollections`` and weight options."""
        allowed = _names(options.get("edgeCollections"))
        lookups: list[tuple[Collection, str]] = []
        for direction, name in edge_collections:
            if allowed is not None and name not in allowed:
                continue
            collection = ctx.db.collection(name)
            if not collection.is_edge:
                raise ArangoError(E.COLLECTION_TYPE_INVALID)
            direction = direction or default_direction
            if direction == "ANY":
                lookups.append((collection, _OUT))
                lookups.append((collection, _IN))
            else:
                lookups.append((collection, direction))
        weight_attribute = options.get("weightAttribute")
        default_weight = options.get("defaultWeight", 1)
        if not is_number(default_weight):
            default_weight = 1
        if default_weight < 0:
            raise ArangoError(E.GRAPH_NEGATIVE_EDGE_WEIGHT)
        return cls(
            ctx,
            lookups,
            vertex_collections=_names(options.get("vertexCollections")),
            weight_attribute=weight_attribute
            if isinstance(weight_attribute, str) and weight_attribute
            else None,
            default_weight=float(default_weight),
        )

    # ------------------------------------------------------------------ edges
    def edges(self, vertex: str, *, reverse: bool = False) -> list[Edge]:
        """Every edge step from ``vertex``, lookup by lookup, in index order;
        ``reverse`` walks every lookup against its direction (searches from the target)."""
        out: list[Edge] = []
        trx = self.ctx.trx
        for collection, lookup_direction in self.lookups:
            direction = lookup_direction
            if reverse:
                direction = _IN if lookup_direction == _OUT else _OUT
            index = collection.indexes.edge
            assert index is not None
            keys = index.outbound(vertex) if direction == _OUT else index.inbound(vertex)
            end = "_to" if direction == _OUT else "_from"
            start = "_from" if direction == _OUT else "_to"
            changed = self._changed_keys(collection) if trx is not None else None
            docs = collection.docs
            for key in keys:
                if changed and key in changed:
                    continue
                doc = self._edges.get((collection.name, key))
                if doc is None:
                    raw = docs.get(key)
                    if raw is None:
                        continue
                    doc = orjson.loads(raw)
                    self._edges[(collection.name, key)] = doc
                self.ctx.stats.scanned_index += 1
                out.append(self._edge(doc, doc[end]))
            if changed:
                for _key, doc in self._staged_edges(collection):
                    if doc.get(start) == vertex:
                        self.ctx.stats.scanned_index += 1
                        out.append(self._edge(doc, doc[end]))
        return out

    def _edge(self, doc: dict[str, Any], to: str) -> Edge:
        weight = 1.0
        if self.weight_attribute is not None:
            value = doc.get(self.weight_attribute, self.default_weight)
            weight = float(value) if is_number(value) else self.default_weight
            if weight < 0:
                raise ArangoError(E.GRAPH_NEGATIVE_EDGE_WEIGHT)
        return Edge(doc["_id"], doc, to, weight)

    def _changed_keys(self, collection: Collection) -> set[str]:
        changed = self._changed.get(collection.name)
        if changed is None:
            trx = self.ctx.trx
            assert trx is not None
            trx.check_read(collection)
            changed = self._changed[collection.name] = trx.changed_keys(collection)
        return changed

    def _staged_edges(self, collection: Collection) -> list[tuple[str, dict[str, Any]]]:
        staged = self._staged.get(collection.name)
        if staged is None:
            staged = []
            for key in sorted(self._changed_keys(collection)):
                doc = collection.get(key, self.ctx.trx)
                if doc is not None:
                    staged.append((key, doc))
            self._staged[collection.name] = staged
        return staged

    # ------------------------------------------------------------------ vertices
    def allows(self, vertex: str) -> bool:
        """``vertexCollections``: may the search enter ``vertex``?"""
        if self.vertex_collections is None:
            return True
        return vertex.partition("/")[0] in self.vertex_collections

    def _collection(self, name: str) -> Collection | None:
        if name not in self._collections:
            self._collections[name] = self.ctx.db.find(name)
        return self._collections[name]

    def exists(self, vertex: str) -> bool:
        """Does the start/target vertex exist? (A missing one means an empty
        result, without a warning.)"""
        if vertex in self._vertices:
            return self._vertices[vertex] is not None
        name, _, key = vertex.partition("/")
        collection = self._collection(name)
        doc = collection.get(key, self.ctx.trx) if collection is not None else None
        if doc is not None:
            self._vertices[vertex] = doc
        return doc is not None

    def vertex(self, vertex: str) -> dict[str, Any] | None:
        """The vertex document, or None with warning 1202 (dangling edges are allowed)."""
        if vertex in self._vertices:
            return self._vertices[vertex]
        name, _, key = vertex.partition("/")
        collection = self._collection(name)
        doc = collection.get(key, self.ctx.trx) if collection is not None else None
        if doc is None:
            self.ctx.warn(E.DOCUMENT_NOT_FOUND, f"vertex '{vertex}' not found")
        self._vertices[vertex] = doc
        return doc


def _names(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)] or None
    return None


def edge_pairs(
    db: Database,
    graph: ast.Expr | None,
    edge_collections: tuple[tuple[str | None, ast.Expr], ...],
    constant: Any,
    bind_vars: dict[str, Any],
) -> list[tuple[str | None, str]]:
    """``(direction or None, edge collection)`` of ``GRAPH g`` or an edge collection list."""
    if graph is not None:
        edges, _vertices = graph_edge_collections(db, constant(graph))
        return [(None, name) for name in edges]
    pairs: list[tuple[str | None, str]] = []
    for direction, expr in edge_collections:
        if isinstance(expr, ast.CollectionRef):
            name = expr.name
        elif isinstance(expr, ast.DataSourceParameter):
            name = str(bind_vars.get(expr.name))
        else:
            name = str(constant(expr))
        pairs.append((direction, db.collection(name).name))
    return pairs
