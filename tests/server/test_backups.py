"""Backup and restore over streamable HTTP: exact round trips, conflicts, path confinement."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Target, unique_name
from tests.server.conftest import (
    McpHttpServer,
    backup_server_on,
    call,
    call_error,
)


@pytest.fixture(scope="module")
def backup_root(module_tmp: Path) -> Path:
    root = module_tmp / "backups"
    root.mkdir()
    return root


@pytest.fixture(scope="module")
def backup_server(
    target: Target, lite_dbs: list[str], module_tmp: Path, backup_root: Path
) -> Iterator[McpHttpServer]:
    """Keys ``alpha`` and ``beta`` (two databases), backups confined to ``backup_root``."""
    yield from backup_server_on(target, lite_dbs, module_tmp, backup_root, "backups.yaml")


async def _dump(client: Any, collection: str, database: str) -> list[dict[str, Any]]:
    """Every document without _rev (a restore assigns new revisions), by _key."""
    rows: list[dict[str, Any]] = []
    out = await call(
        client,
        "arango_query",
        {
            "query": "FOR d IN @@c SORT d._key RETURN UNSET(d, '_rev')",
            "bind_vars": {"@c": collection},
            "database": database,
            "max_rows": 10_000,
        },
    )
    rows.extend(out["rows"])
    while out["truncated"]:
        out = await call(client, "arango_next_page", {"cursor": out["next_cursor"]})
        rows.extend(out["rows"])
    return rows


async def test_backup_then_restore_reproduces_the_data_exactly(
    backup_server: McpHttpServer, backup_root: Path
):
    people, knows = unique_name("people"), unique_name("knows")
    vertices = [
        {"_key": f"p{i}", "n": i, "tags": ["x", i % 3], "nested": {"f": i / 7, "s": 'é\n"'}}
        for i in range(2500)
    ]
    edges = [
        {"_key": f"e{i}", "_from": f"{people}/p{i}", "_to": f"{people}/p{(i * 7) % 2500}", "w": i}
        for i in range(3000)
    ]
    name = unique_name("snap")
    progress: list[float] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append(done)

    async with backup_server.client() as client:
        await call(client, "arango_create_collection", {"name": people})
        await call(client, "arango_create_collection", {"name": knows, "type": "edge"})
        await call(client, "arango_bulk_insert", {"collection": people, "documents": vertices})
        await call(client, "arango_bulk_insert", {"collection": knows, "documents": edges})
        made = await call(
            client,
            "arango_backup",
            {"path": name, "collections": [people, knows], "batch_size": 700},
        )
        restored = await client.call_tool(
            "arango_restore",
            {"path": name, "database": "beta", "batch_size": 1000},
            progress_callback=on_progress,
        )
        assert not restored.is_error, restored.content
        source = [await _dump(client, c, "alpha") for c in (people, knows)]
        copy = [await _dump(client, c, "beta") for c in (people, knows)]
        kinds = await call(client, "arango_list_collections", {"database": "beta"})
    out = restored.structured_content
    assert out is not None
    assert [(c["collection"], c["type"], c["count"]) for c in made["collections"]] == [
        (people, "document", 2500),
        (knows, "edge", 3000),
    ]
    assert made["documents"] == 5500 and Path(made["path"]) == (backup_root / name).resolve()
    data = json.loads((backup_root / name / f"{people}.json").read_text())
    assert len(data) == 2500  # each data file is plain JSON
    assert [(c["created"], c["errors"]) for c in out["collections"]] == [(2500, 0), (3000, 0)]
    assert copy == source and len(source[0]) == 2500 and len(source[1]) == 3000
    types = {c["name"]: c["type"] for c in kinds["collections"]}
    assert types[knows] == "edge"
    assert progress[-1] == 5500 and progress == sorted(progress) and len(progress) == 6


async def test_restore_conflict_policies(backup_server: McpHttpServer):
    coll = unique_name("conf")
    name = unique_name("snap")
    async with backup_server.client() as client:
        await call(client, "arango_create_collection", {"name": coll})
        docs = [{"_key": f"k{i}", "v": 1} for i in range(4)]
        await call(client, "arango_bulk_insert", {"collection": coll, "documents": docs})
        await call(client, "arango_backup", {"path": name, "collections": [coll]})
        await call(
            client,
            "arango_bulk_update",
            {"collection": coll, "documents": [{"_key": "k0", "v": 2, "w": 1}]},
        )
        await call(client, "arango_remove", {"collection": coll, "key": "k3"})
        error = await call(client, "arango_restore", {"path": name})
        skip = await call(client, "arango_restore", {"path": name, "conflict": "skip"})
        k0_after_skip = (await _dump(client, coll, "alpha"))[0]
        update = await call(client, "arango_restore", {"path": name, "conflict": "update"})
        k0_after_update = (await _dump(client, coll, "alpha"))[0]
        overwrite = await call(client, "arango_restore", {"path": name, "conflict": "overwrite"})
        k0_after_overwrite = (await _dump(client, coll, "alpha"))[0]
    first = error["collections"][0]
    assert (first["created"], first["errors"], error["errors"]) == (1, 3, 3)
    assert "unique constraint" in first["details"][0]
    assert skip["collections"][0]["ignored"] == 4
    assert k0_after_skip["v"] == 2
    assert update["collections"][0]["updated"] == 4
    assert (k0_after_update["v"], k0_after_update["w"]) == (1, 1)
    assert overwrite["collections"][0]["updated"] == 4
    assert k0_after_overwrite == {"_key": "k0", "_id": f"{coll}/k0", "v": 1}


async def test_backup_paths_are_confined_to_the_root(
    backup_server: McpHttpServer, backup_root: Path, tmp_path: Path
):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, backup_root / "escape")
    async with backup_server.client() as client:
        dotdot = await call_error(client, "arango_backup", {"path": "../up"})
        hidden_dotdot = await call_error(client, "arango_backup", {"path": "a/../../up"})
        absolute = await call_error(client, "arango_backup", {"path": str(outside)})
        symlink = await call_error(client, "arango_backup", {"path": "escape/inner"})
        restore_out = await call_error(client, "arango_restore", {"path": "../etc"})
        restore_link = await call_error(client, "arango_restore", {"path": "escape"})
        inside_absolute = await call(
            client,
            "arango_backup",
            {"path": str(backup_root / unique_name("abs")), "collections": []},
        )
    for error in (dotdot, hidden_dotdot, restore_out):
        assert error["kind"] == "invalid_arguments" and error["field"] == "path"
        assert "'..'" in error["message"]
    assert "outside the backup root" in absolute["message"]
    assert "symbolic link" in symlink["message"] and "symbolic link" in restore_link["message"]
    assert list(outside.iterdir()) == []
    assert inside_absolute["documents"] == 0


async def test_backup_and_restore_errors(backup_server: McpHttpServer, backup_root: Path):
    name = unique_name("snap")
    coll = unique_name("err")
    async with backup_server.client() as client:
        await call(client, "arango_create_collection", {"name": coll})
        await call(client, "arango_backup", {"path": name, "collections": [coll]})
        again = await call_error(client, "arango_backup", {"path": name, "collections": [coll]})
        replaced = await call(
            client, "arango_backup", {"path": name, "collections": [coll], "overwrite": True}
        )
        missing_coll = await call_error(
            client, "arango_backup", {"path": unique_name("x"), "collections": ["nope_missing"]}
        )
        no_backup = await call_error(client, "arango_restore", {"path": unique_name("none")})
        not_in_backup = await call_error(
            client, "arango_restore", {"path": name, "collections": ["other"]}
        )
        no_create = await call_error(
            client,
            "arango_restore",
            {"path": name, "database": "beta", "create_collections": False},
        )
        (backup_root / "junk").mkdir()
        (backup_root / "junk" / "manifest.json").write_text("{not json")
        junk = await call_error(client, "arango_restore", {"path": "junk"})
    assert again["field"] == "path" and "overwrite" in again["message"]
    assert replaced["collections"][0]["count"] == 0
    assert missing_coll["errorNum"] == 1203
    assert no_backup["kind"] == "not_found"
    assert not_in_backup["field"] == "collections" and coll in not_in_backup["message"]
    assert no_create["kind"] == "not_found" and "create_collections" in no_create["hint"]
    assert junk["field"] == "path"
