"""Documents and edges: insert/get/has/update/replace/delete, one or many, with
every option the driver sends, the status codes and headers ArangoDB 3.12 uses,
and its errors (errorNum + HTTP status) for each kind of bad input."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    DocumentDeleteError,
    DocumentGetError,
    DocumentInsertError,
    DocumentReplaceError,
    DocumentRevisionError,
    DocumentUpdateError,
    EdgeListError,
)
from arangoasync.typings import UserInfo

from tests.conftest import Target, unique_name


@pytest.fixture
async def coll(db):
    return await db.create_collection(unique_name("c"))


@pytest.fixture
async def edges(db):
    return await db.create_collection(unique_name("e"), col_type=3)


async def _raw(
    target: Target,
    method: str,
    db: Any,
    path: str,
    body: Any = None,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """One request with the wire shape visible (statuses and headers the driver hides)."""
    async with httpx.AsyncClient(auth=("root", target.root_password)) as http:
        return await http.request(
            method,
            f"{target.url}/_db/{db.name}{path}",
            content=content if content is not None else json.dumps(body).encode(),
            headers=headers,
        )


def _error(resp: httpx.Response) -> tuple[int, int]:
    return resp.status_code, resp.json()["errorNum"]


# ---------------------------------------------------------------------- insert
async def test_insert_and_get(coll):
    meta = await coll.insert({"_key": "a", "name": "x", "nested": {"n": None}})
    assert meta["_id"] == f"{coll.name}/a" and meta["_key"] == "a" and meta["_rev"]
    assert set(meta) == {"_id", "_key", "_rev"}
    doc = await coll.get("a")
    assert doc == {
        "_key": "a",
        "_id": f"{coll.name}/a",
        "_rev": meta["_rev"],
        "name": "x",
        "nested": {"n": None},
    }
    assert await coll.get(f"{coll.name}/a") == doc
    assert await coll.get("missing") is None
    generated = await coll.insert({"v": 1}, return_new=True)
    assert generated["new"]["_key"] == generated["_key"] and generated["new"]["v"] == 1
    assert await coll.insert({"v": 2}, silent=True) is True


async def test_insert_ignores_id_and_rev_and_keeps_nulls(coll):
    meta = await coll.insert(
        {"_key": "k", "_id": "other/zzz", "_rev": "bogus", "n": None}, keep_null=False
    )
    doc = await coll.get("k")
    assert doc["_id"] == f"{coll.name}/k" and doc["_rev"] == meta["_rev"] != "bogus"
    assert doc["n"] is None  # keepNull only concerns the update-insert


async def test_insert_status_and_headers(coll, db, target):
    plain = await _raw(target, "POST", db, f"/_api/document/{coll.name}", {"_key": "h"})
    assert plain.status_code == 202
    body = plain.json()
    assert plain.headers["etag"] == f'"{body["_rev"]}"'
    assert plain.headers["location"] == f"/_db/{db.name}/_api/document/{coll.name}/h"
    synced = await _raw(
        target, "POST", db, f"/_api/document/{coll.name}?waitForSync=true", {"_key": "s"}
    )
    assert synced.status_code == 201
    silent = await _raw(target, "POST", db, f"/_api/document/{coll.name}?silent=true", {"a": 1})
    assert silent.status_code == 202 and silent.json() == {}
    by_query = await _raw(target, "POST", db, f"/_api/document?collection={coll.name}", {"q": 1})
    assert by_query.status_code == 202 and by_query.json()["_id"].startswith(coll.name)


async def test_collection_wait_for_sync_gives_201(db, target):
    synced = await db.create_collection(unique_name("s"), wait_for_sync=True)
    resp = await _raw(target, "POST", db, f"/_api/document/{synced.name}", {"x": 1})
    assert resp.status_code == 201
    key = resp.json()["_key"]
    removed = await _raw(target, "DELETE", db, f"/_api/document/{synced.name}/{key}")
    assert removed.status_code == 200


async def test_insert_overwrite_modes(coll):
    first = await coll.insert({"_key": "o", "a": 1, "obj": {"x": 1}, "gone": 1})
    replaced = await coll.insert(
        {"_key": "o", "b": 2}, overwrite=True, return_old=True, return_new=True
    )
    assert replaced["_oldRev"] == first["_rev"]
    assert replaced["old"]["a"] == 1 and "a" not in replaced["new"] and replaced["new"]["b"] == 2

    updated = await coll.insert(
        {"_key": "o", "c": 3, "b": None, "obj": {"y": 2}},
        overwrite_mode="update",
        return_new=True,
    )
    # the update-insert defaults keepNull to false, mergeObjects to true
    assert updated["new"]["c"] == 3 and "b" not in updated["new"]

    await coll.insert({"_key": "o", "obj": {"x": 1}}, overwrite_mode="update")
    kept = await coll.insert(
        {"_key": "o", "n": None, "obj": {"z": 3}},
        overwrite_mode="update",
        keep_null=True,
        merge_objects=False,
        return_new=True,
    )
    assert kept["new"]["n"] is None and kept["new"]["obj"] == {"z": 3}

    ignored = await coll.insert(
        {"_key": "o", "d": 4}, overwrite_mode="ignore", return_new=True, return_old=True
    )
    assert ignored == {"_id": f"{coll.name}/o", "_key": "o", "_rev": kept["_rev"]}
    assert "d" not in await coll.get("o")

    with pytest.raises(DocumentInsertError) as conflict:
        await coll.insert({"_key": "o"}, overwrite_mode="conflict")
    assert conflict.value.error_code == 1210 and conflict.value.http_code == 409

    fresh = await coll.insert({"_key": "new"}, overwrite_mode="replace", return_old=True)
    assert "_oldRev" not in fresh and "old" not in fresh


async def test_insert_errors(coll, db, target):
    await coll.insert({"_key": "dup"})
    with pytest.raises(DocumentInsertError) as dup:
        await coll.insert({"_key": "dup"})
    assert dup.value.error_code == 1210 and dup.value.http_code == 409
    assert "conflicting key: dup" in dup.value.error_message

    for bad_key in ("has space", "", "x" * 255, 42, "a/b"):
        with pytest.raises(DocumentInsertError) as bad:
            await coll.insert({"_key": bad_key})
        assert (bad.value.error_code, bad.value.http_code) == (1221, 400), bad_key

    for body in (b"5", b'"text"', b"null", b""):
        resp = await _raw(target, "POST", db, f"/_api/document/{coll.name}", content=body)
        assert _error(resp) == (400, 1227), body
    broken = await _raw(target, "POST", db, f"/_api/document/{coll.name}", content=b"{1:2}")
    assert _error(broken) == (400, 600)

    with pytest.raises(DocumentInsertError) as missing:
        await db.collection("no_such_collection").insert({"a": 1})
    assert missing.value.error_code == 1203 and missing.value.http_code == 404


async def test_user_keys_can_be_forbidden(db):
    strict = await db.create_collection(
        unique_name("k"), key_options={"type": "traditional", "allowUserKeys": False}
    )
    with pytest.raises(DocumentInsertError) as exc:
        await strict.insert({"_key": "mine"})
    assert exc.value.error_code == 1222 and exc.value.http_code == 400
    assert (await strict.insert({"a": 1}))["_key"]


async def test_huge_numbers_become_doubles(coll, db, target):
    body = b'{"_key": "big", "n": 123456789012345678901234567890, "m": -9223372036854775809}'
    resp = await _raw(target, "POST", db, f"/_api/document/{coll.name}", content=body)
    assert resp.status_code == 202
    doc = await coll.get("big")
    assert doc["n"] == pytest.approx(1.2345678901234568e29)
    assert isinstance(doc["m"], float)
    overflow = await _raw(
        target, "POST", db, f"/_api/document/{coll.name}", content=b'{"n": 1e400}'
    )
    assert _error(overflow) == (400, 600)


async def test_insert_many_with_inline_errors(coll, db, target):
    results = await coll.insert_many(
        [{"_key": "m1"}, {"_key": "m1"}, {"_key": "bad key"}, {"v": 1}], return_new=True
    )
    assert results[0]["_key"] == "m1" and results[0]["new"]["_key"] == "m1"
    assert results[1]["error"] is True and results[1]["errorNum"] == 1210
    assert results[2]["errorNum"] == 1221 and "errorMessage" in results[2]
    assert results[3]["new"]["v"] == 1

    resp = await _raw(
        target, "POST", db, f"/_api/document/{coll.name}", [{"_key": "m1"}, 7, {"_key": "m1"}]
    )
    assert resp.status_code == 202
    assert json.loads(resp.headers["x-arango-error-codes"]) == {"1210": 2, "1227": 1}
    assert [item.get("errorNum") for item in resp.json()] == [1210, 1227, 1210]

    silent = await coll.insert_many([{"_key": "s1"}, {"_key": "s1"}], silent=True)
    assert len(silent) == 1 and silent[0]["errorNum"] == 1210
    assert await coll.insert_many([{"a": 1}], silent=True) == {}


# ---------------------------------------------------------------------- read
async def test_get_and_has_with_revisions(coll, db, target):
    meta = await coll.insert({"_key": "r", "v": 1})
    rev = meta["_rev"]
    assert (await coll.get("r", if_match=rev))["v"] == 1
    with pytest.raises(DocumentRevisionError) as mismatch:
        await coll.get("r", if_match="not-the-rev")
    assert mismatch.value.error_code == 1200 and mismatch.value.http_code == 412
    with pytest.raises(DocumentGetError) as unchanged:
        await coll.get("r", if_none_match=rev)
    assert unchanged.value.http_code == 304
    assert (await coll.get("r", if_none_match="older"))["v"] == 1

    assert await coll.has("r") is True
    assert await coll.has("nope") is False
    assert await coll.has("r", if_match=rev) is True
    with pytest.raises(DocumentRevisionError):
        await coll.has("r", if_match="other")

    path = f"/_api/document/{coll.name}/r"
    precondition = await _raw(target, "GET", db, path, headers={"If-Match": '"other"'})
    assert precondition.status_code == 412
    assert precondition.json() == {
        "code": 412,
        "error": True,
        "errorMessage": "conflict",
        "errorNum": 1200,
        "_id": f"{coll.name}/r",
        "_key": "r",
        "_rev": rev,
    }
    got = await _raw(target, "GET", db, path)
    assert got.status_code == 200 and got.headers["etag"] == f'"{rev}"'
    head = await _raw(target, "HEAD", db, path)
    assert head.status_code == 200 and head.headers["etag"] == f'"{rev}"' and head.content == b""
    not_modified = await _raw(target, "GET", db, path, headers={"If-None-Match": f'"{rev}"'})
    assert not_modified.status_code == 304 and not_modified.content == b""


async def test_get_errors(coll, db, target):
    missing = await _raw(target, "GET", db, f"/_api/document/{coll.name}/nope")
    assert missing.json() == {
        "code": 404,
        "error": True,
        "errorMessage": "document not found",
        "errorNum": 1202,
    }
    assert _error(await _raw(target, "GET", db, "/_api/document/no_such/a")) == (404, 1203)
    assert _error(await _raw(target, "GET", db, f"/_api/document/{coll.name}")) == (404, 1203)
    invalid_key = await _raw(target, "GET", db, f"/_api/document/{coll.name}/a%20b")
    assert _error(invalid_key) == (404, 1202)
    head = await _raw(target, "HEAD", db, f"/_api/document/{coll.name}/nope")
    assert head.status_code == 404 and head.content == b""
    with pytest.raises(DocumentGetError) as exc:
        await db.collection("no_such").get("a")
    assert exc.value.error_code == 1203 and exc.value.http_code == 404


async def test_keys_with_special_characters_in_urls(coll, db, target):
    keys = ["a%20b", "p+q", "x:y@z", "it's", "(1),=;$!*"]
    await coll.insert_many([{"_key": key} for key in keys])
    for key in keys:
        resp = await _raw(target, "GET", db, f"/_api/document/{coll.name}/{quote(key, safe='')}")
        assert resp.status_code == 200 and resp.json()["_key"] == key, key
    # a slash inside one path segment is part of the key, not a new segment
    slash = await _raw(target, "GET", db, f"/_api/document/{coll.name}/a%2Fb")
    assert _error(slash) == (404, 1202)


async def test_get_many(coll, db, target):
    await coll.insert_many([{"_key": "g1", "v": 1}, {"_key": "g2", "v": 2}])
    docs = await coll.get_many(["g1", f"{coll.name}/g2", {"_key": "missing"}, {"_key": "g1"}])
    assert [d["_key"] for d in docs] == ["g1", "g2", "g1"]

    resp = await _raw(
        target,
        "PUT",
        db,
        f"/_api/document/{coll.name}?onlyget=true&ignoreRevs=false",
        ["g1", "nope", {"_key": "g2", "_rev": "stale"}, 12],
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body[0]["v"] == 1
    assert [item.get("errorNum") for item in body[1:]] == [1202, 1200, 1205]
    assert json.loads(resp.headers["x-arango-error-codes"]) == {"1202": 1, "1200": 1, "1205": 1}
    with pytest.raises(DocumentGetError) as exc:
        await db.collection("no_such").get_many(["a"])
    assert exc.value.error_code == 1203


# ---------------------------------------------------------------------- update / replace
async def test_update_options(coll):
    await coll.insert({"_key": "u", "a": 1, "obj": {"x": 1, "y": 2}, "keep": True})
    result = await coll.update(
        {"_key": "u", "a": None, "obj": {"y": None, "z": 3}},
        keep_null=False,
        return_old=True,
        return_new=True,
    )
    assert result["old"]["a"] == 1 and result["_oldRev"] == result["old"]["_rev"]
    assert result["new"]["obj"] == {"x": 1, "z": 3} and "a" not in result["new"]
    assert result["new"]["keep"] is True

    merged = await coll.update({"_key": "u", "obj": {"w": 0}, "n": None}, return_new=True)
    assert merged["new"]["obj"] == {"x": 1, "z": 3, "w": 0} and merged["new"]["n"] is None

    replaced_obj = await coll.update(
        {"_key": "u", "obj": {"only": 1}}, merge_objects=False, return_new=True
    )
    assert replaced_obj["new"]["obj"] == {"only": 1}
    assert await coll.update({"_key": "u", "s": 1}, silent=True) is True

    # a patch with nothing in it changes nothing, not even the revision
    before = await coll.get("u")
    noop = await coll.update({"_key": "u"}, return_new=True)
    assert noop["_rev"] == noop["_oldRev"] == before["_rev"] and noop["new"] == before


async def test_update_and_replace_preconditions(coll, db, target):
    meta = await coll.insert({"_key": "p", "v": 1})
    stale = meta["_rev"]
    await coll.update({"_key": "p", "v": 2})
    with pytest.raises(DocumentRevisionError) as header:
        await coll.update({"_key": "p", "v": 3}, if_match=stale)
    assert header.value.error_code == 1200 and header.value.http_code == 412
    with pytest.raises(DocumentRevisionError) as body_rev:
        await coll.replace({"_key": "p", "_rev": stale, "v": 3}, ignore_revs=False)
    assert body_rev.value.http_code == 412
    # by default the body's _rev is ignored
    assert (await coll.replace({"_key": "p", "_rev": stale, "v": 4}, return_new=True))["new"][
        "v"
    ] == 4
    current = (await coll.get("p"))["_rev"]
    ok = await coll.update({"_key": "p", "_rev": current, "v": 5}, ignore_revs=False)
    assert ok["_oldRev"] == current

    resp = await _raw(
        target, "PATCH", db, f"/_api/document/{coll.name}/p", {"v": 6}, headers={"If-Match": "x"}
    )
    assert resp.status_code == 412 and resp.json()["_rev"] == ok["_rev"]


async def test_replace(coll, db, target):
    await coll.insert({"_key": "rp", "a": 1, "b": 2})
    result = await coll.replace({"_key": "rp", "c": 3}, return_old=True, return_new=True)
    assert result["old"]["a"] == 1
    assert {k: v for k, v in result["new"].items() if not k.startswith("_")} == {"c": 3}
    # the key in the URL wins over a different _key in the body
    resp = await _raw(target, "PUT", db, f"/_api/document/{coll.name}/rp", {"_key": "zz", "d": 4})
    assert resp.status_code == 202 and resp.json()["_key"] == "rp"
    assert (await coll.get("rp"))["d"] == 4 and await coll.get("zz") is None
    synced = await _raw(
        target, "PUT", db, f"/_api/document/{coll.name}/rp?waitForSync=true", {"e": 5}
    )
    assert synced.status_code == 201


async def test_update_replace_errors(coll, db, target):
    with pytest.raises(DocumentUpdateError) as missing:
        await coll.update({"_key": "nope", "v": 1})
    assert missing.value.error_code == 1202 and missing.value.http_code == 404
    with pytest.raises(DocumentReplaceError) as missing_r:
        await coll.replace({"_key": "nope", "v": 1})
    assert missing_r.value.error_code == 1202
    await coll.insert({"_key": "t"})
    for method in ("PUT", "PATCH"):
        resp = await _raw(target, method, db, f"/_api/document/{coll.name}/t", [1, 2])
        assert _error(resp) == (400, 1227)
        many = await _raw(target, method, db, f"/_api/document/{coll.name}", {"_key": "t"})
        assert _error(many) == (400, 1227)
    with pytest.raises(DocumentUpdateError) as no_coll:
        await db.collection("no_such").update({"_key": "a"})
    assert no_coll.value.error_code == 1203 and no_coll.value.http_code == 404


async def test_update_many_and_replace_many(coll, db, target):
    await coll.insert_many([{"_key": "x1", "v": 1}, {"_key": "x2", "v": 2}])
    results = await coll.update_many(
        [{"_key": "x1", "w": 1}, {"_key": "nope", "w": 1}, {"w": 2}, {"_key": 5}, {"_key": ""}],
        return_new=True,
    )
    assert results[0]["new"] == {**results[0]["new"], "v": 1, "w": 1}
    assert [r["errorNum"] for r in results[1:]] == [1202, 1205, 1221, 1221]

    current = (await coll.get("x2"))["_rev"]
    replaced = await coll.replace_many(
        [{"_key": "x2", "_rev": "stale", "r": 1}, {"_key": "x1", "r": 2}],
        ignore_revs=False,
        return_old=True,
    )
    assert replaced[0] == {
        "error": True,
        "errorNum": 1200,
        "errorMessage": "conflict, _rev values do not match",
    }
    assert replaced[1]["old"]["w"] == 1
    assert (await coll.get("x2"))["_rev"] == current

    resp = await _raw(
        target,
        "PATCH",
        db,
        f"/_api/document/{coll.name}?ignoreRevs=false",
        [{"_key": "x2", "_rev": "stale"}, "not an object", {"_key": "x2", "ok": 1}],
    )
    assert resp.status_code == 202
    assert json.loads(resp.headers["x-arango-error-codes"]) == {"1200": 1, "1227": 1}
    assert resp.json()[2]["_oldRev"] == current

    via_query = await _raw(target, "PUT", db, f"/_api/document?collection={coll.name}", [])
    assert via_query.status_code == 202 and via_query.json() == []


async def test_version_attribute(coll):
    await coll.insert({"_key": "ver", "version": 5, "v": "five"})
    skipped = await coll.update(
        {"_key": "ver", "version": 4, "v": "four"}, version_attribute="version"
    )
    assert skipped["_rev"] == skipped["_oldRev"]
    assert (await coll.get("ver"))["v"] == "five"
    done = await coll.replace(
        {"_key": "ver", "version": 6.9, "v": "six"}, version_attribute="version"
    )
    assert done["_rev"] != done["_oldRev"] and (await coll.get("ver"))["v"] == "six"
    same = await coll.insert(
        {"_key": "ver", "version": 6, "v": "again"},
        overwrite_mode="replace",
        version_attribute="version",
    )
    assert same["_rev"] == same["_oldRev"] and (await coll.get("ver"))["v"] == "six"
    unversioned = await coll.update({"_key": "ver", "v": "free"}, version_attribute="version")
    assert unversioned["_rev"] != unversioned["_oldRev"]


# ---------------------------------------------------------------------- delete
async def test_delete(coll, db, target):
    meta = await coll.insert({"_key": "d", "v": 1})
    with pytest.raises(DocumentRevisionError) as stale:
        await coll.delete("d", if_match="other")
    assert stale.value.error_code == 1200 and stale.value.http_code == 412
    removed = await coll.delete("d", return_old=True, if_match=meta["_rev"])
    assert removed["_key"] == "d" and removed["old"]["v"] == 1
    assert await coll.get("d") is None
    assert await coll.delete("d", ignore_missing=True) is False
    with pytest.raises(DocumentDeleteError) as missing:
        await coll.delete("d")
    assert missing.value.error_code == 1202 and missing.value.http_code == 404

    await coll.insert({"_key": "d2"})
    resp = await _raw(target, "DELETE", db, f"/_api/document/{coll.name}/d2?silent=true")
    assert resp.status_code == 202 and resp.json() == {}


async def test_delete_many(coll, db, target):
    docs = await coll.insert_many([{"_key": str(i)} for i in range(5)])
    results = await coll.delete_many(
        ["0", f"{coll.name}/1", {"_key": "2"}, "missing"], return_old=True
    )
    assert [r.get("_key") for r in results[:3]] == ["0", "1", "2"]
    assert results[0]["old"]["_key"] == "0"
    assert results[3]["errorNum"] == 1202

    conflict = await coll.delete_many([{"_key": "3", "_rev": "stale"}], ignore_revs=False)
    assert conflict[0]["errorNum"] == 1200
    resp = await _raw(
        target,
        "DELETE",
        db,
        f"/_api/document/{coll.name}?ignoreRevs=false&waitForSync=true",
        [{"_key": "3", "_rev": docs[3]["_rev"]}, {"_key": "4"}, 7],
    )
    assert resp.status_code == 200
    assert json.loads(resp.headers["x-arango-error-codes"]) == {"1205": 1}
    assert await coll.count() == 0
    not_parseable = await _raw(target, "DELETE", db, f"/_api/document/{coll.name}", content=b"")
    assert _error(not_parseable) == (400, 400)


# ---------------------------------------------------------------------- schemas and edges
async def test_schema_validation(db):
    schema = {
        "rule": {"type": "object", "properties": {"age": {"type": "integer"}}},
        "level": "strict",
        "message": "age must be an integer",
    }
    people = await db.create_collection(unique_name("p"), schema=schema)
    await people.insert({"_key": "ok", "age": 3})
    with pytest.raises(DocumentInsertError) as bad:
        await people.insert({"age": "three"})
    assert bad.value.error_code == 1620 and bad.value.http_code == 400
    assert bad.value.error_message == "age must be an integer"
    with pytest.raises(DocumentUpdateError) as bad_update:
        await people.update({"_key": "ok", "age": 1.5})
    assert bad_update.value.error_code == 1620
    results = await people.insert_many([{"age": 1}, {"age": "x"}])
    assert "_key" in results[0] and results[1]["errorNum"] == 1620


async def test_edge_documents_and_edges_api(db, edges, target):
    await edges.insert({"_key": "e1", "_from": "v/1", "_to": "v/2"})
    await edges.insert({"_key": "e2", "_from": "v/2", "_to": "v/1"})
    await edges.insert({"_key": "e3", "_from": "v/1", "_to": "v/1"})
    await edges.insert({"_key": "e4", "_from": "v/3", "_to": "v/4"})
    for bad in ({"_to": "v/1"}, {"_from": "v/1", "_to": "no-slash"}, {"_from": 1, "_to": "v/1"}):
        with pytest.raises(DocumentInsertError) as exc:
            await edges.insert(bad)
        assert exc.value.error_code == 1233 and exc.value.http_code == 400
    with pytest.raises(DocumentReplaceError) as replace_exc:
        await edges.replace({"_key": "e1", "label": "no endpoints"})
    assert replace_exc.value.error_code == 1233
    moved = await edges.update({"_key": "e4", "_to": "v/5"}, return_new=True)
    assert moved["new"]["_from"] == "v/3" and moved["new"]["_to"] == "v/5"

    graph = db.graph("unused")  # the edges API needs no graph definition
    out = await graph.edges(edges.name, "v/1", direction="out")
    assert sorted(e["_key"] for e in out["edges"]) == ["e1", "e3"]
    inbound = await graph.edges(edges.name, "v/1", direction="in")
    assert sorted(e["_key"] for e in inbound["edges"]) == ["e2", "e3"]
    anywhere = await graph.edges(edges.name, "v/1")
    assert sorted(e["_key"] for e in anywhere["edges"]) == ["e1", "e2", "e3"]
    assert (await graph.edges(edges.name, "v/5"))["edges"][0]["_key"] == "e4"
    assert (await graph.edges(edges.name, "v/4"))["edges"] == []

    resp = await _raw(target, "GET", db, f"/_api/edges/{edges.name}?vertex=v/2&direction=out")
    assert resp.status_code == 200
    body = resp.json()
    assert body["error"] is False and body["code"] == 200
    assert [e["_key"] for e in body["edges"]] == ["e2"]
    assert body["stats"] == {"scannedIndex": 1, "filtered": 0}

    bad_direction = await _raw(
        target, "GET", db, f"/_api/edges/{edges.name}?vertex=v/1&direction=sideways"
    )
    assert _error(bad_direction) == (400, 400)
    no_vertex = await _raw(target, "GET", db, f"/_api/edges/{edges.name}")
    assert _error(no_vertex) == (400, 1205)


async def test_edges_api_errors(db, coll):
    graph = db.graph("unused")
    with pytest.raises(EdgeListError) as not_edges:
        await graph.edges(coll.name, "v/1")
    assert not_edges.value.error_code == 1218 and not_edges.value.http_code == 400
    with pytest.raises(EdgeListError) as missing:
        await graph.edges("no_such", "v/1")
    assert missing.value.error_code == 1203 and missing.value.http_code == 404


# ---------------------------------------------------------------------- permissions
async def test_read_only_user_can_read_many_but_not_write(client, sys_db, db, coll):
    user = unique_name("u")
    await sys_db.create_user(UserInfo(user=user, password="pw"))
    try:
        await coll.insert({"_key": "a", "v": 1})
        await sys_db.update_permission(user, "rw", db.name)
        await sys_db.update_permission(user, "ro", db.name, coll.name)
        mine = (await client.db(db.name, auth=Auth(user, "pw"))).collection(coll.name)
        assert [d["v"] for d in await mine.get_many(["a"])] == [1]
        with pytest.raises(DocumentReplaceError) as replace:
            await mine.replace_many([{"_key": "a", "v": 2}])
        assert replace.value.http_code == 403 and replace.value.error_code == 1004
        with pytest.raises(DocumentDeleteError) as delete:
            await mine.delete("a")
        assert delete.value.http_code == 403
        with pytest.raises(DocumentInsertError) as imported:
            await mine.import_bulk('[{"_key": "b"}]', doc_type="array")
        assert imported.value.http_code == 403
        assert (await coll.get("a"))["v"] == 1 and await coll.count() == 1
    finally:
        await sys_db.delete_user(user, ignore_missing=True)


# ---------------------------------------------------------------------- transactions
async def test_array_writes_inside_a_stream_transaction(db, coll):
    await coll.insert({"_key": "keep", "v": 0})
    txn = await db.begin_transaction(write=coll.name)
    inside = txn.collection(coll.name)
    await inside.insert_many([{"_key": "t1"}, {"_key": "t2"}])
    await inside.update_many([{"_key": "keep", "v": 1}])
    await inside.delete_many(["t2"])
    assert [d["_key"] for d in await inside.get_many(["t1", "t2", "keep"])] == ["t1", "keep"]
    assert (await inside.get("keep"))["v"] == 1
    assert await coll.get("t1") is None and (await coll.get("keep"))["v"] == 0
    await txn.abort_transaction()
    assert await coll.get("t1") is None and (await coll.get("keep"))["v"] == 0
