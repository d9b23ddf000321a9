"""Geo indexes: one attribute holding a location (``[lat, lng]``, or GeoJSON with
``geoJson: true``) or two attributes holding latitude and longitude.

ArangoDB uses an S2 cell index; here a dict of document key -> point (and one of
key -> non-point GeoJSON shape) is enough for AQL's geo functions to answer
``NEAR``/``WITHIN``-style queries without reading every document. Documents
without a valid location are not indexed (geo indexes are always sparse).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from arangolite.storage.index_fields import FieldPath, get_path, parse_fields
from arangolite.storage.index_persistent import flag
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["GeoIndex", "EARTH_RADIUS_M", "haversine"]

#: the radius ArangoDB's geo functions use
EARTH_RADIUS_M = 6371000.0

_COVER = {"maxNumCoverCells": 8, "worstIndexedLevel": 4, "bestIndexedLevel": 23}


def haversine(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _point(lat: Any, lng: Any) -> tuple[float, float] | None:
    if not (_number(lat) and _number(lng)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return (float(lat), float(lng))


@register("geo", "geo1", "geo2")
class GeoIndex(Index):
    """Locations by document key.

    - ``points``: key -> ``(lat, lng)`` for every document with a point location;
    - ``shapes``: key -> GeoJSON object for polygons, lines and multi-geometries;
    - ``near(lat, lng)``: point keys by increasing distance (with the distance).
    """

    type = "geo"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        super().__init__(collection, **kwargs)
        self.paths: list[FieldPath] = parse_fields(self.fields, max_fields=2, allow_id=True)
        self.geo_json = bool(self.options.get("geoJson", False))
        self.points: dict[str, tuple[float, float]] = {}
        self.shapes: dict[str, dict[str, Any]] = {}

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        fields = body.get("fields")
        parse_fields(fields, max_fields=2)
        return {
            "fields": list(fields),
            "unique": False,
            "sparse": True,
            "options": {
                "geoJson": flag(body, "geoJson", False) if len(fields) == 1 else False,
                "legacyPolygons": flag(body, "legacyPolygons", False),
                **_COVER,
            },
        }

    def matches(self, definition: dict[str, Any]) -> bool:
        return (
            definition["fields"] == self.fields
            and definition["options"]["geoJson"] == self.geo_json
        )

    def location(self, doc: dict[str, Any]) -> tuple[float, float] | dict[str, Any] | None:
        """The point ``(lat, lng)`` or the GeoJSON shape this index reads from ``doc``."""
        if len(self.paths) == 2:
            return _point(get_path(doc, self.paths[0].head), get_path(doc, self.paths[1].head))
        value = get_path(doc, self.paths[0].head)
        if isinstance(value, list) and len(value) == 2:
            if self.geo_json:
                return _point(value[1], value[0])
            return _point(value[0], value[1])
        if self.geo_json and isinstance(value, dict):
            kind = value.get("type")
            coordinates = value.get("coordinates")
            if kind == "Point":
                if isinstance(coordinates, list) and len(coordinates) >= 2:
                    return _point(coordinates[1], coordinates[0])
                return None
            if kind in ("Polygon", "LineString", "MultiPoint", "MultiLineString",
                        "MultiPolygon") and isinstance(coordinates, list):  # fmt: skip
                return value
        return None

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        where = self.location(doc)
        if isinstance(where, tuple):
            self.points[key] = where
        elif where is not None:
            self.shapes[key] = where

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        self.points.pop(key, None)
        self.shapes.pop(key, None)

    def clear(self) -> None:
        self.points.clear()
        self.shapes.clear()

    def near(self, lat: float, lng: float) -> list[tuple[float, str]]:
        """``(distance in metres, key)`` for every indexed point, nearest first."""
        found = [(haversine(lat, lng, p[0], p[1]), key) for key, p in self.points.items()]
        found.sort()
        return found
