"""Path searches between two vertices: ``SHORTEST_PATH``, ``K_SHORTEST_PATHS``,
``K_PATHS`` and ``ALL_SHORTEST_PATHS``.

- ``SHORTEST_PATH``: Dijkstra on the edge weights (``weightAttribute``,
  ``defaultWeight``; every edge weighs 1 without them, which makes it a
  breadth-first search). Emits ``v, e`` per vertex of the path, ``e`` null first.
- ``K_SHORTEST_PATHS``: Yen's algorithm over that search, produced lazily in
  order of increasing weight (a ``LIMIT`` stops the search): ``{edges,
  vertices, weight}`` per path.
- ``K_PATHS``: every path without repeated vertices whose length lies in
  ``min..max``, shortest first: ``{edges, vertices}``.
- ``ALL_SHORTEST_PATHS``: every path with the fewest edges: ``{edges, vertices}``.

Searches are generators: they yield ``PAUSE`` while working (so a long search
lets other requests run and can be killed) and their results.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from arangolite.aql.context import PAUSE
from arangolite.aql.graph_access import Edge, GraphSource, depth_of, edge_pairs, vertex_id_of
from arangolite.errors import E

if TYPE_CHECKING:
    from arangolite.aql.executor import Executor, Rows, Stage
    from arangolite.aql.expressions import Frame
    from arangolite.aql.planner import ShortestPathNode

__all__ = [
    "Path",
    "shortest_path",
    "k_shortest_paths",
    "k_paths",
    "all_shortest_paths",
    "path_stage",
]

#: vertex expansions between two PAUSE markers
PAUSE_EVERY = 128

_INVALID = {
    "SHORTEST_PATH": "Invalid input for Shortest Path: "
    "Only id strings or objects with _id are allowed",
}
_INVALID_K = "Invalid input for k Shortest Paths: Only id strings or objects with _id are allowed"

#: (vertex ids, edges, total weight)
Path = tuple[list[str], list[Edge], float]
Search = Generator[Any, None, "Path | None"]


def shortest_path(
    source: GraphSource,
    start: str,
    target: str,
    banned_edges: frozenset[str] | set[str] = frozenset(),
    banned_vertices: frozenset[str] | set[str] = frozenset(),
) -> Search:
    """The lightest (or, unweighted, shortest) path from ``start`` to ``target``;
    yields PAUSE, returns the path or None."""
    if start == target:
        return [start], [], 0.0
    if source.weight_attribute is None:
        return (yield from _bidirectional(source, start, target, banned_edges, banned_vertices))
    return (yield from _dijkstra(source, start, target, banned_edges, banned_vertices))


def _bidirectional(
    source: GraphSource,
    start: str,
    target: str,
    banned_edges: frozenset[str] | set[str],
    banned_vertices: frozenset[str] | set[str],
) -> Search:
    """Breadth-first from both ends, a whole level at a time, always growing the
    smaller frontier; the meeting vertex with the shortest total wins."""
    # vertex -> (depth, the step that reached it: (previous vertex, edge) or None)
    sides: list[dict[str, tuple[int, tuple[str, Edge] | None]]] = [
        {start: (0, None)},
        {target: (0, None)},
    ]
    frontiers = [[start], [target]]
    expansions = 0
    while frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        reached, other = sides[side], sides[1 - side]
        following: list[str] = []
        best: tuple[int, str] | None = None
        for vertex in frontiers[side]:
            depth = reached[vertex][0] + 1
            expansions += 1
            if expansions % PAUSE_EVERY == 0:
                yield PAUSE
            for edge in source.edges(vertex, reverse=side == 1):
                to = edge.to
                if to in reached or edge.id in banned_edges or to in banned_vertices:
                    continue
                if not source.allows(to) and to not in (start, target):
                    continue
                reached[to] = (depth, (vertex, edge))
                following.append(to)
                if to in other:
                    total = depth + other[to][0]
                    if best is None or total < best[0]:
                        best = (total, to)
        if best is not None:
            return _join(sides, best[1])
        frontiers[side] = following
    return None


def _join(sides: list[dict[str, tuple[int, tuple[str, Edge] | None]]], meet: str) -> Path:
    vertices = [meet]
    edges: list[Edge] = []
    step = sides[0][meet][1]
    while step is not None:
        vertex, edge = step
        vertices.append(vertex)
        edges.append(edge)
        step = sides[0][vertex][1]
    vertices.reverse()
    edges.reverse()
    step = sides[1][meet][1]
    while step is not None:
        vertex, edge = step
        vertices.append(vertex)
        edges.append(edge)
        step = sides[1][vertex][1]
    return vertices, edges, float(len(edges))


def _dijkstra(
    source: GraphSource,
    start: str,
    target: str,
    banned_edges: frozenset[str] | set[str],
    banned_vertices: frozenset[str] | set[str],
) -> Search:
    """Dijkstra on the edge weights."""
    best: dict[str, float] = {start: 0.0}
    previous: dict[str, tuple[str, Edge]] = {}
    done: set[str] = set()
    counter = itertools.count()
    heap: list[tuple[float, int, str]] = [(0.0, next(counter), start)]
    expansions = 0
    while heap:
        weight, _, vertex = heapq.heappop(heap)
        if vertex in done:
            continue
        if vertex == target:
            return _unwind(previous, start, target, weight)
        done.add(vertex)
        expansions += 1
        if expansions % PAUSE_EVERY == 0:
            yield PAUSE
        for edge in source.edges(vertex):
            to = edge.to
            if to in done or edge.id in banned_edges or to in banned_vertices:
                continue
            if not source.allows(to):
                continue
            total = weight + edge.weight
            if to not in best or total < best[to]:
                best[to] = total
                previous[to] = (vertex, edge)
                heapq.heappush(heap, (total, next(counter), to))
    return None


def _unwind(previous: dict[str, tuple[str, Edge]], start: str, target: str, weight: float) -> Path:
    vertices = [target]
    edges: list[Edge] = []
    vertex = target
    while vertex != start:
        vertex, edge = previous[vertex]
        vertices.append(vertex)
        edges.append(edge)
    vertices.reverse()
    edges.reverse()
    return vertices, edges, weight


def k_shortest_paths(source: GraphSource, start: str, target: str) -> Iterator[Any]:
    """Yen's algorithm: loopless paths by increasing weight, one at a time."""
    first = yield from shortest_path(source, start, target)
    if first is None:
        return
    found: list[Path] = [first]
    yield first
    known = {_signature(first)}
    candidates: list[tuple[float, int, Path]] = []
    counter = itertools.count()
    while True:
        last_vertices, last_edges, _weight = found[-1]
        for i in range(len(last_vertices) - 1):
            spur = last_vertices[i]
            root_vertices = last_vertices[: i + 1]
            root_edges = last_edges[:i]
            root_ids = [e.id for e in root_edges]
            banned_edges = {
                edges[i].id
                for vertices, edges, _w in found
                if len(edges) > i and [e.id for e in edges[:i]] == root_ids
            }
            banned_vertices = set(root_vertices[:-1])
            spur_path = yield from shortest_path(
                source, spur, target, banned_edges, banned_vertices
            )
            if spur_path is None:
                continue
            spur_vertices, spur_edges, _spur_weight = spur_path
            edges = root_edges + spur_edges
            path: Path = (
                root_vertices[:-1] + spur_vertices,
                edges,
                sum(e.weight for e in edges),
            )
            signature = _signature(path)
            if signature not in known:
                known.add(signature)
                heapq.heappush(candidates, (path[2], next(counter), path))
        if not candidates:
            return
        best = heapq.heappop(candidates)[2]
        found.append(best)
        yield best


def _signature(path: Path) -> tuple[str, ...]:
    return (path[0][0], *(e.id for e in path[1]))


class _Link:
    __slots__ = ("parent", "vertex", "edge", "depth")

    def __init__(self, parent: _Link | None, vertex: str, edge: Edge | None, depth: int) -> None:
        self.parent = parent
        self.vertex = vertex
        self.edge = edge
        self.depth = depth

    def has_vertex(self, vertex: str) -> bool:
        link: _Link | None = self
        while link is not None:
            if link.vertex == vertex:
                return True
            link = link.parent
        return False

    def path(self) -> Path:
        vertices: list[str] = []
        edges: list[Edge] = []
        link: _Link | None = self
        while link is not None:
            vertices.append(link.vertex)
            if link.edge is not None:
                edges.append(link.edge)
            link = link.parent
        vertices.reverse()
        edges.reverse()
        return vertices, edges, float(len(edges))


def k_paths(
    source: GraphSource, start: str, target: str, min_depth: int, max_depth: int
) -> Iterator[Any]:
    """Every simple path from ``start`` to ``target`` of ``min..max`` edges, shortest first."""
    queue: deque[_Link] = deque([_Link(None, start, None, 0)])
    expansions = 0
    while queue:
        link = queue.popleft()
        if link.vertex == target and link.depth >= min_depth:
            yield link.path()
        if link.depth >= max_depth or (link.vertex == target and link.depth > 0):
            continue
        expansions += 1
        if expansions % PAUSE_EVERY == 0:
            yield PAUSE
        for edge in source.edges(link.vertex):
            if link.has_vertex(edge.to) or not source.allows(edge.to):
                continue
            queue.append(_Link(link, edge.to, edge, link.depth + 1))


def all_shortest_paths(source: GraphSource, start: str, target: str) -> Iterator[Any]:
    """Every path from ``start`` to ``target`` with the fewest edges."""
    if start == target:
        yield [start], [], 0.0
        return
    distance = {start: 0}
    parents: dict[str, list[tuple[str, Edge]]] = {}
    level = [start]
    expansions = 0
    while level and target not in distance:
        following: list[str] = []
        depth = distance[level[0]] + 1
        for vertex in level:
            expansions += 1
            if expansions % PAUSE_EVERY == 0:
                yield PAUSE
            for edge in source.edges(vertex):
                to = edge.to
                if not source.allows(to):
                    continue
                known = distance.get(to)
                if known is None:
                    distance[to] = depth
                    following.append(to)
                    parents[to] = [(vertex, edge)]
                elif known == depth:
                    parents[to].append((vertex, edge))
        level = following
    if target not in distance:
        return
    # every way back from the target, each step to a vertex one level closer
    stack: list[tuple[str, list[str], list[Edge]]] = [(target, [target], [])]
    while stack:
        vertex, vertices, edges = stack.pop()
        if vertex == start:
            yield vertices[::-1], edges[::-1], float(len(edges))
            continue
        for parent, edge in reversed(parents[vertex]):
            stack.append((parent, [*vertices, parent], [*edges, edge]))


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def path_stage(executor: Executor, node: ShortestPathNode) -> Stage:
    """The executor stage of ``ShortestPathNode`` (and of the ``EnumeratePathsNode``
    kinds, which share the plan node)."""
    op = node.op
    ctx = executor.ctx
    expressions = executor.expressions
    kind = op.kind
    min_depth, max_depth = depth_of(op.depth, expressions.constant)
    options = executor._options(op.options)
    if kind in ("K_PATHS", "ALL_SHORTEST_PATHS"):
        # these searches count edges; weights have no effect on them
        options = {
            k: v for k, v in options.items() if k not in ("weightAttribute", "defaultWeight")
        }
    pairs = edge_pairs(
        ctx.db, op.graph, op.edge_collections, expressions.constant, executor.bind_vars
    )
    start_fn = expressions.compile(op.start)
    target_fn = expressions.compile(op.target)
    vertex_slot = op.vertex.id
    edge_slot = op.edge.id if op.edge is not None else None
    invalid = _INVALID.get(kind, _INVALID_K)

    def stage(rows: Rows, base: Frame) -> Rows:
        for frame in rows:
            if frame is PAUSE:
                yield PAUSE
                continue
            start = vertex_id_of(start_fn(frame))
            target = vertex_id_of(target_fn(frame))
            if start is None or target is None:
                ctx.warn(E.BAD_PARAMETER, invalid)
                continue
            source = GraphSource.build(ctx, op.direction, pairs, options)
            if not (source.exists(start) and source.exists(target)):
                continue
            if kind == "SHORTEST_PATH":
                found = yield from shortest_path(source, start, target)
                if found is None:
                    continue
                vertices, edges, _weight = found
                for i, vertex in enumerate(vertices):
                    row = list(frame)
                    row[vertex_slot] = source.vertex(vertex)
                    if edge_slot is not None:
                        row[edge_slot] = edges[i - 1].doc if i else None
                    yield row
                continue
            if kind == "K_SHORTEST_PATHS":
                paths: Iterator[Any] = k_shortest_paths(source, start, target)
            elif kind == "K_PATHS":
                paths = k_paths(source, start, target, min_depth, max_depth)
            else:
                paths = all_shortest_paths(source, start, target)
            for item in paths:
                if item is PAUSE:
                    yield PAUSE
                    continue
                vertices, edges, weight = item
                value: dict[str, Any] = {
                    "edges": [e.doc for e in edges],
                    "vertices": [source.vertex(v) for v in vertices],
                }
                if kind == "K_SHORTEST_PATHS":
                    value["weight"] = _number(weight)
                row = list(frame)
                row[vertex_slot] = value
                yield row

    return stage
