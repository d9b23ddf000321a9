"""Graph backup and restore over streamable HTTP: exact round trip, conflicts, confinement."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from tests.conftest import Target, unique_name
from tests.server.conftest import (
    McpHttpServer,
    backup_server_on,
    call,
    call_error,
)

VERTICES = 3000
EDGES = 6000


@pytest.fixture(scope="module")
def graph_backup_root(module_tmp: Path) -> Path:
    root = module_tmp / "graph-backups"
    root.mkdir()
    return root


@pytest.fixture(scope="module")
def server(
    target: Target, lite_dbs: list[str], module_tmp: Path, graph_backup_root: Path
) -> Iterator[McpHttpServer]:
    """Keys ``alpha`` and ``beta`` (two databases), backups confined to the root."""
    yield from backup_server_on(
        target, lite_dbs, module_tmp, graph_backup_root, "graph-backups.yaml"
    )


async def _graph(client: Any, vertices: int, edges: int) -> dict[str, str]:
    """people and cities (``vertices`` in all), lives_in and knows edges (``edges`` in all)."""
    n = {k: unique_name(k) for k in ("graph", "people", "cities", "knows", "lives")}
    await call(
        client,
        "arango_create_graph",
        {
            "name": n["graph"],
            "edge_definitions": [
                {"collection": n["knows"], "from": [n["people"]], "to": [n["people"]]},
                {"collection": n["lives"], "from": [n["people"]], "to": [n["cities"]]},
            ],
        },
    )
    people, cities = vertices * 9 // 10, vertices - vertices * 9 // 10
    p, c = n["people"], n["cities"]
    statements = [
        (
            "FOR i IN 0..@n - 1 INSERT {_key: CONCAT('p', i), n: i, tags: ['x', i % 3], "
            "nested: {f: i / 7, s: 'é\\n\"'}} INTO @@p",
            {"n": people, "@p": p},
        ),
        (
            "FOR i IN 0..@n - 1 INSERT {_key: CONCAT('c', i), name: CONCAT('city ', i)} INTO @@c",
            {"n": cities, "@c": c},
        ),
        (
            "FOR i IN 0..@n - 1 INSERT {_from: CONCAT(@p, '/p', i), "
            "_to: CONCAT(@c, '/c', i % @cities)} INTO @@l",
            {"n": people, "p": p, "c": c, "cities": cities, "@l": n["lives"]},
        ),
        (
            "FOR i IN 0..@n - 1 INSERT {_key: CONCAT('k', i), _from: CONCAT(@p, '/p', i % @people), "
            "_to: CONCAT(@p, '/p', (i * 7 + 1) % @people), w: i} INTO @@k",
            {"n": edges - people, "p": p, "people": people, "@k": n["knows"]},
        ),
    ]
    for query, bind in statements:
        await call(client, "arango_query", {"query": query, "bind_vars": bind})
    return n


def _leftovers(root: Path) -> list[str]:
    """Staging or replaced directories a backup left behind (there must be none)."""
    return [p.name for p in root.iterdir() if p.name.startswith(".")]


async def _contents(target: Target, database: str, collections: list[str]) -> list[Any]:
    """Every document without _rev (a restore assigns new revisions), sorted by _key."""
    async with ArangoClient(hosts=target.url) as client:
        db = await client.db(database, auth=Auth("root", target.root_password))
        out = []
        for name in collections:
            cursor = await db.aql.execute(
                "FOR d IN @@c SORT d._key RETURN UNSET(d, '_rev')",
                bind_vars={"@c": name},
                batch_size=5000,
            )
            out.append([row async for row in cursor])
        return out


async def test_backup_then_restore_reproduces_the_graph_exactly(
    server: McpHttpServer, graph_backup_root: Path, target: Target, lite_dbs: list[str]
):
    progress: list[tuple[float, float | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total))

    async with server.client() as client:
        n = await _graph(client, VERTICES, EDGES)
        path = unique_name("snap")
        made = await call(client, "arango_backup_graph", {"graph": n["graph"], "path": path})
        restored = await client.call_tool(
            "arango_restore_graph",
            {"path": path, "database": "beta", "batch_size": 1000},
            progress_callback=on_progress,
        )
        assert not restored.is_error, restored.content
        graphs = await call(client, "arango_list_graphs", {"database": "beta"})
        stats = await call(
            client, "arango_graph_statistics", {"graph": n["graph"], "database": "beta"}
        )
    out = restored.structured_content
    assert out is not None
    names = [n["people"], n["cities"], n["knows"], n["lives"]]
    assert made["documents"] == VERTICES + EDGES
    assert made["collections"] == {
        n["people"]: 2700,
        n["cities"]: 300,
        n["knows"]: 3300,
        n["lives"]: 2700,
    }
    assert Path(made["path"]) == (graph_backup_root / path).resolve()
    manifest = json.loads((graph_backup_root / path / "manifest.json").read_text())
    assert manifest["graph"]["name"] == n["graph"]
    data = json.loads((graph_backup_root / path / f"{n['cities']}.json").read_text())
    assert len(data) == 300 and "_rev" not in data[0]  # plain JSON arrays
    assert out["created_graph"] is True and out["documents"] == VERTICES + EDGES
    assert out["integrity"]["valid"] is True
    assert out["integrity"]["edges_checked"] == EDGES
    assert {c["collection"]: c["created"] for c in out["collections"]} == made["collections"]
    source = await _contents(target, lite_dbs[0], names)
    copy = await _contents(target, lite_dbs[1], names)
    assert copy == source and [len(c) for c in source] == [2700, 300, 3300, 2700]
    mine = next(g for g in graphs["graphs"] if g["name"] == n["graph"])
    assert {d["collection"] for d in mine["edge_definitions"]} == {n["knows"], n["lives"]}
    assert stats["edges"] == {n["knows"]: 3300, n["lives"]: 2700}
    assert progress[-1] == (VERTICES + EDGES, VERTICES + EDGES)
    assert [p[0] for p in progress] == sorted(p[0] for p in progress) and len(progress) >= 9


async def test_restore_conflict_policies(server: McpHttpServer, target: Target, lite_dbs):
    async with server.client() as client:
        n = await _graph(client, 20, 30)
        path = unique_name("snap")
        await call(client, "arango_backup_graph", {"graph": n["graph"], "path": path})
        await call(
            client,
            "arango_update",
            {"collection": n["people"], "key": "p0", "update": {"n": -1}},
        )
        await call(client, "arango_remove", {"collection": n["people"], "key": "p1"})
        error = await call_error(client, "arango_restore_graph", {"path": path})
        skipped = await call(client, "arango_restore_graph", {"path": path, "conflict": "skip"})
        (after_skip,) = await _contents(target, lite_dbs[0], [n["people"]])
        overwritten = await call(
            client,
            "arango_restore_graph",
            {"path": path, "conflict": "overwrite", "check_integrity": False},
        )
        (after_overwrite,) = await _contents(target, lite_dbs[0], [n["people"]])
    assert error["kind"] == "arango" and error["errorNum"] == 1210
    assert "restore stopped" in error["message"] and n["people"] in error["message"]
    assert "conflict skip or overwrite" in error["hint"]
    people = next(c for c in skipped["collections"] if c["collection"] == n["people"])
    assert skipped["created_graph"] is False
    assert (people["created"], people["ignored"]) == (1, 17)
    assert next(d for d in after_skip if d["_key"] == "p0")["n"] == -1
    assert "integrity" not in overwritten
    people = next(c for c in overwritten["collections"] if c["collection"] == n["people"])
    assert people["updated"] == 18
    assert next(d for d in after_overwrite if d["_key"] == "p0")["n"] == 0


async def test_backup_named_graphs_and_errors(server: McpHttpServer, graph_backup_root: Path):
    async with server.client() as client:
        first = await _graph(client, 10, 10)
        second = await _graph(client, 10, 12)
        path = unique_name("many")
        both = await call(
            client,
            "arango_backup_named_graphs",
            {"graphs": [first["graph"], second["graph"]], "path": path},
        )
        everything = await call(client, "arango_backup_named_graphs", {})
        restore_sub = await call(
            client,
            "arango_restore_graph",
            {"path": f"{path}/{second['graph']}", "database": "beta"},
        )
        exists = await call_error(
            client, "arango_backup_graph", {"graph": first["graph"], "path": path}
        )
        replaced = await call(
            client,
            "arango_backup_graph",
            {"graph": first["graph"], "path": path, "overwrite": True},
        )
        unknown = await call_error(
            client, "arango_backup_graph", {"graph": "no_such_graph", "path": unique_name("x")}
        )
        unknown_many = await call_error(
            client, "arango_backup_named_graphs", {"graphs": ["no_such_graph"]}
        )
        missing = await call_error(client, "arango_restore_graph", {"path": unique_name("none")})
        plain = unique_name("plain")
        (graph_backup_root / plain).mkdir()
        (graph_backup_root / plain / "manifest.json").write_text(
            '{"format": "mcp-arangodb-async/collections", "collections": []}'
        )
        not_graph = await call_error(client, "arango_restore_graph", {"path": plain})
    assert both["graphs"] == {first["graph"]: 20, second["graph"]: 22}
    assert everything["graphs"][first["graph"]] == 20 and everything["documents"] >= 42
    assert exists["field"] == "path" and "overwrite" in exists["message"]
    assert replaced["documents"] == 20
    assert not (graph_backup_root / path / second["graph"]).exists()  # replaced as a whole
    assert unknown["errorNum"] == 1924 and not _leftovers(graph_backup_root)
    assert unknown_many["kind"] == "not_found" and "no_such_graph" in unknown_many["message"]
    assert missing["kind"] == "not_found"
    assert not_graph["kind"] == "invalid_arguments" and "not a graph backup" in not_graph["message"]
    assert restore_sub["documents"] == 22 and restore_sub["integrity"]["valid"]


async def test_paths_are_confined_to_the_backup_root(
    server: McpHttpServer, graph_backup_root: Path, tmp_path: Path
):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, graph_backup_root / "escape")
    async with server.client() as client:
        n = await _graph(client, 4, 4)
        dotdot = await call_error(
            client, "arango_backup_graph", {"graph": n["graph"], "path": "../up"}
        )
        absolute = await call_error(
            client, "arango_backup_graph", {"graph": n["graph"], "path": str(outside / "g")}
        )
        symlink = await call_error(client, "arango_backup_named_graphs", {"path": "escape/inner"})
        restore_dotdot = await call_error(client, "arango_restore_graph", {"path": "a/../../x"})
        restore_link = await call_error(client, "arango_restore_graph", {"path": "escape"})
        inside_absolute = await call(
            client,
            "arango_backup_graph",
            {"graph": n["graph"], "path": str(graph_backup_root / unique_name("abs"))},
        )
    for error in (dotdot, restore_dotdot):
        assert error["kind"] == "invalid_arguments" and error["field"] == "path"
        assert "'..'" in error["message"]
    assert "outside the backup root" in absolute["message"]
    assert "symbolic link" in symlink["message"] and "symbolic link" in restore_link["message"]
    assert list(outside.iterdir()) == []
    assert inside_absolute["documents"] == 8
