"""Test fixtures: a real server for every test.

By default arangolite runs in-process (in its own thread and event loop) on an
ephemeral loopback port, with a root password and a JWT secret. With
``ARANGO_TEST_URL`` (and ``ARANGO_TEST_ROOT_PASSWORD``) set, the same tests run
against that real ArangoDB instead; tests of arangolite-only behaviour are
marked ``lite_only`` and skipped there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.database import StandardDatabase

ROOT_PASSWORD = "lite-root-secret"
JWT_SECRET = "lite-jwt-secret-for-tests-0123456789"


@dataclass(frozen=True)
class Target:
    """Where the tests send requests."""

    url: str
    root_password: str
    jwt_secret: str | None
    is_lite: bool


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    real_url = os.environ.get("ARANGO_TEST_URL")
    if real_url:
        yield Target(
            url=real_url.rstrip("/"),
            root_password=os.environ.get("ARANGO_TEST_ROOT_PASSWORD", ""),
            jwt_secret=os.environ.get("ARANGO_TEST_JWT_SECRET"),
            is_lite=False,
        )
        return
    from arangolite.server import LiteServer

    server = LiteServer(root_password=ROOT_PASSWORD, jwt_secret=JWT_SECRET)
    url = server.start_in_thread()
    yield Target(url=url, root_password=ROOT_PASSWORD, jwt_secret=JWT_SECRET, is_lite=True)
    server.stop_thread()


@pytest.fixture(autouse=True)
def _skip_lite_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("lite_only") and os.environ.get("ARANGO_TEST_URL"):
        pytest.skip("arangolite-only behaviour")


@pytest.fixture
async def client(target: Target) -> AsyncIterator[ArangoClient]:
    async with ArangoClient(hosts=target.url) as c:
        yield c


@pytest.fixture
async def sys_db(client: ArangoClient, target: Target) -> StandardDatabase:
    """``_system`` as root."""
    return await client.db("_system", auth=Auth("root", target.root_password))


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def db(
    client: ArangoClient, sys_db: StandardDatabase, target: Target
) -> AsyncIterator[StandardDatabase]:
    """A fresh database for one test, as root, dropped afterwards."""
    name = unique_name("db")
    await sys_db.create_database(name)
    yield await client.db(name, auth=Auth("root", target.root_password))
    await sys_db.delete_database(name, ignore_missing=True)
