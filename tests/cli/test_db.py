"""``db add | remove | list`` as a subprocess against the test server (seed 004 §3-5.3)."""

from __future__ import annotations

import json
from pathlib import Path

from arangoasync.database import StandardDatabase

from tests.cli.conftest import USER_PASSWORD, Cli, can_login, unique_name
from tests.conftest import Target

ESC = "\x1b["


async def test_dry_run_reports_past_tense_and_changes_nothing(
    cli: Cli, sys_db: StandardDatabase
) -> None:
    name, user = unique_name("db"), unique_name("u")
    done = cli.run("db", "add", name, "--with-user", user, "--permission", "ro", "--dry-run")
    assert done.returncode == 0
    assert done.stdout == (
        "db add (dry-run):\n"
        f"[ADDED - DRY-RUN] Database '{name}'\n"
        f"[ADDED - DRY-RUN] User '{user}' (active: true)\n"
        f"[GRANTED - DRY-RUN] Permission ro: {user} → {name}\n"
        "\n"
        "No changes made. Remove --dry-run to execute.\n"
    )
    assert not await sys_db.has_database(name)
    assert not await sys_db.has_user(user)


async def test_add_with_user_then_remove_reports_the_revoked_permission(
    cli: Cli, sys_db: StandardDatabase, target: Target, cleanup: list[tuple[str, str]]
) -> None:
    name, user = unique_name("db"), unique_name("u")
    cleanup += [("database", name), ("user", user)]
    done = cli.run("db", "add", name, "--with-user", user, "--yes")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "db add:\n"
        f"[ADDED] Database '{name}'\n"
        f"[ADDED] User '{user}' (active: true)\n"
        f"[GRANTED] Permission rw: {user} → {name}\n"
    )
    assert await sys_db.permission(user, name) == "rw"
    assert await can_login(target, user, USER_PASSWORD, name)

    listed = cli.run("db", "ls", "--json")
    assert listed.returncode == 0
    names = json.loads(listed.stdout)
    assert isinstance(names, list) and "_system" in names and name in names
    assert names == sorted(names)
    text = cli.run("db", "list")
    assert name in text.stdout.splitlines()

    # (a real ArangoDB may list root's grant too: check our user's line, not the count)
    preview = cli.run("db", "rm", name, "--dry-run").stdout.splitlines()
    assert preview[:2] == ["db remove (dry-run):", f"[REMOVED - DRY-RUN] Database '{name}'"]
    assert f"[REVOKED - DRY-RUN] Permission: {user} → {name} (was: rw)" in preview
    assert await sys_db.has_database(name)

    done = cli.run("db", "remove", name, "--yes")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[:2] == ["db remove:", f"[REMOVED] Database '{name}'"]
    assert f"[REVOKED] Permission: {user} → {name} (was: rw)" in lines
    assert not await sys_db.has_database(name)
    assert await sys_db.has_user(user)  # removing a database keeps its users


async def test_confirmation_accepted_on_a_terminal_shows_preview_then_results_in_colour(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    name = unique_name("db")
    cleanup.append(("database", name))
    done = cli.pty("db", "add", name, answer="y")
    assert done.returncode == 0, done.stdout
    # pending: present tense, dim green; done: past tense, bright green
    assert (
        f"The following actions will be performed:\n  {ESC}2;32m[ADD]{ESC}0m Database '{name}'\n"
        in (done.stdout)
    )
    assert "Are you sure you want to proceed? [y/N]: y\n" in done.stdout
    assert f"db add:\n{ESC}92m[ADDED]{ESC}0m Database '{name}'\n" in done.stdout
    assert await sys_db.has_database(name)


async def test_confirmation_refused_cancels_with_exit_2(cli: Cli, sys_db: StandardDatabase) -> None:
    name = unique_name("db")
    done = cli.pty("db", "add", name, answer="n", env={"NO_COLOR": "1"})
    assert done.returncode == 2
    assert f"  [ADD] Database '{name}'" in done.stdout
    assert ESC not in done.stdout  # NO_COLOR wins over a terminal
    assert "Cancelled: no changes made." in done.stdout
    assert "[ADDED]" not in done.stdout
    assert not await sys_db.has_database(name)


async def test_ctrl_c_at_the_prompt_cancels(cli: Cli, sys_db: StandardDatabase) -> None:
    name = unique_name("db")
    done = cli.pty("db", "add", name, interrupt=True)
    assert done.returncode == 2
    assert "Cancelled: no changes made." in done.stdout
    assert not await sys_db.has_database(name)


async def test_without_a_terminal_it_refuses_and_says_how_to_confirm(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    name = unique_name("db")
    cleanup.append(("database", name))
    done = cli.run("db", "add", name)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "Error: db add needs confirmation, but no terminal is attached: pass --yes (or set "
        "MCP_ARANGODB_ASYNC_CLI_YES=1) to proceed, or --dry-run to preview\n"
    )
    assert not await sys_db.has_database(name)

    done = cli.run("db", "add", name, env={"MCP_ARANGODB_ASYNC_CLI_YES": "1"})
    assert done.returncode == 0
    assert done.stdout == f"db add:\n[ADDED] Database '{name}'\n"
    assert await sys_db.has_database(name)


async def test_failed_user_step_rolls_back_the_database_and_says_so(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    """The user appears between the preview and the confirmation: creating it fails."""
    name, user = unique_name("db"), unique_name("u")
    cleanup += [("database", name), ("user", user)]

    def someone_creates_the_user() -> None:
        assert cli.run("user", "add", user, "--yes").returncode == 0

    done = cli.pty(
        "db",
        "add",
        name,
        "--with-user",
        user,
        answer="y",
        on_prompt=someone_creates_the_user,
        env={"NO_COLOR": "1"},
    )
    assert done.returncode == 1
    results = done.stdout.split("db add:\n", 1)[1]
    assert results.startswith(
        f"[ADDED] Database '{name}'\n[REMOVED] Database '{name}' (rolled back)\n"
    )
    error = results.splitlines()[2]
    assert error.startswith(f"Error: add User '{user}' (active: true) failed: ")
    assert error.endswith(
        f"(errorNum 1702, HTTP 409); rolled back: Database '{name}' removed again"
    )
    assert not await sys_db.has_database(name)
    assert await sys_db.has_user(user)  # the other party's user is untouched


async def test_errors_are_one_line_without_traceback(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    name = unique_name("db")
    cleanup.append(("database", name))
    assert cli.run("db", "add", name, "--yes").returncode == 0

    cases = {
        ("db", "add", name, "--yes"): f"Error: database '{name}' already exists\n",
        ("db", "rm", unique_name("nodb"), "--yes"): None,
        ("db", "remove", "_system", "--yes"): "Error: the _system database cannot be removed\n",
        ("db", "add", name, "--permission", "ro"): (
            "Error: --permission applies to the user of --with-user\n"
        ),
    }
    for args, expected in cases.items():
        done = cli.run(*args)
        assert done.returncode == 1, args
        assert done.stdout == ""
        if expected is None:
            assert done.stderr.startswith("Error: database 'nodb_") and "not found" in done.stderr
        else:
            assert done.stderr == expected

    bad = cli.run("db", "list", env={"ARANGO_ROOT_PASSWORD": "wrong-password-1"})
    assert bad.returncode == 1
    assert bad.stderr.startswith("Error: authentication failed for user 'root' at ")
    assert bad.stderr.endswith("(check ARANGO_ROOT_PASSWORD)\n")
    assert "wrong-password-1" not in bad.output

    down = cli.run("db", "list", env={"ARANGO_URL": "http://127.0.0.1:9"})
    assert down.returncode == 1
    assert down.stderr == (
        "Error: cannot connect to http://127.0.0.1:9: connection refused or host unreachable "
        "(is the server running? check ARANGO_URL)\n"
    )

    unset = cli.run("db", "list", env={"ARANGO_ROOT_PASSWORD": None})
    assert unset.returncode == 1
    assert unset.stderr == (
        "Error: the root password is not set: export ARANGO_ROOT_PASSWORD or put it in an "
        "--env-file (or name another variable with --arango-root-password-env)\n"
    )


async def test_env_file_and_variable_name_overrides(
    cli: Cli, target: Target, tmp_path: Path
) -> None:
    env_file = tmp_path / "admin.env"
    env_file.write_text(f"ARANGO_URL={target.url}\nMY_ROOT_PW={target.root_password}\n")
    # the process environment points elsewhere; the file wins
    done = cli.run(
        "db",
        "list",
        "--env-file",
        str(env_file),
        "--arango-root-password-env",
        "MY_ROOT_PW",
        env={"ARANGO_URL": "http://127.0.0.1:9", "ARANGO_ROOT_PASSWORD": None},
    )
    assert done.returncode == 0, done.stderr
    assert "_system" in done.stdout.splitlines()

    missing = cli.run("db", "list", "--env-file", str(tmp_path / "nope.env"))
    assert missing.returncode == 1
    assert missing.stderr == f"Error: --env-file: {tmp_path / 'nope.env'} does not exist\n"

    # a password typed where a variable name belongs is refused and never echoed
    typo = cli.run("db", "list", "--arango-root-password-env", "s3cr3t!pass")
    assert typo.returncode == 1
    assert "takes the NAME of an environment variable" in typo.stderr
    assert "s3cr3t!pass" not in typo.output
