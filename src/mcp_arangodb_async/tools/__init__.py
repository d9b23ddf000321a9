"""The MCP tools, one module per category, collected by ``tools.registry``.

Import ``REGISTRY`` from ``mcp_arangodb_async.tools.registry``; the category modules only
declare tools (``@tool`` in ``tools.spec``) and never import the registry.
"""

from __future__ import annotations
