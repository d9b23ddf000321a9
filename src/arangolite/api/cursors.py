"""REST API: cursors (filled in by its issue)."""

from __future__ import annotations

from arangolite.routing import Route

routes: list[Route] = []
