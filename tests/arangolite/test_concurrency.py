"""Concurrent clients: nothing is lost, unique constraints hold.

Many driver clients write at once, each over its own connection pool, the way
independent applications would. Every write is a single-document request, so
the server interleaves them freely; the tests check the outcome a client can
see (counts, keys, which insert won), which must be the same on ArangoDB.

Against arangolite the server runs as a separate process with a data directory:
it gets a core of its own (not the test's interpreter lock), and the concurrent
writes go through the durable journal's group commit. Afterwards it is killed
with SIGKILL and restarted, and every acknowledged document must be back.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import DocumentInsertError

from tests.arangolite.test_durability import running
from tests.conftest import unique_name

CLIENTS = 50
DOCS_PER_CLIENT = 1_000


ROOT_PASSWORD = "crowd-root-pw"


@pytest.mark.slow
async def test_concurrent_clients_lose_nothing(target, tmp_path):
    if target.is_lite:
        data_dir = tmp_path / "data"
        async with running(data_dir, ROOT_PASSWORD) as url:
            await _crowd(url, ROOT_PASSWORD, "_system")
        # ... killed with SIGKILL: every acknowledged insert is still there
        async with running(data_dir, ROOT_PASSWORD) as url, ArangoClient(hosts=url) as client:
            sys_db = await client.db("_system", auth=Auth("root", ROOT_PASSWORD))
            assert await sys_db.collection("crowd").count() == CLIENTS * DOCS_PER_CLIENT
        return
    async with ArangoClient(hosts=target.url) as client:
        sys_db = await client.db("_system", auth=Auth("root", target.root_password))
        name = unique_name("crowd")
        await sys_db.create_database(name)
        try:
            await _crowd(target.url, target.root_password, name)
        finally:
            await sys_db.delete_database(name, ignore_missing=True)


async def _crowd(url: str, password: str, database: str) -> None:
    """50 clients insert 1,000 documents each, one request per document."""
    async with ArangoClient(hosts=url) as client:
        db = await client.db(database, auth=Auth("root", password))
        crowd = await db.create_collection("crowd")

        async def one_client(n: int) -> list[str]:
            async with ArangoClient(hosts=url) as own:
                mine = (await own.db(database, auth=Auth("root", password))).collection("crowd")
                keys = []
                for i in range(DOCS_PER_CLIENT):
                    result = await mine.insert({"_key": f"c{n}-{i}", "client": n, "i": i})
                    keys.append(result["_key"])
                return keys

        acknowledged = await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))

        assert await crowd.count() == CLIENTS * DOCS_PER_CLIENT
        expected = {f"c{n}-{i}" for n in range(CLIENTS) for i in range(DOCS_PER_CLIENT)}
        assert {key for keys in acknowledged for key in keys} == expected
        stored = await crowd.get_many([f"c{n}-{n}" for n in range(CLIENTS)])
        assert [(d["client"], d["i"]) for d in stored] == [(n, n) for n in range(CLIENTS)]
        assert await crowd.has("c49-999") and await crowd.has("c0-0")


async def test_unique_index_holds_under_racing_inserts(db, target):
    racers, values = 20, 100
    coll = await db.create_collection("tickets")
    await coll.add_index(type="persistent", fields=["seat"], options={"unique": True})

    async def racer(n: int) -> tuple[list[int], Counter[tuple[int, int]]]:
        won: list[int] = []
        errors: Counter[tuple[int, int]] = Counter()
        async with ArangoClient(hosts=target.url) as client:
            mine = (await client.db(db.name, auth=Auth("root", target.root_password))).collection(
                "tickets"
            )
            # racers walk the seats in different orders, so they collide mid-stream
            for seat in sorted(range(values), key=lambda s: (s * (n + 1)) % values):
                try:
                    await mine.insert({"_key": f"s{seat}-r{n}", "seat": seat, "racer": n})
                    won.append(seat)
                except DocumentInsertError as exc:
                    errors[(exc.error_code, exc.http_code)] += 1
        return won, errors

    results = await asyncio.gather(*(racer(n) for n in range(racers)))

    wins = Counter(seat for won, _errors in results for seat in won)
    assert wins == Counter(range(values))  # exactly one winner per seat
    errors = sum((errors for _won, errors in results), Counter())
    assert errors == Counter({(1210, 409): racers * values - values})
    assert await coll.count() == values
    candidates = [f"s{seat}-r{n}" for seat in range(values) for n in range(racers)]
    stored = [d for d in await coll.get_many(candidates) if "_key" in d]
    winners = {seat: n for n, (won, _errors) in enumerate(results) for seat in won}
    assert {d["seat"]: d["racer"] for d in stored} == winners
