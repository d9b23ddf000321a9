"""``health``, ``version`` and ``--help``: the commands around the admin groups."""

from __future__ import annotations

import json
import platform
import re

import pytest

from mcp_arangodb_async import __version__
from tests.cli.conftest import Cli
from tests.conftest import Target


def test_health_is_json_and_exit_0_only_when_every_database_answers(
    cli: Cli, target: Target
) -> None:
    config = cli.cwd / "databases.yaml"
    live = f"  live: {{url: '{target.url}', password_env: LIVE_PW}}\n"
    config.write_text("databases:\n" + live)
    env = {"LIVE_PW": target.root_password}
    done = cli.run("health", "--config-path", str(config), env=env)
    assert done.returncode == 0, done.output
    body = json.loads(done.stdout)
    assert body["status"] == "healthy" and body["version"] == __version__
    assert body["source"] == f"file {config}"
    [row] = body["databases"]
    assert row["key"] == "live" and row["reachable"] is True and row["server_version"]
    assert isinstance(row["latency_ms"], float)

    config.write_text("databases:\n" + live + "  down: {url: 'http://127.0.0.1:9'}\n")
    done = cli.run("health", "--config-path", str(config), env=env)
    assert done.returncode == 1
    body = json.loads(done.stdout)
    assert body["status"] == "unhealthy"
    rows = {row["key"]: row for row in body["databases"]}
    assert rows["live"]["reachable"] is True
    assert rows["down"]["reachable"] is False and "unreachable" in rows["down"]["error"]

    wrong = cli.run("health", "--config-path", str(config), env={"LIVE_PW": "nope-nope"})
    assert json.loads(wrong.stdout)["databases"][0]["reachable"] is False

    config.write_text("databases:\n  bad: {url: 'http://h:1', pasword_env: X}\n")
    done = cli.run("health", "--config-path", str(config))
    assert done.returncode == 1
    body = json.loads(done.stdout)
    assert body["status"] == "unhealthy"
    assert body["error"] == f"{config}: databases.bad.pasword_env: unknown field 'pasword_env'"


def test_health_in_env_only_mode(cli: Cli, target: Target) -> None:
    done = cli.run(
        "health", env={"ARANGO_PASSWORD": target.root_password, "ARANGO_USERNAME": "root"}
    )
    assert done.returncode == 0, done.output
    body = json.loads(done.stdout)
    assert body["source"] == "environment (ARANGO_URL)"
    assert [row["key"] for row in body["databases"]] == ["default"]


def test_version(cli: Cli) -> None:
    done = cli.run("version")
    assert done.stdout == (
        f"mcp-arangodb-async version {__version__}\nPython {platform.python_version()}\n"
    )


@pytest.mark.parametrize(
    ("args", "aliases"),
    [
        ((), ()),
        (("db",), ("remove (rm)", "list (ls)")),
        (("db", "config"), ("remove (rm)", "list (ls)")),
        (("user",), ("remove (rm)", "list (ls)")),
        (("db", "rm"), ("aliases: remove = rm",)),
        (("user", "ls"), ("aliases: list = ls",)),
        (("db", "config", "update"), ()),
        (("user", "password"), ()),
        (("health",), ()),
    ],
)
def test_help_at_every_level_lists_aliases_and_examples(
    cli: Cli, args: tuple[str, ...], aliases: tuple[str, ...]
) -> None:
    done = cli.run(*args, "--help")
    assert done.returncode == 0
    assert "examples:\n  " in done.stdout
    for alias in aliases:
        assert alias in done.stdout


def test_usage_errors_exit_1_not_2(cli: Cli) -> None:
    """2 means "cancelled by the user" (seed 004 §4.4), so a typo must not look like it."""
    done = cli.run("db", "frobnicate")
    assert done.returncode == 1
    assert re.search(r"Error: argument COMMAND: invalid choice: 'frobnicate'", done.stderr)
    done = cli.run("user", "grant", "someone", "somedb", "--permission", "admin")
    assert done.returncode == 1
    assert "argument --permission: invalid choice: 'admin'" in done.stderr
