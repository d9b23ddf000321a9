"""Users and their permissions, and how an effective access level is computed.

Access levels are ``rw`` > ``ro`` > ``none``. A user's level for a database is
its explicit grant, else its grant for ``*``, else ``none``. For a collection it
is the explicit collection grant, else the database's ``*`` collection grant,
else the ``*`` database's ``*`` collection grant, else the database level —
ArangoDB's fall-back order.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

__all__ = ["User", "LEVELS", "hash_password", "verify_password"]

LEVELS = ("none", "ro", "rw")
_RANK = {"none": 0, "ro": 1, "rw": 2}


def hash_password(password: str) -> dict[str, str]:
    salt = os.urandom(8).hex()
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return {"method": "sha256", "salt": salt, "hash": digest}


def verify_password(stored: dict[str, str], password: str) -> bool:
    digest = hashlib.sha256((stored["salt"] + password).encode()).hexdigest()
    return hmac.compare_digest(digest, stored["hash"])


def stronger(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def allows(level: str, needed: str) -> bool:
    return _RANK[level] >= _RANK[needed]


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

    def database_level(self, db: str) -> str:
        if db in self.databases:
            return self.databases[db]
        return self.databases.get("*", "none")

    def collection_level(self, db: str, collection: str) -> str:
        for probe in ((db, collection), (db, "*"), ("*", "*")):
            if probe in self.collections:
                return self.collections[probe]
        return self.database_level(db)

    def public(self) -> dict[str, Any]:
        return {"user": self.name, "active": self.active, "extra": self.extra}

    def persisted(self) -> dict[str, Any]:
        return {
            "user": self.name,
            "passwd": self.passwd,
            "active": self.active,
            "extra": self.extra,
            "databases": self.databases,
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
