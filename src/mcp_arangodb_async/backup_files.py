"""The on-disk backup directory format, shared by collection and graph backups.

``arango_backup`` and the graph backup tools write the same layout (``manifest.json``
plus one ``<collection>.json`` per collection, a JSON array with one document a line)
so that ``arango_restore`` can load either. Keeping the format's reading and writing in
one module means the two tool modules cannot drift apart on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from mcp_arangodb_async.errors import InvalidArguments, NotFound

MANIFEST = "manifest.json"
#: the format arango_backup writes; graph backups add a ``graph`` section
FORMAT = "mcp-arangodb-async/collections"
#: bytes opening and closing a data file's JSON array
ARRAY_START = b"["
ARRAY_END = b"\n]\n"


def batch_bytes(batch: list[Any], written: int) -> bytes:
    """One cursor batch as array lines; ``written`` (documents so far) decides the separator.

    Returns ``b""`` for an empty batch so callers can write unconditionally.
    """
    if not batch:
        return b""
    lines = b",\n".join(orjson.dumps(doc) for doc in batch)
    return (b"\n" if written == 0 else b",\n") + lines


class ArrayWriter:
    """Writes a JSON array one document per line into a ``.partial`` file, renamed at the end.

    A failed backup therefore never leaves a complete-looking but truncated data file.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = target.with_name(target.name + ".partial")
        self.count = 0

    def __enter__(self) -> ArrayWriter:
        self._file = open(self.temporary, "wb")  # noqa: SIM115 - closed in __exit__
        self._file.write(ARRAY_START)
        return self

    def write(self, batch: list[Any]) -> None:
        if not batch:
            return
        self._file.write(batch_bytes(batch, self.count))
        self.count += len(batch)

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self._file.write(ARRAY_END)
        self._file.close()
        if kind is None:
            self.temporary.replace(self.target)
        else:
            self.temporary.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes) -> None:
    """Write via a ``.partial`` file and rename, so readers never see half a file."""
    temporary = target.with_name(target.name + ".partial")
    temporary.write_bytes(data)
    temporary.replace(target)


def new_manifest(database: str, collections: list[dict[str, Any]]) -> dict[str, Any]:
    """The manifest's common fields (callers may add sections, e.g. ``graph``)."""
    return {
        "format": FORMAT,
        "version": 1,
        "database": database,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "collections": collections,
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as written to disk (indented, for people reading the backup)."""
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2)


def load_manifest(
    directory: Path, shown: str, hint: str, missing: tuple[type[OSError], ...]
) -> Any:
    """Parse ``manifest.json``; a missing one is NotFound, broken JSON InvalidArguments.

    ``missing`` lists the OS errors that mean "no backup here"; the caller checks the shape.
    """
    try:
        return orjson.loads((directory / MANIFEST).read_bytes())
    except missing:
        raise NotFound(f"no backup at `{shown}` ({MANIFEST} missing)", hint=hint) from None
    except orjson.JSONDecodeError:
        raise InvalidArguments(f"`{shown}/{MANIFEST}` is not valid JSON", field="path") from None


def data_file(directory: Path, entry: dict[str, Any]) -> Path:
    """The data file a manifest entry names, refusing names that could leave ``directory``."""
    file_name = str(entry.get("file", ""))
    path = directory / file_name
    if "/" in file_name or "\\" in file_name or file_name in ("", ".", "..") or not path.is_file():
        raise InvalidArguments(
            f"backup file `{file_name}` for '{entry.get('collection')}' is missing", field="path"
        )
    return path


def chunks(path: Path, size: int) -> Iterator[tuple[int, bytes]]:
    """JSON Lines chunks of ``size`` documents from a backup file (one document a line).

    Each item is (index of its first document, bytes for ``/_api/import``), so memory
    stays bounded by one batch whatever the file size.
    """
    with open(path, "rb") as source:
        yield from chunk_lines(source, size)


def chunk_lines(source: IO[bytes], size: int) -> Iterator[tuple[int, bytes]]:
    """Like :func:`chunks` over an open file: the array's brackets and commas dropped."""
    lines: list[bytes] = []
    start = index = 0
    for raw in source:
        line = raw.strip()
        if line in (b"[", b"]", b""):
            continue
        if line.endswith(b","):
            line = line[:-1]
        lines.append(line)
        index += 1
        if len(lines) == size:
            yield start, b"\n".join(lines) + b"\n"
            lines, start = [], index
    if lines:
        yield start, b"\n".join(lines) + b"\n"
