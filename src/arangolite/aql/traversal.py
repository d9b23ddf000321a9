"""Graph traversals: ``FOR v, e, p IN min..max OUTBOUND|INBOUND|ANY start GRAPH g``.

The walk (:func:`walk`) is one loop over a frontier whose discipline is the
``order`` option: a stack for ``dfs`` (the default; first edge first, so
results come in ArangoDB's depth-first pre-order), a queue for ``bfs``, a heap
on the summed edge weight for ``weighted``. Each path is *visited* when taken
from the frontier: it is emitted if its depth is at least ``min``, and expanded
unless ``PRUNE`` holds or ``max`` is reached. Uniqueness follows ArangoDB's
options: ``uniqueEdges`` ``path`` (default) or ``none``; ``uniqueVertices``
``none`` (default), ``path``, or ``global`` (``bfs``/``weighted`` only).

The walk is a generator that yields ``PAUSE`` every few hundred visits, so a
large traversal lets other requests run and can be killed.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from arangolite.aql.context import PAUSE
from arangolite.aql.graph_access import Edge, GraphSource, depth_of, edge_pairs, vertex_id_of
from arangolite.aql.values import to_bool
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.aql.executor import Executor, Rows, Stage
    from arangolite.aql.expressions import Frame
    from arangolite.aql.planner import TraversalNode

__all__ = ["Step", "TraversalSettings", "walk", "traversal_stage", "path_object"]

#: visits between two PAUSE markers
PAUSE_EVERY = 256

INVALID_START = "Invalid input for traversal: Only id strings or objects with _id are allowed"


class Step:
    """One path of the walk, as a link to the path it extends."""

    __slots__ = ("parent", "vertex", "edge", "depth", "weight")

    def __init__(
        self, parent: Step | None, vertex: str, edge: Edge | None, depth: int, weight: float
    ) -> None:
        self.parent = parent
        self.vertex = vertex
        self.edge = edge
        self.depth = depth
        self.weight = weight

    def chain(self) -> list[Step]:
        """The steps from the start vertex to this one."""
        out: list[Step] = []
        step: Step | None = self
        while step is not None:
            out.append(step)
            step = step.parent
        out.reverse()
        return out

    def has_vertex(self, vertex: str) -> bool:
        step: Step | None = self
        while step is not None:
            if step.vertex == vertex:
                return True
            step = step.parent
        return False

    def has_edge(self, edge_id: str) -> bool:
        step: Step | None = self
        while step is not None and step.edge is not None:
            if step.edge.id == edge_id:
                return True
            step = step.parent
        return False


class TraversalSettings:
    """The ``OPTIONS`` of a traversal, validated."""

    def __init__(self, options: dict[str, Any]) -> None:
        order = options.get("order")
        if not isinstance(order, str) or order not in ("dfs", "bfs", "weighted"):
            order = "bfs" if options.get("bfs") is True else "dfs"
        self.order = order
        vertices = options.get("uniqueVertices", "none")
        self.unique_vertices = vertices if vertices in ("path", "global") else "none"
        edges = options.get("uniqueEdges", "path")
        self.unique_edges = "none" if edges == "none" else "path"
        if self.unique_vertices == "global" and self.order == "dfs":
            raise ArangoError(
                E.BAD_PARAMETER,
                "uniqueVertices: 'global' is only supported, with bfs: true due to "
                "unpredictable results.",
            )


def walk(
    source: GraphSource,
    start: str,
    max_depth: int,
    settings: TraversalSettings,
    visit: Callable[[Step], tuple[Any, bool]],
) -> Iterator[Any]:
    """Visit every path from ``start`` up to ``max_depth`` edges; yields what
    ``visit`` returns as output (when not None) and PAUSE markers.

    ``visit(step)`` answers ``(output or None, expand?)``.
    """
    order = settings.order
    unique_vertices = settings.unique_vertices
    path_edges = settings.unique_edges == "path"
    path_vertices = unique_vertices == "path"
    global_vertices = unique_vertices == "global"
    seen: set[str] = {start}
    first = Step(None, start, None, 0, 0.0)
    counter = itertools.count()
    stack: list[Step] = []
    queue: deque[Step] = deque()
    heap: list[tuple[float, int, Step]] = []
    if order == "dfs":
        stack.append(first)
    elif order == "bfs":
        queue.append(first)
    else:
        heap.append((0.0, next(counter), first))
        seen = set()
    visits = 0
    while True:
        if order == "dfs":
            if not stack:
                break
            step = stack.pop()
        elif order == "bfs":
            if not queue:
                break
            step = queue.popleft()
        else:
            if not heap:
                break
            step = heapq.heappop(heap)[2]
            if global_vertices:
                if step.vertex in seen:
                    continue
                seen.add(step.vertex)
        visits += 1
        if visits % PAUSE_EVERY == 0:
            yield PAUSE
        output, expand = visit(step)
        if output is not None:
            yield output
        if not expand or step.depth >= max_depth:
            continue
        children: list[Step] = []
        for edge in source.edges(step.vertex):
            to = edge.to
            if path_edges and step.has_edge(edge.id):
                continue
            if path_vertices and step.has_vertex(to):
                continue
            if global_vertices:
                if to in seen:
                    continue
                if order == "bfs":
                    seen.add(to)
            if not source.allows(to):
                continue
            children.append(Step(step, to, edge, step.depth + 1, step.weight + edge.weight))
        if order == "dfs":
            children.reverse()
            stack.extend(children)
        elif order == "bfs":
            queue.extend(children)
        else:
            for child in children:
                heapq.heappush(heap, (child.weight, next(counter), child))


def path_object(source: GraphSource, step: Step, *, weights: bool) -> dict[str, Any]:
    """``p``: ``{edges, vertices}`` (plus ``weights`` in a weighted traversal)."""
    chain = step.chain()
    out: dict[str, Any] = {
        "edges": [s.edge.doc for s in chain[1:] if s.edge is not None],
        "vertices": [source.vertex(s.vertex) for s in chain],
    }
    if weights:
        out["weights"] = [_number(s.weight) for s in chain]
    return out


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def traversal_stage(executor: Executor, node: TraversalNode) -> Stage:
    """The executor stage of a :class:`~arangolite.aql.planner.TraversalNode`."""
    op = node.op
    ctx = executor.ctx
    expressions = executor.expressions
    min_depth, max_depth = depth_of(op.depth, expressions.constant)
    options = executor._options(op.options)
    settings = TraversalSettings(options)
    pairs = edge_pairs(
        ctx.db, op.graph, op.edge_collections, expressions.constant, executor.bind_vars
    )
    start_fn = expressions.compile(op.start)
    prune_fn = expressions.compile(op.prune) if op.prune is not None else None
    prune_slot = op.prune_var.id if op.prune_var is not None else None
    vertex_slot = op.vertex.id
    edge_slot = op.edge.id if op.edge is not None else None
    path_slot = op.path.id if op.path is not None else None
    weighted = settings.order == "weighted"

    def stage(rows: Rows, base: Frame) -> Rows:
        for frame in rows:
            if frame is PAUSE:
                yield PAUSE
                continue
            start = vertex_id_of(start_fn(frame))
            if start is None:
                ctx.warn(E.BAD_PARAMETER, INVALID_START)
                continue
            source = GraphSource.build(ctx, op.direction, pairs, options)
            if not source.exists(start):
                continue

            def visit(step: Step, frame: Frame = frame, source: GraphSource = source) -> Any:
                emit = step.depth >= min_depth
                if not emit and prune_fn is None:
                    return None, True
                row = list(frame)
                row[vertex_slot] = source.vertex(step.vertex)
                if edge_slot is not None:
                    row[edge_slot] = step.edge.doc if step.edge is not None else None
                if path_slot is not None:
                    row[path_slot] = path_object(source, step, weights=weighted)
                expand = True
                if prune_fn is not None:
                    value = prune_fn(row)
                    if prune_slot is not None:
                        row[prune_slot] = value
                    expand = not to_bool(value)
                return (row if emit else None), expand

            yield from walk(source, start, max_depth, settings, visit)

    return stage
