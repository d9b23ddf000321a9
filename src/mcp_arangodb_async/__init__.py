"""mcp-arangodb-async: a Model Context Protocol server for ArangoDB."""

from __future__ import annotations

__version__ = "0.5.0"
__all__ = ["__version__"]
