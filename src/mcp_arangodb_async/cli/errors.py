"""Exit codes of the command line, and the one place failures become a one-line message.

::

    McpArangoError                (mcp_arangodb_async.errors)
     ├── ConfigError              the configuration file or environment is invalid  -> exit 1
     └── CommandError             a command cannot do what was asked                 -> exit 1
          └── Cancelled           the user answered "no" at the confirmation prompt  -> exit 2

Driver and network exceptions never reach the user as a traceback: :func:`translate`
turns them into a :class:`CommandError` whose message says what went wrong in words an
operator can act on (connection refused, bad credentials, not found, already exists).
Messages are built from our own text and the server's error message only, so a password
can never appear in one.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp_arangodb_async.errors import McpArangoError

__all__ = [
    "EXIT_CANCELLED",
    "EXIT_ERROR",
    "EXIT_OK",
    "Cancelled",
    "CommandError",
    "Peer",
    "translate",
]

#: success, or a dry run that completed (seed 004 §4.4)
EXIT_OK = 0
#: validation, configuration, connection or permission error; also argparse usage errors
EXIT_ERROR = 1
#: the user declined at the confirmation prompt
EXIT_CANCELLED = 2


class CommandError(McpArangoError):
    """A command failed; the message is printed as ``Error: <message>`` on stderr."""


class Cancelled(CommandError):
    """The user did not confirm; nothing was changed."""


@dataclass(frozen=True)
class Peer:
    """Who we talked to, so an error can name the server, user and password variable."""

    url: str
    username: str | None = None
    password_var: str | None = None


# errorNums whose server text is too terse to act on alone
_ERROR_TEXT: dict[int, str] = {
    11: "permission denied",
    1228: "database not found",
    1229: "invalid database name",
    1207: "duplicate name",
    1700: "invalid user name",
    1702: "user already exists",
    1703: "user not found",
}


def translate(exc: BaseException, peer: Peer | None = None) -> McpArangoError:
    """The error to show for ``exc``; our own errors pass through unchanged."""
    if isinstance(exc, McpArangoError):
        return exc
    from arangoasync.exceptions import (
        ArangoClientError,
        ArangoServerError,
        ClientConnectionAbortedError,
        ClientConnectionError,
    )

    where = peer.url if peer is not None else "the server"
    if isinstance(exc, ArangoServerError):
        if exc.http_code == 401:
            who = f"user '{peer.username}'" if peer and peer.username else "the user"
            var = f" (check {peer.password_var})" if peer and peer.password_var else ""
            return CommandError(f"authentication failed for {who} at {where}{var}")
        error_num = exc.error_code if exc.error_code != exc.http_code else None
        text = exc.error_message or _ERROR_TEXT.get(error_num or 0) or f"HTTP {exc.http_code}"
        code = (
            f"errorNum {error_num}, HTTP {exc.http_code}" if error_num else f"HTTP {exc.http_code}"
        )
        return CommandError(f"{text} ({code})")
    if isinstance(exc, ClientConnectionAbortedError | ClientConnectionError | ConnectionError):
        return CommandError(
            f"cannot connect to {where}: connection refused or host unreachable "
            "(is the server running? check ARANGO_URL)"
        )
    if isinstance(exc, TimeoutError):
        return CommandError(f"no answer from {where} in time")
    if isinstance(exc, ArangoClientError):
        return CommandError(exc.message)
    if isinstance(exc, OSError):
        return CommandError(f"cannot connect to {where}: {exc.strerror or exc}")
    return CommandError(f"unexpected error: {type(exc).__name__}")
