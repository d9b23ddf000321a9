"""White-box checks of the calendar and sphere arithmetic behind the date and geo
functions, against independent references (Python's datetime, known areas)."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from arangolite.aql import dates, geometry

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def test_calendar_matches_datetime():
    rng = random.Random(7)
    low = dates.days_from_civil(1, 1, 1) * dates.MS_PER_DAY
    for _ in range(2000):
        ms = rng.randrange(low, dates.MAX_MS)
        expected = EPOCH + timedelta(milliseconds=ms)
        c = dates.civil(ms)
        assert (c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond * 1000) == (
            expected.year,
            expected.month,
            expected.day,
            expected.hour,
            expected.minute,
            expected.second,
            expected.microsecond,
        )
        assert dates.iso_week(c.days) == tuple(expected.isocalendar()[:2])
        assert dates.day_of_year(c) == expected.timetuple().tm_yday
        assert dates.parse_date_string(dates.iso_string(ms)) == ms


def test_year_zero_is_a_leap_year():
    assert dates.iso_string(dates.MIN_MS) == "0000-01-01T00:00:00.000Z"
    assert dates.parse_date_string("0000-02-29") == dates.MIN_MS + 59 * dates.MS_PER_DAY
    assert dates.is_leap(0) and not dates.is_leap(1900) and dates.is_leap(2000)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        (" 2015-1-2T3:04:05.6789 ", "2015-01-02T03:04:05.678Z"),
        ("+002015-01-01", "2015-01-01T00:00:00.000Z"),
        ("2015T10:00", "2015-01-01T10:00:00.000Z"),
        ("2015-01-01z", "2015-01-01T00:00:00.000Z"),
        ("2015-01-01T00:30+01:00", "2014-12-31T23:30:00.000Z"),
    ],
)
def test_date_strings_arangodb_accepts(text: str, iso: str):
    assert dates.iso_string(dates.parse_date_string(text)) == iso


@pytest.mark.parametrize(
    "text",
    [
        "-2015-01-01",
        "10000-01-01",
        "2015-13-01",
        "2015-02-32",
        "2015-01-01T24:00",
        "2015-01-01T10",
        "2015-01-01T10:00:60",
        "2015-01-01T10:00.5",
        "2015-01-01T10:00+0100",
        "2015-01-01T10:00 Z",
        "0000-01-01T00:00:00+00:01",
        "",
    ],
)
def test_date_strings_arangodb_rejects(text: str):
    assert dates.parse_date_string(text) is None and not dates.is_date_string(text)


def test_iso_durations():
    assert dates.parse_iso_duration("P1Y2M3W4DT5H6M7,5S") == (1, 2, 3, 4, 5, 6, 7, 500)
    assert dates.parse_iso_duration("PT0.123S") == (0, 0, 0, 0, 0, 0, 0, 123)
    for bad in ("P", "1Y", "P1H", "PT1D", "-P1Y", "P1.5Y", "PT1.1234S"):
        assert dates.parse_iso_duration(bad) is None, bad


def test_format_tokens_take_the_first_alternative():
    ms = dates.parse_date_string("2016-02-09T01:02:03.004Z")
    assert dates.format_date("%mmonth|%m%&month|%yyy|%Y-%M-%D|%", ms) == (
        "02onth|2month|16y|2016-2-9|"
    )


def test_zone_periods():
    berlin = dates.get_zone("Europe/Berlin")
    summer = dates.parse_date_string("2021-07-01")
    assert dates.zone_period(berlin, summer) == (
        dates.parse_date_string("2021-03-28T01:00Z"),
        dates.parse_date_string("2021-10-31T01:00Z"),
    )
    local, state = dates.to_local(summer, berlin)
    assert local - summer == 7_200_000 and state.dst and state.abbreviation == "CEST"
    assert dates.to_utc(local, berlin)[0] == summer
    assert dates.zone_period(dates.get_zone("UTC"), summer) == (None, None)


def test_spherical_areas():
    # a quarter of the northern hemisphere, walked counter-clockwise
    octant = geometry.parse_region(
        {"type": "Polygon", "coordinates": [[[0, 0], [90, 0], [0, 90], [0, 0]]]}
    )
    assert geometry.area(octant) == pytest.approx(4 * math.pi * geometry.EARTH_RADIUS_M**2 / 8)
    # the same ring walked clockwise encloses the other seven octants
    rest = geometry.parse_region(
        {"type": "Polygon", "coordinates": [[[0, 0], [0, 90], [90, 0], [0, 0]]]}
    )
    assert geometry.area(rest) == pytest.approx(7 * geometry.area(octant))
    assert geometry.area(rest, "wgs84") == pytest.approx(geometry.area(rest), rel=0.01)


def test_polygons_across_the_antimeridian():
    ring = [[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]]
    shape = geometry.parse_region({"type": "Polygon", "coordinates": [ring]})
    assert shape.contains_point(geometry.point_from_degrees(0, 180))
    assert shape.contains_point(geometry.point_from_degrees(5, -175))
    assert not shape.contains_point(geometry.point_from_degrees(0, 0))


def test_invalid_polygons():
    with pytest.raises(geometry.GeoError, match="Edge 0 crosses edge 2"):
        geometry.parse_region(
            {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
        )
    with pytest.raises(geometry.GeoError, match="Subsequent loop not a hole"):
        geometry.parse_region(
            {
                "type": "Polygon",
                "coordinates": [
                    [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]],
                    [[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]],
                ],
            }
        )
    with pytest.raises(geometry.GeoError, match=r"Bad coordinates values \[1,2,3\]"):
        geometry.parse_region({"type": "LineString", "coordinates": [[1, 2, 3], [4, 5]]})


def test_vincenty_matches_known_distance():
    # Flinders Peak to Buninyong, the classic test of Vincenty's formula
    a = geometry.point_from_degrees(
        -(37 + 57 / 60 + 3.72030 / 3600), 144 + 25 / 60 + 29.52440 / 3600
    )
    b = geometry.point_from_degrees(
        -(37 + 39 / 60 + 10.15610 / 3600), 143 + 55 / 60 + 35.38390 / 3600
    )
    assert geometry.distance(a, b, "wgs84") == pytest.approx(54972.271, abs=0.01)
