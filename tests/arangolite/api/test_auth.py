"""Authentication: HTTP Basic, ``POST /_open/auth`` user JWTs, superuser JWTs,
and the 401 every bad credential gets."""

from __future__ import annotations

import base64
import time

import httpx
import jwt
import pytest
from arangoasync.auth import Auth, JwtToken
from arangoasync.exceptions import ServerConnectionError
from arangoasync.typings import UserInfo

from tests.conftest import unique_name


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"bearer {token}"}


@pytest.fixture
async def user(sys_db):
    """A plain user with read access to ``_system``; deleted afterwards."""
    name = unique_name("u")
    await sys_db.create_user(UserInfo(user=name, password="pw"))
    await sys_db.update_permission(name, "ro", "_system")
    yield name
    await sys_db.delete_user(name, ignore_missing=True)


def _secret(target) -> str:
    if not target.jwt_secret:
        pytest.skip("the server's JWT secret is unknown")
    return str(target.jwt_secret)


async def _status(target, headers: dict[str, str], path: str = "/_api/version"):
    async with httpx.AsyncClient(base_url=target.url) as http:
        return await http.get(path, headers=headers)


async def test_basic_auth(client, target):
    good = await client.db("_system", auth=Auth("root", target.root_password), verify=True)
    assert (await good.properties()).name == "_system"
    bad = await client.db("_system", auth=Auth("root", "wrong-password"))
    with pytest.raises(ServerConnectionError) as exc:
        await bad.connection.ping()
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "basic !!!not-base64!!!"},
        {"authorization": "basic " + base64.b64encode(b"no-colon").decode()},
        {"authorization": "basic " + base64.b64encode(b"nobody-here:pw").decode()},
        {"authorization": "digest abc"},
        {"authorization": "bearer garbage.token.here"},
    ],
)
async def test_missing_or_malformed_credentials_are_401(target, headers):
    resp = await _status(target, headers)
    assert resp.status_code == 401
    body = resp.json()
    assert (body["errorNum"], body["code"], body["error"]) == (11, 401, True)
    assert body["errorMessage"] == "not authorized to execute this request"


async def test_availability_needs_no_credentials(target):
    resp = await _status(target, {}, "/_admin/server/availability")
    assert resp.status_code == 200


async def test_open_auth_issues_user_jwt(target, user):
    async with httpx.AsyncClient(base_url=target.url) as http:
        resp = await http.post("/_open/auth", json={"username": user, "password": "pw"})
        assert resp.status_code == 200
        token = resp.json()["jwt"]
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["iss"] == "arangodb"
        assert claims["preferred_username"] == user
        assert claims["exp"] > time.time() > claims["iat"] - 5
        if target.jwt_secret:  # signed with the server's secret, HS256
            jwt.decode(token, target.jwt_secret, algorithms=["HS256"], issuer="arangodb")
        ok = await http.get(f"/_api/user/{user}", headers=_bearer(token))
        assert ok.status_code == 200 and ok.json()["user"] == user


async def test_open_auth_rejects_wrong_credentials(target, user):
    async with httpx.AsyncClient(base_url=target.url) as http:
        wrong = await http.post("/_open/auth", json={"username": user, "password": "nope"})
        assert wrong.status_code == 401
        assert (wrong.json()["errorNum"], wrong.json()["errorMessage"]) == (
            401,
            "Wrong credentials",
        )
        unknown = await http.post("/_open/auth", json={"username": unique_name(), "password": ""})
        assert unknown.status_code == 401
        bad = await http.post("/_open/auth", json={"username": user, "password": 5})
        assert (bad.status_code, bad.json()["errorNum"]) == (400, 400)


async def test_driver_jwt_login(client, target, user):
    db = await client.db("_system", auth_method="jwt", auth=Auth(user, "pw"), verify=True)
    assert (await db.user(user)).user == user
    token = db.connection.token
    assert token is not None
    # the token alone is enough
    again = await client.db("_system", auth_method="jwt", token=token, verify=True)
    assert (await again.user(user)).user == user


async def test_jwt_login_as_root_gets_root_rights(client, target):
    db = await client.db(
        "_system", auth_method="jwt", auth=Auth("root", target.root_password), verify=True
    )
    assert "root" in {u.user for u in await db.users()}


async def test_superuser_token_acts_as_root(client, target):
    token = JwtToken.generate_token(_secret(target))
    db = await client.db("_system", auth_method="superuser", token=token, verify=True)
    name = unique_name("db")
    assert await db.create_database(name) is True
    try:
        assert name in await db.databases()
        assert "root" in {u.user for u in await db.users()}
    finally:
        await db.delete_database(name)


async def test_bad_tokens_are_401(target, user):
    secret = _secret(target)
    now = int(time.time())
    tokens = {
        "expired": jwt.encode(
            {"iss": "arangodb", "server_id": "x", "iat": now - 100, "exp": now - 50}, secret
        ),
        "wrong secret": jwt.encode(
            {"iss": "arangodb", "server_id": "x", "iat": now, "exp": now + 60}, secret + "x"
        ),
        "wrong issuer": jwt.encode(
            {"iss": "someone", "server_id": "x", "iat": now, "exp": now + 60}, secret
        ),
        "no subject": jwt.encode({"iss": "arangodb", "iat": now, "exp": now + 60}, secret),
        "unknown user": jwt.encode(
            {"iss": "arangodb", "preferred_username": unique_name(), "iat": now}, secret
        ),
    }
    for label, token in tokens.items():
        resp = await _status(target, _bearer(token))
        assert (resp.status_code, resp.json()["errorNum"]) == (401, 11), label


async def test_user_token_signed_with_secret_acts_as_that_user(target, sys_db, user):
    token = jwt.encode(
        {"iss": "arangodb", "preferred_username": user, "iat": int(time.time())},
        _secret(target),
    )
    async with httpx.AsyncClient(base_url=target.url, headers=_bearer(token)) as http:
        assert (await http.get(f"/_api/user/{user}")).status_code == 200
        # not root: may not list everyone
        assert (await http.get("/_api/user")).status_code == 403
        await sys_db.update_user({"user": user, "active": False})
        assert (await http.get(f"/_api/user/{user}")).status_code == 401
        await sys_db.update_user({"user": user, "active": True})
        await sys_db.delete_user(user)
        assert (await http.get(f"/_api/user/{user}")).status_code == 401
