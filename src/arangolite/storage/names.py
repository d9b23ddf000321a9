"""Name rules for databases and collections (ArangoDB's "traditional" naming)."""

from __future__ import annotations

import re

__all__ = ["is_valid_collection_name", "is_valid_database_name"]

_COLLECTION_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,255}$")
_DATABASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")


def is_valid_collection_name(name: object, *, allow_system: bool = False) -> bool:
    if not isinstance(name, str) or not _COLLECTION_RE.match(name):
        return False
    return allow_system or not name.startswith("_")


def is_valid_database_name(name: object) -> bool:
    return isinstance(name, str) and (name == "_system" or _DATABASE_RE.match(name) is not None)
