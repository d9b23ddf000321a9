"""``db config …``: the YAML file of the MCP server, edited and read as a subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mcp_arangodb_async.config_file import PAUSE_BEFORE_RENAME_ENV
from tests.cli.conftest import Cli
from tests.conftest import Target

HAND_WRITTEN = """\
# Our databases (kept by hand, and by the CLI)
default_database: prod   # what agents use first

databases:
  # production: read replica
  prod:
    url: http://prod:8529   # the load balancer
    database: app
    username: reader
    password_env: PROD_PASS

  # staging follows
  staging: {url: "http://staging:8529", database: app}
# result caps
limits:
  max_rows: 50
"""


@pytest.fixture
def config(cli: Cli) -> Path:
    path = cli.cwd / "databases.yaml"
    cli.env["ARANGO_DATABASES_CONFIG_FILE"] = str(path)
    return path


def test_add_creates_the_file_and_list_shows_it(cli: Cli, config: Path) -> None:
    args = (
        "db",
        "config",
        "add",
        "production",
        "--url",
        "http://prod:8529",
        "--database",
        "app",
        "--username",
        "reader",
        "--password-env",
        "PROD_PASS",
    )
    dry = cli.run(*args, "--dry-run")
    assert dry.returncode == 0
    assert dry.stdout == (
        "db config add (dry-run):\n"
        f"[ADDED - DRY-RUN] Configuration file '{config}'\n"
        "[ADDED - DRY-RUN] Configuration 'production' → http://prod:8529/app\n"
        "\nNo changes made. Remove --dry-run to execute.\n"
    )
    assert not config.exists()

    done = cli.run(*args, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "db config add:\n"
        f"[ADDED] Configuration file '{config}'\n"
        "[ADDED] Configuration 'production' → http://prod:8529/app\n"
    )
    text = config.read_text()
    assert text.startswith("# Databases of mcp-arangodb-async")
    assert text.endswith(
        "databases:\n  production:\n    url: http://prod:8529\n    database: app\n"
        "    username: reader\n    password_env: PROD_PASS\n"
    )

    again = cli.run(*args, "--yes")
    assert again.returncode == 1
    assert again.stderr == (
        f"Error: 'production' is already configured in {config}: "
        "use `db config update production`\n"
    )

    listed = cli.run("db", "config", "ls", "--json")
    body = json.loads(listed.stdout)
    assert body["source"] == "file" and body["path"] == str(config)
    assert body["databases"]["production"]["password_env"] == "PROD_PASS"
    assert body["databases"]["production"]["url"] == "http://prod:8529"
    table = cli.run("db", "config", "list").stdout.splitlines()
    assert table[0] == f"Configuration: file {config}"
    assert table[1].split() == ["KEY", "URL", "DATABASE", "USERNAME", "PASSWORD_ENV", "DESCRIPTION"]
    assert table[2].split() == ["production", "http://prod:8529", "app", "reader", "PROD_PASS"]


def test_edits_keep_comments_order_and_follow_renames(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    done = cli.run(
        "db",
        "config",
        "add",
        "dev",
        "--url",
        "embedded",
        "--database",
        "dev",
        "--description",
        "scratch",
        "--yes",
    )
    assert done.returncode == 0, done.stderr
    assert config.read_text() == HAND_WRITTEN.replace(
        "# result caps",
        "  dev:\n    url: embedded\n    database: dev\n    description: scratch\n# result caps",
    )

    done = cli.run(
        "db",
        "config",
        "update",
        "prod",
        "--key",
        "production",
        "--url",
        "http://prod2:8529",
        "--read-only",
        "--yes",
    )
    assert done.stdout == (
        "db config update:\n"
        "[UPDATED] Configuration 'prod' renamed to 'production'\n"
        "[UPDATED] default_database: 'prod' → 'production'\n"
        "[UPDATED] Configuration 'production': url http://prod:8529 → http://prod2:8529\n"
        "[UPDATED] Configuration 'production': read_only (unset) → true\n"
    )
    # comments stay (an end-of-line comment may move to keep one space before it)
    assert config.read_text() == (
        "# Our databases (kept by hand, and by the CLI)\n"
        "default_database: production # what agents use first\n"
        "\n"
        "databases:\n"
        "  # production: read replica\n"
        "  production:\n"
        "    url: http://prod2:8529  # the load balancer\n"
        "    database: app\n"
        "    username: reader\n"
        "    password_env: PROD_PASS\n"
        "    read_only: true\n"
        "\n"
        "  # staging follows\n"
        '  staging: {url: "http://staging:8529", database: app}\n'
        "  dev:\n    url: embedded\n    database: dev\n    description: scratch\n"
        "# result caps\n"
        "limits:\n"
        "  max_rows: 50\n"
    )

    done = cli.run("db", "config", "rm", "production", "--yes")
    assert done.stdout == (
        "db config remove:\n"
        "[REMOVED] Configuration 'production' → http://prod2:8529/app\n"
        "[UPDATED] default_database: 'production' → (unset)\n"
    )
    assert config.read_text() == (
        "# Our databases (kept by hand, and by the CLI)\n"
        "databases:\n"
        "  # staging follows\n"
        '  staging: {url: "http://staging:8529", database: app}\n'
        "  dev:\n    url: embedded\n    database: dev\n    description: scratch\n"
        "# result caps\n"
        "limits:\n"
        "  max_rows: 50\n"
    )

    nothing = cli.run("db", "config", "update", "staging", "--database", "app", "--yes")
    assert (nothing.returncode, nothing.stdout) == (0, "db config update: nothing to change\n")


def test_refusals_leave_the_file_alone(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    cases = {
        ("update", "nope", "--url", "http://x:1"): f"Error: 'nope' is not configured in {config}\n",
        ("rm", "nope"): f"Error: 'nope' is not configured in {config}\n",
        ("update", "prod", "--key", "staging"): (
            "Error: cannot rename 'prod' to 'staging': 'staging' exists\n"
        ),
        ("update", "prod"): None,
        ("add", "x", "--url", "ftp://x", "--database", "d"): (
            "Error: 'x': --url: 'ftp://x' is not an http(s)://host:port URL (or `embedded`, "
            "`embedded:PATH`)\n"
        ),
        ("add", "bad key", "--url", "http://x:1", "--database", "d"): None,
    }
    for args, error in cases.items():
        done = cli.run("db", "config", *args, "--yes")
        assert done.returncode == 1, args
        assert done.stdout == ""
        if error is not None:
            assert done.stderr == error
        else:
            assert done.stderr.startswith("Error: ") and "\n" == done.stderr[-1]
            assert done.stderr.count("\n") == 1
    # a password where a variable name belongs: refused, and never echoed back
    done = cli.run(
        "db",
        "config",
        "add",
        "y",
        "--url",
        "http://y:1",
        "--database",
        "d",
        "--password-env",
        "hunter2!secret",
        "--yes",
    )
    assert done.returncode == 1
    assert "--password-env: must be the NAME of an environment variable" in done.stderr
    assert "hunter2" not in done.output
    assert config.read_text() == HAND_WRITTEN


def test_an_unparsable_file_is_never_overwritten(cli: Cli, config: Path) -> None:
    broken = "databases:\n  prod: {url: http://prod:8529\n"
    config.write_text(broken)
    done = cli.run("db", "config", "add", "x", "--url", "http://x:1", "--database", "d", "-y")
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: {config}: ")
    assert done.stderr.endswith("(fix the file by hand first; it was not changed)\n")
    assert config.read_text() == broken

    invalid = "databases:\n  prod: {url: http://prod:8529, password: hunter2}\n"
    config.write_text(invalid)
    done = cli.run("db", "config", "rm", "prod", "-y")
    assert done.returncode == 1
    assert "passwords never go in the file" in done.stderr
    assert config.read_text() == invalid


def test_confirmation_on_a_terminal(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    refused = cli.pty("db", "config", "rm", "staging", answer="", env={"NO_COLOR": "1"})
    assert refused.returncode == 2
    assert "  [REMOVE] Configuration 'staging' → http://staging:8529/app\n" in refused.stdout
    assert config.read_text() == HAND_WRITTEN
    accepted = cli.pty("db", "config", "rm", "staging", answer="y")
    assert accepted.returncode == 0
    assert "\x1b[91m[REMOVED]\x1b[0m Configuration 'staging'" in accepted.stdout
    assert "staging" not in config.read_text()


def _start_paused_write(cli: Cli, key: str, pause: float) -> subprocess.Popen[str]:
    env = cli.environ({PAUSE_BEFORE_RENAME_ENV: str(pause)})
    return subprocess.Popen(
        cli.command(
            "db", "config", "add", key, "--url", f"http://{key}:8529", "--database", key, "--yes"
        ),
        env=env,
        cwd=cli.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_temp(config: Path) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        temps = list(config.parent.glob(f".{config.name}.*.tmp"))
        if temps and temps[0].stat().st_size > 0:
            return temps[0]
        time.sleep(0.02)
    raise AssertionError("the writer never wrote its temporary file")


def test_a_writer_killed_before_the_rename_leaves_the_old_file(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    writer = _start_paused_write(cli, "killed", pause=60)
    try:
        temp = _wait_for_temp(config)
        assert "killed:" in temp.read_text()  # the new text is complete, only not renamed
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.communicate()
    assert config.read_text() == HAND_WRITTEN

    # the next edit takes the (released) lock, clears the leftover and succeeds
    done = cli.run("db", "config", "add", "next", "--url", "http://n:1", "--database", "n", "-y")
    assert done.returncode == 0, done.stderr
    assert not list(config.parent.glob(f".{config.name}.*.tmp"))
    assert "next:" in config.read_text() and "killed" not in config.read_text()


def test_concurrent_writers_both_land(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    first = _start_paused_write(cli, "first", pause=1.0)
    _wait_for_temp(config)  # first holds the lock now
    second = _start_paused_write(cli, "second", pause=0)
    for proc in (first, second):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    text = config.read_text()
    assert text.index("  first:") < text.index("  second:")
    assert "# production: read replica" in text and "# result caps" in text


def test_status_shows_every_resolution_level(cli: Cli, config: Path) -> None:
    config.write_text(HAND_WRITTEN)
    done = cli.run("db", "config", "status")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"Configuration: file {config}",
        "Configured keys: prod, staging",
        "Resolution (first level with a value wins):",
        "  1. database argument of the call               (per call)",
        "  2. focused database of the session             (per session)",
        "  3. default_database of the configuration file  prod  ← used",
        "  4. MCP_DEFAULT_DATABASE environment variable   -",
        "  5. first configured database                   prod",
        "  6. hard-coded fallback _system                 _system",
        "Resolves to: 'prod' → http://prod:8529/app as reader "
        "(level 3: default_database of the configuration file)",
    ]
    as_json = cli.run("db", "config", "status", "--json", "--database", "staging")
    body = json.loads(as_json.stdout)
    assert body["resolved"] == {
        "key": "staging",
        "level": 1,
        "source": "database argument of the call",
        "configured": True,
        "url": "http://staging:8529",
        "database": "app",
        "username": "root",
    }
    assert [row["value"] for row in body["levels"]] == [
        "staging",
        None,
        "prod",
        None,
        "prod",
        "_system",
    ]
    unknown = cli.run("db", "config", "status", "--database", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr == "Error: 'nope' is not a configured database key\n"

    config.write_text(HAND_WRITTEN.replace("default_database: prod", "# no default"))
    env_default = cli.run(
        "db", "config", "status", "--json", env={"MCP_DEFAULT_DATABASE": "staging"}
    )
    assert json.loads(env_default.stdout)["resolved"]["level"] == 4

    config.unlink()
    env_only = cli.run(
        "db",
        "config",
        "status",
        "--json",
        env={"ARANGO_DATABASES_CONFIG_FILE": None, "ARANGO_URL": "http://env:8529"},
    )
    body = json.loads(env_only.stdout)
    assert body["source"] == "env" and body["resolved"]["key"] == "default"


def test_test_connects_with_each_entry_credentials(cli: Cli, config: Path, target: Target) -> None:
    config.write_text(
        "databases:\n"
        f"  live: {{url: '{target.url}', database: _system, username: root, "
        "password_env: LIVE_PW}\n"
        "  down: {url: 'http://127.0.0.1:9', database: app}\n"
    )
    env = {"LIVE_PW": target.root_password}
    one = cli.run("db", "config", "test", "live", env=env)
    assert one.returncode == 0, one.output
    assert one.stdout.startswith(f"OK    'live' → {target.url}/_system: ArangoDB ")
    every = cli.run("db", "config", "test", "--json", env=env)
    assert every.returncode == 1
    rows = {row["key"]: row for row in json.loads(every.stdout)}
    assert rows["live"]["reachable"] is True and rows["live"]["server_version"]
    assert rows["down"]["reachable"] is False and "unreachable" in rows["down"]["error"]
    unset = cli.run("db", "config", "test", "live")
    assert unset.returncode == 1
    assert unset.stdout.startswith("FAIL  'live'")
    assert unset.stdout.rstrip().endswith("(LIVE_PW is not set)")


def test_env_file_feeds_password_variables(cli: Cli, config: Path, target: Target) -> None:
    config.write_text(f"databases:\n  live: {{url: '{target.url}', password_env: LIVE_PW}}\n")
    env_file = cli.cwd / ".env"
    env_file.write_text(f"LIVE_PW={target.root_password}\n")
    done = cli.run("db", "config", "test", "--env-file", str(env_file))
    assert done.returncode == 0, done.output
    assert done.stdout.startswith(f"OK    'live' → {target.url}/_system: ArangoDB ")
    without = cli.run("db", "config", "test")
    assert without.returncode == 1 and "(LIVE_PW is not set)" in without.stdout
