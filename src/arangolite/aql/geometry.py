"""Spherical geometry for AQL's geo functions: GeoJSON shapes on a unit sphere.

ArangoDB uses Google's S2 library: coordinates become unit vectors, lines and
polygon edges are geodesics (great-circle arcs, not lines of constant latitude)
and the interior of a polygon ring is the region to its *left*, so a ring
walked clockwise describes "everything except" the area it encloses. This module
reimplements the parts the AQL functions need in plain Python:

- :func:`parse_region` / :func:`parse_coordinates`: GeoJSON (or a
  ``[lon, lat]`` pair) to a :class:`Shape`, with ArangoDB's validation messages;
- point-in-polygon, edge crossing, containment and intersection tests;
- centroids, areas (sphere, or WGS84 via the authalic sphere) and distances
  (great circle, or Vincenty's formula on WGS84).

Point-in-loop uses signed triangle areas: for a loop whose left region has area
``A``, the sum of the signed areas of the triangles ``(q, v_i, v_i+1)`` is ``A``
or ``A - 4π``, the latter exactly when the antipode of ``q`` lies inside. So a
point ``p`` is inside iff that sum, taken from ``-p``, is about ``A - 4π``.
Results for points exactly on a boundary are unspecified, as in ArangoDB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from arangolite.aql.values import is_number, json_dumps
from arangolite.errors import E

__all__ = [
    "EARTH_RADIUS_M",
    "GeoError",
    "Shape",
    "Loop",
    "Vec",
    "point_from_degrees",
    "parse_region",
    "parse_coordinates",
    "parse_legacy_loop",
    "contains",
    "intersects",
    "equals",
    "centroid",
    "area",
    "angle",
    "distance",
    "haversine",
    "to_lat_lng",
]

#: the mean Earth radius ArangoDB uses for spherical distances and areas
EARTH_RADIUS_M = 6371000.0

# WGS84
_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563

_EPS = 1e-15
#: loops with more vertices skip the (quadratic) self-intersection check
_MAX_VALIDATED_VERTICES = 1000

Vec = tuple[float, float, float]


class GeoError(Exception):
    """Invalid geo input: ArangoDB's error number and message for the warning."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _bad(message: str) -> GeoError:
    return GeoError(E.BAD_PARAMETER, message)


# ------------------------------------------------------------------ vectors


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _det(a: Vec, b: Vec, c: Vec) -> float:
    return _dot(_cross(a, b), c)


def _norm(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


def _normalize(a: Vec) -> Vec:
    n = _norm(a)
    return (a[0] / n, a[1] / n, a[2] / n) if n else a


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _scale(a: Vec, s: float) -> Vec:
    return (a[0] * s, a[1] * s, a[2] * s)


def _neg(a: Vec) -> Vec:
    return (-a[0], -a[1], -a[2])


def angle(a: Vec, b: Vec) -> float:
    """The angle between two unit vectors, in radians."""
    return math.atan2(_norm(_cross(a, b)), _dot(a, b))


def point_from_degrees(lat: float, lng: float) -> Vec:
    """A unit vector, with S2's normalisation: latitude clamped to ±90°,
    longitude wrapped into ±180°."""
    lat = max(-90.0, min(90.0, lat))
    lng = math.remainder(lng, 360.0)
    phi, theta = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(theta), math.cos(phi) * math.sin(theta), math.sin(phi))


def to_lat_lng(p: Vec) -> tuple[float, float]:
    """Degrees of latitude and longitude of a unit vector."""
    lat = math.degrees(math.atan2(p[2], math.hypot(p[0], p[1])))
    lng = math.degrees(math.atan2(p[1], p[0]))
    return lat, lng


def _signed_area(a: Vec, b: Vec, c: Vec) -> float:
    """Signed area of the (smaller) spherical triangle abc, positive when
    counter-clockwise (Van Oosterom–Strackee)."""
    return 2.0 * math.atan2(_det(a, b, c), 1.0 + _dot(a, b) + _dot(b, c) + _dot(c, a))


def _crossing(a: Vec, b: Vec, c: Vec, d: Vec) -> int:
    """1 if the arcs ab and cd cross at an interior point, 0 if they touch
    (share a point on an end), -1 if they are disjoint."""
    s1, s2 = _det(a, b, c), _det(a, b, d)
    s3, s4 = _det(c, d, a), _det(c, d, b)
    if (s1 > _EPS and s2 < -_EPS) or (s1 < -_EPS and s2 > _EPS):
        if (s3 > _EPS and s4 < -_EPS) or (s3 < -_EPS and s4 > _EPS):
            # both pairs straddle each other's great circle; make sure it is
            # the crossing on this side of the sphere, not its antipode
            return 1 if (s3 > 0) == (s1 < 0) else -1
    for p, (u, v) in ((c, (a, b)), (d, (a, b)), (a, (c, d)), (b, (c, d))):
        if _on_arc(p, u, v):
            return 0
    return -1


def _on_arc(p: Vec, a: Vec, b: Vec) -> bool:
    n = _cross(a, b)
    if abs(_dot(n, p)) > 1e-12 * max(_norm(n), 1e-300):
        return False
    return _dot(_cross(a, p), n) >= -1e-15 and _dot(_cross(p, b), n) >= -1e-15


def _same(a: Vec, b: Vec) -> bool:
    return abs(a[0] - b[0]) < 1e-15 and abs(a[1] - b[1]) < 1e-15 and abs(a[2] - b[2]) < 1e-15


# ------------------------------------------------------------------ shapes


@dataclass(slots=True)
class Loop:
    """A closed ring of vertices (not repeating the first); its region is the
    part of the sphere to the left of its edges."""

    vertices: list[Vec]
    _area: float | None = field(default=None, repr=False)

    def edges(self) -> list[tuple[Vec, Vec]]:
        v = self.vertices
        return [(v[i], v[(i + 1) % len(v)]) for i in range(len(v))]

    def _fan(self, origin: Vec) -> float:
        return sum(_signed_area(origin, a, b) for a, b in self.edges())

    def area(self) -> float:
        """The area of the region, in steradians (0 .. 4π)."""
        if self._area is None:
            total = self._fan(self.vertices[0])
            self._area = total + 4 * math.pi if total < 0 else total
        return self._area

    def contains_point(self, p: Vec) -> bool:
        return self.area() - self._fan(_neg(p)) > 2 * math.pi

    def invert(self) -> Loop:
        return Loop(list(reversed(self.vertices)))

    def vector_integral(self) -> Vec:
        """The integral of the position vector over the region (its true
        centroid times its area): half the sum of edge normals times angles."""
        total: Vec = (0.0, 0.0, 0.0)
        for a, b in self.edges():
            n = _cross(a, b)
            length = _norm(n)
            if length:
                total = _add(total, _scale(n, 0.5 * angle(a, b) / length))
        return total

    def contains_loop(self, other: Loop) -> bool:
        """True if ``other``'s region lies inside this one (boundaries may touch)."""
        for a, b in other.edges():
            for c, d in self.edges():
                if _crossing(a, b, c, d) == 1:
                    return False
        mine = self.vertices
        for v in other.vertices:
            if not any(_same(v, w) for w in mine):
                if not self.contains_point(v):
                    return False
                break
        for w in mine:
            if not any(_same(w, v) for v in other.vertices):
                return not other.contains_point(w)
        return self.area() >= other.area()


@dataclass(slots=True)
class Shape:
    """A parsed geometry.

    ``kind`` is the GeoJSON type (``Point``, ``MultiPoint``, ``LineString``,
    ``MultiLineString``, ``Polygon``, ``MultiPolygon``). Points live in
    ``points``, lines in ``lines``; polygons are ``loops`` combined with the
    even-odd rule (holes are loops inside their outer loop).
    """

    kind: str
    points: list[Vec] = field(default_factory=list)
    lines: list[list[Vec]] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)

    @property
    def is_area(self) -> bool:
        return self.kind in ("Polygon", "MultiPolygon")

    def contains_point(self, p: Vec) -> bool:
        inside = False
        for loop in self.loops:
            if loop.contains_point(p):
                inside = not inside
        return inside

    def edges(self) -> list[tuple[Vec, Vec]]:
        edges = [e for loop in self.loops for e in loop.edges()]
        for line in self.lines:
            edges += list(zip(line, line[1:], strict=False))
        return edges

    def vertices(self) -> list[Vec]:
        return (
            self.points
            + [v for line in self.lines for v in line]
            + [v for loop in self.loops for v in loop.vertices]
        )

    def depth(self, loop: Loop) -> int:
        """How many other loops contain ``loop``: even for shells, odd for holes."""
        return sum(1 for other in self.loops if other is not loop and other.contains_loop(loop))


# ------------------------------------------------------------------ parsing

_TYPES = {
    "point": "Point",
    "multipoint": "MultiPoint",
    "linestring": "LineString",
    "multilinestring": "MultiLineString",
    "polygon": "Polygon",
    "multipolygon": "MultiPolygon",
    "geometrycollection": "GeometryCollection",
}


def _geo_type(value: Any) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    return _TYPES.get(value["type"].lower())


def _pair(value: Any, *, geo_json: bool = True) -> Vec | None:
    if not isinstance(value, list) or len(value) != 2 or not all(is_number(v) for v in value):
        return None
    lng, lat = (value[0], value[1]) if geo_json else (value[1], value[0])
    return point_from_degrees(float(lat), float(lng))


def _positions(coordinates: list[Any], *, geo_json: bool = True) -> list[Vec]:
    points = []
    for position in coordinates:
        if not isinstance(position, list):
            raise _bad(f"Bad coordinates, should be array {json_dumps(position)}")
        point = _pair(position, geo_json=geo_json)
        if point is None:
            raise _bad(f"Bad coordinates values {json_dumps(position)}")
        points.append(point)
    return points


def _dedupe(points: list[Vec]) -> list[Vec]:
    out: list[Vec] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def _line(coordinates: list[Any]) -> list[Vec]:
    points = _dedupe(_positions(coordinates))
    if len(points) < 2:
        raise _bad("Invalid LineString, adjacent vertices must not be identical or antipodal.")
    return points


def _validate_loop(vertices: list[Vec]) -> str | None:
    """S2's loop validation, for the errors that matter: too few vertices,
    repeated vertices and self-intersections."""
    n = len(vertices)
    if n < 3:
        return "Non-empty, non-full loops must have at least 3 vertices"
    for i in range(n):
        if vertices[i] == _neg(vertices[(i + 1) % n]):
            return f"Vertices {i} and {(i + 1) % n} are antipodal"
    for i in range(n):
        for j in range(i + 1, n):
            if vertices[i] == vertices[j]:
                return f"Edge {j} has duplicate vertex with edge {i}"
    if n > _MAX_VALIDATED_VERTICES:
        return None  # the quadratic crossing check would stall the event loop
    edges = Loop(vertices).edges()
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if _crossing(*edges[i], *edges[j]) == 1:
                return f"Edge {i} crosses edge {j}"
    return None


def _ring(coordinates: Any, context: str) -> Loop:
    if not isinstance(coordinates, list):
        raise _bad("Missing coordinates.")
    points = _positions(coordinates)
    if not points:
        raise _bad("Invalid MultiPoint, it must contains at least one point.")
    if len(points) < 4:
        raise _bad("Invalid GeoJson Loop, must have at least 4 vertices")
    points = _dedupe(points)
    if points[0] != points[-1]:
        raise _bad("Loop not closed")
    if len(points) > 1:
        points.pop()
    problem = _validate_loop(points)
    if problem is not None:
        raise _bad(f"Invalid Loop in {context}: {problem}")
    return Loop(points)


def _polygon_loops(rings: list[Any], context: str) -> list[Loop]:
    """The loops of one polygon: the first as given (interior to its left),
    later ones turned around if needed so they are holes inside the first."""
    loops: list[Loop] = []
    for coordinates in rings:
        loop = _ring(coordinates, context)
        if loops:
            outer = loops[0]
            if not outer.contains_loop(loop):
                loop = loop.invert()
                if not outer.contains_loop(loop):
                    raise _bad("Subsequent loop not a hole in polygon.")
        loops.append(loop)
    return loops


def _check_loops_disjoint(loops: list[Loop], context: str) -> None:
    for i, a in enumerate(loops):
        for b in loops[i + 1 :]:
            for e1 in a.edges():
                for e2 in b.edges():
                    if _crossing(*e1, *e2) == 1:
                        raise _bad(f"Invalid {context}: Loop edges cross")


def parse_region(value: Any) -> Shape:
    """A GeoJSON geometry object as a :class:`Shape`; :class:`GeoError` with
    ArangoDB's message if it is not valid."""
    kind = _geo_type(value)
    if kind is None:
        raise _bad("Invalid GeoJSON Geometry Object.")
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list):
        raise _bad("Coordinates missing.")
    if kind == "Point":
        point = _pair(coordinates)
        if point is None:
            raise _bad(f"Bad coordinates {json_dumps(coordinates)}")
        return Shape(kind, points=[point])
    if kind == "MultiPoint":
        points = _positions(coordinates)
        if not points:
            raise _bad("Invalid MultiPoint, it must contains at least one point.")
        return Shape(kind, points=points)
    if kind == "LineString":
        return Shape(kind, lines=[_line(coordinates)])
    if kind == "MultiLineString":
        lines = []
        for line in coordinates:
            if not isinstance(line, list):
                raise _bad("Missing coordinates.")
            lines.append(_line(line))
        if not lines:
            raise _bad("Invalid MultiLinestring, it must contains at least one Linestring.")
        return Shape(kind, lines=lines)
    if kind == "Polygon":
        if not coordinates:
            raise _bad("Invalid GeoJSON Geometry Object.")
        loops = _polygon_loops(coordinates, "Polygon")
        _check_loops_disjoint(loops, "Polygon")
        return Shape(kind, loops=loops)
    if kind == "MultiPolygon":
        if not coordinates:
            raise _bad("MultiPolygon should contains at least one Polygon.")
        loops = []
        for polygon in coordinates:
            if not isinstance(polygon, list):
                raise _bad("Polygon should contains at least one coordinates array.")
            if not polygon:
                raise _bad("Polygon should contains at least one Loop.")
            loops += _polygon_loops(polygon, "Polygon")
        _check_loops_disjoint(loops, "Loop in MultiPolygon")
        return Shape(kind, loops=loops)
    raise GeoError(E.NOT_IMPLEMENTED, "GeoJSON type GeometryCollection is not supported")


def parse_coordinates(value: Any) -> Shape:
    """A ``[longitude, latitude]`` pair as a point shape."""
    if not isinstance(value, list):
        raise _bad("Invalid coordinate pair.")
    point = _pair(value)
    if point is None:
        raise _bad(f"Bad coordinates {json_dumps(value)}")
    return Shape("Point", points=[point])


def parse_shape(value: Any) -> Shape:
    """A GeoJSON object, or a coordinate pair when ``value`` is an array."""
    return parse_coordinates(value) if isinstance(value, list) else parse_region(value)


def parse_legacy_loop(coordinates: Any, *, geo_json: bool) -> Loop:
    """IS_IN_POLYGON's polygon: positions (closing one optional), normalised so
    the loop encloses the smaller region."""
    if not isinstance(coordinates, list):
        raise _bad("Coordinates missing.")
    points = _dedupe(_positions(coordinates, geo_json=geo_json))
    if not points:
        raise _bad("Loop should be 3 different vertices or be empty or full.")
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    problem = _validate_loop(points)
    if problem is not None:
        raise _bad(f"Invalid loop: {problem}")
    loop = Loop(points)
    return loop.invert() if loop.area() > 2 * math.pi else loop


# ------------------------------------------------------------------ predicates


def _any_crossing(a: Shape, b: Shape, *, touching: bool) -> bool:
    limit = 0 if touching else 1
    return any(_crossing(*e1, *e2) >= limit for e1 in a.edges() for e2 in b.edges())


def contains(outer: Shape, inner: Shape) -> bool:
    """Every point of ``inner`` lies in ``outer`` (a polygon)."""
    if not all(outer.contains_point(p) for p in inner.points):
        return False
    line_vertices = [v for line in inner.lines for v in line]
    if not all(outer.contains_point(v) for v in line_vertices):
        return False
    if inner.loops:
        boundary = [v for loop in outer.loops for v in loop.vertices]
        loop_vertices = [v for loop in inner.loops for v in loop.vertices]
        if not all(
            outer.contains_point(v) for v in loop_vertices if not any(_same(v, w) for w in boundary)
        ):
            return False
        if any(
            inner.contains_point(w) for w in boundary if not any(_same(w, v) for v in loop_vertices)
        ):
            return False
    return not _any_crossing(outer, inner, touching=False)


def _point_on(shape: Shape, p: Vec) -> bool:
    if any(_same(p, q) for q in shape.points):
        return True
    if any(_on_arc(p, a, b) for a, b in shape.edges()):
        return True
    return shape.is_area and shape.contains_point(p)


def intersects(a: Shape, b: Shape) -> bool:
    """The two shapes have at least one point in common."""
    if any(_point_on(b, p) for p in a.points) or any(_point_on(a, p) for p in b.points):
        return True
    if a.is_area and any(a.contains_point(v) for v in b.vertices()):
        return True
    if b.is_area and any(b.contains_point(v) for v in a.vertices()):
        return True
    return _any_crossing(a, b, touching=True)


def equals(a: Shape, b: Shape) -> bool:
    """Same type and the same vertices in the same order."""
    return (
        a.kind == b.kind
        and a.points == b.points
        and a.lines == b.lines
        and [loop.vertices for loop in a.loops] == [loop.vertices for loop in b.loops]
    )


# ------------------------------------------------------------------ measures


def centroid(shape: Shape) -> Vec:
    """The centroid ArangoDB measures GEO_DISTANCE from: area-weighted for
    polygons, length-weighted for lines, the mean of points otherwise."""
    total: Vec = (0.0, 0.0, 0.0)
    if shape.loops:
        for loop in shape.loops:
            part = loop.vector_integral()
            total = _add(total, part if shape.depth(loop) % 2 == 0 else _neg(part))
    elif shape.lines:
        for line in shape.lines:
            for a, b in zip(line, line[1:], strict=False):
                s = _add(a, b)
                cos2 = _dot(s, s)
                if cos2:
                    d = (a[0] - b[0], a[1] - b[1], a[2] - b[2])
                    total = _add(total, _scale(s, math.sqrt(_dot(d, d) / cos2)))
    else:
        for p in shape.points:
            total = _add(total, p)
    return _normalize(total) if _norm(total) else (shape.vertices() or [(1.0, 0.0, 0.0)])[0]


def _steradians(shape: Shape) -> float:
    return sum(loop.area() * (1 if shape.depth(loop) % 2 == 0 else -1) for loop in shape.loops)


def _authalic_latitude(lat: float) -> float:
    e2 = _WGS84_F * (2 - _WGS84_F)
    e = math.sqrt(e2)

    def q(phi: float) -> float:
        s = math.sin(phi)
        return (1 - e2) * (s / (1 - e2 * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e))

    return math.asin(max(-1.0, min(1.0, q(lat) / q(math.pi / 2))))


def area(shape: Shape, ellipsoid: str = "sphere") -> float:
    """Area in square metres (0 for points and lines). On WGS84 the polygon is
    mapped to the authalic sphere, which preserves areas."""
    if not shape.is_area:
        return 0.0
    if ellipsoid == "sphere":
        return _steradians(shape) * EARTH_RADIUS_M**2
    e2 = _WGS84_F * (2 - _WGS84_F)
    e = math.sqrt(e2)
    r_q2 = _WGS84_A**2 / 2 * (1 + (1 - e2) / e * math.atanh(e))

    def mapped(v: Vec) -> Vec:
        lat, lng = to_lat_lng(v)
        return point_from_degrees(math.degrees(_authalic_latitude(math.radians(lat))), lng)

    authalic = Shape(
        shape.kind, loops=[Loop([mapped(v) for v in lp.vertices]) for lp in shape.loops]
    )
    return _steradians(authalic) * r_q2


def _vincenty(a: Vec, b: Vec) -> float:
    """Geodesic distance on WGS84 in metres (Vincenty's inverse formula)."""
    lat1, lng1 = (math.radians(x) for x in to_lat_lng(a))
    lat2, lng2 = (math.radians(x) for x in to_lat_lng(b))
    f, semi_major = _WGS84_F, _WGS84_A
    semi_minor = (1 - f) * semi_major
    u1, u2 = math.atan((1 - f) * math.tan(lat1)), math.atan((1 - f) * math.tan(lat2))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    big_l = lng2 - lng1
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-12:
            break
    else:  # nearly antipodal points: fall back to the sphere
        return angle(a, b) * EARTH_RADIUS_M
    u2_ = cos2_alpha * (semi_major**2 - semi_minor**2) / semi_minor**2
    big_a = 1 + u2_ / 16384 * (4096 + u2_ * (-768 + u2_ * (320 - 175 * u2_)))
    big_b = u2_ / 1024 * (256 + u2_ * (-128 + u2_ * (74 - 47 * u2_)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return semi_minor * big_a * (sigma - delta)


def distance(a: Vec, b: Vec, ellipsoid: str = "sphere") -> float:
    """Distance in metres between two points."""
    if ellipsoid == "sphere":
        return angle(a, b) * EARTH_RADIUS_M
    return _vincenty(a, b)


def haversine(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """DISTANCE(): the haversine formula exactly as ArangoDB evaluates it."""
    to_rad = math.acos(-1.0) / 180.0
    p1, p2 = lat1 * to_rad, lat2 * to_rad
    d1, d2 = (lat2 - lat1) * to_rad, (lng2 - lng1) * to_rad
    h = math.sin(d1 / 2.0) * math.sin(d1 / 2.0) + math.cos(p1) * math.cos(p2) * math.sin(
        d2 / 2.0
    ) * math.sin(d2 / 2.0)
    return EARTH_RADIUS_M * (2.0 * math.atan2(math.sqrt(h), math.sqrt(1.0 - h)))
