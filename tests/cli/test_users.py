"""``user …`` as a subprocess against the test server (seed 004 §5.5-5.6)."""

from __future__ import annotations

import json

from arangoasync.database import StandardDatabase

from tests.cli.conftest import USER_PASSWORD, Cli, can_login, unique_name
from tests.conftest import Target

ESC = "\x1b["


async def test_add_dry_run_then_real_with_the_password_from_the_environment(
    cli: Cli, sys_db: StandardDatabase, target: Target, cleanup: list[tuple[str, str]]
) -> None:
    user = unique_name("u")
    cleanup.append(("user", user))
    dry = cli.run("user", "add", user, "--dry-run")
    assert dry.stdout == (
        "user add (dry-run):\n"
        f"[ADDED - DRY-RUN] User '{user}' (active: true)\n"
        "\nNo changes made. Remove --dry-run to execute.\n"
    )
    assert not await sys_db.has_user(user)

    done = cli.run("user", "add", user, "-y")
    assert (done.returncode, done.stdout) == (
        0,
        f"user add:\n[ADDED] User '{user}' (active: true)\n",
    )
    await sys_db.update_permission(user, "ro", "_system")
    assert await can_login(target, user, USER_PASSWORD)
    assert not await can_login(target, user, "another-password")

    again = cli.run("user", "add", user, "-y")
    assert (again.returncode, again.stderr) == (1, f"Error: user '{user}' already exists\n")

    inactive = unique_name("u")
    cleanup.append(("user", inactive))
    done = cli.run(
        "user",
        "add",
        inactive,
        "--inactive",
        "--arango-password-env",
        "OTHER_PW",
        "-y",
        env={"OTHER_PW": "other-Pw-123", "ARANGO_PASSWORD": None},
    )
    assert done.stdout == f"user add:\n[ADDED] User '{inactive}' (active: false)\n"
    assert (await sys_db.user(inactive)).active is False

    nopw = cli.run("user", "add", unique_name("u"), "-y", env={"ARANGO_PASSWORD": None})
    assert nopw.returncode == 1
    assert "is not set: export ARANGO_PASSWORD" in nopw.stderr


async def test_grant_revoke_and_remove_report_previous_levels(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    user, db_a, db_b = unique_name("u"), unique_name("db"), unique_name("db")
    cleanup += [("user", user), ("database", db_a), ("database", db_b)]
    await sys_db.create_database(db_a)
    await sys_db.create_database(db_b)
    assert cli.run("user", "add", user, "-y").returncode == 0

    done = cli.run("user", "grant", user, db_a, "--permission", "ro", "--yes")
    assert done.stdout == f"user grant:\n[GRANTED] Permission ro: {user} → {db_a}\n"
    assert await sys_db.permission(user, db_a) == "ro"

    done = cli.run("user", "grant", user, db_b, "--yes")  # rw by default
    assert done.stdout == f"user grant:\n[GRANTED] Permission rw: {user} → {db_b}\n"
    done = cli.run("user", "grant", user, db_b, "--permission", "ro", "--yes")
    assert done.stdout == f"user grant:\n[GRANTED] Permission ro: {user} → {db_b} (was: rw)\n"

    done = cli.run("user", "revoke", user, db_b, "--dry-run")
    assert f"[REVOKED - DRY-RUN] Permission: {user} → {db_b} (was: ro)" in done.stdout
    assert await sys_db.permission(user, db_b) == "ro"
    done = cli.run("user", "revoke", user, db_b, "--yes")
    assert done.stdout == f"user revoke:\n[REVOKED] Permission: {user} → {db_b} (was: ro)\n"
    assert await sys_db.permission(user, db_b) == "none"

    listed = cli.run("user", "ls", "--json")
    rows = json.loads(listed.stdout)
    assert {"username": user, "active": True} in rows
    assert {"username": "root", "active": True} in rows
    assert all(set(row) == {"username", "active"} for row in rows)
    text = cli.run("user", "list").stdout.splitlines()
    assert text[0].split() == ["USERNAME", "ACTIVE"]
    assert [user, "yes"] in [line.split() for line in text]

    done = cli.run("user", "rm", user, "--yes")
    assert done.returncode == 0
    assert done.stdout == (
        f"user remove:\n[REMOVED] User '{user}'\n[REVOKED] Permission: {user} → {db_a} (was: ro)\n"
    )
    assert not await sys_db.has_user(user)

    for args, error in {
        ("user", "rm", user, "-y"): f"Error: user '{user}' not found\n",
        ("user", "remove", "root", "-y"): (
            "Error: refusing to remove 'root', the user admin commands use\n"
        ),
        ("user", "grant", "root", "nodb_x", "-y"): "Error: database 'nodb_x' not found\n",
        ("user", "revoke", user, db_a, "-y"): f"Error: user '{user}' not found\n",
    }.items():
        done = cli.run(*args)
        assert (done.returncode, done.stdout, done.stderr) == (1, "", error), args


async def test_colour_on_a_terminal_and_none_when_piped(
    cli: Cli, sys_db: StandardDatabase, cleanup: list[tuple[str, str]]
) -> None:
    user = unique_name("u")
    cleanup.append(("user", user))
    dry = cli.pty("user", "add", user, "--dry-run")
    # bright green past tense, grey dry-run suffix
    assert f"{ESC}92m[ADDED{ESC}0m{ESC}90m - DRY-RUN{ESC}0m{ESC}92m]{ESC}0m User '{user}'" in (
        dry.stdout
    )
    done = cli.pty("user", "add", user, "--yes")
    assert f"{ESC}92m[ADDED]{ESC}0m User '{user}' (active: true)" in done.stdout
    removed = cli.pty("user", "rm", user, answer="yes")
    assert f"  {ESC}2;31m[REMOVE]{ESC}0m User '{user}'" in removed.stdout  # dim red, pending
    assert f"{ESC}91m[REMOVED]{ESC}0m User '{user}'" in removed.stdout  # bright red, done
    assert removed.returncode == 0
    plain = cli.run("user", "add", user, "--dry-run")
    assert ESC not in plain.output


async def test_self_service_databases_and_password(
    cli: Cli, sys_db: StandardDatabase, target: Target, cleanup: list[tuple[str, str]]
) -> None:
    user, db_a, db_b = unique_name("u"), unique_name("db"), unique_name("db")
    cleanup += [("user", user), ("database", db_a), ("database", db_b)]
    await sys_db.create_database(db_a)
    await sys_db.create_database(db_b)
    await sys_db.create_user({"user": user, "password": USER_PASSWORD})
    await sys_db.update_permission(user, "rw", db_a)
    await sys_db.update_permission(user, "ro", db_b)
    me = {"ARANGO_USERNAME": user, "ARANGO_ROOT_PASSWORD": None}

    listed = cli.run("user", "databases", "--json", env=me)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {"database": db_a, "permission": "rw"} in rows
    assert {"database": db_b, "permission": "ro"} in rows
    text = cli.run("user", "databases", env=me).stdout.splitlines()
    assert text[0].split() == ["DATABASE", "PERMISSION"]
    assert [db_b, "ro"] in [line.split() for line in text]

    new = {**me, "NEW_PASS": "brand-new-Pw-42"}
    dry = cli.run("user", "password", "--new-password-env", "NEW_PASS", "--dry-run", env=new)
    assert f"[UPDATED - DRY-RUN] Password for current user '{user}'" in dry.stdout
    assert await can_login(target, user, USER_PASSWORD, db_a)

    cli.secrets.append("brand-new-Pw-42")
    done = cli.run("user", "password", "--new-password-env", "NEW_PASS", "-y", env=new)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"user password:\n[UPDATED] Password for current user '{user}'\n"
    assert await can_login(target, user, "brand-new-Pw-42", db_a)
    assert not await can_login(target, user, USER_PASSWORD, db_a)

    stale = cli.run("user", "databases", env=me)  # still the old password
    assert stale.returncode == 1
    assert stale.stderr.startswith(f"Error: authentication failed for user '{user}'")

    nobody = cli.run("user", "databases", env={"ARANGO_USERNAME": None})
    assert nobody.stderr == (
        "Error: the user name is not set: export ARANGO_USERNAME or put it in an --env-file\n"
    )
    nonew = cli.run("user", "password", "-y", env=me)
    assert nonew.returncode == 1
    assert "the new password is not set: export ARANGO_NEW_PASSWORD" in nonew.stderr
