"""SCHEMA_GET() and SCHEMA_VALIDATE() with a collection's real schema (fixture
files cannot declare schemas, hence this module)."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

SCHEMA = {
    "rule": {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    },
    "level": "moderate",
    "message": "a name is required",
}


async def _one(db, query: str):
    cursor = await db.aql.execute(query)
    return [row async for row in cursor][0]


async def test_schema_get_returns_the_collection_schema(db):
    await db.create_collection("people", schema=SCHEMA)
    await db.create_collection("plain")
    got = await _one(db, "RETURN [SCHEMA_GET('people'), SCHEMA_GET('plain')]")
    assert got[0]["rule"] == SCHEMA["rule"]
    assert got[0]["level"] == "moderate" and got[0]["message"] == "a name is required"
    assert got[1] is None


async def test_schema_validate_against_the_collection_schema(db):
    await db.create_collection("people", schema=SCHEMA)
    got = await _one(
        db,
        "LET s = SCHEMA_GET('people') "
        "RETURN [SCHEMA_VALIDATE({ name: 'x' }, s), SCHEMA_VALIDATE({ age: 1 }, s)]",
    )
    assert got[0] == {"valid": True}
    assert got[1]["valid"] is False and got[1]["errorMessage"] == "a name is required"


async def test_schema_get_of_a_missing_collection(db):
    with pytest.raises(AQLQueryExecuteError) as exc:
        await _one(db, "RETURN SCHEMA_GET('nope')")
    assert exc.value.error_code == 1203 and exc.value.http_code == 404
