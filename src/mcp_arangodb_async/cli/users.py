"""``user …``: users and permissions on the ArangoDB server (seed 004 §5.5-5.6).

Admin commands (``add``, ``remove``, ``list``, ``grant``, ``revoke``) log in as ``root``
with ``ARANGO_ROOT_PASSWORD``. Self-service commands (``databases``, ``password``) log in
as ``ARANGO_USERNAME`` with ``ARANGO_PASSWORD`` and touch only that user's own record.
Passwords come from environment variables only (see :mod:`credentials`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from mcp_arangodb_async.cli.confirm import add_safety_arguments
from mcp_arangodb_async.cli.connect import system_database
from mcp_arangodb_async.cli.credentials import (
    NEW_PASSWORD_VAR,
    ROOT_USERNAME,
    USERNAME_VAR,
    add_env_file_argument,
    add_password_argument,
    add_root_password_argument,
    admin_login,
    environment,
    new_user_password,
    secret,
    user_login,
    variable_name,
)
from mcp_arangodb_async.cli.db import PERMISSIONS, explicit_grants
from mcp_arangodb_async.cli.errors import EXIT_OK, CommandError
from mcp_arangodb_async.cli.parsers import add_command, add_group
from mcp_arangodb_async.cli.plan import Step, carry_out
from mcp_arangodb_async.cli.report import Action, Consequence

__all__ = ["add_parser"]


def _run(coro: Any) -> Any:
    return lambda args: asyncio.run(coro(args))


def add_parser(commands: Any) -> None:
    group = add_group(
        commands,
        "user",
        help="users and their permissions on the ArangoDB server",
        examples=(
            "mcp-arangodb-async user add analyst --env-file .env",
            "mcp-arangodb-async user grant analyst reportdb --permission ro --yes",
            "mcp-arangodb-async user databases --json",
        ),
    )

    add = add_command(
        group,
        "add",
        help="create a user (password from ARANGO_PASSWORD)",
        handler=_run(_add),
        description="Create a user. Its password is read from ARANGO_PASSWORD (or the "
        "variable named by --arango-password-env), never from the command line.",
        examples=(
            "ARANGO_PASSWORD=… mcp-arangodb-async user add analyst --yes",
            "mcp-arangodb-async user add analyst --env-file .env --inactive --dry-run",
        ),
    )
    add.add_argument("username")
    active = add.add_mutually_exclusive_group()
    active.add_argument(
        "--active", dest="active", action="store_true", default=True, help="(default)"
    )
    active.add_argument(
        "--inactive", dest="active", action="store_false", help="create the user deactivated"
    )
    _admin_auth(add, user_password="the new user's password")
    add_safety_arguments(add)

    remove = add_command(
        group,
        "remove",
        aliases=("rm",),
        help="delete a user and its permissions",
        handler=_run(_remove),
        description="Delete a user. The report lists the permissions that go away with "
        "it, with the level the user had.",
        examples=("mcp-arangodb-async user remove analyst --env-file .env --yes",),
    )
    remove.add_argument("username")
    _admin_auth(remove)
    add_safety_arguments(remove)

    listing = add_command(
        group,
        "list",
        aliases=("ls",),
        help="list the users",
        handler=_run(_list),
        examples=("mcp-arangodb-async user list", "mcp-arangodb-async user ls --json"),
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    _admin_auth(listing)

    grant = add_command(
        group,
        "grant",
        help="set a user's access level on a database",
        handler=_run(_grant),
        examples=(
            "mcp-arangodb-async user grant analyst reportdb --permission ro --yes",
            "mcp-arangodb-async user grant analyst '*' --permission ro   # every database",
        ),
    )
    grant.add_argument("username")
    grant.add_argument("database", help="a database name, or * for the default of all")
    grant.add_argument("--permission", choices=PERMISSIONS, default="rw", help="(default: rw)")
    _admin_auth(grant)
    add_safety_arguments(grant)

    revoke = add_command(
        group,
        "revoke",
        help="clear a user's access level on a database",
        handler=_run(_revoke),
        description="Clear the access level a user was granted on a database; the user "
        "then falls back to its default for all databases (*), if any.",
        examples=("mcp-arangodb-async user revoke analyst reportdb --env-file .env --yes",),
    )
    revoke.add_argument("username")
    revoke.add_argument("database")
    _admin_auth(revoke)
    add_safety_arguments(revoke)

    databases = add_command(
        group,
        "databases",
        help="list the databases the current user can access (self-service)",
        handler=_run(_databases),
        description=f"List the databases {USERNAME_VAR} can access, with the access level, "
        "logging in as that user with ARANGO_PASSWORD.",
        examples=("mcp-arangodb-async user databases --env-file .env --json",),
    )
    databases.add_argument("--json", action="store_true", help="print JSON")
    _self_auth(databases)

    password = add_command(
        group,
        "password",
        help="change the current user's password (self-service)",
        handler=_run(_password),
        description=f"Change the password of {USERNAME_VAR}, logging in with its current "
        f"password (ARANGO_PASSWORD); the new one is read from {NEW_PASSWORD_VAR} or the "
        "variable named by --new-password-env.",
        examples=(
            "mcp-arangodb-async user password --env-file .env --new-password-env NEW_PASS --yes",
        ),
    )
    password.add_argument(
        "--new-password-env",
        metavar="VAR",
        type=variable_name,
        default=NEW_PASSWORD_VAR,
        help=f"variable holding the new password (default: {NEW_PASSWORD_VAR})",
    )
    _self_auth(password)
    add_safety_arguments(password)


def _admin_auth(parser: argparse.ArgumentParser, user_password: str | None = None) -> None:
    group = parser.add_argument_group("credentials (from the environment, never arguments)")
    add_env_file_argument(group)  # type: ignore[arg-type]
    add_root_password_argument(group)  # type: ignore[arg-type]
    if user_password:
        add_password_argument(group, user_password)  # type: ignore[arg-type]


def _self_auth(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        f"credentials ({USERNAME_VAR} and a password variable, never arguments)"
    )
    add_env_file_argument(group)  # type: ignore[arg-type]
    add_password_argument(group, "the current user's password")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- admin
async def _add(args: argparse.Namespace) -> int:
    username: str = args.username
    environ = environment(args)
    login = admin_login(args, environ)
    password = new_user_password(args, environ, username)
    async with system_database(login) as sys_db:
        if await sys_db.has_user(username):
            raise CommandError(f"user '{username}' already exists")

        async def create() -> None:
            await sys_db.create_user(
                {"user": username, "password": password, "active": args.active}
            )

        action = Action(Consequence.ADD, f"User '{username}' (active: {str(args.active).lower()})")
        return await carry_out(
            "user add", [Step([action], run=create)], args, environ, peer=login.peer
        )


async def _remove(args: argparse.Namespace) -> int:
    username: str = args.username
    if username == ROOT_USERNAME:
        raise CommandError(f"refusing to remove '{ROOT_USERNAME}', the user admin commands use")
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        if not await sys_db.has_user(username):
            raise CommandError(f"user '{username}' not found")
        grants = await explicit_grants(sys_db, username=username)
        actions = [Action(Consequence.REMOVE, f"User '{username}'")] + [
            Action(Consequence.REVOKE, f"Permission: {username} → {target}", f"(was: {level})")
            for _, target, level in grants
        ]

        async def delete() -> None:
            await sys_db.delete_user(username)

        return await carry_out(
            "user remove", [Step(actions, run=delete)], args, environ, peer=login.peer
        )


async def _list(args: argparse.Namespace) -> int:
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        users = sorted(await sys_db.users(), key=lambda info: info.user)
    rows = [{"username": info.user, "active": bool(info.active)} for info in users]
    if args.json:
        print(json.dumps(rows))
        return EXIT_OK
    width = max([len("USERNAME"), *(len(row["username"]) for row in rows)])
    print(f"{'USERNAME':<{width}}  ACTIVE")
    for row in rows:
        print(f"{row['username']:<{width}}  {'yes' if row['active'] else 'no'}")
    return EXIT_OK


async def _configured_level(sys_db: Any, username: str, database: str) -> str:
    """The level granted on ``database`` itself (``none`` when nothing was granted)."""
    table = await sys_db.permissions(username, full=True)
    entry = table.get(database)
    level = entry.get("permission") if isinstance(entry, dict) else None
    return level if level in PERMISSIONS else "none"


async def _check_target(sys_db: Any, username: str, database: str) -> None:
    if not await sys_db.has_user(username):
        raise CommandError(f"user '{username}' not found")
    if database != "*" and not await sys_db.has_database(database):
        raise CommandError(f"database '{database}' not found")


async def _grant(args: argparse.Namespace) -> int:
    username, database, permission = args.username, args.database, args.permission
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        await _check_target(sys_db, username, database)
        before = await _configured_level(sys_db, username, database)
        detail = f"(was: {before})" if before not in ("none", permission) else None
        action = Action(
            Consequence.GRANT, f"Permission {permission}: {username} → {database}", detail
        )

        async def grant() -> None:
            await sys_db.update_permission(username, permission, database)

        return await carry_out(
            "user grant", [Step([action], run=grant)], args, environ, peer=login.peer
        )


async def _revoke(args: argparse.Namespace) -> int:
    username, database = args.username, args.database
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        await _check_target(sys_db, username, database)
        before = await _configured_level(sys_db, username, database)
        action = Action(
            Consequence.REVOKE, f"Permission: {username} → {database}", f"(was: {before})"
        )

        async def revoke() -> None:
            await sys_db.reset_permission(username, database)

        return await carry_out(
            "user revoke", [Step([action], run=revoke)], args, environ, peer=login.peer
        )


# ---------------------------------------------------------------------- self-service
async def _databases(args: argparse.Namespace) -> int:
    environ = environment(args)
    login = user_login(args, environ)
    async with system_database(login) as sys_db:
        table = await sys_db.permissions(login.username, full=False)
    rows = [
        {"database": name, "permission": level}
        for name, level in sorted(table.items())
        if name != "*" and isinstance(level, str) and level in ("rw", "ro")
    ]
    if args.json:
        print(json.dumps(rows))
        return EXIT_OK
    if not rows:
        print(f"'{login.username}' has access to no database")
        return EXIT_OK
    width = max([len("DATABASE"), *(len(row["database"]) for row in rows)])
    print(f"{'DATABASE':<{width}}  PERMISSION")
    for row in rows:
        print(f"{row['database']:<{width}}  {row['permission']}")
    return EXIT_OK


async def _password(args: argparse.Namespace) -> int:
    environ = environment(args)
    login = user_login(args, environ)
    new_password = secret(environ, args.new_password_env, "the new password", "--new-password-env")
    if not new_password:
        raise CommandError(f"{args.new_password_env} is empty: choose a non-empty password")
    async with system_database(login) as sys_db:
        await sys_db.user(login.username)  # checks the current credentials first

        async def change() -> None:
            await sys_db.update_user({"user": login.username, "password": new_password})

        action = Action(Consequence.UPDATE, f"Password for current user '{login.username}'")
        return await carry_out(
            "user password", [Step([action], run=change)], args, environ, peer=login.peer
        )
