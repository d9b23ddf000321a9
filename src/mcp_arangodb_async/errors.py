"""Errors of the MCP server, and the one place driver errors become tool errors.

::

    McpArangoError
     ├── ConfigError               the configuration is invalid (startup; CLI exit 1)
     └── ToolError                 a tool call failed; the client gets ``isError: true``
          ├── InvalidArguments     arguments failed validation (names the field)
          ├── UnknownDatabase      a database key that is not configured
          ├── DatabaseUnavailable  the server of a configured key cannot be reached
          ├── SessionStateRefused  session state asked for where there is no session
          ├── ReadOnlyDatabase     a write tool against an entry marked ``read_only``
          ├── NotFound             a paging cursor or similar handle that does not exist
          └── ArangoToolError      ArangoDB answered with an error (carries errorNum)

Every ``ToolError`` renders to the same compact payload, ``{"error": {...}}``, with a
``kind``, a ``message``, a ``hint`` and, where they apply, ``errorNum``, ``httpStatus`` and
``field``. Messages are built from our own text and the server's error message only, so no
traceback, password or token can leak into a reply.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "McpArangoError",
    "ConfigError",
    "ToolError",
    "InvalidArguments",
    "UnknownDatabase",
    "DatabaseUnavailable",
    "SessionStateRefused",
    "ReadOnlyDatabase",
    "ToolNotLoaded",
    "NotFound",
    "ArangoToolError",
    "from_driver_error",
]


class McpArangoError(Exception):
    """Root of this package's errors."""


class ConfigError(McpArangoError):
    """The configuration file or environment is invalid; the message says where and why."""


class ToolError(McpArangoError):
    """A tool call failed in a way the agent should see (and can often fix)."""

    kind = "error"

    def __init__(self, message: str, *, hint: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.extra = {k: v for k, v in extra.items() if v is not None}

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": self.kind, "message": self.message, **self.extra}
        if self.hint:
            body["hint"] = self.hint
        return body


class InvalidArguments(ToolError):
    kind = "invalid_arguments"


class UnknownDatabase(ToolError):
    kind = "unknown_database"


class DatabaseUnavailable(ToolError):
    kind = "database_unavailable"


class SessionStateRefused(ToolError):
    kind = "session_state_refused"


class ReadOnlyDatabase(ToolError):
    kind = "read_only"


class ToolNotLoaded(ToolError):
    """The tool exists but this session's workflow does not show it."""

    kind = "tool_not_loaded"


class NotFound(ToolError):
    kind = "not_found"


class ArangoToolError(ToolError):
    kind = "arango"


# Short, actionable hints for the errorNums agents meet most often.
_HINTS: dict[int, str] = {
    11: "the configured credentials lack the needed permission on this database",
    401: "check the username and the password variable named by password_env",
    1200: "a concurrent write changed the document; read it again and retry",
    1202: "check the _key (arango_query can list keys)",
    1203: "check the collection name with arango_list_collections",
    1207: "the name is taken; pick another or use the existing one",
    1210: "a unique index already holds this value; update the existing document instead",
    1212: "pass the index id as returned by arango_list_indexes",
    1221: "keys may use letters, digits and _-:.@()+,=;$!*'% up to 254 bytes",
    1228: "check the database key with arango_list_available_databases",
    1501: "fix the AQL syntax near the position given in the message",
    1540: "check the function name against the AQL function reference",
    1541: "check the number of arguments the AQL function takes",
    1551: "bind every @name (and @@collection) the query uses in bind_vars",
    1552: "remove bind_vars entries the query does not use",
    1553: "an @@collection parameter needs a collection name string",
    1579: "a query with side effects needs a collection that exists",
    1620: "the document does not satisfy the collection's schema",
}


def hint_for(error_num: int | None) -> str | None:
    return _HINTS.get(error_num) if error_num is not None else None


def from_driver_error(exc: BaseException, *, database: str) -> ToolError:
    """Turn a python-arango-async (or network) exception into a tool error."""
    # imported here: the CLI imports this module, and most commands never load the driver
    from arangoasync.exceptions import (
        ArangoClientError,
        ArangoServerError,
        ClientConnectionAbortedError,
        ClientConnectionError,
    )

    if isinstance(exc, ArangoServerError):
        error_num = exc.error_code if exc.error_code != exc.http_code else None
        if error_num is None and exc.http_code == 401:
            error_num = 401
        message = exc.error_message or f"HTTP {exc.http_code}"
        return ArangoToolError(
            message,
            hint=hint_for(error_num),
            errorNum=error_num,
            httpStatus=exc.http_code,
            database=database,
        )
    if isinstance(exc, ClientConnectionAbortedError | ClientConnectionError | OSError):
        return unavailable(database)
    if isinstance(exc, TimeoutError):
        return DatabaseUnavailable(
            f"database '{database}' did not answer in time",
            hint="raise `timeout` for this entry in the configuration, or simplify the query",
            database=database,
        )
    if isinstance(exc, ArangoClientError):
        return ArangoToolError(exc.message, database=database)
    return ToolError("internal error", database=database)


def unavailable(database: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"database '{database}' is unreachable",
        hint="the server is down or the URL is wrong; other databases still work, "
        "and this one works again as soon as its server is back",
        database=database,
    )
