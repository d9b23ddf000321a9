"""How much ``tools/list`` costs a client, per workflow and stage (issue 7).

Builds the reply the server sends a session in each workflow (and each workflow in each
stage) through the same registry code path as ``tools/list``, serialises it as the wire
JSON (compact), and prints bytes and bytes/4 (a rough token count). Targets: baseline
<= 1,500 tokens; every workflow other than ``full`` <= 40% of the full catalogue. Exits 1
when a target is missed.

    .venv/bin/python bench/tool_tokens.py
"""

from __future__ import annotations

import sys

import mcp_types as types

from mcp_arangodb_async.config import Config, DatabaseEntry
from mcp_arangodb_async.results import dumps
from mcp_arangodb_async.sessions import SessionState
from mcp_arangodb_async.tools.registry import REGISTRY
from mcp_arangodb_async.workflows import STAGE_ORDER, WORKFLOWS

BASELINE_TOKENS = 1500
WORKFLOW_SHARE = 0.40
CONFIG = Config(databases={"main": DatabaseEntry(url="http://127.0.0.1:8529")})


def listing(workflow: str, stage: str | None) -> tuple[int, int]:
    """(tool count, bytes) of the tools/list reply for a session in this view."""
    state = SessionState("bench", workflow=workflow, stage=stage)
    tools = REGISTRY.list_tools(state, CONFIG)
    reply = types.ListToolsResult(tools=tools).model_dump(
        by_alias=True, exclude_none=True, mode="json"
    )
    return len(tools), len(dumps(reply).encode())


def main() -> int:
    _, full_bytes = listing("full", None)
    print(f"{'workflow':<18} {'stage':<13} {'tools':>5} {'bytes':>7} {'tokens':>6} {'share':>6}")
    failures = []
    for name in WORKFLOWS:
        for stage in (None, *STAGE_ORDER):
            count, size = listing(name, stage)
            tokens = size // 4
            share = size / full_bytes
            mark = ""
            if stage is None and name == "baseline" and tokens > BASELINE_TOKENS:
                mark = f"  > {BASELINE_TOKENS} tokens"
            elif stage is None and name != "full" and share > WORKFLOW_SHARE:
                mark = f"  > {WORKFLOW_SHARE:.0%} of full"
            if mark:
                failures.append(name)
            print(
                f"{name if stage is None else '':<18} {stage or '-':<13} {count:>5} "
                f"{size:>7,} {tokens:>6,} {share:>6.0%}{mark}"
            )
    print(
        f"targets: baseline <= {BASELINE_TOKENS} tokens; each workflow <= "
        f"{WORKFLOW_SHARE:.0%} of full ({full_bytes:,} bytes): "
        + ("missed by " + ", ".join(failures) if failures else "met")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
