"""``python -m mcp_arangodb_async`` runs the command line (same as ``mcp-arangodb-async``)."""

from __future__ import annotations

import sys

from mcp_arangodb_async.cli import main

sys.exit(main())
