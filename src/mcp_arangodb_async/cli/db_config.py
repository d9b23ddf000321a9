"""``db config …``: the MCP server's YAML file of databases (seed 004 §5.4).

``add``, ``update`` and ``remove`` edit the file through :mod:`config_file` (locked,
atomic, comments kept, validated with the server's loader). The edit is computed once
for the preview and again on the file as it is under the lock, so a concurrent change
between the preview and the confirmation is detected instead of overwritten.

``list``, ``status`` and ``test`` read the configuration exactly as the server does
(:func:`config.load_config`, :mod:`resolution`, :class:`connections.ConnectionManager`),
so what they show is what the server would do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from mcp_arangodb_async.cli.confirm import add_safety_arguments
from mcp_arangodb_async.cli.credentials import add_env_file_argument, environment
from mcp_arangodb_async.cli.errors import EXIT_ERROR, EXIT_OK, CommandError
from mcp_arangodb_async.cli.parsers import add_command, add_group
from mcp_arangodb_async.cli.plan import Step, carry_out
from mcp_arangodb_async.cli.report import Action, Consequence
from mcp_arangodb_async.config import Config, DatabaseEntry, load_config
from mcp_arangodb_async.config_file import (
    Document,
    append_entry,
    append_key,
    edit_config,
    preview_edit,
    remove_entry,
    remove_key,
    rename_entry,
    target_path,
)

__all__ = ["add_parser", "describe_target"]

#: entry fields in the order they are written, with the flag that sets each
_FIELDS: tuple[tuple[str, str], ...] = (
    ("url", "--url"),
    ("database", "--database"),
    ("username", "--username"),
    ("password_env", "--password-env"),
    ("timeout", "--timeout"),
    ("connect_timeout", "--connect-timeout"),
    ("description", "--description"),
    ("read_only", "--read-only"),
)
_FLAG = dict(_FIELDS)


def add_parser(commands: Any) -> None:
    group = add_group(
        commands,
        "config",
        help="the MCP server's YAML file of databases",
        description="Manage the YAML file the MCP server reads its databases from "
        "(--config-path, else ARANGO_DATABASES_CONFIG_FILE, else ./config/databases.yaml, "
        "else databases.yaml in the user config directory).",
        examples=(
            "mcp-arangodb-async db config add production --url http://prod:8529 "
            "--database app --username reader --password-env PROD_PASS",
            "mcp-arangodb-async db config list",
            "mcp-arangodb-async db config status",
        ),
    )

    add = add_command(
        group,
        "add",
        help="add a database entry",
        handler=_handle(_add),
        description="Add an entry to the configuration file (created if missing). The "
        "password is never written: --password-env names the variable that holds it.",
        examples=(
            "mcp-arangodb-async db config add production --url http://prod:8529 "
            "--database app --username reader --password-env PROD_PASS --yes",
            "mcp-arangodb-async db config add scratch --url embedded --database scratch --default",
        ),
    )
    add.add_argument("key", help="the name tools and sessions use for this database")
    _entry_arguments(add, required=True)
    add.add_argument("--default", action="store_true", help="also make it the default_database")
    _file_argument(add)
    add_safety_arguments(add)

    update = add_command(
        group,
        "update",
        help="change or rename a database entry",
        handler=_handle(_update),
        description="Change fields of an entry, or rename it with --key (the position, "
        "comments and default_database follow the rename).",
        examples=(
            "mcp-arangodb-async db config update production --url http://prod2:8529",
            "mcp-arangodb-async db config update production --key prod --yes",
            "mcp-arangodb-async db config update prod --no-read-only --description ''",
        ),
    )
    update.add_argument("key", help="the entry to change")
    update.add_argument("--key", dest="new_key", metavar="NEWKEY", help="rename the entry")
    _entry_arguments(update, required=False)
    update.add_argument(
        "--default",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="make it (or stop it being) the default_database",
    )
    _file_argument(update)
    add_safety_arguments(update)

    remove = add_command(
        group,
        "remove",
        aliases=("rm",),
        help="remove a database entry",
        handler=_handle(_remove),
        examples=("mcp-arangodb-async db config remove staging --yes",),
    )
    remove.add_argument("key")
    _file_argument(remove)
    add_safety_arguments(remove)

    listing = add_command(
        group,
        "list",
        aliases=("ls",),
        help="list the configured databases",
        handler=_handle(_list),
        examples=("mcp-arangodb-async db config list", "mcp-arangodb-async db config ls --json"),
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    _file_argument(listing)
    add_env_file_argument(listing)

    test = add_command(
        group,
        "test",
        help="connect to configured databases and report whether they answer",
        handler=_handle(_test),
        description="Connect to one configured database (or all) with its credentials, "
        "as the server would. Exit status 0 when every tested database answers, 1 otherwise.",
        examples=(
            "mcp-arangodb-async db config test production",
            "mcp-arangodb-async db config test --env-file .env --json",
        ),
    )
    test.add_argument("key", nargs="?", help="the entry to test (default: all)")
    test.add_argument("--json", action="store_true", help="print JSON")
    _file_argument(test)
    add_env_file_argument(test)

    status = add_command(
        group,
        "status",
        help="show where the configuration comes from and how a database is resolved",
        handler=_handle(_status),
        description="Show the configuration source and the six resolution levels of the "
        "server (seed 000 §2.4) with their current values, and which key a tool call "
        "without a `database` argument in a fresh session would use.",
        examples=(
            "mcp-arangodb-async db config status",
            "MCP_DEFAULT_DATABASE=staging mcp-arangodb-async db config status --json",
            "mcp-arangodb-async db config status --database production",
        ),
    )
    status.add_argument(
        "--database", metavar="KEY", help="resolve as a call with this `database` argument"
    )
    status.add_argument("--json", action="store_true", help="print JSON")
    _file_argument(status)
    add_env_file_argument(status)


def _handle(fn: Callable[[argparse.Namespace], Any]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        result = fn(args)
        if asyncio.iscoroutine(result):
            return int(asyncio.run(result))
        return int(result)

    return run


def _file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-path",
        metavar="PATH",
        help="the YAML file (default: ARANGO_DATABASES_CONFIG_FILE, ./config/databases.yaml, "
        "or the user config directory)",
    )


def _entry_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_argument_group("entry")
    group.add_argument(
        "--url",
        required=required,
        action="append",
        help="http(s)://host:port, `embedded` or `embedded:PATH`; repeat for cluster coordinators",
    )
    group.add_argument("--database", required=required, help="database name on the server")
    group.add_argument("--username", help="user to log in as (default: root)")
    group.add_argument(
        "--password-env",
        metavar="VAR",
        help="NAME of the environment variable holding the password (never the password)",
    )
    group.add_argument("--timeout", type=float, help="request timeout in seconds (default: 60)")
    group.add_argument(
        "--connect-timeout", type=float, help="connect timeout in seconds (default: 5)"
    )
    group.add_argument("--description", help="what this database is for (shown to agents)")
    group.add_argument(
        "--read-only",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="refuse write tools on this database",
    )
    if not required:
        group.add_argument(
            "--no-password-env", action="store_true", help="remove password_env (no password)"
        )


# ---------------------------------------------------------------------- helpers
def describe_target(entry: DatabaseEntry | dict[str, Any]) -> str:
    """``http://prod:8529/app``: where an entry points."""
    url = entry["url"] if isinstance(entry, dict) else entry.url
    database = entry.get("database", "_system") if isinstance(entry, dict) else entry.database
    urls = [url] if isinstance(url, str) else list(url)
    more = f" (+{len(urls) - 1} more)" if len(urls) > 1 else ""
    return f"{urls[0].rstrip('/')}/{database}{more}"


def _given_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The entry fields set on the command line, in file order."""
    values: dict[str, Any] = {}
    for name, _ in _FIELDS:
        value = getattr(args, name, None)
        if value is None:
            continue
        if name == "url":
            value = value[0] if len(value) == 1 else list(value)
        values[name] = value
    return values


def _validate_entry(key: str, raw: dict[str, Any]) -> DatabaseEntry:
    """The entry, or an error naming the flag (never echoing a possible password)."""
    plain = {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in raw.items()}
    try:
        return DatabaseEntry.model_validate(plain)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            where = _FLAG.get(field, field)
            problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        raise CommandError(f"'{key}': " + "; ".join(problems)) from None


def _yaml_value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    return value


def _new_entry(fields: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for name, _ in _FIELDS:
        if name in fields:
            entry[name] = _yaml_value(fields[name])
    return entry


def _set_default(doc: Document, key: str | None) -> list[Action]:
    """Point ``default_database`` at ``key`` (``None``: unset); the action, if any."""
    current = doc.data.get("default_database")
    if current == key:
        return []
    if key is None:
        del doc.data["default_database"]
        return [Action(Consequence.UPDATE, f"default_database: '{current}' → (unset)")]
    if current is None:
        doc.data.insert(0, "default_database", key)
        return [Action(Consequence.UPDATE, f"default_database: (unset) → '{key}'")]
    doc.data["default_database"] = key
    return [Action(Consequence.UPDATE, f"default_database: '{current}' → '{key}'")]


def _file_actions(doc: Document) -> list[Action]:
    if doc.exists:
        return []
    return [Action(Consequence.ADD, f"Configuration file '{doc.path}'")]


def _config_step(
    path: Any, change: Callable[[Document], list[Action]]
) -> tuple[list[Action], Step]:
    """Preview ``change`` on the file as it is now, and the step that applies it for real."""
    preview = preview_edit(path, change)

    async def run() -> list[Action]:
        return edit_config(path, change)

    return preview, Step(preview, run=run)


async def _carry(command: str, args: argparse.Namespace, change: Any) -> int:
    path = target_path(args.config_path, environment(args))
    actions, step = _config_step(path, change)
    if not actions:
        print(f"{command}: nothing to change")
        return EXIT_OK
    return await carry_out(command, [step], args, environment(args))


# ---------------------------------------------------------------------- add / update / remove
async def _add(args: argparse.Namespace) -> int:
    key: str = args.key
    fields = _given_fields(args)
    entry = _validate_entry(key, fields)

    def change(doc: Document) -> list[Action]:
        if key in doc.parsed.databases:
            raise CommandError(
                f"'{key}' is already configured in {doc.path}: use `db config update {key}`"
            )
        actions = _file_actions(doc)
        append_entry(doc.data, key, _new_entry(fields))
        actions.append(Action(Consequence.ADD, f"Configuration '{key}' → {describe_target(entry)}"))
        if args.default:
            actions += _set_default(doc, key)
        return actions

    return await _carry("db config add", args, change)


def _shown(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


async def _update(args: argparse.Namespace) -> int:
    key: str = args.key
    new_key: str | None = args.new_key if args.new_key != key else None
    fields = _given_fields(args)
    if args.no_password_env and "password_env" in fields:
        raise CommandError("--password-env and --no-password-env contradict each other")
    if not fields and new_key is None and args.default is None and not args.no_password_env:
        raise CommandError(
            "nothing to update: pass --key NEWKEY or a field (--url, --database, --username, "
            "--password-env, --timeout, --connect-timeout, --description, --read-only, --default)"
        )

    def change(doc: Document) -> list[Action]:
        if key not in doc.parsed.databases:
            raise CommandError(f"'{key}' is not configured in {doc.path}")
        if new_key is not None and new_key in doc.parsed.databases:
            raise CommandError(f"cannot rename '{key}' to '{new_key}': '{new_key}' exists")
        entry = doc.databases[key]
        current = doc.parsed.databases[key].model_dump(exclude_unset=True)
        merged = {**current, **fields}
        if args.no_password_env:
            merged.pop("password_env", None)
        if merged.get("description") == "":
            merged.pop("description")
        _validate_entry(new_key or key, merged)
        actions: list[Action] = []
        name = key
        if new_key is not None:
            rename_entry(doc.databases, key, new_key)
            actions.append(
                Action(Consequence.UPDATE, f"Configuration '{key}' renamed to '{new_key}'")
            )
            name = new_key
            if doc.data.get("default_database") == key:
                actions += _set_default(doc, new_key)
        for field, _ in _FIELDS:
            before, after = current.get(field), merged.get(field)
            if before == after and (field in merged) == (field in current):
                continue
            if field in merged and field in entry:
                entry[field] = _yaml_value(after)
            elif field in merged:
                append_key(entry, field, _yaml_value(after))
            else:
                remove_key(entry, field)
            actions.append(
                Action(
                    Consequence.UPDATE,
                    f"Configuration '{name}': {field} {_shown(before)} → {_shown(after)}",
                )
            )
        if args.default is True:
            actions += _set_default(doc, name)
        elif args.default is False and doc.data.get("default_database") == name:
            actions += _set_default(doc, None)
        return actions

    return await _carry("db config update", args, change)


async def _remove(args: argparse.Namespace) -> int:
    key: str = args.key

    def change(doc: Document) -> list[Action]:
        if key not in doc.parsed.databases:
            raise CommandError(f"'{key}' is not configured in {doc.path}")
        target = describe_target(doc.parsed.databases[key])
        actions = [Action(Consequence.REMOVE, f"Configuration '{key}' → {target}")]
        if doc.data.get("default_database") == key:
            actions += _set_default(doc, None)
        remove_entry(doc.data, key)
        return actions

    code = await _carry("db config remove", args, change)
    environ = environment(args)
    if not getattr(args, "dry_run", False) and environ.get("MCP_DEFAULT_DATABASE") == key:
        print(
            f"Warning: MCP_DEFAULT_DATABASE still names '{key}'; the server refuses to start "
            "until it names a configured key",
            file=sys.stderr,
        )
    return code


# ---------------------------------------------------------------------- list / status / test
def _load(args: argparse.Namespace) -> tuple[Config, dict[str, str]]:
    environ = environment(args)
    return load_config(args.config_path, environ), environ


def _list(args: argparse.Namespace) -> int:
    config, _ = _load(args)
    entries = {
        key: entry.model_dump(mode="json", exclude_none=True)
        for key, entry in config.databases.items()
    }
    if args.json:
        print(
            json.dumps(
                {
                    "source": config.source,
                    "path": str(config.path) if config.path else None,
                    "default_database": config.default_database,
                    "databases": entries,
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(f"Configuration: {config.describe_source()}")
    if not entries:
        print("No databases configured.")
        return EXIT_OK
    rows = [("KEY", "URL", "DATABASE", "USERNAME", "PASSWORD_ENV", "DESCRIPTION")]
    for key, entry in config.databases.items():
        marks = " *" if key == config.default_database else ""
        notes = " ".join(filter(None, [entry.description, "(read-only)" * entry.read_only]))
        rows.append(
            (
                key + marks,
                ", ".join(entry.urls),
                entry.database,
                entry.username,
                entry.password_env or "-",
                notes,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    if config.default_database:
        print("\n* default_database")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from mcp_arangodb_async.resolution import LEVELS, explain, resolve

    config, _ = _load(args)
    resolution = resolve(args.database, None, config)
    levels = explain(args.database, None, config)
    entry = config.databases.get(resolution.key)
    resolved: dict[str, Any] = {
        "key": resolution.key,
        "level": resolution.level,
        "source": resolution.source,
        "configured": entry is not None,
    }
    if entry is not None:
        resolved.update(url=entry.urls[0], database=entry.database, username=entry.username)
    if args.json:
        print(
            json.dumps(
                {
                    "source": config.source,
                    "path": str(config.path) if config.path else None,
                    "keys": config.keys(),
                    "levels": levels,
                    "resolved": resolved,
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(f"Configuration: {config.describe_source()}")
    print(f"Configured keys: {', '.join(config.keys()) or 'none'}")
    print("Resolution (first level with a value wins):")
    width = max(len(source) for _, source in LEVELS)
    for row in levels:
        level = int(str(row["level"]))
        value = row["value"]
        if value is None:
            shown = "(per call)" if level == 1 else "(per session)" if level == 2 else "-"
        else:
            shown = str(value)
        arrow = "  ← used" if level == resolution.level else ""
        print(f"  {level}. {str(row['source']).ljust(width)}  {shown}{arrow}")
    if entry is None:
        print(f"Resolves to: '{resolution.key}', which is not configured: add a database")
        return EXIT_ERROR
    print(
        f"Resolves to: '{resolution.key}' → {describe_target(entry)} as {entry.username} "
        f"(level {resolution.level}: {resolution.source})"
    )
    return EXIT_OK


async def _test(args: argparse.Namespace) -> int:
    from mcp_arangodb_async.connections import ConnectionManager
    from mcp_arangodb_async.embedded import EmbeddedServers
    from mcp_arangodb_async.resolution import check_key

    config, environ = _load(args)
    keys = [check_key(args.key, config)] if args.key else config.keys()
    manager = ConnectionManager(config, EmbeddedServers(), environ)
    try:
        statuses = await asyncio.gather(*(manager.check(key) for key in keys))
    finally:
        await manager.close_all()
    ok = all(status.reachable for status in statuses)
    errors = {s.key: _test_error(s, config, environ) for s in statuses if not s.reachable}
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "key": s.key,
                        "url": s.url,
                        "database": s.database,
                        "reachable": s.reachable,
                        "server_version": s.server_version,
                        "latency_ms": s.latency_ms,
                        **({"error": errors[s.key]} if s.key in errors else {}),
                    }
                    for s in statuses
                ],
                indent=2,
            )
        )
    else:
        for s in statuses:
            target = f"'{s.key}' → {s.url.rstrip('/')}/{s.database}"
            if s.reachable:
                print(f"OK    {target}: ArangoDB {s.server_version}, {s.latency_ms} ms")
            else:
                print(f"FAIL  {target}: {errors[s.key]}")
    return EXIT_OK if ok else EXIT_ERROR


def _test_error(status: Any, config: Config, environ: dict[str, str]) -> str:
    """The failure of one test, pointing at an unset password variable when there is one."""
    message = str((status.error or {}).get("message", "unreachable"))
    var = config.databases[status.key].password_env
    if var and var not in environ and (status.error or {}).get("httpStatus") == 401:
        message += f" ({var} is not set)"
    return message
