"""The AQL functions that read a collection through an index: NEAR, WITHIN,
WITHIN_RECTANGLE (geo index) and FULLTEXT (fulltext index), through the driver.

They need indexes, which the fixture files cannot declare, hence this module.
"""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

PLACES = [
    {"_key": "origin", "lat": 0, "lng": 0},
    {"_key": "east1", "lat": 0, "lng": 1},
    {"_key": "north2", "lat": 2, "lng": 0},
    {"_key": "far", "lat": 40, "lng": 40},
    {"_key": "nowhere", "name": "no coordinates"},
]


async def _rows(db: Any, query: str, **bind: Any) -> list[Any]:
    cursor = await db.aql.execute(query, bind_vars=bind or None)
    return [row async for row in cursor]


@pytest.fixture
async def places(db):
    coll = await db.create_collection("places")
    await coll.add_index(type="geo", fields=["lat", "lng"])
    await coll.insert_many(PLACES)
    return coll


async def test_near_sorts_by_distance_and_limits(db, places):
    rows = await _rows(db, "RETURN NEAR(places, 0, 0.1, 3)")
    assert [d["_key"] for d in rows[0]] == ["origin", "east1", "north2"]
    rows = await _rows(db, "RETURN NEAR(places, 0, 0.1)")
    assert [d["_key"] for d in rows[0]] == ["origin", "east1", "north2", "far"]


async def test_near_adds_the_distance_attribute(db, places):
    rows = await _rows(
        db,
        "FOR d IN NEAR(places, 0, 0, 2, 'dist') "
        "RETURN [d._key, d.dist, DISTANCE(d.lat, d.lng, 0, 0)]",
    )
    assert rows[0][:2] == ["origin", 0]
    key, dist, expected = rows[1]
    assert key == "east1" and dist == pytest.approx(111194.93, abs=0.01) and dist == expected


async def test_near_limit_must_be_an_integer(db, places):
    with pytest.raises(AQLQueryExecuteError) as err:
        await _rows(db, "RETURN NEAR(places, 0, 0, 'two')")
    assert err.value.error_code == 1542 and err.value.http_code == 400
    assert "limit parameter has wrong type" in err.value.error_message


async def test_within_filters_by_radius(db, places):
    rows = await _rows(db, "FOR d IN WITHIN(places, 0, 0, 150000, 'm') RETURN [d._key, d.m > 0]")
    assert rows == [["origin", False], ["east1", True]]
    rows = await _rows(db, "RETURN LENGTH(WITHIN(places, 0, 0, 1000000))")
    assert rows == [3]


async def test_within_rectangle(db, places):
    rows = await _rows(db, "FOR d IN WITHIN_RECTANGLE(places, -1, -1, 3, 1.5) RETURN d._key")
    assert sorted(rows) == ["east1", "north2", "origin"]


async def test_geo_functions_need_a_geo_index(db):
    await db.create_collection("plain")
    for query in (
        "RETURN NEAR(plain, 0, 0)",
        "RETURN WITHIN(plain, 0, 0, 10)",
        "RETURN WITHIN_RECTANGLE(plain, 0, 0, 1, 1)",
    ):
        with pytest.raises(AQLQueryExecuteError) as err:
            await _rows(db, query)
        assert err.value.error_code == 1570 and err.value.http_code == 400
        assert "no suitable geo index found for geo restriction on 'plain'" in (
            err.value.error_message
        )


async def test_geo_index_on_one_attribute(db):
    coll = await db.create_collection("spots")
    await coll.add_index(type="geo", fields=["loc"])
    await coll.insert_many(
        [{"_key": "a", "loc": [10, 20]}, {"_key": "b", "loc": [11, 20]}, {"_key": "c", "loc": "x"}]
    )
    rows = await _rows(db, "FOR d IN NEAR(spots, 10, 20) RETURN d._key")
    assert rows == ["a", "b"]  # [latitude, longitude]; "c" is not indexed

    geo = await db.create_collection("shapes")
    await geo.add_index(type="geo", fields=["geometry"], options={"geoJson": True})
    await geo.insert_many(
        [
            {"_key": "p", "geometry": {"type": "Point", "coordinates": [10, 20]}},
            {"_key": "q", "geometry": [10.5, 20]},
        ]
    )
    rows = await _rows(db, "FOR d IN WITHIN(shapes, 20, 10, 1000) RETURN d._key")
    assert rows == ["p"]  # GeoJSON order: [longitude, latitude]


async def test_geo_functions_see_stream_transaction_writes(db, places):
    trx = await db.begin_transaction(write="places")
    try:
        await trx.collection("places").insert({"_key": "new", "lat": 0, "lng": 0.01})
        await trx.collection("places").delete("east1")
        cursor = await trx.aql.execute("FOR d IN NEAR(places, 0, 0, 3) RETURN d._key")
        assert [k async for k in cursor] == ["origin", "new", "north2"]
    finally:
        await trx.abort_transaction()
    assert await _rows(db, "FOR d IN NEAR(places, 0, 0, 2) RETURN d._key") == ["origin", "east1"]


@pytest.fixture
async def mails(db):
    coll = await db.create_collection("mails")
    await coll.add_index(type="fulltext", fields=["body"], options={"minLength": 3})
    await coll.insert_many(
        [
            {"_key": "1", "body": "banana and apple"},
            {"_key": "2", "body": "Banana split"},
            {"_key": "3", "body": "an apple a day"},
            {"_key": "4", "body": "headache and aspirin"},
            {"_key": "5", "body": "Pear, banana, cranberry"},
        ]
    )
    return coll


@pytest.mark.parametrize(
    ("search", "keys"),
    [
        ("banana", ["1", "2", "5"]),
        ("BANANA", ["1", "2", "5"]),
        ("banana,apple", ["1"]),
        ("+banana,+apple", ["1"]),
        ("banana,|apple", ["1", "2", "3", "5"]),
        ("banana,-apple", ["2", "5"]),
        ("banana,pear,-cranberry", []),
        ("prefix:ban", ["1", "2", "5"]),
        ("prefix:head,complete:aspirin", ["4"]),
        ("prefix:cra,|prefix:asp", ["4", "5"]),
        ("kiwi", []),
    ],
)
async def test_fulltext_queries(db, mails, search: str, keys: list[str]):
    rows = await _rows(db, "FOR m IN FULLTEXT(mails, 'body', @q) RETURN m._key", q=search)
    assert sorted(rows) == keys


async def test_fulltext_limit(db, mails):
    rows = await _rows(db, "RETURN LENGTH(FULLTEXT(mails, 'body', 'banana', 2))")
    assert rows == [2]


async def test_fulltext_needs_an_index_on_the_attribute(db, mails):
    with pytest.raises(AQLQueryExecuteError) as err:
        await _rows(db, "RETURN FULLTEXT(mails, 'subject', 'banana')")
    assert err.value.error_code == 1571 and err.value.http_code == 400
    assert "no suitable fulltext index found for fulltext query on 'mails'" in (
        err.value.error_message
    )


async def test_fulltext_sees_stream_transaction_writes(db, mails):
    trx = await db.begin_transaction(write="mails")
    try:
        await trx.collection("mails").insert({"_key": "6", "body": "kiwi and banana"})
        await trx.collection("mails").update({"_key": "2", "body": "no fruit"})
        cursor = await trx.aql.execute("FOR m IN FULLTEXT(mails, 'body', 'banana') RETURN m._key")
        assert sorted([k async for k in cursor]) == ["1", "5", "6"]
    finally:
        await trx.abort_transaction()


@pytest.mark.lite_only
async def test_unknown_timezone_fails_the_query(db):
    # ArangoDB's timezone library throws; the query fails rather than warning
    with pytest.raises(AQLQueryExecuteError) as err:
        await _rows(db, "RETURN DATE_YEAR(0, 'Mars/Olympus_Mons')")
    assert err.value.error_code == 4
    assert "Mars/Olympus_Mons not found in timezone database" in err.value.error_message
