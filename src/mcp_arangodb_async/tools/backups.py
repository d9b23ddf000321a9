"""Backup and restore of collections as JSON files inside the backup root.

A backup is a directory holding ``manifest.json`` and one ``<collection>.json`` per
collection. Each data file is a JSON array written one document per line, so it is
plain JSON for any tool, yet both directions stream: ``arango_backup`` writes each
cursor batch as it arrives and ``arango_restore`` reads ``batch_size`` lines at a time
and sends them through ``/_api/import``. Memory stays bounded by one batch, whatever
the collection size. All paths are confined to the backup root (``backup_paths.py``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from mcp_arangodb_async.backup_files import (
    FORMAT,
    MANIFEST,
    ArrayWriter,
    chunks,
    data_file,
    load_manifest,
    manifest_bytes,
    new_manifest,
    write_atomic,
)
from mcp_arangodb_async.backup_paths import resolve_backup_path
from mcp_arangodb_async.errors import InvalidArguments, NotFound
from mcp_arangodb_async.tools.context import ToolContext
from mcp_arangodb_async.tools.spec import LISTED, DatabaseArgs, Result, tool

__all__: list[str] = []

_EDGE = 3
#: ``/_api/import`` onDuplicate for each conflict policy
_ON_DUPLICATE = {"error": "error", "skip": "ignore", "overwrite": "replace", "update": "update"}
#: import detail messages kept per collection in a reply
MAX_DETAILS = 20

_DUMP = "FOR d IN @@coll RETURN d"


class BackupArgs(DatabaseArgs):
    path: str | None = Field(
        default=None, description="Under the backup root", json_schema_extra=LISTED
    )
    collections: list[str] | None = Field(default=None, description="Default: all non-system")
    batch_size: int = Field(default=1000, ge=1, le=10_000)
    overwrite: bool = Field(default=False, description="Replace an existing backup at path")


class CollectionCount(Result):
    collection: str
    type: Literal["document", "edge"]
    count: int
    file: str


class BackupOut(Result):
    database: str
    path: str
    collections: list[CollectionCount]
    documents: int
    seconds: float


@tool(
    "arango_backup",
    title="Back up collections",
    category="backups",
    args=BackupArgs,
    result=BackupOut,
    read_only=True,  # reads the database; writes only files under the backup root
    destructive=False,
    idempotent=False,
    open_world=False,
)
async def backup(ctx: ToolContext, args: BackupArgs) -> BackupOut:
    """Back up collections to JSON files.

    Written to `path` under the backup root (default `<key>-<timestamp>`), streamed batch
    by batch.
    """
    started = time.monotonic()
    db = await ctx.db()
    name = args.path or f"{ctx.key}-{time.strftime('%Y%m%dT%H%M%S')}"
    directory = resolve_backup_path(ctx.config, name)
    if (directory / MANIFEST).exists() and not args.overwrite:
        raise InvalidArguments(
            f"a backup already exists at `{name}`; pass overwrite: true to replace it",
            field="path",
        )
    if directory.exists() and not directory.is_dir():
        raise InvalidArguments(f"`{name}` exists and is not a directory", field="path")
    if args.collections is None:
        names = sorted(c.name for c in await db.collections() if not c.name.startswith("_"))
    else:
        names = list(dict.fromkeys(args.collections))
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    counts: list[CollectionCount] = []
    for index, collection in enumerate(names):
        properties = (await db.collection(collection).properties()).to_dict()
        kind: Literal["document", "edge"] = (
            "edge" if properties.get("type") == _EDGE else "document"
        )
        file_name = f"{collection}.json"
        count = await _dump(db, collection, directory / file_name, args.batch_size)
        counts.append(
            CollectionCount(collection=collection, type=kind, count=count, file=file_name)
        )
        await ctx.report_progress(index + 1, len(names), f"{collection}: {count} documents")
    manifest = new_manifest(ctx.key, [c.model_dump() for c in counts])
    write_atomic(directory / MANIFEST, manifest_bytes(manifest))
    return BackupOut(
        database=ctx.key,
        path=str(directory),
        collections=counts,
        documents=sum(c.count for c in counts),
        seconds=round(time.monotonic() - started, 3),
    )


async def _dump(db: Any, collection: str, target: Path, batch_size: int) -> int:
    """Stream one collection into ``target``, one cursor batch at a time."""
    cursor = await db.aql.execute(
        _DUMP,
        bind_vars={"@coll": collection},
        batch_size=batch_size,
        options={"stream": True},
    )
    with ArrayWriter(target) as out:
        while True:
            out.write(list(cursor.batch))
            cursor.batch.clear()
            if not cursor.has_more:
                break
            await cursor.fetch()
    return out.count


class RestoreArgs(DatabaseArgs):
    path: str = Field(min_length=1, description="Under the backup root", json_schema_extra=LISTED)
    collections: list[str] | None = Field(default=None, description="Default: all in the backup")
    conflict: Literal["error", "skip", "overwrite", "update"] = Field(
        default="error", description="When a _key exists"
    )
    create_collections: bool = Field(default=True, description="Create missing collections")
    batch_size: int = Field(default=1000, ge=1, le=10_000)


class RestoreCount(Result):
    collection: str
    created: int
    updated: int
    ignored: int
    errors: int
    details: list[str] = []


class RestoreOut(Result):
    database: str
    path: str
    collections: list[RestoreCount]
    documents: int
    errors: int
    seconds: float


@tool(
    "arango_restore",
    title="Restore collections",
    category="backups",
    args=RestoreArgs,
    result=RestoreOut,
    read_only=False,
    destructive=True,  # conflict overwrite/update replaces existing documents
    idempotent=False,
    open_world=False,
)
async def restore(ctx: ToolContext, args: RestoreArgs) -> RestoreOut:
    """Restore collections from a backup.

    Loads the backup's JSON files in batches (bulk import) with a `conflict` policy.
    """
    started = time.monotonic()
    directory = resolve_backup_path(ctx.config, args.path)
    manifest = _read_manifest(directory, args.path)
    entries = {e["collection"]: e for e in manifest["collections"]}
    wanted = list(dict.fromkeys(args.collections)) if args.collections else list(entries)
    missing = [c for c in wanted if c not in entries]
    if missing:
        raise InvalidArguments(
            f"not in this backup: {', '.join(missing)} (it holds {', '.join(entries) or 'nothing'})",
            field="collections",
        )
    for name in wanted:  # check every file before writing anything
        data_file(directory, entries[name])
    db = await ctx.db()
    total = sum(int(entries[c].get("count", 0)) for c in wanted)
    done = 0
    results: list[RestoreCount] = []
    for name in wanted:
        entry = entries[name]
        edge = entry.get("type") == "edge"
        if not await db.has_collection(name):
            if not args.create_collections:
                raise NotFound(
                    f"collection '{name}' does not exist",
                    hint="pass create_collections: true, or create it first",
                )
            await db.create_collection(name, col_type=_EDGE if edge else None)
        collection = db.collection(name)
        counts = RestoreCount(collection=name, created=0, updated=0, ignored=0, errors=0)
        for start, chunk in chunks(data_file(directory, entry), args.batch_size):
            reply = await collection.import_bulk(
                chunk,
                doc_type="documents",
                complete=False,
                details=True,
                on_duplicate=_ON_DUPLICATE[args.conflict],
            )
            counts.created += int(reply.get("created", 0))
            counts.updated += int(reply.get("updated", 0))
            counts.ignored += int(reply.get("ignored", 0))
            counts.errors += int(reply.get("errors", 0))
            for detail in reply.get("details") or []:
                if len(counts.details) < MAX_DETAILS:
                    counts.details.append(f"batch from document {start}: {detail}")
            done += chunk.count(b"\n")
            await ctx.report_progress(done, total or None, f"{name}: {done}/{total}")
        results.append(counts)
    return RestoreOut(
        database=ctx.key,
        path=str(directory),
        collections=results,
        documents=sum(r.created + r.updated for r in results),
        errors=sum(r.errors for r in results),
        seconds=round(time.monotonic() - started, 3),
    )


def _read_manifest(directory: Path, shown: str) -> dict[str, Any]:
    manifest = load_manifest(
        directory,
        shown,
        hint="paths are relative to the backup root; arango_backup reports the full path",
        missing=(FileNotFoundError,),
    )
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidArguments(f"`{shown}` is not an arango_backup directory", field="path")
    return manifest
