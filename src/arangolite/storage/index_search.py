"""Inverted indexes (ArangoSearch) and vector indexes: accepted, stored and listed.

arangolite has no ArangoSearch engine; an inverted index records its definition
with ArangoDB's defaults so clients see what they would see there, and AQL falls
back to evaluating conditions on the documents. A vector index keeps each
document's vector (key -> list of floats) so AQL's ``APPROX_NEAR_*`` functions
can rank them exactly instead of approximately.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import get_path, parse_fields
from arangolite.storage.index_persistent import flag
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["InvertedIndex", "VectorIndex"]

#: ArangoDB 3.12's defaults for an inverted index's top-level properties
INVERTED_DEFAULTS: dict[str, Any] = {
    "version": 1,
    "searchField": False,
    "storedValues": [],
    "primarySort": {"fields": [], "compression": "lz4"},
    "analyzer": "identity",
    "features": ["frequency", "norm"],
    "includeAllFields": False,
    "trackListPositions": False,
    "cleanupIntervalStep": 2,
    "commitIntervalMsec": 1000,
    "consolidationIntervalMsec": 1000,
    "consolidationPolicy": {
        "type": "tier",
        "segmentsBytesFloor": 2097152,
        "segmentsBytesMax": 5368709120,
        "segmentsMax": 10,
        "segmentsMin": 1,
        "minScore": 0,
    },
    "writebufferActive": 0,
    "writebufferIdle": 64,
    "writebufferSizeMax": 33554432,
    "optimizeTopK": [],
}
_INVERTED_EXTRA = ("cache", "primaryKeyCache", "parallelism")


def _bad(message: str) -> ArangoError:
    return ArangoError(E.BAD_PARAMETER, message)


@register("inverted")
class InvertedIndex(Index):
    """An ArangoSearch inverted index: definition only (``fields`` are objects)."""

    type = "inverted"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        super().__init__(collection, **kwargs)
        self.keys: set[str] = set()

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        raw = body.get("fields")
        if not isinstance(raw, list) or not raw:
            raise _bad("invalid number of index attributes")
        fields: list[dict[str, Any]] = []
        for item in raw:
            field = {"name": item} if isinstance(item, str) else item
            if not isinstance(field, dict):
                raise _bad("index field names must be non-empty strings")
            name = field.get("name")
            if not isinstance(name, str) or not name:
                raise _bad("index field names must be non-empty strings")
            if any(f["name"] == name for f in fields):
                raise _bad("duplicate attribute name in index fields list")
            parse_fields([name], allow_expansion=True, allow_id=True)
            fields.append(copy.deepcopy(field))
        options = copy.deepcopy(INVERTED_DEFAULTS)
        for name, value in body.items():
            if name in INVERTED_DEFAULTS or name in _INVERTED_EXTRA:
                options[name] = copy.deepcopy(value)
        return {"fields": fields, "unique": False, "sparse": True, "options": options}

    def matches(self, definition: dict[str, Any]) -> bool:
        return super().matches(definition) and definition["options"] == self.options

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        self.keys.add(key)

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        self.keys.discard(key)

    def clear(self) -> None:
        self.keys.clear()


_METRICS = ("cosine", "l2", "innerProduct")


def _positive_int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(f"vector index parameter '{name}' must be a positive integer")
    return value


@register("vector")
class VectorIndex(Index):
    """Document vectors by key (``vectors``), for exact nearest-neighbour ranking."""

    type = "vector"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        super().__init__(collection, **kwargs)
        self.path = tuple(str(self.fields[0]).split("."))
        params = self.options.get("params") or {}
        self.dimension = int(params.get("dimension", 0))
        self.metric = str(params.get("metric", "l2"))
        self.vectors: dict[str, list[float]] = {}

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        fields = body.get("fields")
        parse_fields(fields, max_fields=1)
        params = body.get("params")
        if not isinstance(params, dict):
            raise _bad("vector index requires 'params' to be an object")
        if params.get("metric") not in _METRICS:
            raise _bad(f"vector index parameter 'metric' must be one of {', '.join(_METRICS)}")
        out: dict[str, Any] = {
            "metric": params["metric"],
            "dimension": _positive_int(params, "dimension"),
            "nLists": _positive_int(params, "nLists"),
            "defaultNProbe": _positive_int(params, "defaultNProbe", 1),
            "trainingIterations": _positive_int(params, "trainingIterations", 25),
        }
        if isinstance(params.get("factory"), str):
            out["factory"] = params["factory"]
        options: dict[str, Any] = {"params": out}
        stored = body.get("storedValues")
        if isinstance(stored, list) and stored:
            parse_fields(stored, max_fields=32, allow_id=True)
            options["storedValues"] = list(stored)
        return {
            "fields": list(fields),
            "unique": False,
            "sparse": flag(body, "sparse", False),
            "options": options,
        }

    def matches(self, definition: dict[str, Any]) -> bool:
        return super().matches(definition) and (
            definition["options"]["params"] == self.options.get("params")
        )

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        value = get_path(doc, self.path)
        if (
            isinstance(value, list)
            and len(value) == self.dimension
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            self.vectors[key] = [float(v) for v in value]

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        self.vectors.pop(key, None)

    def clear(self) -> None:
        self.vectors.clear()
