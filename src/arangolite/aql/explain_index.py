"""The explain fields of an ``IndexNode``: which index, for which condition,
in which order — the part of ``POST /_api/explain`` that shows index use."""

from __future__ import annotations

from typing import Any

from arangolite.aql.index_scan import IndexNode

__all__ = ["index_node_fields", "index_description"]


def index_description(index: Any) -> dict[str, Any]:
    """An index as explain lists it under ``indexes``."""
    out: dict[str, Any] = {
        "id": str(index.id),
        "type": index.type,
        "name": index.name,
        "fields": list(index.fields),
        "unique": bool(index.unique),
        "sparse": bool(index.sparse),
    }
    selectivity = index.selectivity()
    if selectivity is not None:
        out["selectivityEstimate"] = selectivity
    if index.type == "persistent":
        out["deduplicate"] = bool(index.options.get("deduplicate", True))
        out["estimates"] = bool(index.options.get("estimates", True))
        out["cacheEnabled"] = bool(index.options.get("cacheEnabled", False))
    return out


def index_node_fields(node: IndexNode, database: str, out_var: dict[str, Any]) -> dict[str, Any]:
    from arangolite.aql.explain import ast_to_json
    from arangolite.aql.optimizer.analysis import join_conjuncts

    condition: dict[str, Any] = {}
    if node.covered:
        expr = join_conjuncts(list(node.covered))
        condition = {
            "type": "n-ary or",
            "subNodes": [{"type": "n-ary and", "subNodes": _flatten(ast_to_json(expr))}],
        }
    return {
        "database": database,
        "collection": node.collection,
        "outVariable": out_var,
        "indexes": [index_description(node.index)],
        "condition": condition,
        "sorted": node.ordered or node.index.type == "persistent",
        "ascending": not node.reverse,
        "reverse": node.reverse,
        "evalFCalls": True,
        "waitForSync": False,
        "limit": 0,
        "lookahead": 1,
        "producesResult": True,
        "readOwnWrites": False,
        "projections": [],
        "filterProjections": [],
        "count": False,
        "useCache": False,
    }


def _flatten(node: dict[str, Any]) -> list[dict[str, Any]]:
    if node.get("type") == "logical and":
        return [part for sub in node["subNodes"] for part in _flatten(sub)]
    return [node]
