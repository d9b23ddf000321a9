"""Bulk import (``POST /_api/import``): the three body formats, onDuplicate,
complete (all-or-nothing), details, edge prefixes, overwrite, and the errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from arangoasync.exceptions import DocumentInsertError

from tests.conftest import Target, unique_name


@pytest.fixture
async def coll(db):
    return await db.create_collection(unique_name("c"))


def _lines(*docs: Any) -> str:
    return "\n".join(json.dumps(d) for d in docs)


async def _raw_import(target: Target, db: Any, query: str, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient(auth=("root", target.root_password)) as http:
        return await http.post(f"{target.url}/_db/{db.name}/_api/import?{query}", content=body)


async def test_import_array_and_lines(coll):
    docs = [{"_key": "a", "v": 1}, {"_key": "b", "v": 2}, {"v": 3}]
    result = await coll.import_bulk(json.dumps(docs), doc_type="array")
    assert result == {
        "error": False,
        "created": 3,
        "errors": 0,
        "empty": 0,
        "updated": 0,
        "ignored": 0,
        "details": [],
    }
    jsonl = '{"_key": "c"}\n\n  {"_key": "d", "n": null}\r\n\n'
    lines = await coll.import_bulk(jsonl, doc_type="documents", details=False)
    assert lines["created"] == 2 and lines["empty"] == 2 and "details" not in lines
    assert (await coll.get("d"))["n"] is None
    auto = await coll.import_bulk(" \n" + json.dumps([{"_key": "e"}]), doc_type="auto")
    assert auto["created"] == 1
    auto_lines = await coll.import_bulk(_lines({"_key": "f"}, {"_key": "g"}), doc_type="auto")
    assert auto_lines["created"] == 2
    listed = await coll.import_bulk(json.dumps([{"_key": "h"}]), doc_type="list")
    assert listed["created"] == 1
    assert await coll.count() == 9


async def test_details_report_positions(coll):
    await coll.insert({"_key": "taken"})
    body = _lines({"_key": "x"}, [1, 2], {"_key": "taken", "v": 1}) + "\nnot json\n"
    result = await coll.import_bulk(body, doc_type="documents", complete=False)
    assert (result["created"], result["errors"]) == (1, 3)
    assert result["details"] == [
        "at position 2: invalid JSON type (expecting object), offending document: [1,2]",
        "at position 4: invalid JSON type (expecting object, probably parse error), "
        "offending context: not json",
        # insert failures count positions among the valid documents, from 0
        "at position 1: creating document failed with error 'unique constraint violated', "
        'offending document: {"_key":"taken","v":1}',
    ]
    long_doc = {"_key": "taken", "text": "y" * 400}
    long = await coll.import_bulk(json.dumps([long_doc]), doc_type="array", complete=False)
    assert long["details"][0].endswith("y" * 10 + "...")


async def test_on_duplicate(coll):
    await coll.insert_many([{"_key": "a", "keep": 1, "v": 0}, {"_key": "b", "keep": 1}])
    update = await coll.import_bulk(
        json.dumps([{"_key": "a", "v": 1}, {"_key": "new", "v": 1}]),
        doc_type="array",
        on_duplicate="update",
    )
    assert (update["created"], update["updated"]) == (1, 1)
    assert (await coll.get("a")) | {"_rev": None} == {
        "_key": "a",
        "_id": f"{coll.name}/a",
        "_rev": None,
        "keep": 1,
        "v": 1,
    }
    replace = await coll.import_bulk(
        json.dumps([{"_key": "b", "v": 2}]), doc_type="array", on_duplicate="replace"
    )
    assert replace["updated"] == 1 and "keep" not in await coll.get("b")
    ignore = await coll.import_bulk(
        json.dumps([{"_key": "b", "v": 3}, {"_key": "c"}]), doc_type="array", on_duplicate="ignore"
    )
    assert (ignore["created"], ignore["ignored"], ignore["errors"]) == (1, 1, 0)
    assert (await coll.get("b"))["v"] == 2
    error = await coll.import_bulk(
        json.dumps([{"_key": "c"}]), doc_type="array", on_duplicate="error", complete=False
    )
    assert (error["created"], error["errors"]) == (0, 1)


async def test_complete_is_all_or_nothing(coll):
    await coll.insert_many([{"_key": "old1"}, {"_key": "old2", "v": 1}])
    docs = [{"_key": "n1"}, {"_key": "old2", "v": 2}, {"_key": "n2"}, {"_key": "bad key"}]
    with pytest.raises(DocumentInsertError) as exc:
        await coll.import_bulk(json.dumps(docs), doc_type="array", on_duplicate="update")
    assert exc.value.error_code == 1221 and exc.value.http_code == 400
    assert exc.value.error_message == "illegal document key"
    assert await coll.count() == 2
    assert await coll.get("n1") is None and (await coll.get("old2"))["v"] == 1

    # overwrite=true truncates first, and that is undone too
    with pytest.raises(DocumentInsertError) as truncated:
        await coll.import_bulk(
            json.dumps([{"_key": "z"}, {"_key": "z"}]), doc_type="array", overwrite=True
        )
    assert truncated.value.error_code == 1210
    assert await coll.count() == 2 and (await coll.get("old2"))["v"] == 1

    with pytest.raises(DocumentInsertError) as bad_doc:
        await coll.import_bulk(json.dumps([{"_key": "y"}, 5]), doc_type="array")
    assert bad_doc.value.error_code == 1227 and bad_doc.value.http_code == 400
    with pytest.raises(DocumentInsertError) as bad_line:
        await coll.import_bulk('{"_key": "y"}\n{oops', doc_type="documents")
    assert bad_line.value.http_code == 400 and bad_line.value.error_code == 600
    assert await coll.get("y") is None

    replaced = await coll.import_bulk(
        json.dumps([{"_key": "only"}]), doc_type="array", overwrite=True
    )
    assert replaced["created"] == 1 and await coll.count() == 1


async def test_tabular_format(coll, db, target):
    body = b'["_key", "name", "age"]\n["a", "Ann", 30]\n\n["b", null, 40]\n["c", "short"]\n'
    result = await coll.import_bulk(body, doc_type=None, complete=False)
    assert (result["created"], result["errors"], result["empty"]) == (2, 1, 1)
    assert result["details"] == ["at position 4: wrong number of JSON values (got 2, expected 3)"]
    assert "name" not in await coll.get("b")  # nulls are omitted
    lenient = await coll.import_bulk(
        b'["_key", "name", "age"]\n["d", "Dee"]\n["e", "Eve", 1, "extra"]',
        doc_type=None,
        ignore_missing=True,
    )
    assert lenient["created"] == 2
    assert {k: v for k, v in (await coll.get("e")).items() if k[0] != "_"} == {
        "name": "Eve",
        "age": 1,
    }
    for bad_body in (b'{"_key": "x"}', b'{"_key": "x"}\n["x"]', b'[]\n["x"]', b"[1]\n[2]"):
        resp = await _raw_import(target, db, f"collection={coll.name}", bad_body)
        assert resp.status_code == 400 and resp.json()["errorNum"] == 400, bad_body


async def test_edges_with_prefixes(db):
    links = await db.create_collection(unique_name("l"), col_type=3)
    docs = [
        {"_from": "a", "_to": "b"},
        {"_from": "other/a", "_to": 7},
        {"_from": "a"},
        {"_from": "a", "_to": "not an id"},
    ]
    result = await links.import_bulk(
        json.dumps(docs), doc_type="array", from_prefix="v", to_prefix="w/", complete=False
    )
    assert (result["created"], result["errors"]) == (2, 2)
    assert result["details"][0] == (
        "at position 3: missing '_from' or '_to' attribute, offending document: {\"_from\":\"v/a\"}"
    )
    assert "edge attribute missing or invalid" in result["details"][1]
    graph = db.graph("unused")
    found = await graph.edges(links.name, "v/a", direction="out")
    assert [(e["_from"], e["_to"]) for e in found["edges"]] == [("v/a", "w/b")]
    moved = await links.import_bulk(
        json.dumps([{"_from": "other/x", "_to": "w/y"}]),
        doc_type="array",
        from_prefix="v",
        overwrite_collection_prefix=True,
    )
    assert moved["created"] == 1
    assert (await graph.edges(links.name, "v/x"))["edges"][0]["_to"] == "w/y"
    assert (await graph.edges(links.name, "other/a"))["edges"][0]["_to"] == "w/7"


async def test_schema_and_key_errors_are_counted(db):
    schema = {"rule": {"type": "object", "required": ["name"]}, "message": "needs a name"}
    people = await db.create_collection(unique_name("p"), schema=schema)
    result = await people.import_bulk(
        json.dumps([{"name": "ok"}, {"age": 1}, {"_key": "bad key", "name": "x"}]),
        doc_type="array",
        complete=False,
    )
    assert (result["created"], result["errors"]) == (1, 2)
    assert "illegal document key" in result["details"][1]
    with pytest.raises(DocumentInsertError) as exc:
        await people.import_bulk(json.dumps([{"age": 1}]), doc_type="array")
    assert exc.value.error_code == 1620 and exc.value.http_code == 400


async def test_request_errors(coll, db, target):
    missing_param = await _raw_import(target, db, "type=array", b"[]")
    assert missing_param.status_code == 400 and missing_param.json()["errorNum"] == 1204
    with pytest.raises(DocumentInsertError) as unknown:
        await db.collection("no_such").import_bulk("[]", doc_type="array")
    assert unknown.value.error_code == 1203 and unknown.value.http_code == 404
    for body in (b'{"not": "an array"}', b"[1, 2", b""):
        resp = await _raw_import(target, db, f"collection={coll.name}&type=array", body)
        assert resp.status_code == 400 and resp.json()["errorNum"] == 400, body
    assert await coll.count() == 0


async def test_import_rollback_inside_a_stream_transaction(db, coll):
    await coll.insert({"_key": "base"})
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    ok = await inside.import_bulk(json.dumps([{"_key": "t1"}]), doc_type="array")
    assert ok["created"] == 1
    with pytest.raises(DocumentInsertError):
        await inside.import_bulk(
            json.dumps([{"_key": "t2"}, {"_key": "t2"}]), doc_type="array", overwrite=True
        )
    # the failed import is undone inside the transaction; the earlier one stays
    assert await inside.get("t1") is not None and await inside.get("base") is not None
    assert await inside.get("t2") is None
    await txn.commit_transaction()
    assert await coll.count() == 2


async def test_large_import(coll):
    docs = [{"_key": f"k{i}", "i": i, "tag": "bulk"} for i in range(10_000)]
    result = await coll.import_bulk(json.dumps(docs), doc_type="array")
    assert result["created"] == 10_000 and result["errors"] == 0
    assert await coll.count() == 10_000
    assert (await coll.get("k9999"))["i"] == 9999
