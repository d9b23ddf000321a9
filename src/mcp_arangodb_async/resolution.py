"""Which configured database a tool call uses: the six levels of seed 000 §2.4.

1. the call's ``database`` argument (never stored in the session);
2. the session's focused database;
3. ``default_database`` from the configuration file;
4. ``MCP_DEFAULT_DATABASE`` (a configured key);
5. the first configured key;
6. ``_system`` — reached only when no database is configured, and then unusable.

Every level yields a *key* of the configuration, never a raw database name: a key is an
access boundary, so an argument naming anything else is refused with the list of keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp_arangodb_async.config import Config
from mcp_arangodb_async.errors import UnknownDatabase
from mcp_arangodb_async.sessions import SessionState

__all__ = ["LEVELS", "Resolution", "check_key", "explain", "resolve"]

FALLBACK_KEY = "_system"

LEVELS: tuple[tuple[int, str], ...] = (
    (1, "database argument of the call"),
    (2, "focused database of the session"),
    (3, "default_database of the configuration file"),
    (4, "MCP_DEFAULT_DATABASE environment variable"),
    (5, "first configured database"),
    (6, "hard-coded fallback _system"),
)


@dataclass(frozen=True)
class Resolution:
    key: str
    level: int

    @property
    def source(self) -> str:
        return LEVELS[self.level - 1][1]


def check_key(key: str, config: Config) -> str:
    """``key`` if it is configured, else an error listing the available keys."""
    if key in config.databases:
        return key
    available = ", ".join(config.databases) or "none (add one to the configuration)"
    raise UnknownDatabase(
        f"'{key}' is not a configured database key", hint=f"available keys: {available}"
    )


def _candidates(
    argument: str | None, session: SessionState | None, config: Config
) -> list[str | None]:
    return [
        argument,
        session.focused_database if session is not None else None,
        config.default_database,
        config.env_default,
        next(iter(config.databases), None),
        FALLBACK_KEY,
    ]


def resolve(argument: str | None, session: SessionState | None, config: Config) -> Resolution:
    """The key this call uses; an unconfigured argument is an error, never a fall-through."""
    if argument is not None:
        return Resolution(check_key(argument, config), 1)
    for level, key in enumerate(_candidates(None, session, config), start=1):
        if key is not None:
            return Resolution(key, level)
    raise AssertionError("level 6 always applies")  # pragma: no cover


def explain(
    argument: str | None, session: SessionState | None, config: Config
) -> list[dict[str, object]]:
    """Every level with its value, for ``arango_get_database_resolution``."""
    return [
        {"level": level, "source": source, "value": value}
        for (level, source), value in zip(
            LEVELS, _candidates(argument, session, config), strict=True
        )
    ]
