"""Changing the YAML configuration file safely: locked, atomic, comments and order kept.

The admin CLI edits the same file the server reads (:mod:`config`), so a write must never
leave it half-written or lose what a person wrote in it:

- **One writer at a time.** Edits hold an advisory lock on ``<file>.lock`` (``filelock``)
  from reading the file to renaming the new one into place, so two concurrent
  ``db config`` commands both land, one after the other.
- **Atomic.** The new text goes to a temporary file in the same directory, is flushed
  and ``fsync``-ed, then ``os.replace``-d over the old one (and the directory is
  ``fsync``-ed). A process killed at any moment leaves either the old file or the new
  one, never a mix; a stale temporary file is removed by the next edit.
- **Round-trip.** ruamel.yaml's round-trip mode keeps comments, blank lines, key order
  and quoting; removing or renaming an entry moves the comments that belong to the
  neighbouring entries along with them.
- **Validated both ways.** The existing file must parse and validate before it is
  changed (a file we cannot read is never overwritten), and the new text is validated
  with the server's own loader before it is written — so a password (a field the schema
  forbids) can never be written, nor any file the server would refuse.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mcp_arangodb_async.config import ConfigFile, parse_config_text, user_config_dir
from mcp_arangodb_async.errors import ConfigError

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

__all__ = [
    "LOCK_TIMEOUT",
    "NEW_FILE_HEADER",
    "Document",
    "edit_config",
    "preview_edit",
    "read_document",
    "append_entry",
    "append_key",
    "remove_entry",
    "remove_key",
    "rename_entry",
    "target_path",
]

T = TypeVar("T")

#: seconds to wait for another writer before giving up
LOCK_TIMEOUT = 30.0
NEW_FILE_HEADER = (
    "# Databases of mcp-arangodb-async: one entry per key. Passwords never go here:\n"
    "# password_env names the environment variable that holds one.\n"
    "# Edit by hand or with `mcp-arangodb-async db config add|update|remove`.\n"
)
_TEMP_SUFFIX = ".tmp"
#: test hook: seconds to sleep between writing the temporary file and renaming it, so a
#: test can kill the process at that point (never set outside the test suite)
PAUSE_BEFORE_RENAME_ENV = "_MCP_ARANGODB_ASYNC_TEST_PAUSE_BEFORE_RENAME"


def target_path(cli_path: str | None, environ: Mapping[str, str]) -> Path:
    """The file ``db config`` edits: the one the server would read, or where to create it.

    ``--config-path``, else ``ARANGO_DATABASES_CONFIG_FILE``, else an existing
    ``./config/databases.yaml``, else ``databases.yaml`` in the user config directory.
    """
    explicit = cli_path or environ.get("ARANGO_DATABASES_CONFIG_FILE")
    if explicit:
        return Path(explicit).expanduser()
    local = Path("config") / "databases.yaml"
    if local.is_file():
        return local
    return user_config_dir() / "databases.yaml"


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


@dataclass
class Document:
    """The file as a round-trip tree (``data``), plus what the loader made of it."""

    path: Path
    exists: bool
    data: CommentedMap
    parsed: ConfigFile

    @property
    def databases(self) -> CommentedMap:
        from ruamel.yaml.comments import CommentedMap

        entries = self.data.get("databases")
        if entries is None:
            entries = CommentedMap()
            self.data["databases"] = entries
        return entries

    def dump(self) -> str:
        out = StringIO()
        _yaml().dump(self.data, out)
        text = out.getvalue()
        return NEW_FILE_HEADER + text if not self.exists else text


def read_document(path: Path) -> Document:
    """Read and validate ``path``; a missing file is an empty document."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    if not path.exists():
        return Document(path, False, CommentedMap(), ConfigFile())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    # the loader's message names the line and field; a file it rejects is never rewritten
    try:
        parsed = parse_config_text(text, where=str(path))
    except ConfigError as exc:
        raise ConfigError(f"{exc} (fix the file by hand first; it was not changed)") from None
    try:
        data = _yaml().load(text)
    except YAMLError:  # pragma: no cover - the safe loader accepted it
        raise ConfigError(f"{path}: cannot parse (it was not changed)") from None
    return Document(path, True, data if data is not None else CommentedMap(), parsed)


def edit_config(path: Path, change: Callable[[Document], T]) -> T:
    """Apply ``change`` to the file under its lock and write the result atomically.

    ``change`` mutates ``doc.data`` and returns anything (the CLI returns the actions it
    performed); it raises to abort, leaving the file untouched.
    """
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)
    try:
        with lock:
            _remove_stale_temporaries(path)
            doc = read_document(path)
            result = change(doc)
            text = doc.dump()
            parse_config_text(text, where=f"{path} (after the change)")
            _atomic_write(path, text)
            return result
    except Timeout:
        raise ConfigError(
            f"{path}: another process has held {path.name}.lock for {LOCK_TIMEOUT:.0f} s; try again"
        ) from None


def preview_edit(path: Path, change: Callable[[Document], T]) -> T:
    """What :func:`edit_config` would do, checks included, without writing (no lock)."""
    doc = read_document(path)
    result = change(doc)
    parse_config_text(doc.dump(), where=f"{path} (after the change)")
    return result


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a killed writer (we hold the lock: nobody else writes)."""
    prefix = _temp_prefix(path)
    for stale in path.parent.glob(prefix + "*" + _TEMP_SUFFIX):
        try:
            stale.unlink()
        except OSError:
            pass


def _atomic_write(path: Path, text: str) -> None:
    directory = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=_TEMP_SUFFIX, dir=directory)
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        pause = os.environ.get(PAUSE_BEFORE_RENAME_ENV)
        if pause:
            time.sleep(float(pause))
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- comment moves
# ruamel attaches the lines between two entries (blank lines, the next entry's comments)
# to the last line of the first one, as that line's "post" comment token. Deleting or
# appending an entry therefore has to move that token's following lines along, or the
# next entry's comments would vanish with the removed one, or end up above a new one.


def _end_slot(mapping: Any, key: Any) -> tuple[Any, Any]:
    """The (mapping, key) on whose line the block of ``mapping[key]`` ends."""
    from ruamel.yaml.comments import CommentedMap

    value = mapping[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        return _end_slot(value, next(reversed(value)))
    return mapping, key


def _post_token(slot: tuple[Any, Any]) -> Any:
    items = slot[0].ca.items.get(slot[1])
    return items[2] if items and len(items) > 2 else None


def _set_post_token(slot: tuple[Any, Any], token: Any) -> None:
    items = slot[0].ca.items.setdefault(slot[1], [None, None, None, None])
    while len(items) < 4:
        items.append(None)
    items[2] = token


def _split(value: str) -> tuple[str, str]:
    """A post comment's text: (its end-of-line comment, the lines after it)."""
    head, _, tail = value.partition("\n")
    return head, tail


def _detach_tail(slot: tuple[Any, Any]) -> tuple[Any, str]:
    """Cut the following lines off the post comment at ``slot``; (token, those lines)."""
    token = _post_token(slot)
    if token is None:
        return None, ""
    head, tail = _split(token.value)
    if head:
        token.value = head + "\n"
    else:
        slot[0].ca.items[slot[1]][2] = None
    return token, tail


def _attach_tail(slot: tuple[Any, Any], tail: str, template: Any) -> None:
    """Append ``tail`` (lines) after the line at ``slot``."""
    import copy

    if not tail:
        return
    token = _post_token(slot)
    if token is not None:
        head, _ = _split(token.value)
        token.value = f"{head}\n{tail}"
        return
    token = copy.copy(template)
    token.value = "\n" + tail
    _set_post_token(slot, token)


def append_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Add ``mapping[key]`` last, above the comment lines that followed the old last item."""
    template, tail = (None, "")
    if mapping:
        template, tail = _detach_tail(_end_slot(mapping, next(reversed(mapping))))
    mapping[key] = value
    if tail:
        _attach_tail(_end_slot(mapping, key), tail, template)


def remove_key(mapping: CommentedMap, key: str) -> None:
    """Delete ``mapping[key]`` (not the first key), keeping the lines that follow it.

    The lines before ``key`` (its own comments) end the previous item: they go; the lines
    after it (the next item's comments) take their place.
    """
    keys = list(mapping)
    index = keys.index(key)
    if index == 0:
        raise ValueError("remove_key cannot remove the first key")
    template, tail = _detach_tail(_end_slot(mapping, key))
    previous = _end_slot(mapping, keys[index - 1])
    _detach_tail(previous)
    _attach_tail(previous, tail, template)
    del mapping[key]


def append_entry(document: CommentedMap, key: str, entry: Any) -> None:
    """Add ``databases[key]`` at the end, above the comments that follow the last entry."""
    from ruamel.yaml.comments import CommentedMap

    databases = document.get("databases")
    if databases:
        append_key(databases, key, entry)
        return
    # no entries yet: the lines after `databases:` hang on that key
    template, tail = (
        _detach_tail((document, "databases")) if "databases" in document else (None, "")
    )
    databases = CommentedMap()
    document["databases"] = databases
    databases[key] = entry
    if tail:
        _attach_tail(_end_slot(databases, key), tail, template)


def remove_entry(document: CommentedMap, key: str) -> None:
    """Delete ``databases[key]``, keeping the comments that belong to its neighbours."""
    from ruamel.yaml.comments import CommentedMap

    databases = document["databases"]
    keys = list(databases)
    if keys.index(key) > 0:
        remove_key(databases, key)
        return
    template, removed_tail = _detach_tail(_end_slot(databases, key))
    # the first entry's leading comments hang on the mapping (a list shared with its key)
    lines = [line.strip() for line in removed_tail.splitlines()]
    text = "\n".join(lines).strip("\n")
    before = databases.ca.comment
    preamble = before[1] if before and len(before) > 1 and before[1] else None
    if len(keys) > 1 and text:
        if preamble is not None:
            preamble[0].value = text + "\n"
            del preamble[1:]
        elif template is not None:
            import copy

            token = copy.copy(template)
            token.value = text + "\n"
            databases.ca.comment = [None, [token]]
            items = document.ca.items.setdefault("databases", [None, None, None, None])
            items[3] = databases.ca.comment[1]
    elif preamble is not None:
        preamble.clear()
    if len(keys) == 1:
        document["databases"] = CommentedMap()
        if removed_tail and template is not None:
            _attach_tail((document, "databases"), removed_tail, template)
        return
    del databases[key]


def rename_entry(databases: CommentedMap, old: str, new: str) -> None:
    """Rename ``old`` to ``new`` in place (same position, same comments)."""
    position = list(databases).index(old)
    value = databases[old]
    comment = databases.ca.items.pop(old, None)
    del databases[old]
    databases.insert(position, new, value)
    if comment is not None:
        databases.ca.items[new] = comment
