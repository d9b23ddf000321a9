"""Collection schema validation: the ``schema`` property, the four levels, every
write path (single, array, import), removing a schema, and invalid schemas."""

from __future__ import annotations

import json

import httpx
import pytest
from arangoasync.exceptions import (
    CollectionConfigureError,
    CollectionCreateError,
    DocumentInsertError,
    DocumentReplaceError,
    DocumentUpdateError,
)

RULE = {
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0},
    },
    "required": ["name"],
    "additionalProperties": False,
}
MESSAGE = "A person needs a name and a non-negative age."


def schema(level: str = "strict", message: str = MESSAGE) -> dict:
    return {"rule": RULE, "level": level, "message": message}


async def test_schema_property_round_trips(db):
    col = await db.create_collection("people", schema=schema("moderate"))
    props = await col.properties()
    assert props.schema == {
        "rule": RULE,
        "level": "moderate",
        "message": MESSAGE,
        "type": "json",
    }


async def test_invalid_insert_is_refused_with_the_message(db):
    col = await db.create_collection("people", schema=schema())
    # system attributes are not validated, even with additionalProperties: false
    await col.insert({"_key": "ann", "name": "Ann", "age": 30})
    for bad in ({"age": 3}, {"name": "Bob", "age": -1}, {"name": "Bob", "extra": True}):
        with pytest.raises(DocumentInsertError) as exc:
            await col.insert(bad)
        assert exc.value.error_code == 1620 and exc.value.http_code == 400
        assert exc.value.error_message == MESSAGE
    assert await col.count() == 1


async def test_strict_validates_updates_and_replaces(db):
    col = await db.create_collection("people", schema=schema("strict"))
    await col.insert({"_key": "ann", "name": "Ann"})
    with pytest.raises(DocumentUpdateError) as exc:
        await col.update({"_key": "ann", "age": "old"})
    assert exc.value.error_code == 1620
    with pytest.raises(DocumentReplaceError) as exc:
        await col.replace({"_key": "ann", "age": 5})
    assert exc.value.error_code == 1620
    await col.update({"_key": "ann", "age": 31})
    assert (await col.get("ann"))["age"] == 31


async def test_level_new_validates_inserts_only(db):
    col = await db.create_collection("people", schema=schema("new"))
    await col.insert({"_key": "ann", "name": "Ann"})
    with pytest.raises(DocumentInsertError):
        await col.insert({"age": 1})
    await col.update({"_key": "ann", "age": "not a number"})
    await col.replace({"_key": "ann", "whatever": 1})
    assert (await col.get("ann"))["whatever"] == 1


async def test_level_moderate_lets_invalid_documents_change(db):
    col = await db.create_collection("people")
    await col.insert_many([{"_key": "bad", "age": "x"}, {"_key": "good", "name": "Gil"}])
    await col.configure(schema=schema("moderate"))
    # an already invalid document may stay invalid
    await col.update({"_key": "bad", "age": "still bad"})
    # a valid document may not become invalid
    with pytest.raises(DocumentUpdateError) as exc:
        await col.update({"_key": "good", "age": -5})
    assert exc.value.error_code == 1620
    with pytest.raises(DocumentInsertError):
        await col.insert({"age": 1})


async def test_level_none_validates_nothing(db):
    col = await db.create_collection("people", schema=schema("none"))
    await col.insert({"age": "anything"})
    assert await col.count() == 1


async def test_array_insert_reports_each_document(db):
    col = await db.create_collection("people", schema=schema())
    results = await col.insert_many([{"name": "Ann"}, {"age": 2}, {"name": "Cy"}])
    assert "_key" in results[0] and "_key" in results[2]
    assert results[1]["error"] is True and results[1]["errorNum"] == 1620
    assert results[1]["errorMessage"] == MESSAGE
    assert await col.count() == 2


async def test_import_validates_each_document(db):
    col = await db.create_collection("people", schema=schema())
    docs = [{"name": "Ann"}, {"age": 2}, {"name": "Cy", "age": 4}]
    result = await col.import_bulk(json.dumps(docs), doc_type="list", complete=False)
    assert result["created"] == 2 and result["errors"] == 1
    assert await col.count() == 2


async def _put_schema(db, target, name, value):
    url = f"/_db/{db.name}/_api/collection/{name}/properties"
    async with httpx.AsyncClient(base_url=target.url, auth=("root", target.root_password)) as h:
        return await h.put(url, json={"schema": value})


@pytest.mark.parametrize("removal", [{}, None])
async def test_configure_adds_and_removes_the_schema(db, target, removal):
    col = await db.create_collection("people")
    await col.configure(schema=schema())
    with pytest.raises(DocumentInsertError):
        await col.insert({"age": 1})
    reply = await _put_schema(db, target, "people", removal)
    assert reply.status_code == 200 and reply.json()["schema"] is None
    assert (await col.properties()).schema is None
    await col.insert({"age": 1})
    assert await col.count() == 1


async def test_schema_must_be_an_object(db, target):
    await db.create_collection("people")
    reply = await _put_schema(db, target, "people", [1, 2])
    assert reply.status_code == 400
    assert reply.json()["errorNum"] == 1621
    assert reply.json()["errorMessage"] == "Schema description is not an object."


async def test_default_level_is_strict(db):
    col = await db.create_collection("people", schema={"rule": RULE, "message": MESSAGE})
    props = await col.properties()
    assert props.schema["level"] == "strict"
    await col.insert({"_key": "ann", "name": "Ann"})
    with pytest.raises(DocumentUpdateError):
        await col.update({"_key": "ann", "age": -1})


@pytest.mark.parametrize(
    "bad",
    [
        {"rule": RULE, "level": "sometimes"},
        {"rule": "not an object"},
        {"level": "strict"},
        {"rule": {"type": "no-such-type"}},
        {"rule": {"properties": {"a": {"type": 5}}}},
    ],
)
async def test_invalid_schemas_are_refused(db, bad):
    with pytest.raises(CollectionCreateError) as exc:
        await db.create_collection("people", schema=bad)
    assert exc.value.error_code == 1621 and exc.value.http_code == 400
    col = await db.create_collection("people")
    with pytest.raises(CollectionConfigureError) as exc:
        await col.configure(schema=bad)
    assert exc.value.error_code == 1621


async def test_unknown_level_message(db):
    with pytest.raises(CollectionCreateError) as exc:
        await db.create_collection("people", schema={"rule": RULE, "level": "often"})
    assert "Valid validation levels are: none, new, moderate, strict" in exc.value.error_message
