"""The whole server state: databases, users, stream transactions, id and revision
clocks, and the journal. No HTTP here (fakeredis's ``FakeServer``)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from arangolite.errors import ArangoError, E
from arangolite.storage.collections import Collection
from arangolite.storage.databases import SYSTEM_COLLECTIONS, Database
from arangolite.storage.journal import Journal, MemoryJournal
from arangolite.storage.keys import RevisionClock
from arangolite.storage.names import is_valid_database_name
from arangolite.storage.transactions import DEFAULT_IDLE_TIMEOUT, TransactionTable
from arangolite.storage.users import User, hash_password

__all__ = ["Engine"]


class Engine:
    def __init__(
        self,
        *,
        root_password: str = "",
        journal: Journal | None = None,
        transaction_idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        self.journal: Journal = journal or MemoryJournal()
        self.revisions = RevisionClock()
        self._ids = itertools.count(int(time.time()) % 1_000_000 * 1000 + 100)
        self.databases: dict[str, Database] = {}
        self.users: dict[str, User] = {}
        #: stream transactions by id (idle ones are aborted after the timeout)
        self.transactions = TransactionTable(idle_timeout=transaction_idle_timeout)
        self.started = time.time()
        self.root_password = root_password

    def bootstrap(self) -> None:
        """Create ``_system`` and ``root`` when they do not exist (fresh data directory)."""
        if "_system" not in self.databases:
            self.create_database("_system")
        if "root" not in self.users:
            self.create_user("root", self.root_password)
            # ArangoDB's createRootUser: _system and the wildcards, all rw
            self.grant("root", "_system", "rw")
            self.grant("root", "_system", "rw", collection="*")
            self.grant("root", "*", "rw")
            self.grant("root", "*", "rw", collection="*")

    def next_id(self) -> str:
        return str(next(self._ids))

    def observe_id(self, value: str) -> None:
        """Keep the id counter ahead of ids read back from disk."""
        if value.isdigit():
            current = next(self._ids)
            self._ids = itertools.count(max(current, int(value) + 1))

    # ------------------------------------------------------------------ databases
    def database(self, name: str) -> Database:
        found = self.databases.get(name)
        if found is None:
            raise ArangoError(E.DATABASE_NOT_FOUND)
        return found

    def create_database(
        self, name: Any, *, id: str | None = None, journal: bool = True
    ) -> Database:
        if not is_valid_database_name(name):
            raise ArangoError(E.DATABASE_NAME_INVALID)
        if name in self.databases:
            raise ArangoError(E.DUPLICATE_NAME, "duplicate database name", status=409)
        db = Database(self, name, id=id or self.next_id())
        self.databases[name] = db
        if journal:
            self.journal.log({"op": "create_database", "name": name, "id": db.id})
            for coll in SYSTEM_COLLECTIONS:
                db.create_collection(coll, is_system=True)
        return db

    def drop_database(self, name: str) -> None:
        if name == "_system":
            raise ArangoError(E.FORBIDDEN, status=403)
        self.transactions.abort_database(self.database(name))
        del self.databases[name]
        for user in self.users.values():
            user.databases.pop(name, None)
            for probe in [k for k in user.collections if k[0] == name]:
                del user.collections[probe]
        self.journal.log({"op": "drop_database", "name": name})

    # ------------------------------------------------------------------ users
    def user(self, name: str) -> User:
        found = self.users.get(name)
        if found is None:
            raise ArangoError(E.USER_NOT_FOUND)
        return found

    def create_user(
        self,
        name: Any,
        password: str = "",
        *,
        active: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> User:
        if not isinstance(name, str) or not name or len(name) > 254:
            raise ArangoError(E.USER_INVALID_NAME)
        if name in self.users:
            raise ArangoError(E.USER_DUPLICATE)
        user = User(name=name, passwd=hash_password(password), active=active, extra=extra or {})
        self.users[name] = user
        self.save_user(user)
        return user

    def save_user(self, user: User) -> None:
        """Journal the user's full current record (users are small)."""
        self.journal.log({"op": "user", "data": user.persisted()})

    def drop_user(self, name: str) -> None:
        if name == "root":
            raise ArangoError(E.FORBIDDEN)
        self.user(name)
        del self.users[name]
        self.journal.log({"op": "drop_user", "name": name})

    def grant(self, name: str, db: str, level: str, *, collection: str | None = None) -> None:
        user = self.user(name)
        if collection is None:
            user.grant_database(db, level)
        else:
            user.grant_collection(db, collection, level)
        self.save_user(user)

    def revoke(self, name: str, db: str, *, collection: str | None = None) -> None:
        """Clear an explicit grant (``DELETE .../database/{db}``), falling back to defaults."""
        user = self.user(name)
        if collection is None:
            user.remove_database(db)
        else:
            user.remove_collection(db, collection)
        self.save_user(user)

    def replace_user(
        self, name: str, password: str, *, active: bool, extra: dict[str, Any]
    ) -> User:
        """``PUT /_api/user/{user}``: a fresh record under the old name; grants reset."""
        user = self.user(name)
        user.set_password(password)
        user.active = active
        user.extra = extra
        user.clear_grants()
        self.save_user(user)
        return user

    def update_user(
        self,
        name: str,
        *,
        password: str | None = None,
        active: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> User:
        """``PATCH /_api/user/{user}``: change only what is given."""
        user = self.user(name)
        if password is not None:
            user.set_password(password)
        if active is not None:
            user.active = active
        if extra is not None:
            user.extra = extra
        self.save_user(user)
        return user

    # ------------------------------------------------------------------ description
    @staticmethod
    def describe_collection(collection: Collection) -> dict[str, Any]:
        """Everything needed to recreate a collection's definition (not its documents)."""
        return {
            "id": collection.id,
            "name": collection.name,
            "type": collection.type,
            "keyOptions": collection.key_generator.to_dict(),
            "waitForSync": collection.wait_for_sync,
            "schema": collection.schema,
            "isSystem": collection.is_system,
            "extra": collection.extra,
            "indexes": [index.persisted() for index in collection.indexes.secondary],
        }
