"""Server information endpoints, through the driver and raw HTTP."""

from __future__ import annotations

import httpx

from tests.conftest import Target


async def test_version_reports_arangodb_312(sys_db):
    info = await sys_db.version()
    assert info["server"] == "arango"
    assert info["version"].startswith("3.12.")
    details = await sys_db.version(details=True)
    assert details["details"]["mode"] == "server"


async def test_engine_role_status_time(sys_db):
    engine = await sys_db.engine()
    assert engine["name"] == "rocksdb"
    assert "persistent" in engine["supports"]["indexes"]
    assert await sys_db.check_availability() == "default"
    status = await sys_db.status()
    assert status["server"] == "arango"
    assert status["serverInfo"]["role"] == "SINGLE"
    assert (await sys_db.time()).year >= 2024


def test_server_role(target: Target):
    resp = _get(target, "/_admin/server/role")
    assert resp.status_code == 200 and resp.json()["role"] == "SINGLE"


def _get(target: Target, path: str, **kw) -> httpx.Response:
    return httpx.get(target.url + path, auth=("root", target.root_password), **kw)


def test_unknown_path_is_404_with_arangodb_body(target: Target):
    resp = _get(target, "/_api/no-such-thing")
    assert resp.status_code == 404
    body = resp.json()
    assert body["error"] is True and body["code"] == 404 and body["errorNum"] == 404
    assert "errorMessage" in body


def test_paths_work_under_db_prefix(target: Target):
    resp = _get(target, "/_db/_system/_api/version")
    assert resp.status_code == 200 and resp.json()["server"] == "arango"
    missing = _get(target, "/_db/nosuchdb/_api/version")
    assert missing.status_code == 404 and missing.json()["errorNum"] == 1228


def test_missing_and_bad_credentials_are_401_errornum_11(target: Target):
    resp = httpx.get(target.url + "/_api/version")
    assert resp.status_code == 401 and resp.json()["errorNum"] == 11
    resp = httpx.get(target.url + "/_api/version", auth=("root", "wrong"))
    assert resp.status_code == 401 and resp.json()["errorNum"] == 11


def test_malformed_json_body_is_400_not_500(target: Target):
    resp = httpx.post(
        target.url + "/_api/database",
        content=b"{not json",
        auth=("root", target.root_password),
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 400
    assert resp.json()["errorNum"] == 600
