"""Runs every case of ``fixtures/*.aql`` through ``POST /_api/cursor`` (the driver).

One test per fixture file (the file's collections are created once); a failing
file lists every case that disagrees, with its title and line. Against a real
ArangoDB (``ARANGO_TEST_URL``) the same files check the fixtures themselves.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError
from arangoasync.typings import CollectionType

from tests.arangolite.aql.fixture_files import Case, FixtureFile, all_files

FILES = all_files()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


async def _fill(db: Any, fixture: FixtureFile) -> None:
    for name, docs in fixture.collections.items():
        await db.collection(name).truncate()
        if docs:
            await db.collection(name).insert_many(docs)
    for name, docs in fixture.edge_collections.items():
        await db.collection(name).truncate()
        if docs:
            await db.collection(name).insert_many(docs)


async def _check(db: Any, case: Case) -> str | None:
    where = f"{case.file}:{case.line} {case.title}"
    try:
        cursor = await db.aql.execute(case.query, bind_vars=case.bind or None, batch_size=1000)
        result = [row async for row in cursor]
        warnings = cursor.warnings
    except AQLQueryExecuteError as exc:
        got = (exc.error_code, exc.error_message, exc.http_code)
        if case.error is None:
            return f"{where}: unexpected error {got}"
        if got != (*case.error, case.status):
            return f"{where}: error {got} != expected {(*case.error, case.status)}"
        return None
    if case.error is not None:
        return f"{where}: expected error {case.error}, got {result}"
    if case.unordered:
        same = Counter(map(_canonical, result)) == Counter(map(_canonical, case.expected))
    else:
        same = _canonical(result) == _canonical(case.expected)
    if not same:
        return f"{where}: {json.dumps(result)} != {json.dumps(case.expected)}"
    if case.warnings is not None:
        got_warnings = [{"code": w["code"], "message": w["message"]} for w in warnings]
        if got_warnings != case.warnings:
            return f"{where}: warnings {got_warnings} != {case.warnings}"
    return None


@pytest.mark.parametrize("fixture", FILES, ids=[f.name for f in FILES])
async def test_fixture_file(db, fixture: FixtureFile):
    for name in fixture.collections:
        await db.create_collection(name)
    for name in fixture.edge_collections:
        await db.create_collection(name, col_type=CollectionType.EDGE)
    await _fill(db, fixture)
    failures = []
    for case in fixture.cases:
        problem = await _check(db, case)
        if problem:
            failures.append(problem)
        if case.writes:
            await _fill(db, fixture)
    assert not failures, "\n".join(failures)
