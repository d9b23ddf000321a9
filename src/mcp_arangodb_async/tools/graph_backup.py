"""Backup and restore of named graphs, and the integrity check a restore ends with.

A graph backup is a directory in the layout ``arango_backup`` writes (``manifest.json``
and one ``<collection>.json`` per collection, a JSON array with one document a line), so
``arango_restore`` can load its data too; the manifest adds a ``graph`` section with the
edge definitions and orphan collections. Both directions stream: a backup writes each
cursor batch as it arrives (into a temporary directory renamed into place at the end, so
a failed backup never leaves a half-written one behind), and a restore sends
``batch_size`` lines at a time to ``/_api/import`` without parsing them, reporting
progress after each batch. Paths are confined to the backup root (``backup_paths.py``).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from mcp_arangodb_async.backup_files import (
    ARRAY_END,
    ARRAY_START,
    FORMAT,
    MANIFEST,
    batch_bytes,
    chunks,
    data_file,
    load_manifest,
    manifest_bytes,
    new_manifest,
)
from mcp_arangodb_async.backup_paths import resolve_backup_path
from mcp_arangodb_async.errors import ArangoToolError, InvalidArguments, NotFound, hint_for
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.graphs import (
    GraphName,
    collection_names,
    graph_properties,
    query_rows,
    vertex_collections,
)
from mcp_arangodb_async.tools.spec import LISTED, DatabaseArgs, Result, tool

if TYPE_CHECKING:
    from arangoasync.database import StandardDatabase

__all__: list[str] = []

_DUMP = 'FOR d IN @@coll RETURN UNSET(d, "_id", "_rev")'
_ON_DUPLICATE = {"error": "error", "skip": "ignore", "overwrite": "replace"}
_CONFLICT_HINT = "documents with these keys exist: pass conflict skip or overwrite"

BackupPath = Field(default=None, description="Under the backup root", json_schema_extra=LISTED)
BatchSize = Field(default=1000, ge=1, le=10_000)
#: documents per cursor batch while writing a backup
DUMP_BATCH = 1000
Overwrite = Field(default=False, description="Replace an existing backup")


def _stamp() -> str:
    """UTC time plus a random tail: two default-named backups in one second never collide."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(2)


def _target(ctx: ToolContext, path: str, overwrite: bool) -> Path:
    directory = resolve_backup_path(ctx.config, path)
    if directory.exists():
        if not directory.is_dir():
            raise InvalidArguments(f"`{path}` exists and is not a directory", field="path")
        if any(directory.iterdir()) and not overwrite:
            raise InvalidArguments(
                f"`{path}` already exists; pass overwrite: true to replace it", field="path"
            )
    return directory


def _move_into_place(staging: Path, directory: Path) -> None:
    """Swap the finished staging directory in; only then remove what it replaces."""
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{secrets.token_hex(4)}")
        directory.rename(old)
    staging.rename(directory)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


async def _dump(db: StandardDatabase, collection: str, target: Path, batch_size: int) -> int:
    """Stream one collection into ``target``, one cursor batch at a time."""
    cursor = await db.aql.execute(
        _DUMP, bind_vars={"@coll": collection}, batch_size=batch_size, options={"stream": True}
    )
    count = 0
    # file I/O in a worker thread: a slow disk must not stall other sessions
    out = await asyncio.to_thread(open, target, "wb")
    try:
        await asyncio.to_thread(out.write, ARRAY_START)
        while True:
            batch = list(cursor.batch)
            cursor.batch.clear()
            if batch:
                await asyncio.to_thread(out.write, batch_bytes(batch, count))
                count += len(batch)
            if not cursor.has_more:
                break
            await cursor.fetch()
        await asyncio.to_thread(out.write, ARRAY_END)
    finally:
        await asyncio.to_thread(out.close)
    return count


async def _backup_one(
    ctx: ToolContext, db: StandardDatabase, graph: str, directory: Path, batch_size: int
) -> dict[str, int]:
    """Write ``graph`` into the (new, empty) ``directory``; return documents per collection."""
    properties = await graph_properties(db, graph)
    edge_names = [d["collection"] for d in properties.get("edgeDefinitions", [])]
    entries: list[dict[str, Any]] = []
    names = [*vertex_collections(properties), *edge_names]
    for index, name in enumerate(names):
        file_name = f"{name}.json"
        count = await _dump(db, name, directory / file_name, batch_size)
        kind = "edge" if name in edge_names else "document"
        entries.append({"collection": name, "type": kind, "count": count, "file": file_name})
        await ctx.report_progress(index + 1, len(names), f"{graph}: {name} ({count})")
    manifest = new_manifest(ctx.key, entries)
    manifest["graph"] = {
        "name": graph,
        "edge_definitions": [
            {"collection": d["collection"], "from": d["from"], "to": d["to"]}
            for d in properties.get("edgeDefinitions", [])
        ],
        "orphan_collections": list(properties.get("orphanCollections", [])),
    }
    (directory / MANIFEST).write_bytes(manifest_bytes(manifest))
    return {e["collection"]: e["count"] for e in entries}


def _staging(directory: Path) -> Path:
    directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = directory.with_name(f".{directory.name}.partial-{secrets.token_hex(4)}")
    staging.mkdir(mode=0o700)
    return staging


class BackupGraphArgs(DatabaseArgs):
    graph: str = GraphName
    path: str | None = BackupPath
    overwrite: bool = Overwrite


class BackupGraphOut(Result):
    database: str
    graph: str
    path: str
    collections: dict[str, int]
    documents: int


@tool(
    "arango_backup_graph",
    title="Back up a graph",
    category="graphs",
    args=BackupGraphArgs,
    result=BackupGraphOut,
    read_only=True,  # reads the database; writes only files under the backup root
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def backup_graph(ctx: ToolContext, args: BackupGraphArgs) -> BackupGraphOut:
    """Back up a graph and its documents.

    Streamed to a directory under the backup root. The directory holds `manifest.json` (with
    the graph's definition) and one JSON file per collection, in arango_backup's layout. It
    appears only when complete; an existing one is replaced only with `overwrite`.
    """
    directory = _target(ctx, args.path or f"graph-{args.graph}-{_stamp()}", args.overwrite)
    db = await ctx.db()
    await graph_properties(db, args.graph)  # 1924 before any file is written
    staging = _staging(directory)
    try:
        counts = await _backup_one(ctx, db, args.graph, staging, DUMP_BATCH)
        _move_into_place(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupGraphOut(
        database=ctx.key,
        graph=args.graph,
        path=str(directory),
        collections=counts,
        documents=sum(counts.values()),
    )


class BackupNamedGraphsArgs(DatabaseArgs):
    graphs: list[str] | None = Field(default=None, description="Default: all")
    path: str | None = BackupPath
    overwrite: bool = Overwrite


class BackupNamedGraphsOut(Result):
    database: str
    path: str
    graphs: dict[str, int]
    documents: int


@tool(
    "arango_backup_named_graphs",
    title="Back up several graphs",
    category="graphs",
    args=BackupNamedGraphsArgs,
    result=BackupNamedGraphsOut,
    read_only=True,
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def backup_named_graphs(
    ctx: ToolContext, args: BackupNamedGraphsArgs
) -> BackupNamedGraphsOut:
    """Back up several graphs (default: all).

    One subdirectory per graph under `path`, each as arango_backup_graph writes it.
    """
    directory = _target(ctx, args.path or f"graphs-{ctx.key}-{_stamp()}", args.overwrite)
    db = await ctx.db()
    existing = sorted(g.name for g in await db.graphs())
    names = list(dict.fromkeys(args.graphs)) if args.graphs is not None else existing
    missing = [name for name in names if name not in existing]
    if missing:
        raise NotFound(
            f"graphs not found: {', '.join(missing)}", hint="arango_list_graphs lists them"
        )
    staging = _staging(directory)
    try:
        documents: dict[str, int] = {}
        for name in names:
            (staging / name).mkdir(mode=0o700)
            counts = await _backup_one(ctx, db, name, staging / name, DUMP_BATCH)
            documents[name] = sum(counts.values())
        _move_into_place(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupNamedGraphsOut(
        database=ctx.key, path=str(directory), graphs=documents, documents=sum(documents.values())
    )


# ---------------------------------------------------------------- integrity

_INTEGRITY = """
LET bad = (
  FOR e IN @@edges
    LET fc = PARSE_IDENTIFIER(e._from).collection
    LET tc = PARSE_IDENTIFIER(e._to).collection
    LET outside = fc NOT IN @from OR tc NOT IN @to
    LET fm = DOCUMENT(e._from) == null
    LET tm = DOCUMENT(e._to) == null
    FILTER outside OR fm OR tm
    RETURN {edge: e._id, _from: e._from, _to: e._to, outside, fm, tm}
)
LET missing = UNIQUE(FLATTEN(FOR b IN bad RETURN APPEND(b.fm ? [b._from] : [], b.tm ? [b._to] : [])))
LET outside = (FOR b IN bad FILTER b.outside RETURN {edge: b.edge, _from: b._from, _to: b._to})
LET orphaned = (FOR b IN bad FILTER b.fm OR b.tm RETURN {edge: b.edge, _from: b._from, _to: b._to})
RETURN {
  edges: LENGTH(@@edges),
  orphaned_edges: LENGTH(orphaned),
  edges_outside_definitions: LENGTH(outside),
  missing_vertices: LENGTH(missing),
  examples: {
    orphaned_edges: SLICE(orphaned, 0, @n),
    edges_outside_definitions: SLICE(outside, 0, @n),
    missing_vertices: SLICE(missing, 0, @n)
  }
}
"""


class IntegrityOut(Result):
    database: str
    graph: str
    valid: bool
    edges_checked: int
    orphaned_edges: int
    edges_outside_definitions: int
    missing_vertices: int
    collections: list[dict[str, Any]] = Field(description="Per edge collection, with examples")


async def integrity_report(
    db: StandardDatabase, database: str, graph: str, examples: int
) -> IntegrityOut:
    """Check every edge collection of ``graph`` in the database (one query per collection)."""
    properties = await graph_properties(db, graph)
    existing = await collection_names(db)
    per_collection: list[dict[str, Any]] = []
    for definition in properties.get("edgeDefinitions", []):
        name = definition["collection"]
        if name not in existing:
            per_collection.append({"collection": name, "error": "collection does not exist"})
            continue
        bind = {"@edges": name, "from": definition["from"], "to": definition["to"], "n": examples}
        (row,) = await query_rows(db, _INTEGRITY, bind)
        per_collection.append({"collection": name, **row})

    def total(field: str) -> int:
        return sum(int(c.get(field, 0)) for c in per_collection)

    problems = (
        total("orphaned_edges") + total("edges_outside_definitions") + total("missing_vertices")
    )
    return IntegrityOut(
        database=database,
        graph=graph,
        valid=problems == 0 and not any("error" in c for c in per_collection),
        edges_checked=total("edges"),
        orphaned_edges=total("orphaned_edges"),
        edges_outside_definitions=total("edges_outside_definitions"),
        missing_vertices=total("missing_vertices"),
        collections=per_collection,
    )


class IntegrityArgs(DatabaseArgs):
    graph: str = GraphName
    examples: int = Field(default=10, ge=0, le=100, description="Examples per problem")


@tool(
    "arango_validate_graph_integrity",
    title="Validate graph integrity",
    category="graphs",
    args=IntegrityArgs,
    result=IntegrityOut,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=False,
)
async def validate_graph_integrity(ctx: ToolContext, args: IntegrityArgs) -> IntegrityOut:
    """Find a graph's broken edges.

    Finds orphaned edges and edges outside their definitions. Orphaned edges point at a
    vertex that does not exist (the missing vertices are counted once each); edges outside
    their definitions connect collections their edge definition does not list. Each edge collection reports counts and up to `examples` examples.
    """
    db = await ctx.db()
    return await integrity_report(db, ctx.key, args.graph, args.examples)


# ---------------------------------------------------------------- restore


def _read_manifest(directory: Path, shown: str) -> dict[str, Any]:
    manifest = load_manifest(
        directory,
        shown,
        hint="paths are relative to the backup root; arango_backup_graph reports them",
        missing=(FileNotFoundError, NotADirectoryError),
    )
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("graph"), dict)
    ):
        raise InvalidArguments(f"`{shown}` is not a graph backup", field="path")
    return manifest


class RestoreGraphArgs(DatabaseArgs):
    path: str = Field(min_length=1, description="Under the backup root", json_schema_extra=LISTED)
    conflict: Literal["error", "skip", "overwrite"] = Field(
        default="error", description="When a _key exists"
    )
    check_integrity: bool = True
    batch_size: int = BatchSize


class RestoreCount(Result):
    collection: str
    created: int
    updated: int
    ignored: int


class RestoreGraphOut(Result):
    database: str
    graph: str
    created_graph: bool
    collections: list[RestoreCount]
    documents: int
    integrity: dict[str, Any] | None = None


@tool(
    "arango_restore_graph",
    title="Restore a graph",
    category="graphs",
    args=RestoreGraphArgs,
    result=RestoreGraphOut,
    read_only=False,
    destructive=True,  # conflict overwrite replaces existing documents
    idempotent=False,
    open_world=False,
)
async def restore_graph(ctx: ToolContext, args: RestoreGraphArgs) -> RestoreGraphOut:
    """Restore a graph backup, then check integrity.

    Loads in batches and creates the graph if missing. `conflict` decides what happens to
    documents whose _key exists: `error` stops the restore at the first batch holding one
    (batches before it stay written), `skip` keeps the existing documents, `overwrite`
    replaces them. Progress is reported after each batch when the client sent a
    progressToken.
    """
    from arangoasync.exceptions import ArangoServerError  # the driver loads on first connection

    directory = resolve_backup_path(ctx.config, args.path)
    manifest = _read_manifest(directory, args.path)
    graph = manifest["graph"]
    entries = list(manifest.get("collections", []))
    files = [data_file(directory, entry) for entry in entries]  # all present before writing
    db = await ctx.db()
    name = str(graph["name"])
    created = not await db.has_graph(name)
    if created:
        await db.create_graph(
            name,
            edge_definitions=graph.get("edge_definitions", []),
            orphan_collections=graph.get("orphan_collections") or None,
        )
    total = sum(int(entry.get("count", 0)) for entry in entries) or None
    done = 0
    results: list[RestoreCount] = []
    for entry, path in zip(entries, files, strict=True):
        collection = db.collection(entry["collection"])
        counts = RestoreCount(collection=entry["collection"], created=0, updated=0, ignored=0)
        pending = chunks(path, args.batch_size)
        try:
            # reading happens in a worker thread too: the loop keeps serving others
            while (item := await asyncio.to_thread(next, pending, None)) is not None:
                start, chunk = item
                try:
                    reply = await collection.import_bulk(
                        chunk,
                        doc_type="documents",
                        complete=args.conflict == "error",
                        details=False,
                        on_duplicate=_ON_DUPLICATE[args.conflict],
                    )
                except ArangoServerError as exc:
                    raise ArangoToolError(
                        f"restore stopped in '{counts.collection}' at document {start}: "
                        f"{exc.error_message} ({done} documents restored before)",
                        hint=_CONFLICT_HINT if exc.error_code == 1210 else hint_for(exc.error_code),
                        errorNum=exc.error_code,
                        httpStatus=exc.http_code,
                        database=ctx.key,
                    ) from None
                counts.created += int(reply.get("created", 0))
                counts.updated += int(reply.get("updated", 0))
                counts.ignored += int(reply.get("ignored", 0))
                if reply.get("errors"):
                    raise ArangoToolError(
                        f"restore of '{counts.collection}' failed for {reply['errors']} documents "
                        f"from document {start}",
                        database=ctx.key,
                    )
                done += chunk.count(b"\n")
                await ctx.report_progress(done, total, f"{counts.collection}: {done}/{total}")
        finally:
            pending.close()
        results.append(counts)
    integrity = None
    if args.check_integrity:
        report = await integrity_report(db, ctx.key, name, examples=5)
        integrity = report.model_dump(exclude={"database", "graph"})
    return RestoreGraphOut(
        database=ctx.key,
        graph=name,
        created_graph=created,
        collections=results,
        documents=sum(r.created + r.updated for r in results),
        integrity=integrity,
    )
