"""The REST API, one module per chapter of ArangoDB's HTTP API.

Each module exports ``routes``; :data:`ROUTES` is their concatenation in a fixed
order, which the server mounts both bare (``_system``) and under ``/_db/{name}``.
"""

from __future__ import annotations

from arangolite.api import (
    admin,
    auth,
    bulk_import,
    collections,
    cursors,
    databases,
    documents,
    graphs,
    indexes,
    queries,
    transactions,
    users,
)
from arangolite.routing import Route

__all__ = ["ROUTES"]

ROUTES: list[Route] = [
    *auth.routes,
    *admin.routes,
    *databases.routes,
    *users.routes,
    *collections.routes,
    *documents.routes,
    *bulk_import.routes,
    *indexes.routes,
    *graphs.routes,
    *transactions.routes,
    *cursors.routes,
    *queries.routes,
]
