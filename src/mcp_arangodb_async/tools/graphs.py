"""Graph tools: named graphs (gharial), edges, traversals, shortest paths, integrity, statistics.

Everything that reads many documents runs as one AQL query with bind parameters inside
the database. Query text is assembled only from constants of this module: a direction is
one of three keywords chosen from a closed set, and edge or vertex collections become
generated placeholders (``@@e0``, ``@@e1``, …) whose names are bound, never spliced in.
Backup, restore and the integrity check live in ``graph_backup.py``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from mcp_arangodb_async.errors import InvalidArguments, NotFound
from mcp_arangodb_async.results import PAGE_TTL, RowSource
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.queries import PageOut
from mcp_arangodb_async.tools.spec import Args, DatabaseArgs, Result, tool

if TYPE_CHECKING:
    from arangoasync.database import StandardDatabase

__all__ = [
    "collection_names",
    "edge_collections",
    "graph_properties",
    "query_rows",
    "vertex_collections",
]

MAX_DEPTH = 20
MAX_LIMIT = 10_000
DEFAULT_SAMPLE = 10_000

Direction = Literal["outbound", "inbound", "any"]
_KEYWORD = {"outbound": "OUTBOUND", "inbound": "INBOUND", "any": "ANY"}
_ID = r"^[^/\s]+/[^/\s]+$"

GraphName = Field(min_length=1, max_length=256)
VertexId = Field(min_length=3, description="Vertex _id")
EdgeCollections = Field(default=None, min_length=1)
GraphOrEdges = Field(default=None, description="Or give edge_collections")


class EdgeDefinition(Args):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    collection: str = Field(min_length=1)
    from_: list[str] = Field(alias="from", min_length=1)
    to: list[str] = Field(min_length=1)

    def wire(self) -> dict[str, Any]:
        return {"collection": self.collection, "from": self.from_, "to": self.to}


class GraphOut(Result):
    name: str
    edge_definitions: list[dict[str, Any]]
    orphan_collections: list[str]


def _graph_out(properties: dict[str, Any]) -> GraphOut:
    return GraphOut(
        name=str(properties.get("name") or properties.get("_key")),
        edge_definitions=[
            {"collection": d["collection"], "from": d["from"], "to": d["to"]}
            for d in properties.get("edgeDefinitions", [])
        ],
        orphan_collections=list(properties.get("orphanCollections", [])),
    )


async def graph_properties(db: StandardDatabase, name: str) -> dict[str, Any]:
    """The graph's definition as gharial returns it (1924 graph not found when missing)."""
    return (await db.graph(name).properties()).to_dict()


def vertex_collections(properties: dict[str, Any]) -> list[str]:
    """Every vertex collection of a graph: both ends of each definition, then orphans."""
    names: dict[str, None] = {}
    for definition in properties.get("edgeDefinitions", []):
        names.update(dict.fromkeys([*definition["from"], *definition["to"]]))
    names.update(dict.fromkeys(properties.get("orphanCollections", [])))
    return list(names)


def edge_collections(properties: dict[str, Any]) -> list[str]:
    return [d["collection"] for d in properties.get("edgeDefinitions", [])]


async def collection_names(db: StandardDatabase) -> set[str]:
    return {c.name for c in await db.collections()}


async def query_rows(db: StandardDatabase, query: str, bind: dict[str, Any]) -> list[Any]:
    cursor = await db.aql.execute(query, bind_vars=bind)
    return [row async for row in cursor]


class GraphDefOut(Result):
    database: str
    graph: GraphOut


# ---------------------------------------------------------------- create, list, extend, remove


class CreateGraphArgs(DatabaseArgs):
    name: str = GraphName
    edge_definitions: list[EdgeDefinition] = []
    orphan_collections: list[str] = []
    create_collections: bool = Field(default=True, description="Create missing collections")


class CreateGraphOut(GraphDefOut):
    created_collections: list[str]


@tool(
    "arango_create_graph",
    title="Create a graph",
    category="graphs",
    args=CreateGraphArgs,
    result=CreateGraphOut,
    read_only=False,
    destructive=False,
    idempotent=False,  # a second call fails with 1925 graph already exists
    open_world=False,
)
async def create_graph(ctx: ToolContext, args: CreateGraphArgs) -> CreateGraphOut:
    """Create a named graph.

    The graph is built from `edge_definitions` (and orphan collections); missing
    collections are created unless `create_collections` is false.
    """
    db = await ctx.db()
    definitions = [d.wire() for d in args.edge_definitions]
    wanted = vertex_collections(
        {"edgeDefinitions": definitions, "orphanCollections": args.orphan_collections}
    )
    wanted = [*edge_collections({"edgeDefinitions": definitions}), *wanted]
    before = await collection_names(db)
    missing = [name for name in wanted if name not in before]
    if missing and not args.create_collections:
        raise NotFound(
            f"collections missing: {', '.join(missing)}",
            hint="pass create_collections: true, or create them first",
        )
    await db.create_graph(
        args.name,
        edge_definitions=definitions,
        orphan_collections=args.orphan_collections or None,
    )
    properties = await graph_properties(db, args.name)
    return CreateGraphOut(
        database=ctx.key, graph=_graph_out(properties), created_collections=missing
    )


class ListGraphsOut(Result):
    database: str
    graphs: list[GraphOut]


@tool(
    "arango_list_graphs",
    title="List graphs",
    category="graphs",
    args=DatabaseArgs,
    result=ListGraphsOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def list_graphs(ctx: ToolContext, args: DatabaseArgs) -> ListGraphsOut:
    """List graphs and their definitions.

    Each graph comes with its edge definitions and orphan collections.
    """
    db = await ctx.db()
    graphs = [_graph_out(g.to_dict()) for g in await db.graphs()]
    return ListGraphsOut(database=ctx.key, graphs=sorted(graphs, key=lambda g: g.name))


class AddVertexCollectionArgs(DatabaseArgs):
    graph: str = GraphName
    collection: str = Field(min_length=1, description="Created if missing")


@tool(
    "arango_add_vertex_collection",
    title="Add a vertex collection",
    category="graphs",
    args=AddVertexCollectionArgs,
    result=GraphDefOut,
    read_only=False,
    destructive=False,
    idempotent=False,  # a second call fails with 1938 collection already used
    open_world=False,
)
async def add_vertex_collection(ctx: ToolContext, args: AddVertexCollectionArgs) -> GraphDefOut:
    """Add a vertex collection.

    Adds it to a graph, where it stays an orphan until an edge definition uses it.
    """
    db = await ctx.db()
    await db.graph(args.graph).create_vertex_collection(args.collection)
    return GraphDefOut(database=ctx.key, graph=_graph_out(await graph_properties(db, args.graph)))


class AddEdgeDefinitionArgs(DatabaseArgs):
    graph: str = GraphName
    edge_definition: EdgeDefinition


@tool(
    "arango_add_edge_definition",
    title="Add an edge definition",
    category="graphs",
    args=AddEdgeDefinitionArgs,
    result=GraphDefOut,
    read_only=False,
    destructive=False,
    idempotent=False,  # a second call fails with 1920 multi use of edge collection
    open_world=False,
)
async def add_edge_definition(ctx: ToolContext, args: AddEdgeDefinitionArgs) -> GraphDefOut:
    """Add an edge definition.

    Adds it to a graph. An edge definition names an edge collection and its from and to
    vertex collections.
    """
    db = await ctx.db()
    definition = args.edge_definition
    await db.graph(args.graph).create_edge_definition(
        definition.collection, definition.from_, definition.to
    )
    return GraphDefOut(database=ctx.key, graph=_graph_out(await graph_properties(db, args.graph)))


class RemoveGraphArgs(DatabaseArgs):
    name: str = GraphName
    drop_collections: bool = Field(default=False, description="Also drop its collections")


class RemoveGraphOut(Result):
    database: str
    removed: str
    dropped_collections: list[str]


@tool(
    "arango_remove_graph",
    title="Remove a graph",
    category="graphs",
    args=RemoveGraphArgs,
    result=RemoveGraphOut,
    read_only=False,
    destructive=True,
    idempotent=False,  # a second call fails with 1924 graph not found
    open_world=False,
)
async def remove_graph(ctx: ToolContext, args: RemoveGraphArgs) -> RemoveGraphOut:
    """Remove a graph.

    With `drop_collections`, its collections that no other graph uses are dropped too.
    """
    db = await ctx.db()
    properties = await graph_properties(db, args.name)
    members = [*edge_collections(properties), *vertex_collections(properties)]
    await db.delete_graph(args.name, drop_collections=args.drop_collections)
    dropped: list[str] = []
    if args.drop_collections:
        after = await collection_names(db)
        dropped = [name for name in members if name not in after]
    return RemoveGraphOut(database=ctx.key, removed=args.name, dropped_collections=dropped)


# ---------------------------------------------------------------- edges


class AddEdgeArgs(DatabaseArgs):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    collection: str = Field(min_length=1, description="Edge collection")
    from_: str = Field(alias="from", min_length=3, description="Vertex _id")
    to: str = Field(min_length=3, description="Vertex _id")
    attributes: dict[str, Any] = {}
    key: str | None = Field(default=None, min_length=1)
    graph: str | None = Field(default=None, description="Check vertices against this graph")


class EdgeOut(Result):
    database: str
    edge: dict[str, Any]


@tool(
    "arango_add_edge",
    title="Add an edge",
    category="graphs",
    args=AddEdgeArgs,
    result=EdgeOut,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def add_edge(ctx: ToolContext, args: AddEdgeArgs) -> EdgeOut:
    """Insert an edge between vertex _ids.

    With `graph`, both vertices must exist in the graph's collections.
    """
    _check_id(args.from_, "from")
    _check_id(args.to, "to")
    reserved = [k for k in ("_from", "_to", "_key", "_id", "_rev") if k in args.attributes]
    if reserved:
        raise InvalidArguments(
            f"`attributes` must not contain {', '.join(reserved)} (use from, to, key)",
            field="attributes",
        )
    document = {**args.attributes, "_from": args.from_, "_to": args.to}
    if args.key is not None:
        document["_key"] = args.key
    db = await ctx.db()
    if args.graph is not None:
        meta = await db.graph(args.graph).insert_edge(args.collection, document)
        meta = meta.get("edge", meta)
    else:
        meta = await db.collection(args.collection).insert(document)
    edge = {k: meta[k] for k in ("_id", "_key", "_rev") if k in meta}
    return EdgeOut(database=ctx.key, edge={**edge, "_from": args.from_, "_to": args.to})


# ---------------------------------------------------------------- traversal and paths


def _source(graph: str | None, edges: list[str] | None) -> tuple[str, dict[str, Any]]:
    """The traversal's ``GRAPH @graph`` or ``@@e0, @@e1`` clause and its bind parameters."""
    if (graph is None) == (edges is None):
        raise InvalidArguments("give exactly one of `graph` and `edge_collections`", field="graph")
    if graph is not None:
        return "GRAPH @graph", {"graph": graph}
    assert edges is not None
    bind = {f"@e{i}": name for i, name in enumerate(dict.fromkeys(edges))}
    return ", ".join(f"@{name}" for name in bind), bind


def _check_id(value: str, field: str) -> None:
    if not re.match(_ID, value):
        raise InvalidArguments(f"`{field}` must be a document _id 'collection/key'", field=field)


async def _require_vertex(db: StandardDatabase, vertex: str, field: str) -> None:
    _check_id(vertex, field)
    found = await query_rows(db, "RETURN DOCUMENT(@id) != null", {"id": vertex})
    if found != [True]:
        raise NotFound(f"`{field}`: vertex '{vertex}' does not exist", field=field)


class TraverseArgs(DatabaseArgs):
    start: str = VertexId
    graph: str | None = GraphOrEdges
    edge_collections: list[str] | None = EdgeCollections
    direction: Direction = "outbound"
    min_depth: int = Field(default=1, ge=0, le=MAX_DEPTH)
    max_depth: int = Field(default=1, ge=0, le=MAX_DEPTH)
    include_paths: bool = Field(default=False, description="Rows {vertex, vertices, edges}")
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT)


@tool(
    "arango_traverse",
    title="Traverse a graph",
    category="graphs",
    args=TraverseArgs,
    result=PageOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def traverse(ctx: ToolContext, args: TraverseArgs) -> PageOut:
    """Traverse a graph from a vertex _id.

    Finds the vertices reachable in `min_depth`..`max_depth` steps, by a graph or by edge
    collections. At most `limit`
    vertices are found; replies are paged like arango_query (`truncated`, `next_cursor` for
    arango_next_page). With `include_paths`, each row is
    `{vertex, vertices: [_id…], edges: [edge…]}` for the path that reached the vertex.
    """
    if args.min_depth > args.max_depth:
        raise InvalidArguments("`min_depth` must not exceed `max_depth`", field="min_depth")
    source, bind = _source(args.graph, args.edge_collections)
    shape = (
        "{vertex: v, vertices: p.vertices[*]._id, edges: p.edges}" if args.include_paths else "v"
    )
    query = (
        f"FOR v, e, p IN @min..@max {_KEYWORD[args.direction]} @start {source} "
        f"LIMIT @limit RETURN {shape}"
    )
    db = await ctx.db()
    await _require_vertex(db, args.start, "start")
    bind.update(min=args.min_depth, max=args.max_depth, start=args.start, limit=args.limit)
    cursor = await db.aql.execute(
        query, bind_vars=bind, count=True, batch_size=1000, ttl=int(PAGE_TTL)
    )
    page = await ctx.runtime.pages.first_page(
        RowSource(cursor=cursor),
        max_rows=ctx.limits.max_rows,
        max_bytes=ctx.limits.max_bytes,
        owner=ctx.identity.session_id,
        database=ctx.key,
    )
    return PageOut.model_validate({"database": ctx.key, **page.to_dict()})


class ShortestPathArgs(DatabaseArgs):
    start: str = VertexId
    target: str = VertexId
    graph: str | None = GraphOrEdges
    edge_collections: list[str] | None = EdgeCollections
    direction: Direction = "outbound"
    weight_attribute: str | None = None
    default_weight: float = Field(default=1, ge=0)
    include_documents: bool = Field(default=False, description="Documents instead of _ids")


class ShortestPathOut(Result):
    database: str
    found: bool
    length: int
    weight: float | None = None
    vertices: list[Any]
    edges: list[Any]
    documents_omitted: bool | None = None


@tool(
    "arango_shortest_path",
    title="Shortest path",
    category="graphs",
    args=ShortestPathArgs,
    result=ShortestPathOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def shortest_path(ctx: ToolContext, args: ShortestPathArgs) -> ShortestPathOut:
    """Shortest path between two vertex _ids.

    Fewest edges, or least total weight. With `weight_attribute`, edges weigh that
    attribute's number (`default_weight` when it is missing or not a number) and `weight` is
    the path's total. `found: false` when no path exists. `include_documents` returns whole
    vertices and edges unless the reply would exceed the byte limit (then `_id`s and
    `documents_omitted: true`).
    """
    source, bind = _source(args.graph, args.edge_collections)
    options = ""
    weight = "1"
    if args.weight_attribute is not None:
        options = " OPTIONS {weightAttribute: @weight, defaultWeight: @default_weight}"
        weight = "IS_NUMBER(e[@weight]) ? e[@weight] : @default_weight"
        bind.update(weight=args.weight_attribute, default_weight=args.default_weight)
    shape = "v, e" if args.include_documents else "v._id, e._id"
    query = (
        f"FOR v, e IN {_KEYWORD[args.direction]} SHORTEST_PATH @start TO @target {source}"
        f"{options} RETURN [{shape}, e == null ? 0 : {weight}]"
    )
    db = await ctx.db()
    await _require_vertex(db, args.start, "start")
    await _require_vertex(db, args.target, "target")
    bind.update(start=args.start, target=args.target)
    rows = await query_rows(db, query, bind)
    vertices = [row[0] for row in rows]
    edges = [row[1] for row in rows[1:]]
    out = ShortestPathOut(
        database=ctx.key,
        found=bool(rows),
        length=len(edges),
        weight=sum(row[2] for row in rows) if rows and args.weight_attribute else None,
        vertices=vertices,
        edges=edges,
    )
    if args.include_documents and len(out.model_dump_json()) > ctx.limits.max_bytes:
        out.vertices = [v["_id"] for v in vertices]
        out.edges = [e["_id"] for e in edges]
        out.documents_omitted = True
    return out


# ---------------------------------------------------------------- statistics


class StatisticsArgs(DatabaseArgs):
    graph: str = GraphName
    sample_size: int = Field(default=DEFAULT_SAMPLE, ge=1, le=1_000_000)


class StatisticsOut(Result):
    database: str
    graph: str
    vertices: dict[str, int]
    edges: dict[str, int]
    degree: dict[str, Any] = Field(description="Sampled out/in/total degree distribution")
    connectivity: dict[str, Any]


def _bucket(index: int) -> str:
    """Histogram buckets by powers of two: 0, 1, 2-3, 4-7, …"""
    if index <= 1:
        return str(index)
    low, high = 2 ** (index - 1), 2**index - 1
    return f"{low}-{high}"


def _degree_query(vertex_binds: list[str], edge_binds: list[str], sampled: bool) -> str:
    """One query: the degrees of (a sample of) the vertices and their distribution."""
    out_degree = " + ".join(
        f"LENGTH(FOR x IN @{e} FILTER x._from == v._id RETURN 1)" for e in edge_binds
    )
    in_degree = " + ".join(
        f"LENGTH(FOR x IN @{e} FILTER x._to == v._id RETURN 1)" for e in edge_binds
    )
    order = "SORT RAND() " if sampled else ""
    parts = ", ".join(
        f"(FOR v IN @{v} {order}LIMIT @n_{v[1:]} RETURN {{id: v._id, o: {out_degree}, i: {in_degree}}})"
        for v in vertex_binds
    )
    return f"""
LET degrees = FLATTEN([{parts}])
LET totals = (FOR d IN degrees RETURN d.o + d.i)
LET histogram = (
  FOR d IN degrees
    COLLECT b = d.o + d.i == 0 ? 0 : FLOOR(LOG2(d.o + d.i)) + 1 WITH COUNT INTO n
    SORT b RETURN [b, n]
)
RETURN {{
  vertices: LENGTH(degrees),
  "out": {{min: MIN(degrees[*].o), max: MAX(degrees[*].o), avg: AVERAGE(degrees[*].o)}},
  "in": {{min: MIN(degrees[*].i), max: MAX(degrees[*].i), avg: AVERAGE(degrees[*].i)}},
  "total": {{
    min: MIN(totals), max: MAX(totals), avg: AVERAGE(totals)
  }},
  isolated: LENGTH(FOR d IN degrees FILTER d.o == 0 AND d.i == 0 RETURN 1),
  sources: LENGTH(FOR d IN degrees FILTER d.i == 0 AND d.o > 0 RETURN 1),
  sinks: LENGTH(FOR d IN degrees FILTER d.o == 0 AND d.i > 0 RETURN 1),
  hub: FIRST(FOR d IN degrees SORT d.o + d.i DESC LIMIT 1 RETURN d.id),
  histogram
}}
"""


#: the size of the component around a vertex: one breadth-first search in the database
_COMPONENT = (
    "RETURN LENGTH(FOR v IN 0..@depth ANY @start GRAPH @graph "
    'OPTIONS {order: "bfs", uniqueVertices: "global"} RETURN 1)'
)


@tool(
    "arango_graph_statistics",
    title="Graph statistics",
    category="graphs",
    args=StatisticsArgs,
    result=StatisticsOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def graph_statistics(ctx: ToolContext, args: StatisticsArgs) -> StatisticsOut:
    """Graph size, degrees and connectivity.

    Reports vertex and edge counts, degree distribution and connectivity. Above
    `sample_size` vertices, degrees are computed for a random sample spread over the vertex
    collections, and isolated/source/sink counts are scaled estimates (`estimated: true`).
    Histogram buckets are powers of two (`0`, `1`, `2-3`, `4-7`, …). On unsampled graphs,
    `hub_component` is the size of the connected component (edge direction ignored) around
    the highest-degree vertex.
    """
    db = await ctx.db()
    properties = await graph_properties(db, args.graph)
    existing = await collection_names(db)
    vertex_names = [n for n in vertex_collections(properties) if n in existing]
    edge_names = [n for n in edge_collections(properties) if n in existing]
    names = [*vertex_names, *edge_names]
    counts: dict[str, int] = {}
    if names:
        bind = {f"@c{i}": name for i, name in enumerate(names)}
        query = "RETURN [" + ", ".join(f"LENGTH(@{p})" for p in bind) + "]"
        (values,) = await query_rows(db, query, bind)
        counts = dict(zip(names, values, strict=True))
    vertices = {n: counts[n] for n in vertex_names}
    edges = {n: counts[n] for n in edge_names}
    total_vertices = sum(vertices.values())
    total_edges = sum(edges.values())
    sampled = total_vertices > args.sample_size
    degree: dict[str, Any] = {"sampled": sampled, "vertices": 0}
    connectivity: dict[str, Any] = {
        "average_degree": round(2 * total_edges / total_vertices, 4) if total_vertices else 0,
        "density": (
            round(total_edges / (total_vertices * (total_vertices - 1)), 6)
            if total_vertices > 1
            else 0
        ),
    }
    populated = [n for n in vertex_names if vertices[n] > 0]
    if populated and edge_names:
        bind = {}
        vertex_binds = []
        for i, name in enumerate(populated):
            bind[f"@v{i}"] = name
            share = (
                vertices[name] * args.sample_size // total_vertices if sampled else vertices[name]
            )
            bind[f"n_v{i}"] = max(1, share)
            vertex_binds.append(f"@v{i}")
        edge_binds = []
        for i, name in enumerate(edge_names):
            bind[f"@e{i}"] = name
            edge_binds.append(f"@e{i}")
        (stats,) = await query_rows(db, _degree_query(vertex_binds, edge_binds, sampled), bind)
        degree = {
            "sampled": sampled,
            "vertices": stats["vertices"],
            "out": stats["out"],
            "in": stats["in"],
            "total": stats["total"],
            "histogram": {_bucket(int(b)): n for b, n in stats["histogram"]},
        }
        scale = total_vertices / stats["vertices"] if stats["vertices"] else 0
        for field in ("isolated", "sources", "sinks"):
            connectivity[field] = round(stats[field] * scale) if sampled else stats[field]
        connectivity["estimated"] = sampled
        if not sampled and stats["hub"] is not None:
            # the component around the best-connected vertex (a full BFS, so small graphs only)
            bind = {"depth": total_vertices, "start": stats["hub"], "graph": args.graph}
            (size,) = await query_rows(db, _COMPONENT, bind)
            connectivity["hub_component"] = {
                "vertex": stats["hub"],
                "vertices": size,
                "share": round(size / total_vertices, 4),
            }
    return StatisticsOut(
        database=ctx.key,
        graph=args.graph,
        vertices=vertices,
        edges=edges,
        degree=degree,
        connectivity=connectivity,
    )
