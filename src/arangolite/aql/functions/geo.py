"""Geo-spatial functions (AQL reference: "Geo-spatial functions").

GeoJSON coordinates are ``[longitude, latitude]``; lines and polygon edges are
geodesics and a polygon's interior lies to the left of its outer ring (see
:mod:`arangolite.aql.geometry`). Invalid input gives ``null`` and a warning
``in function 'GEO_X()': <reason>`` with ArangoDB's error number and text.

The deprecated ``NEAR()``, ``WITHIN()`` and ``WITHIN_RECTANGLE()`` read a
collection through its (first) geo index and fail with 1570 when there is
none, as ArangoDB's optimizer does when it rewrites them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from arangolite.aql import geometry
from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.geometry import GeoError, Shape
from arangolite.aql.values import is_number, number
from arangolite.errors import ArangoError, E

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection
    from arangolite.storage.index_geo import GeoIndex

_ELLIPSOIDS = ("sphere", "wgs84")


def _warn(ctx: FunctionContext, name: str, code: int, message: str) -> None:
    ctx.warn(code, f"in function '{name}()': {message}")


def _geo_warning(ctx: FunctionContext, name: str, error: GeoError) -> None:
    _warn(ctx, name, error.code, error.message)


def _ellipsoid(ctx: FunctionContext, name: str, value: Any) -> str:
    if isinstance(value, str):
        if value in _ELLIPSOIDS:
            return value
        message = f'invalid ellipsoid {value} specified, falling back to "sphere"'
    else:
        message = 'invalid value for ellipsoid specified, falling back to "sphere"'
    _warn(ctx, name, E.BAD_PARAMETER, message)
    return "sphere"


# ------------------------------------------------------------------ utility functions


@aql_function("DISTANCE", min_args=4, max_args=4)
def distance(ctx: FunctionContext, lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    if not all(is_number(v) for v in (lat1, lon1, lat2, lon2)):
        return ctx.invalid_argument("DISTANCE")
    return number(geometry.haversine(lat1, lon1, lat2, lon2))


def _two_shapes(ctx: FunctionContext, name: str, a: Any, b: Any) -> tuple[Shape, Shape] | None:
    try:
        first = geometry.parse_shape(a)
        second = geometry.parse_shape(b)
    except GeoError as error:
        _geo_warning(ctx, name, error)
        return None
    return first, second


@aql_function("GEO_DISTANCE", min_args=2, max_args=3)
def geo_distance(ctx: FunctionContext, a: Any, b: Any, *ellipsoid: Any) -> Any:
    shapes = _two_shapes(ctx, "GEO_DISTANCE", a, b)
    if shapes is None:
        return None
    model = _ellipsoid(ctx, "GEO_DISTANCE", ellipsoid[0]) if ellipsoid else "sphere"
    first, second = shapes
    return number(geometry.distance(geometry.centroid(first), geometry.centroid(second), model))


@aql_function("GEO_IN_RANGE", min_args=4, max_args=7)
def geo_in_range(ctx: FunctionContext, a: Any, b: Any, low: Any, high: Any, *flags: Any) -> Any:
    name = "GEO_IN_RANGE"
    shapes = _two_shapes(ctx, name, a, b)
    if shapes is None:
        return None
    for position, value in (("3rd", low), ("4th", high)):
        if not is_number(value):
            return _warn(ctx, name, E.BAD_PARAMETER, f"{position} argument requires a number")
    include = [True, True]
    for i, (position, value) in enumerate(zip(("5th", "6th"), flags[:2], strict=False)):
        if not isinstance(value, bool):
            return _warn(ctx, name, E.BAD_PARAMETER, f"{position} argument requires a bool")
        include[i] = value
    model = _ellipsoid(ctx, name, flags[2]) if len(flags) > 2 else "sphere"
    first, second = shapes
    d = geometry.distance(geometry.centroid(first), geometry.centroid(second), model)
    above = d >= low if include[0] else d > low
    below = d <= high if include[1] else d < high
    return above and below


def _region(ctx: FunctionContext, name: str, value: Any) -> Shape | None:
    try:
        return geometry.parse_region(value)
    except GeoError as error:
        return _geo_warning(ctx, name, error)


def _contains_or_intersects(ctx: FunctionContext, name: str, a: Any, b: Any) -> Any:
    contains = name == "GEO_CONTAINS"
    if not isinstance(a, dict):
        return _warn(ctx, name, E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "Expecting GeoJSON object")
    outer = _region(ctx, name, a)
    if outer is None:
        return None
    if contains and not outer.is_area:
        return _warn(
            ctx,
            name,
            E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH,
            "Only Polygon and MultiPolygon types are valid as first argument",
        )
    try:
        inner = geometry.parse_shape(b)
    except GeoError as error:
        return _geo_warning(ctx, name, error)
    return geometry.contains(outer, inner) if contains else geometry.intersects(outer, inner)


@aql_function("GEO_CONTAINS", min_args=2, max_args=2)
def geo_contains(ctx: FunctionContext, a: Any, b: Any) -> Any:
    return _contains_or_intersects(ctx, "GEO_CONTAINS", a, b)


@aql_function("GEO_INTERSECTS", min_args=2, max_args=2)
def geo_intersects(ctx: FunctionContext, a: Any, b: Any) -> Any:
    return _contains_or_intersects(ctx, "GEO_INTERSECTS", a, b)


@aql_function("GEO_EQUALS", min_args=2, max_args=2)
def geo_equals(ctx: FunctionContext, a: Any, b: Any) -> Any:
    name = "GEO_EQUALS"
    if not isinstance(a, dict) or not isinstance(b, dict):
        return _warn(ctx, name, E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "Expecting GeoJSON object")
    first = _region(ctx, name, a)
    if first is None:
        return None
    second = _region(ctx, name, b)
    if second is None:
        return None
    return geometry.equals(first, second)


@aql_function("GEO_AREA", min_args=1, max_args=2)
def geo_area(ctx: FunctionContext, value: Any, *ellipsoid: Any) -> Any:
    shape = _region(ctx, "GEO_AREA", value)
    if shape is None:
        return None
    model = _ellipsoid(ctx, "GEO_AREA", ellipsoid[0]) if ellipsoid else "sphere"
    return number(geometry.area(shape, model))


@aql_function("IS_IN_POLYGON", min_args=2, max_args=3)
def is_in_polygon(ctx: FunctionContext, polygon: Any, where: Any, *rest: Any) -> Any:
    name = "IS_IN_POLYGON"
    third = rest[0] if rest else None
    if not isinstance(polygon, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    geo_json = False
    if isinstance(where, list):
        if len(where) < 2:
            return ctx.invalid_argument(name)
        geo_json = third is True
        lat, lon = (where[1], where[0]) if geo_json else (where[0], where[1])
        if not is_number(lat) or not is_number(lon):
            return ctx.invalid_argument(name)
    elif is_number(where) and is_number(third):
        lat, lon = where, third
    else:
        return ctx.invalid_argument(name)
    try:
        loop = geometry.parse_legacy_loop(polygon, geo_json=geo_json)
    except GeoError as error:
        return _geo_warning(ctx, name, error)
    return loop.contains_point(geometry.point_from_degrees(float(lat), float(lon)))


# ------------------------------------------------------------------ GeoJSON constructors


def _type_mismatch(ctx: FunctionContext, name: str, message: str) -> None:
    _warn(ctx, name, E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, message)


class _Invalid(Exception):
    """A constructor's input is malformed; ``message`` is ArangoDB's reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _numbers(values: list[Any]) -> list[Any]:
    out = []
    for v in values:
        if not is_number(v):
            raise _Invalid("not a numeric value")
        out.append(number(float(v)))
    return out


def _positions(values: list[Any]) -> list[list[Any]]:
    out = []
    for v in values:
        if not isinstance(v, list):
            raise _Invalid("not an array containing positions")
        out.append(_numbers(v))
    return out


def _geojson(kind: str, coordinates: Any) -> dict[str, Any]:
    return {"type": kind, "coordinates": coordinates}


@aql_function("GEO_POINT", min_args=2, max_args=2)
def geo_point(ctx: FunctionContext, lon: Any, lat: Any) -> Any:
    if not is_number(lon) or not is_number(lat):
        return ctx.invalid_argument("GEO_POINT")
    return _geojson("Point", [number(float(lon)), number(float(lat))])


@aql_function("GEO_MULTIPOINT", min_args=1, max_args=1)
def geo_multipoint(ctx: FunctionContext, points: Any) -> Any:
    name = "GEO_MULTIPOINT"
    if not isinstance(points, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    if len(points) < 2:
        return _type_mismatch(ctx, name, "a MultiPoint needs at least two positions")
    try:
        return _geojson("MultiPoint", _positions(points))
    except _Invalid as invalid:
        return _type_mismatch(ctx, name, invalid.message)


@aql_function("GEO_LINESTRING", min_args=1, max_args=1)
def geo_linestring(ctx: FunctionContext, points: Any) -> Any:
    name = "GEO_LINESTRING"
    if not isinstance(points, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    if len(points) < 2:
        return _type_mismatch(ctx, name, "a LineString needs at least two positions")
    try:
        return _geojson("LineString", _positions(points))
    except _Invalid as invalid:
        return _type_mismatch(ctx, name, invalid.message)


@aql_function("GEO_MULTILINESTRING", min_args=1, max_args=1)
def geo_multilinestring(ctx: FunctionContext, lines: Any) -> Any:
    name = "GEO_MULTILINESTRING"
    if not isinstance(lines, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    if not lines:
        return _type_mismatch(
            ctx, name, "a MultiLineString needs at least one array of linestrings"
        )
    try:
        out = []
        for line in lines:
            if not isinstance(line, list):
                raise _Invalid("not an array containing positions")
            if len(line) <= 1:
                raise _Invalid("not an array containing linestrings")
            out.append(_positions(line))
    except _Invalid as invalid:
        return _type_mismatch(ctx, name, invalid.message)
    return _geojson("MultiLineString", out)


def _polygon_position(values: list[Any], non_number: str) -> list[Any]:
    """One element of a ring as ArangoDB copies it: numbers, or pairs of numbers."""
    out: list[Any] = []
    for v in values:
        if is_number(v):
            out.append(number(float(v)))
        elif isinstance(v, list) and len(v) == 2:
            if not (is_number(v[0]) and is_number(v[1])):
                raise _Invalid("coordinate is not a number")
            out.append([number(float(v[0])), number(float(v[1]))])
        else:
            raise _Invalid(non_number)
    return out


def _polygon_coordinates(polygon: list[Any]) -> list[Any]:
    """GEO_POLYGON's input to GeoJSON coordinates: a single ring of positions
    (any element is a pair) is wrapped, a list of rings is taken as is."""
    rings: list[Any] = []
    for v in polygon:
        if isinstance(v, list) and len(v) > 2:
            ring: list[Any] = []
            for position in v:
                if is_number(position):
                    ring.append(number(float(position)))
                elif isinstance(position, list):
                    if len(position) < 2:
                        raise _Invalid("a Position needs at least two numeric values")
                    ring.append(_polygon_position(position, "not an array describing a position"))
                else:
                    raise _Invalid("not an array containing positions")
            rings.append(ring)
        elif isinstance(v, list) and len(v) == 2:
            if len(polygon) <= 2:
                raise _Invalid("a Polygon needs at least three positions")
            rings.append(_polygon_position(v, "not a numeric value"))
        else:
            raise _Invalid("not an array containing positions")
    unnested = any(isinstance(v, list) and len(v) == 2 for v in polygon)
    return [rings] if unnested else rings


@aql_function("GEO_POLYGON", min_args=1, max_args=1)
def geo_polygon(ctx: FunctionContext, points: Any) -> Any:
    name = "GEO_POLYGON"
    if not isinstance(points, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    try:
        result = _geojson("Polygon", _polygon_coordinates(points))
    except _Invalid as invalid:
        return _type_mismatch(ctx, name, invalid.message)
    if not result["coordinates"]:
        return _warn(ctx, name, E.BAD_PARAMETER, "Polygon should contains at least one loop.")
    return result if _region(ctx, name, result) is not None else None


@aql_function("GEO_MULTIPOLYGON", min_args=1, max_args=1)
def geo_multipolygon(ctx: FunctionContext, polygons: Any) -> Any:
    name = "GEO_MULTIPOLYGON"
    if not isinstance(polygons, list):
        return _warn(ctx, name, E.QUERY_ARRAY_EXPECTED, "array expected")
    at_least_two = "a MultiPolygon needs at least two Polygons inside."
    if len(polygons) < 2:
        return _type_mismatch(ctx, name, at_least_two)
    coordinates = []
    try:
        for polygon in polygons:
            if not isinstance(polygon, list):
                raise _Invalid(at_least_two)
            rings: list[Any] = []
            for ring in polygon:
                if not isinstance(ring, list):
                    raise _Invalid("Polygon needs to be an array of positions.")
                rings += _polygon_coordinates(ring)
            coordinates.append(rings)
    except _Invalid as invalid:
        return _type_mismatch(ctx, name, invalid.message)
    result = _geojson("MultiPolygon", coordinates)
    return result if _region(ctx, name, result) is not None else None


# ------------------------------------------------------------------ geo index functions


def _geo_collection(ctx: FunctionContext, name: Any) -> tuple[Collection, GeoIndex]:
    collection = ctx.db.collection(name if isinstance(name, str) else "")
    index = next((i for i in collection.indexes.secondary if i.type == "geo"), None)
    if index is None:
        raise ArangoError(
            E.QUERY_GEO_INDEX_MISSING,
            f"no suitable geo index found for geo restriction on '{collection.name}'",
        )
    return collection, index  # type: ignore[return-value]


def _located(
    ctx: FunctionContext, collection: Collection, index: GeoIndex
) -> Iterator[tuple[dict[str, Any], float, float]]:
    """``(document, lat, lng)`` for every document with a point location, as
    the query's transaction sees them (the index holds committed state)."""
    trx = ctx.trx
    changed = trx.changed_keys(collection) if trx is not None else set()
    for key, (lat, lng) in list(index.points.items()):
        if key in changed:
            continue
        doc = collection.get(key, trx)
        if doc is not None:
            yield doc, lat, lng
    for key in changed:
        doc = collection.get(key, trx)
        where = index.location(doc) if doc is not None else None
        if doc is not None and isinstance(where, tuple):
            yield doc, where[0], where[1]


def _distance_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArangoError(
            E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "distance argument is not a string"
        )
    return value


def _by_distance(
    ctx: FunctionContext, name: str, coll: Any, lat: Any, lon: Any
) -> list[tuple[float, dict[str, Any]]] | None:
    collection, index = _geo_collection(ctx, coll)
    if not is_number(lat) or not is_number(lon):
        return ctx.invalid_argument("DISTANCE")
    found = [
        (geometry.haversine(doc_lat, doc_lng, lat, lon), doc)
        for doc, doc_lat, doc_lng in _located(ctx, collection, index)
    ]
    found.sort(key=lambda pair: pair[0])
    return found


def _with_distance(found: list[tuple[float, dict[str, Any]]], name: str | None) -> list[Any]:
    if name is None:
        return [doc for _, doc in found]
    return [{**doc, name: number(d)} for d, doc in found]


@aql_function("NEAR", min_args=3, max_args=5, deterministic=False)
def near(
    ctx: FunctionContext, coll: Any, lat: Any, lon: Any, limit: Any = None, name: Any = None
) -> Any:
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        raise ArangoError(E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "limit parameter has wrong type")
    attribute = _distance_name(name)
    found = _by_distance(ctx, "NEAR", coll, lat, lon)
    if found is None:
        return []
    return _with_distance(found[: max(0, 100 if limit is None else limit)], attribute)


@aql_function("WITHIN", min_args=4, max_args=5, deterministic=False)
def within(
    ctx: FunctionContext, coll: Any, lat: Any, lon: Any, radius: Any, name: Any = None
) -> Any:
    if not is_number(radius):
        raise ArangoError(
            E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "radius argument is not a numeric value"
        )
    attribute = _distance_name(name)
    found = _by_distance(ctx, "WITHIN", coll, lat, lon)
    if found is None:
        return []
    return _with_distance([(d, doc) for d, doc in found if d <= radius], attribute)


@aql_function("WITHIN_RECTANGLE", min_args=5, max_args=5, deterministic=False)
def within_rectangle(
    ctx: FunctionContext, coll: Any, lat1: Any, lng1: Any, lat2: Any, lng2: Any
) -> Any:
    collection, index = _geo_collection(ctx, coll)
    ring = [[lng1, lat1], [lng2, lat1], [lng2, lat2], [lng1, lat2], [lng1, lat1]]
    try:
        rectangle = geometry.parse_region({"type": "Polygon", "coordinates": [ring]})
    except GeoError as error:
        _geo_warning(ctx, "GEO_CONTAINS", error)
        return []
    return [
        doc
        for doc, lat, lng in _located(ctx, collection, index)
        if rectangle.contains_point(geometry.point_from_degrees(lat, lng))
    ]
