"""Users, their grants, and how an effective access level is resolved.

Access levels are ``rw`` > ``ro`` > ``none``; internally ``undefined`` (below
``none``) marks "no grant configured". Grants are kept per database name (or
``*``) and per ``(database, collection)`` pair (either may be ``*``).

Resolution follows ArangoDB 3.12 ("Managing Users" > "Permission Resolution"
and ``auth::User::databaseAuthLevel`` / ``collectionAuthLevel``):

- database ``foo``: its explicit grant, else the higher of the ``*`` grant and
  the ``_system`` grant;
- collection ``bar`` in ``foo``: its explicit grant, else the highest of the
  ``foo/*`` grant, ``foo``'s own grant, the ``_system`` grant, the ``*`` grant
  and the ``*/*`` grant. So ``foo: rw`` with ``foo/*: ro`` still gives ``rw``;
  only an explicit collection grant can lower a collection below its database;
- system collections follow the database level, except ``_system/_users``
  (none), ``_queues`` (ro) and ``_frontend`` (rw).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

from arangolite.errors import ArangoError, E

__all__ = [
    "User",
    "LEVELS",
    "UNDEFINED",
    "hash_password",
    "verify_password",
    "allows",
    "parse_level",
]

LEVELS = ("none", "ro", "rw")
UNDEFINED = "undefined"
_RANK = {UNDEFINED: -1, "none": 0, "ro": 1, "rw": 2}
_SYSTEM = "_system"


def hash_password(password: str) -> dict[str, str]:
    salt = os.urandom(8).hex()
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return {"method": "sha256", "salt": salt, "hash": digest}


def verify_password(stored: dict[str, str], password: str) -> bool:
    digest = hashlib.sha256((stored["salt"] + password).encode()).hexdigest()
    return hmac.compare_digest(digest, stored["hash"])


def stronger(*levels: str) -> str:
    return max(levels, key=_RANK.__getitem__)


def allows(level: str, needed: str) -> bool:
    return _RANK[level] >= _RANK[needed]


def parse_level(value: Any) -> str:
    """A ``grant`` value from a request: ``rw``, ``ro`` or ``none``, else 400."""
    if value == "":
        return "none"
    if value not in LEVELS:
        raise ArangoError(E.BAD_PARAMETER, "expecting access type 'rw', 'ro' or 'none'")
    return str(value)


@dataclass
class User:
    name: str
    passwd: dict[str, str]
    active: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    #: db name or "*" -> level
    databases: dict[str, str] = field(default_factory=dict)
    #: (db name or "*", collection name or "*") -> level
    collections: dict[tuple[str, str], str] = field(default_factory=dict)

    def check_password(self, password: str) -> bool:
        return verify_password(self.passwd, password)

    def set_password(self, password: str) -> None:
        self.passwd = hash_password(password)

    # ------------------------------------------------------------------ grants
    def grant_database(self, db: str, level: str) -> None:
        if not db:
            raise ArangoError(E.BAD_PARAMETER, "Cannot set rights for empty db name")
        if self.name == "root" and db == _SYSTEM and level != "rw":
            raise ArangoError(E.FORBIDDEN, "Cannot lower access level of 'root' to _system")
        self.databases[db] = level

    def remove_database(self, db: str) -> None:
        """Forget everything configured for ``db``, its collection grants included."""
        if self.name == "root" and db == _SYSTEM:
            raise ArangoError(E.FORBIDDEN, "Cannot remove access level of 'root' to _system")
        self.databases.pop(db, None)
        for key in [k for k in self.collections if k[0] == db]:
            del self.collections[key]

    def grant_collection(self, db: str, collection: str, level: str) -> None:
        if not db or not collection:
            raise ArangoError(E.BAD_PARAMETER, "Cannot set rights for empty db / collection name")
        if collection.startswith("_"):
            raise ArangoError(E.BAD_PARAMETER, "Cannot set rights for system collections")
        if self.name == "root" and db == _SYSTEM and collection == "*" and level != "rw":
            raise ArangoError(
                E.FORBIDDEN, "Cannot lower access level of 'root' to  a system collection"
            )
        if db == "*" and collection != "*":
            raise ArangoError(E.BAD_PARAMETER, "Invalid database / collection pair")
        self.collections[(db, collection)] = level

    def remove_collection(self, db: str, collection: str) -> None:
        if self.name == "root" and db == _SYSTEM and collection == "*":
            raise ArangoError(
                E.FORBIDDEN, "Cannot lower access level of 'root' to  a collection in _system"
            )
        self.collections.pop((db, collection), None)

    def clear_grants(self) -> None:
        """Drop every grant (a replaced user starts over); root keeps ``_system``."""
        self.databases.clear()
        self.collections.clear()
        if self.name == "root":
            self.databases[_SYSTEM] = "rw"
            self.collections[(_SYSTEM, "*")] = "rw"

    # ------------------------------------------------------------------ resolution
    def _has_entry(self, db: str) -> bool:
        return db in self.databases or any(key[0] == db for key in self.collections)

    def configured_database_level(self, db: str) -> str:
        return self.databases.get(db, UNDEFINED)

    def configured_collection_level(self, db: str, collection: str) -> str:
        return self.collections.get((db, collection), UNDEFINED)

    def database_level(self, db: str) -> str:
        level = self.configured_database_level(db)
        if level == UNDEFINED and db != "*":
            level = self.databases.get("*", UNDEFINED)
            if db != _SYSTEM:
                level = stronger(level, self.databases.get(_SYSTEM, UNDEFINED))
        return stronger(level, "none")

    def collection_level(self, db: str, collection: str) -> str:
        if not collection or (db == "*" and collection != "*"):
            return "none"
        if collection.startswith("_"):
            if db == _SYSTEM and collection == "_users":
                return "none"
            if collection == "_queues":
                return "ro"
            if collection == "_frontend":
                return "rw"
            return self.database_level(db)
        level = UNDEFINED
        if db != "*":
            if self._has_entry(db):
                explicit = self.collections.get((db, collection))
                if explicit is not None:
                    return explicit
                if collection == "*":
                    return "none"
                level = stronger(
                    self.databases.get(db, UNDEFINED),
                    self.collections.get((db, "*"), UNDEFINED),
                )
            if db != _SYSTEM:
                level = stronger(level, self.databases.get(_SYSTEM, UNDEFINED))
        if self._has_entry("*"):
            level = stronger(
                level,
                self.databases.get("*", UNDEFINED),
                self.collections.get(("*", "*"), UNDEFINED),
            )
        return stronger(level, "none")

    # ------------------------------------------------------------------ shapes
    def public(self) -> dict[str, Any]:
        return {"user": self.name, "active": self.active, "extra": self.extra}

    def persisted(self) -> dict[str, Any]:
        """A snapshot (no shared dicts: a journal may keep the record as is)."""
        return {
            "user": self.name,
            "passwd": dict(self.passwd),
            "active": self.active,
            "extra": self.extra,
            "databases": dict(self.databases),
            "collections": [[db, coll, level] for (db, coll), level in self.collections.items()],
        }

    @classmethod
    def from_persisted(cls, data: dict[str, Any]) -> User:
        return cls(
            name=data["user"],
            passwd=data["passwd"],
            active=data.get("active", True),
            extra=data.get("extra", {}),
            databases=dict(data.get("databases", {})),
            collections={(db, coll): level for db, coll, level in data.get("collections", [])},
        )
