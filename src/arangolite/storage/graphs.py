"""Named graphs: definitions kept as documents in each database's ``_graphs``
collection, and the graph-aware document operations of the gharial API.

Why documents and not engine state: a graph definition is then durable through
the same journal as every other document, survives restarts with no extra
format, and AQL's ``GRAPH 'name'`` traversals read exactly what ArangoDB
stores (:func:`graph_definition`).

The stored shape follows ArangoDB's ``Graph::toPersistence``::

    {"_key": name, "numberOfShards": 1, "replicationFactor": 1,
     "minReplicationFactor": 1, "writeConcern": 1, "isSmart": false,
     "isDisjoint": false, "isSatellite": false,
     "edgeDefinitions": [{"collection": e, "from": [...], "to": [...]}],
     "orphanCollections": [...]}

Edge definitions come out sorted by edge collection, their ``from``/``to`` lists
and the orphan list sorted and de-duplicated, as ArangoDB's ordered sets do.
The rules (which check comes first, which errorNum) mirror ArangoDB 3.12's
``GraphManager`` and ``GraphOperations``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E
from arangolite.storage.collections import DOCUMENT, EDGE, Collection, WriteResult
from arangolite.storage.keys import is_valid_key

if TYPE_CHECKING:
    from arangolite.storage.databases import Database
    from arangolite.storage.transactions import Transaction

__all__ = [
    "GRAPHS_COLLECTION",
    "EdgeDefinition",
    "Graph",
    "graph_definition",
    "list_graphs",
    "load_graph",
    "create_graph",
    "drop_graph",
    "add_vertex_collection",
    "remove_vertex_collection",
    "add_edge_definition",
    "replace_edge_definition",
    "remove_edge_definition",
    "vertex_collection",
    "edge_collection",
    "validate_edge",
    "cascade_edge_collections",
    "remove_with_edges",
]

GRAPHS_COLLECTION = "_graphs"


# ---------------------------------------------------------------------- model
@dataclass(frozen=True)
class EdgeDefinition:
    """One relation: edges in ``collection`` go from ``sources`` to ``targets``."""

    collection: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]

    @classmethod
    def parse(cls, value: Any) -> EdgeDefinition:
        """Validate user input the way ``EdgeDefinition::createFromVelocypack`` does."""
        if not isinstance(value, dict):
            raise ArangoError(E.GRAPH_CREATE_MALFORMED_EDGE_DEFINITION)
        for attribute in ("collection", "from", "to"):
            if attribute not in value:
                # ArangoDB answers 500 here (1941 has no status mapping); bad input
                # is a client error, so we keep its errorNum and text but say 400
                raise ArangoError(
                    E.GRAPH_INTERNAL_DATA_CORRUPT,
                    f"Attribute '{attribute}' missing in edge definition!",
                    status=400,
                )
        if not isinstance(value["collection"], str):
            raise ArangoError(
                E.GRAPH_INTERNAL_DATA_CORRUPT, "edge definition is not a string!", status=400
            )
        lists: dict[str, tuple[str, ...]] = {}
        for attribute in ("from", "to"):
            names = value[attribute]
            if not isinstance(names, list):
                raise ArangoError(
                    E.GRAPH_INTERNAL_DATA_CORRUPT,
                    f"Edge definition '{attribute}' is not an array!",
                    status=400,
                )
            if not all(isinstance(name, str) for name in names):
                raise ArangoError(
                    E.GRAPH_INTERNAL_DATA_CORRUPT,
                    f"Edge definition '{attribute}' does not only contain strings!",
                    status=400,
                )
            lists[attribute] = tuple(sorted(set(names)))
        if not lists["from"] or not lists["to"]:
            raise ArangoError(E.GRAPH_CREATE_MALFORMED_EDGE_DEFINITION)
        return cls(value["collection"], lists["from"], lists["to"])

    @property
    def vertex_collections(self) -> set[str]:
        return set(self.sources) | set(self.targets)

    def to_dict(self) -> dict[str, Any]:
        return {"collection": self.collection, "from": list(self.sources), "to": list(self.targets)}


@dataclass
class Graph:
    """A graph definition in memory; :meth:`document` is what ``_graphs`` stores."""

    name: str
    edge_definitions: dict[str, EdgeDefinition] = field(default_factory=dict)
    orphans: set[str] = field(default_factory=set)
    number_of_shards: int = 1
    replication_factor: int = 1
    write_concern: int = 1
    rev: str | None = None

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Graph:
        graph = cls(
            name=doc["_key"],
            number_of_shards=_number(doc.get("numberOfShards"), 1),
            replication_factor=_number(doc.get("replicationFactor"), 1),
            write_concern=_number(doc.get("writeConcern", doc.get("minReplicationFactor")), 1),
            rev=doc.get("_rev"),
        )
        for raw in doc.get("edgeDefinitions") or []:
            graph.add_edge_definition(EdgeDefinition.parse(raw))
        vertices = graph.vertex_collections
        graph.orphans = {
            name
            for name in doc.get("orphanCollections") or []
            if isinstance(name, str) and name not in vertices
        }
        return graph

    @classmethod
    def from_input(cls, name: str, body: dict[str, Any]) -> Graph:
        """Build a new graph from a ``POST /_api/gharial`` body (``Graph::fromUserInput``)."""
        if not name:
            raise ArangoError(E.GRAPH_CREATE_MISSING_NAME)
        graph = cls(name=name)
        if "edgeDefinitions" in body:
            definitions = body["edgeDefinitions"]
            if not isinstance(definitions, list):
                raise ArangoError(
                    E.GRAPH_INVALID_GRAPH,
                    "'edgeDefinitions' are not an array in the graph definition",
                )
            for raw in definitions:
                graph.add_edge_definition(EdgeDefinition.parse(raw))
        if "orphanCollections" in body:
            orphans = body["orphanCollections"]
            if not isinstance(orphans, list):
                raise ArangoError(
                    E.GRAPH_INVALID_GRAPH,
                    "'orphanCollections' are not an array in the graph definition",
                )
            for orphan in orphans:
                if not isinstance(orphan, str):
                    raise ArangoError(
                        E.GRAPH_CREATE_MALFORMED_ORPHAN_LIST, "orphan collection is not a string!"
                    )
                # an orphan already used by an edge definition is silently skipped
                if orphan not in graph.vertex_collections:
                    graph.add_orphan(orphan)
        options = body.get("options")
        if isinstance(options, dict):
            graph.number_of_shards = _number(options.get("numberOfShards"), 1)
            graph.replication_factor = _number(options.get("replicationFactor"), 1)
            if graph.replication_factor < 1:
                raise ArangoError(E.BAD_PARAMETER, "replicationFactor must be greater than zero")
            graph.write_concern = _number(
                options.get("writeConcern", options.get("minReplicationFactor")), 1
            )
        return graph

    # ------------------------------------------------------------------ structure
    @property
    def edge_collections(self) -> set[str]:
        return set(self.edge_definitions)

    @property
    def vertex_collections(self) -> set[str]:
        """Every vertex collection: those of the edge definitions plus the orphans."""
        names = set(self.orphans)
        for definition in self.edge_definitions.values():
            names |= definition.vertex_collections
        return names

    def uses(self, collection: str) -> bool:
        """Whether ``collection`` appears anywhere in this graph."""
        return collection in self.edge_definitions or collection in self.vertex_collections

    def add_edge_definition(self, definition: EdgeDefinition) -> None:
        if definition.collection in self.edge_definitions:
            raise ArangoError(
                E.GRAPH_COLLECTION_MULTI_USE,
                f"{definition.collection} multi use of edge collection in edge def",
            )
        self.edge_definitions[definition.collection] = definition
        # orphans used by the new relation are promoted to ordinary vertex collections
        self.orphans -= definition.vertex_collections

    def remove_edge_definition(self, name: str) -> None:
        """Drop a relation; its vertex collections no longer used become orphans."""
        old = self.edge_definitions.pop(name)
        still_used: set[str] = set()
        for definition in self.edge_definitions.values():
            still_used |= definition.vertex_collections
        self.orphans |= old.vertex_collections - still_used

    def replace_edge_definition(self, definition: EdgeDefinition) -> None:
        self.remove_edge_definition(definition.collection)
        self.add_edge_definition(definition)

    def add_orphan(self, name: str) -> None:
        if name in self.vertex_collections:
            if name in self.orphans:
                raise ArangoError(E.GRAPH_COLLECTION_USED_IN_ORPHANS)
            raise ArangoError(
                E.GRAPH_COLLECTION_USED_IN_EDGE_DEF, f"{name} collection already used in edge def"
            )
        self.orphans.add(name)

    # ------------------------------------------------------------------ writing
    def document(self) -> dict[str, Any]:
        return {
            "_key": self.name,
            "numberOfShards": self.number_of_shards,
            "replicationFactor": self.replication_factor,
            "minReplicationFactor": self.write_concern,
            "writeConcern": self.write_concern,
            "isSmart": False,
            "isDisjoint": False,
            "isSatellite": False,
            "edgeDefinitions": [
                self.edge_definitions[name].to_dict() for name in sorted(self.edge_definitions)
            ],
            "orphanCollections": sorted(self.orphans),
        }

    def to_client(self) -> dict[str, Any]:
        """The ``graph`` object of gharial replies (``Graph::graphForClient``)."""
        out = self.document()
        out["_rev"] = self.rev
        out["_id"] = f"{GRAPHS_COLLECTION}/{self.name}"
        out["name"] = self.name
        return out


def _number(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


# ---------------------------------------------------------------------- _graphs access
def _graphs(db: Database) -> Collection:
    found = db.find(GRAPHS_COLLECTION)
    if found is None:
        raise ArangoError(E.GRAPH_NO_GRAPH_COLLECTION)
    return found


def _not_found(name: str) -> ArangoError:
    return ArangoError(E.GRAPH_NOT_FOUND, f"graph '{name}' not found")


def graph_definition(db: Database, name: str) -> dict[str, Any]:
    """The stored ``_graphs`` document of graph ``name`` (for AQL), else 1924."""
    doc = _graphs(db).get(name) if is_valid_key(name) else None
    if doc is None:
        raise _not_found(name)
    return doc


def load_graph(db: Database, name: str) -> Graph:
    return Graph.from_document(graph_definition(db, name))


def _all_graphs(db: Database) -> list[Graph]:
    return [Graph.from_document(doc) for doc in _graphs(db).iter_docs()]


def list_graphs(db: Database) -> list[dict[str, Any]]:
    """Every graph as ``GET /_api/gharial`` lists it: the stored document plus ``name``."""
    out = []
    for doc in _graphs(db).iter_docs():
        out.append({**doc, "name": doc["_key"]})
    return out


def _store(db: Database, graph: Graph) -> Graph:
    graphs = _graphs(db)
    if graph.rev is None:
        result = graphs.insert(graph.document())
    else:
        result = graphs.replace(graph.name, graph.document())
    graph.rev = result.rev
    return graph


# ---------------------------------------------------------------------- collections
def _ensure_collections(db: Database, graph: Graph, *, wait_for_sync: bool) -> None:
    """Create the graph's missing collections with the right type (``ensureCollections``).

    Every existing collection is validated before anything is created, so a
    failing request leaves the database unchanged.
    """
    missing_edges = []
    for name in sorted(graph.edge_collections):
        existing = db.find(name)
        if existing is None:
            missing_edges.append(name)
        elif not existing.is_edge:
            raise ArangoError(
                E.GRAPH_EDGE_DEFINITION_IS_DOCUMENT,
                f"Collection: '{existing.name}' is not an EdgeCollection",
            )
    missing_vertices = [
        name
        for name in sorted(graph.vertex_collections)
        if name not in missing_edges and db.find(name) is None
    ]
    for name in missing_vertices:
        db.create_collection(name, type=DOCUMENT, wait_for_sync=wait_for_sync)
    for name in missing_edges:
        db.create_collection(name, type=EDGE, wait_for_sync=wait_for_sync)


def _conflicting_definition(db: Database, graph: Graph, names: Iterable[str]) -> None:
    """An edge collection shared with another graph must have the same from/to (1921)."""
    wanted = {name: graph.edge_definitions[name] for name in names}
    for other in _all_graphs(db):
        if other.name == graph.name:
            continue
        for name, definition in other.edge_definitions.items():
            if name in wanted and wanted[name] != definition:
                raise ArangoError(
                    E.GRAPH_COLLECTION_USE_IN_MULTI_GRAPHS,
                    f"{name} edge collection already used in edge def",
                )


def _droppable(db: Database, names: Iterable[str], *, keep_for: str | None) -> list[str]:
    """The collections of ``names`` that exist and no graph other than ``keep_for`` uses."""
    others = [g for g in _all_graphs(db) if g.name != keep_for]
    return [
        name
        for name in sorted(set(names))
        if db.find(name) is not None and not any(g.uses(name) for g in others)
    ]


def _drop(db: Database, names: Iterable[str]) -> None:
    for name in names:
        if db.find(name) is not None:
            db.drop_collection(name, allow_system=True)


# ---------------------------------------------------------------------- management
def create_graph(db: Database, body: dict[str, Any], *, wait_for_sync: bool = False) -> Graph:
    name = body.get("name")
    if not isinstance(name, str):
        raise ArangoError(E.GRAPH_CREATE_MISSING_NAME)
    if name and is_valid_key(name) and _graphs(db).get(name) is not None:
        raise ArangoError(E.GRAPH_DUPLICATE)
    graph = Graph.from_input(name, body)
    if not is_valid_key(name):
        raise ArangoError(E.DOCUMENT_KEY_BAD)
    _conflicting_definition(db, graph, graph.edge_definitions)
    _ensure_collections(db, graph, wait_for_sync=wait_for_sync)
    return _store(db, graph)


def drop_graph(db: Database, name: str, *, drop_collections: bool = False) -> list[str]:
    """Remove the definition; with ``drop_collections`` also every collection of the
    graph that no other graph uses. Returns the dropped collection names."""
    graph = load_graph(db, name)
    doomed: list[str] = []
    if drop_collections:
        doomed = _droppable(
            db, graph.vertex_collections | graph.edge_collections, keep_for=graph.name
        )
    _graphs(db).remove(graph.name)
    _drop(db, doomed)
    return doomed


def add_vertex_collection(
    db: Database,
    name: str,
    body: dict[str, Any],
    *,
    create_collection: bool = True,
    wait_for_sync: bool = False,
) -> Graph:
    """Add an orphan collection (``POST /_api/gharial/{graph}/vertex``)."""
    graph = load_graph(db, name)
    collection = body.get("collection")
    if not isinstance(collection, str) or not collection:
        raise ArangoError(E.BAD_PARAMETER, "'collection' must be a non-empty string")
    graph.add_orphan(collection)
    existing = db.find(collection)
    if existing is None:
        if not create_collection:
            raise ArangoError(
                E.GRAPH_VERTEX_COL_DOES_NOT_EXIST,
                f"{collection} vertex collection does not exist or is not part of the graph",
            )
        _ensure_collections(db, graph, wait_for_sync=wait_for_sync)
    elif existing.is_edge:
        raise ArangoError(E.GRAPH_WRONG_COLLECTION_TYPE_VERTEX)
    return _store(db, graph)


def remove_vertex_collection(
    db: Database, name: str, collection: str, *, drop_collection: bool = False
) -> Graph:
    """Remove an orphan collection; only orphans can be removed (1928)."""
    graph = load_graph(db, name)
    if collection not in graph.orphans:
        raise ArangoError(E.GRAPH_NOT_IN_ORPHAN_COLLECTION)
    graph.orphans.discard(collection)
    _store(db, graph)
    if drop_collection:
        _drop(db, _droppable(db, [collection], keep_for=None))
    return graph


def add_edge_definition(
    db: Database, name: str, body: Any, *, wait_for_sync: bool = False
) -> Graph:
    graph = load_graph(db, name)
    definition = EdgeDefinition.parse(body)
    graph.add_edge_definition(definition)
    _conflicting_definition(db, graph, [definition.collection])
    _ensure_collections(db, graph, wait_for_sync=wait_for_sync)
    return _store(db, graph)


def replace_edge_definition(
    db: Database, name: str, edge_collection: str, body: Any, *, wait_for_sync: bool = False
) -> Graph:
    """Replace a relation, in *every* graph that has it (as ArangoDB does)."""
    graph = load_graph(db, name)
    definition = EdgeDefinition.parse(body)
    if edge_collection not in graph.edge_definitions:
        raise ArangoError(E.GRAPH_EDGE_COLLECTION_NOT_USED)
    if definition.collection not in graph.edge_definitions:
        raise ArangoError(E.GRAPH_EDGE_COLLECTION_NOT_USED)
    changed = []
    for other in _all_graphs(db):
        if definition.collection in other.edge_definitions:
            other.replace_edge_definition(definition)
            changed.append(other)
    for other in changed:
        _ensure_collections(db, other, wait_for_sync=wait_for_sync)
    for other in changed:
        _store(db, other)
    return load_graph(db, name)


def remove_edge_definition(
    db: Database, name: str, edge_collection: str, *, drop_collections: bool = False
) -> Graph:
    graph = load_graph(db, name)
    if edge_collection not in graph.edge_definitions:
        raise ArangoError(E.GRAPH_EDGE_COLLECTION_NOT_USED)
    graph.remove_edge_definition(edge_collection)
    _store(db, graph)
    if drop_collections:
        _drop(db, _droppable(db, [edge_collection], keep_for=graph.name))
    return graph


# ---------------------------------------------------------------------- documents
def vertex_collection(db: Database, graph: Graph, name: str) -> Collection:
    """The vertex collection ``name`` of ``graph``: 1949 when the graph does not use
    it, 1926 when it does but the collection does not exist."""
    if name not in graph.vertex_collections:
        raise ArangoError(E.GRAPH_COLLECTION_NOT_PART_OF_THE_GRAPH)
    return _existing_vertex_collection(db, name)


def _existing_vertex_collection(db: Database, name: str) -> Collection:
    found = db.find(name)
    if found is None:
        raise ArangoError(
            E.GRAPH_VERTEX_COL_DOES_NOT_EXIST,
            f"{name} vertex collection does not exist or is not part of the graph",
        )
    return found


def edge_collection(db: Database, graph: Graph, name: str) -> Collection:
    """The edge collection ``name`` of ``graph``, else 1930."""
    if name not in graph.edge_definitions:
        raise ArangoError(E.GRAPH_EDGE_COLLECTION_NOT_USED)
    return db.collection(name)


def validate_edge(
    db: Database,
    graph: Graph,
    body: dict[str, Any],
    *,
    partial: bool = False,
    trx: Transaction | None = None,
) -> None:
    """Check an edge's ``_from``/``_to`` against the graph (``validateEdgeContent``).

    Both must name collections of the graph (1947 otherwise) that exist (1926)
    and vertices that exist (1202). For a partial update only the attributes
    present are checked, and only their collections.
    """
    sources = {attr: body.get(attr) for attr in ("_from", "_to")}
    complete = all(isinstance(value, str) for value in sources.values())
    if not complete and not partial:
        raise ArangoError(E.INVALID_EDGE_ATTRIBUTE)
    targets: list[tuple[Collection, str]] = []
    for attribute, value in sources.items():
        if not isinstance(value, str):
            continue
        collection_name, slash, key = value.partition("/")
        if not slash:
            raise ArangoError(E.INVALID_EDGE_ATTRIBUTE)
        if collection_name not in graph.vertex_collections:
            raise ArangoError(
                E.GRAPH_REFERENCED_VERTEX_COLLECTION_NOT_USED,
                f"referenced {attribute} collection '{collection_name}' is not part of the graph",
            )
        targets.append((_existing_vertex_collection(db, collection_name), key))
    if complete:
        for collection, key in targets:
            if not is_valid_key(key) or collection.get_raw(key, trx) is None:
                raise ArangoError(E.DOCUMENT_NOT_FOUND)


def cascade_edge_collections(db: Database, graph: Graph, collection: str) -> list[Collection]:
    """Edge collections whose edges may point at documents of ``collection``: all of
    ``graph``'s, plus those of any graph relating ``collection``."""
    names = set(graph.edge_definitions)
    for other in _all_graphs(db):
        for name, definition in other.edge_definitions.items():
            if collection in definition.vertex_collections:
                names.add(name)
    return [found for name in sorted(names) if (found := db.find(name)) is not None]


def remove_with_edges(
    db: Database,
    graph: Graph,
    collection: Collection,
    key: str,
    *,
    expected_rev: str | None = None,
    trx: Transaction | None = None,
) -> WriteResult:
    """Remove a vertex (or edge) and every edge that starts or ends at it."""
    result = collection.remove(key, expected_rev=expected_rev, trx=trx)
    document_id = f"{collection.name}/{key}"
    for edges in cascade_edge_collections(db, graph, collection.name):
        for edge_key in _edges_touching(edges, document_id, trx):
            if edges.get_raw(edge_key, trx) is not None:
                edges.remove(edge_key, trx=trx)
    return result


def _edges_touching(edges: Collection, document_id: str, trx: Transaction | None) -> list[str]:
    index = edges.indexes.edge
    if trx is None and index is not None:
        return sorted(set(index.outbound(document_id)) | set(index.inbound(document_id)))
    return [
        doc["_key"]
        for doc in edges.iter_docs(trx)
        if doc.get("_from") == document_id or doc.get("_to") == document_id
    ]
