"""Where the CLI finds the server URL, user names and passwords (seed 004 §2.3).

Passwords are never command-line arguments (they would land in shell history and in
``ps``): they come from environment variables, optionally loaded from a dotenv file.

- ``--env-file PATH`` loads a dotenv file; its values win over the process environment
  (an explicit file is the more specific source). The file is read into a private mapping,
  never into ``os.environ``, so nothing leaks to child processes.
- ``ARANGO_URL`` (default ``http://localhost:8529``); ``MCP_ARANGO_URL`` is an alias, as
  for the server.
- Admin commands log in as ``root`` with ``ARANGO_ROOT_PASSWORD``; the variable name can
  be changed with ``--arango-root-password-env``.
- Self-service commands log in as ``ARANGO_USERNAME`` with ``ARANGO_PASSWORD``; commands
  that create a user take the new user's password from ``ARANGO_PASSWORD``. The name can
  be changed with ``--arango-password-env``.

Only variable *names* are ever printed; :class:`Login` hides the password in its repr.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mcp_arangodb_async.cli.errors import CommandError, Peer

__all__ = [
    "DEFAULT_URL",
    "NEW_PASSWORD_VAR",
    "PASSWORD_VAR",
    "ROOT_PASSWORD_VAR",
    "ROOT_USERNAME",
    "Login",
    "add_env_file_argument",
    "add_password_argument",
    "USERNAME_VAR",
    "add_root_password_argument",
    "admin_login",
    "environment",
    "new_user_password",
    "secret",
    "server_url",
    "user_login",
    "variable_name",
]

DEFAULT_URL = "http://localhost:8529"
ROOT_USERNAME = "root"
ROOT_PASSWORD_VAR = "ARANGO_ROOT_PASSWORD"
PASSWORD_VAR = "ARANGO_PASSWORD"
USERNAME_VAR = "ARANGO_USERNAME"
NEW_PASSWORD_VAR = "ARANGO_NEW_PASSWORD"
URL_VARS = ("ARANGO_URL", "MCP_ARANGO_URL")

_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Login:
    """A URL, a user and a password; the repr never shows the password."""

    url: str
    username: str
    password: str = field(repr=False)
    password_var: str = ""

    @property
    def peer(self) -> Peer:
        return Peer(self.url, self.username, self.password_var)


# ------------------------------------------------------------------ arguments
def add_env_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        help="load variables (ARANGO_URL, passwords, …) from this dotenv file",
    )


def variable_name(value: str) -> str:
    if not _VAR_NAME.match(value):
        # never echo the value: it may be a password typed in the wrong place
        raise argparse.ArgumentTypeError(
            "takes the NAME of an environment variable (letters, digits, '_'), not a password"
        )
    return value


def add_root_password_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--arango-root-password-env",
        metavar="VAR",
        type=variable_name,
        default=ROOT_PASSWORD_VAR,
        help=f"variable holding the root password (default: {ROOT_PASSWORD_VAR})",
    )


def add_password_argument(parser: argparse.ArgumentParser, purpose: str) -> None:
    parser.add_argument(
        "--arango-password-env",
        metavar="VAR",
        type=variable_name,
        default=PASSWORD_VAR,
        help=f"variable holding {purpose} (default: {PASSWORD_VAR})",
    )


# ------------------------------------------------------------------ lookup
def environment(args: argparse.Namespace) -> dict[str, str]:
    """``os.environ`` overlaid with ``--env-file`` (the file wins)."""
    environ = dict(os.environ)
    path = getattr(args, "env_file", None)
    if not path:
        return environ
    env_path = Path(path).expanduser()
    if not env_path.is_file():
        raise CommandError(f"--env-file: {env_path} does not exist")
    from dotenv import dotenv_values

    try:
        values = dotenv_values(env_path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"--env-file: cannot read {env_path}: {exc}") from None
    environ.update({k: v for k, v in values.items() if v is not None})
    return environ


def server_url(environ: Mapping[str, str]) -> str:
    for name in URL_VARS:
        if environ.get(name):
            url = environ[name].strip().rstrip("/")
            if not re.match(r"^https?://[^/\s@]+$", url):
                raise CommandError(f"{name}: '{url}' is not an http(s)://host:port URL")
            return url
    return DEFAULT_URL


def secret(environ: Mapping[str, str], var: str, purpose: str, flag: str) -> str:
    """The value of ``var``; unset is an error that says how to provide it.

    Empty is allowed here: a development server may well have an empty root password.
    """
    value = environ.get(var)
    if value is None:
        raise CommandError(
            f"{purpose} is not set: export {var} or put it in an --env-file "
            f"(or name another variable with {flag})"
        )
    return value


def admin_login(args: argparse.Namespace, environ: Mapping[str, str]) -> Login:
    var = args.arango_root_password_env
    password = secret(environ, var, "the root password", "--arango-root-password-env")
    return Login(server_url(environ), ROOT_USERNAME, password, var)


def user_login(args: argparse.Namespace, environ: Mapping[str, str]) -> Login:
    username = environ.get(USERNAME_VAR)
    if not username:
        raise CommandError(
            f"the user name is not set: export {USERNAME_VAR} or put it in an --env-file"
        )
    var = args.arango_password_env
    password = secret(environ, var, f"the password of '{username}'", "--arango-password-env")
    return Login(server_url(environ), username, password, var)


def new_user_password(args: argparse.Namespace, environ: Mapping[str, str], username: str) -> str:
    """The password a command gives a user it creates (never empty)."""
    var = args.arango_password_env
    password = secret(
        environ, var, f"the password for new user '{username}'", "--arango-password-env"
    )
    if not password:
        raise CommandError(f"{var} is empty: a new user needs a password")
    return password
