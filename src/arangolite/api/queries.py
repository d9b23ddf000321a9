"""REST API: AQL queries besides cursors — parse (``POST /_api/query``),
explain (``POST /_api/explain``), running and slow queries, tracking
properties, and killing a query (``/_api/query/...``)."""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response

from arangolite.api.cursors import start_query
from arangolite.aql.errors import PARSING, in_phase
from arangolite.aql.explain import ast_to_json, explain_plan
from arangolite.aql.optimizer import RULE_NAMES
from arangolite.aql.parser import parse
from arangolite.aql.tracking import tracker_for
from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response

__all__ = ["routes"]


def _ok(body: dict[str, Any], code: int = 200) -> Response:
    return json_response({"error": False, "code": code, **body}, status=code)


async def parse_query(call: Call) -> Response:
    body = await call.body(default=None)
    text = body.get("query") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text:
        raise ArangoError(E.QUERY_EMPTY)
    try:
        parsed = parse(text)
    except ArangoError as exc:
        raise in_phase(exc, PARSING) from None
    collections = sorted(parsed.collections)
    return _ok(
        {
            "parsed": True,
            "collections": collections,
            "bindVars": parsed.bind_parameters,
            "ast": [ast_to_json(parsed.ast)],
        }
    )


async def explain(call: Call) -> Response:
    started = time.perf_counter()
    body = await call.body(default=None)
    if not isinstance(body, dict):
        raise ArangoError(E.QUERY_EMPTY)
    query, options = start_query(call, body)
    assert query.plan is not None
    plan = explain_plan(query.plan, call.db)
    stats = {
        "rulesExecuted": len(RULE_NAMES),
        "rulesSkipped": 0,
        "plansCreated": 1,
        "peakMemoryUsage": 0,
        "executionTime": time.perf_counter() - started,
    }
    cacheable = not query.is_modification
    if options.get("allPlans") is True:
        return _ok({"plans": [plan], "warnings": [], "stats": stats})
    return _ok({"plan": plan, "cacheable": cacheable, "warnings": [], "stats": stats})


async def current_queries(call: Call) -> Response:
    return json_response(tracker_for(call.engine).current(call.db.name))


async def slow_queries(call: Call) -> Response:
    return json_response(tracker_for(call.engine).slow_queries(call.db.name))


async def clear_slow_queries(call: Call) -> Response:
    tracker_for(call.engine).clear_slow(call.db.name)
    return _ok({})


async def properties(call: Call) -> Response:
    return _ok(dict(tracker_for(call.engine).properties))


async def set_properties(call: Call) -> Response:
    changes = await call.object_body()
    return _ok(tracker_for(call.engine).configure(changes))


async def kill_query(call: Call) -> Response:
    tracker_for(call.engine).kill(call.params["id"], call.db.name)
    return _ok({})


async def optimizer_rules(call: Call) -> Response:
    flags = {
        "hidden": False,
        "clusterOnly": False,
        "canBeDisabled": True,
        "canCreateAdditionalPlans": False,
        "disabledByDefault": False,
        "enterpriseOnly": False,
    }
    return json_response([{"name": name, "flags": dict(flags)} for name in RULE_NAMES])


routes = [
    Route("POST", "/_api/query", parse_query, access="db:ro"),
    Route("POST", "/_api/explain", explain, access="db:ro"),
    Route("GET", "/_api/query/current", current_queries, access="db:ro"),
    Route("GET", "/_api/query/slow", slow_queries, access="db:ro"),
    Route("DELETE", "/_api/query/slow", clear_slow_queries, access="db:ro"),
    Route("GET", "/_api/query/properties", properties, access="db:ro"),
    Route("PUT", "/_api/query/properties", set_properties, access="db:rw"),
    Route("GET", "/_api/query/rules", optimizer_rules, access="auth"),
    Route("DELETE", "/_api/query/{id}", kill_query, access="db:ro"),
]
