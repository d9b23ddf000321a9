"""Backup files stay inside one directory: the configured backup root.

Backup and restore tools take paths from an agent, so every path is confined to the
root (DESIGN.md §10): ``..`` components are refused outright, an absolute path must lie
inside the root, and the path is resolved with symlinks followed, so a link that points
out of the root is refused too. The root is ``backup_dir`` from the configuration file,
``MCP_ARANGO_BACKUP_DIR``, or ``backups`` in the user data directory.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from mcp_arangodb_async.errors import InvalidArguments

if TYPE_CHECKING:
    from mcp_arangodb_async.config import Config

__all__ = ["backup_root", "default_backup_root", "resolve_backup_path"]


def default_backup_root() -> Path:
    """``backups`` in the user data directory: private to the user, outside any checkout."""
    import platformdirs

    from mcp_arangodb_async.config import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME)) / "backups"


def backup_root(config: Config) -> Path:
    """The configured root (created on first use, private to the user), symlinks resolved."""
    root = config.backup_dir if config.backup_dir is not None else default_backup_root()
    root = root.expanduser()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root.resolve()


def resolve_backup_path(config: Config, path: str, *, field: str = "path") -> Path:
    """``path`` (relative to the root, or absolute inside it) as a resolved absolute path.

    Raises ``InvalidArguments`` naming ``field`` when the path would leave the root.
    """
    root = backup_root(config)
    if not path or "\x00" in path:
        raise InvalidArguments(f"`{field}` must be a non-empty path", field=field)
    pure = PurePath(path)
    if ".." in pure.parts:
        raise InvalidArguments(
            f"`{field}` must not contain '..' (paths stay inside the backup root {root})",
            field=field,
        )
    candidate = Path(path).expanduser() if pure.is_absolute() else root / pure
    resolved = candidate.resolve()  # follows symlinks, also of not-yet-existing parents
    if _inside(resolved, root):
        return resolved
    if pure.is_absolute() and not _inside(candidate.absolute(), root):
        raise InvalidArguments(
            f"`{field}` is outside the backup root {root}; give a path relative to it",
            field=field,
        )
    raise InvalidArguments(
        f"`{field}` leads outside the backup root {root} through a symbolic link",
        field=field,
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)
