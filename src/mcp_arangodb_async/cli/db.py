"""``db add | remove | list``: databases on the ArangoDB server (seed 004 §5.3).

These are admin operations: they log in as ``root`` with ``ARANGO_ROOT_PASSWORD`` (see
:mod:`credentials`). ``db config …`` (the YAML file of the MCP server) lives in
:mod:`db_config` and is registered under ``db`` here.

``db add NAME --with-user USER`` creates the database, the user and the grant as one
unit: if a later step fails, the steps already done are undone (see :mod:`plan`).
``db remove`` reports the permissions that disappear with the database, with the level
each user had.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING, Any

from mcp_arangodb_async.cli import db_config
from mcp_arangodb_async.cli.confirm import add_safety_arguments
from mcp_arangodb_async.cli.connect import system_database
from mcp_arangodb_async.cli.credentials import (
    add_env_file_argument,
    add_password_argument,
    add_root_password_argument,
    admin_login,
    environment,
    new_user_password,
)
from mcp_arangodb_async.cli.errors import EXIT_OK, CommandError
from mcp_arangodb_async.cli.parsers import add_command, add_group
from mcp_arangodb_async.cli.plan import Step, carry_out
from mcp_arangodb_async.cli.report import Action, Consequence

if TYPE_CHECKING:
    from arangoasync.database import StandardDatabase

__all__ = ["PERMISSIONS", "add_parser", "explicit_grants"]

PERMISSIONS = ("rw", "ro", "none")
_ACCESS = ("rw", "ro")


def add_parser(commands: Any) -> None:
    group = add_group(
        commands,
        "db",
        help="databases on the ArangoDB server, and the MCP server's database configuration",
        examples=(
            "mcp-arangodb-async db add projectdb --with-user devuser --env-file .env",
            "mcp-arangodb-async db list --json",
            "mcp-arangodb-async db config list",
        ),
    )
    db_config.add_parser(group)

    add = add_command(
        group,
        "add",
        help="create a database (optionally with a user who gets access to it)",
        handler=lambda args: asyncio.run(_add(args)),
        description="Create a database on the server. With --with-user, also create that "
        "user (password from ARANGO_PASSWORD or --arango-password-env) and grant it "
        "--permission on the database; if any step fails, what was created is removed again.",
        examples=(
            "mcp-arangodb-async db add projectdb --env-file .env",
            "mcp-arangodb-async db add projectdb --with-user devuser --permission rw --yes",
            "mcp-arangodb-async db add projectdb --with-user devuser --dry-run",
        ),
    )
    add.add_argument("name", help="name of the new database")
    add.add_argument("--with-user", metavar="USERNAME", help="also create this user")
    add.add_argument(
        "--permission",
        choices=PERMISSIONS,
        default=None,
        help="access of the new user to the database (default: rw; needs --with-user)",
    )
    _add_auth(add, user_password="the new user's password")
    add_safety_arguments(add)

    remove = add_command(
        group,
        "remove",
        aliases=("rm",),
        help="drop a database and everything in it",
        handler=lambda args: asyncio.run(_remove(args)),
        description="Drop a database with all its collections and documents. The users "
        "who had access to it keep existing; the report lists the permissions that go "
        "away with the database, with the level each user had.",
        examples=(
            "mcp-arangodb-async db remove projectdb --dry-run",
            "mcp-arangodb-async db rm projectdb --env-file .env --yes",
        ),
    )
    remove.add_argument("name", help="name of the database to drop")
    _add_auth(remove)
    add_safety_arguments(remove)

    listing = add_command(
        group,
        "list",
        aliases=("ls",),
        help="list the databases on the server",
        handler=lambda args: asyncio.run(_list(args)),
        examples=("mcp-arangodb-async db list", "mcp-arangodb-async db ls --json"),
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array of names")
    _add_auth(listing)


def _add_auth(parser: argparse.ArgumentParser, user_password: str | None = None) -> None:
    group = parser.add_argument_group("credentials (from the environment, never arguments)")
    add_env_file_argument(group)  # type: ignore[arg-type]
    add_root_password_argument(group)  # type: ignore[arg-type]
    if user_password:
        add_password_argument(group, user_password)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- add
async def _add(args: argparse.Namespace) -> int:
    name: str = args.name
    username: str | None = args.with_user
    if args.permission is not None and username is None:
        raise CommandError("--permission applies to the user of --with-user")
    permission = args.permission or "rw"
    environ = environment(args)
    login = admin_login(args, environ)
    password = new_user_password(args, environ, username) if username else None
    async with system_database(login) as sys_db:
        if await sys_db.has_database(name):
            raise CommandError(f"database '{name}' already exists")
        if username and await sys_db.has_user(username):
            raise CommandError(
                f"user '{username}' already exists: create the database without --with-user, "
                f"then grant access with `user grant {username} {name}`"
            )

        async def create_database() -> None:
            await sys_db.create_database(name)

        async def drop_database() -> None:
            await sys_db.delete_database(name)

        steps = [
            Step(
                [Action(Consequence.ADD, f"Database '{name}'")],
                run=create_database,
                undo=drop_database,
                undo_actions=[Action(Consequence.REMOVE, f"Database '{name}'", "(rolled back)")],
            )
        ]
        if username:
            steps += _user_steps(sys_db, username, password or "", name, permission)
        return await carry_out("db add", steps, args, environ, peer=login.peer)


def _user_steps(
    sys_db: StandardDatabase, username: str, password: str, database: str, permission: str
) -> list[Step]:
    async def create_user() -> None:
        await sys_db.create_user({"user": username, "password": password, "active": True})

    async def drop_user() -> None:
        await sys_db.delete_user(username)

    async def grant() -> None:
        await sys_db.update_permission(username, permission, database)

    return [
        Step(
            [Action(Consequence.ADD, f"User '{username}' (active: true)")],
            run=create_user,
            undo=drop_user,
            undo_actions=[Action(Consequence.REMOVE, f"User '{username}'", "(rolled back)")],
        ),
        Step(
            [Action(Consequence.GRANT, f"Permission {permission}: {username} → {database}")],
            run=grant,
        ),
    ]


# ---------------------------------------------------------------------- remove
async def explicit_grants(
    sys_db: StandardDatabase, *, database: str | None = None, username: str | None = None
) -> list[tuple[str, str, str]]:
    """``(user, target, level)`` for every explicit ``rw``/``ro`` grant.

    ``target`` is a database name, or ``db/collection`` for collection-level grants.
    Limited to one database (for ``db remove``) or one user (for ``user remove``).
    """
    if username is not None:
        names = [username]
    else:
        names = [info.user for info in await sys_db.users()]
    tables = await asyncio.gather(*(sys_db.permissions(name, full=True) for name in names))
    grants: list[tuple[str, str, str]] = []
    for name, table in zip(names, tables, strict=True):
        for db_name, entry in table.items():
            if database is not None and db_name != database:
                continue
            if not isinstance(entry, dict):
                continue
            if entry.get("permission") in _ACCESS:
                grants.append((name, db_name, entry["permission"]))
            for coll, level in (entry.get("collections") or {}).items():
                if level in _ACCESS:
                    grants.append((name, f"{db_name}/{coll}", level))
    return grants


async def _remove(args: argparse.Namespace) -> int:
    name: str = args.name
    if name == "_system":
        raise CommandError("the _system database cannot be removed")
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        if not await sys_db.has_database(name):
            raise CommandError(f"database '{name}' not found")
        grants = await explicit_grants(sys_db, database=name)
        actions = [Action(Consequence.REMOVE, f"Database '{name}'")] + [
            Action(Consequence.REVOKE, f"Permission: {user} → {target}", f"(was: {level})")
            for user, target, level in grants
        ]

        async def drop() -> None:
            await sys_db.delete_database(name)

        step = Step(actions, run=drop)
        return await carry_out("db remove", [step], args, environ, peer=login.peer)


# ---------------------------------------------------------------------- list
async def _list(args: argparse.Namespace) -> int:
    environ = environment(args)
    login = admin_login(args, environ)
    async with system_database(login) as sys_db:
        names = sorted(await sys_db.databases())
    if args.json:
        print(json.dumps(names))
    else:
        for name in names:
            print(name)
    return EXIT_OK
