"""Which databases the server may use: the YAML file, env-only mode, the embedded default.

Three sources, tried in this order (DESIGN.md §5-6):

1. A YAML file: ``--config-path``, else ``ARANGO_DATABASES_CONFIG_FILE``, else
   ``./config/databases.yaml``, else ``databases.yaml`` in the user config directory.
2. Env-only mode: ``ARANGO_URL`` (or ``MCP_ARANGO_URL``) builds one entry, ``default``,
   from ``ARANGO_DB``, ``ARANGO_USERNAME`` and ``ARANGO_PASSWORD`` (``MCP_ARANGO_*`` too).
3. The embedded default: one entry ``default`` served by an in-process arangolite.

Passwords never live in the file: an entry's ``password_env`` names the environment
variable that holds it, read when connecting. A bad file is a :class:`ConfigError` whose
message names the file, the key and the field — never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mcp_arangodb_async.errors import ConfigError
from mcp_arangodb_async.workflows import DEFAULT_WORKFLOW, WORKFLOWS

__all__ = [
    "APP_NAME",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_REQUEST_TIMEOUT",
    "Config",
    "ConfigFile",
    "DatabaseEntry",
    "ResultLimits",
    "find_config_path",
    "load_config",
    "parse_config_text",
]

APP_NAME = "mcp-arangodb-async"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_REQUEST_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 100
DEFAULT_MAX_BYTES = 64 * 1024
EMBEDDED = "embedded"

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class DatabaseEntry(BaseModel):
    """One configured database: where it is and how to log in (never the password)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | list[str] = Field(
        description="http(s) URL, a list of coordinator URLs, `embedded` or `embedded:PATH`"
    )
    database: str = "_system"
    username: str = "root"
    password_env: str | None = None
    timeout: float = Field(default=DEFAULT_REQUEST_TIMEOUT, gt=0, le=3600)
    connect_timeout: float = Field(default=DEFAULT_CONNECT_TIMEOUT, gt=0, le=600)
    description: str | None = None
    read_only: bool = False

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | list[str]) -> str | list[str]:
        urls = [value] if isinstance(value, str) else value
        if not urls:
            raise ValueError("needs at least one URL")
        for url in urls:
            if is_embedded(url):
                if not isinstance(value, str):
                    raise ValueError("`embedded` cannot be part of a URL list")
                continue
            if not re.match(r"^https?://[^/\s]+/?$", url):
                raise ValueError(
                    f"'{url}' is not an http(s)://host:port URL (or `embedded`, `embedded:PATH`)"
                )
            if "@" in url:
                raise ValueError(
                    "credentials do not belong in the URL: use username and password_env"
                )
        return value

    @field_validator("password_env")
    @classmethod
    def _check_password_env(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError("must be the NAME of an environment variable, not a password")
        return value

    @property
    def urls(self) -> list[str]:
        return [self.url] if isinstance(self.url, str) else list(self.url)

    @property
    def embedded(self) -> bool:
        return isinstance(self.url, str) and is_embedded(self.url)

    @property
    def embedded_path(self) -> str | None:
        """The data directory of an ``embedded:PATH`` entry (``None``: the default one)."""
        if not self.embedded:
            return None
        _, _, path = str(self.url).partition(":")
        return path or None

    def password(self, environ: Mapping[str, str]) -> str:
        return environ.get(self.password_env, "") if self.password_env else ""


class ResultLimits(BaseModel):
    """How much one tool reply may carry (rows and bytes of JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_rows: int = Field(default=DEFAULT_MAX_ROWS, ge=1, le=100_000)
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024, le=64 * 1024 * 1024)


class ConfigFile(BaseModel):
    """The YAML file (seed 000 §2.3, plus ``description``, ``read_only``, URL lists)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_database: str | None = None
    databases: dict[str, DatabaseEntry] = Field(default_factory=dict)
    limits: ResultLimits = Field(default_factory=ResultLimits)
    #: the tool set sessions start with (workflows.py); the default lists every tool
    workflow: str = DEFAULT_WORKFLOW
    #: where backup files live (``MCP_ARANGO_BACKUP_DIR`` overrides; see backup_paths.py)
    backup_dir: str | None = None

    @field_validator("workflow")
    @classmethod
    def _check_workflow(cls, value: str) -> str:
        if value not in WORKFLOWS:
            raise ValueError(f"unknown workflow '{value}' (one of: {', '.join(WORKFLOWS)})")
        return value

    @field_validator("databases")
    @classmethod
    def _check_keys(cls, value: dict[str, DatabaseEntry]) -> dict[str, DatabaseEntry]:
        for key in value:
            if not _KEY.match(key):
                raise ValueError(
                    f"key '{key}' must start with a letter or digit and use only "
                    "letters, digits, '_', '-' and '.' (at most 64 characters)"
                )
        return value


@dataclass(frozen=True)
class Config:
    """The loaded configuration the server runs with."""

    databases: dict[str, DatabaseEntry]
    default_database: str | None = None
    limits: ResultLimits = field(default_factory=ResultLimits)
    source: Literal["file", "env", "embedded"] = "file"
    path: Path | None = None
    #: ``MCP_DEFAULT_DATABASE`` (resolution level 4), a configured key
    env_default: str | None = None
    #: the workflow new sessions start with (``workflow:`` or ``--workflow``)
    workflow: str = DEFAULT_WORKFLOW
    #: the backup root, if configured (``None``: the default, see backup_paths.py)
    backup_dir: Path | None = None

    def keys(self) -> list[str]:
        return list(self.databases)

    def describe_source(self) -> str:
        if self.source == "file":
            return f"file {self.path}"
        if self.source == "env":
            return "environment (ARANGO_URL)"
        return "embedded default (no configuration file, no ARANGO_URL)"


def is_embedded(url: str) -> bool:
    return url == EMBEDDED or url.startswith(EMBEDDED + ":")


def _env(environ: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def find_config_path(cli_path: str | None, environ: Mapping[str, str]) -> Path | None:
    """The YAML file to load, or ``None`` for env-only / embedded mode."""
    explicit = cli_path or environ.get("ARANGO_DATABASES_CONFIG_FILE")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            origin = "--config-path" if cli_path else "ARANGO_DATABASES_CONFIG_FILE"
            raise ConfigError(f"{origin}: configuration file {path} does not exist")
        return path
    for candidate in (Path("config") / "databases.yaml", user_config_dir() / "databases.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _format_validation_error(where: str, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            name = str(error["loc"][-1])
            if name == "password":
                text = "passwords never go in the file: set password_env to the name of an environment variable"
            else:
                text = f"unknown field '{name}'"
        else:
            text = error["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {loc}: {text}")
    return "\n".join(lines)


def parse_config_text(text: str, *, where: str) -> ConfigFile:
    """Parse and validate YAML text; ``where`` names it in error messages."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data: Any = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{where}: {problem}{at}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the top level must be a mapping with `databases:`")
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(where, exc)) from None
    if parsed.default_database is not None and parsed.default_database not in parsed.databases:
        raise ConfigError(
            f"{where}: default_database: '{parsed.default_database}' is not a key under "
            f"databases (configured: {', '.join(parsed.databases) or 'none'})"
        )
    return parsed


def _limits_from_env(limits: ResultLimits, environ: Mapping[str, str]) -> ResultLimits:
    overrides: dict[str, Any] = {}
    for name, field_name in (
        ("MCP_ARANGO_MAX_ROWS", "max_rows"),
        ("MCP_ARANGO_MAX_BYTES", "max_bytes"),
    ):
        if environ.get(name):
            overrides[field_name] = environ[name]
    if not overrides:
        return limits
    try:
        return ResultLimits.model_validate({**limits.model_dump(), **overrides})
    except ValidationError as exc:
        raise ConfigError(_format_validation_error("environment", exc)) from None


def load_config(cli_path: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Load the configuration from the first source that exists (see the module docstring)."""
    environ = os.environ if environ is None else environ
    path = find_config_path(cli_path, environ)
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
        parsed = parse_config_text(text, where=str(path))
        config = Config(
            databases=dict(parsed.databases),
            default_database=parsed.default_database,
            limits=parsed.limits,
            source="file",
            path=path,
            workflow=parsed.workflow,
            # a relative backup_dir is relative to the file that names it
            backup_dir=path.parent / Path(parsed.backup_dir).expanduser()
            if parsed.backup_dir
            else None,
        )
    else:
        config = _config_from_env(environ)
    env_default = environ.get("MCP_DEFAULT_DATABASE") or None
    if env_default is not None and env_default not in config.databases:
        raise ConfigError(
            f"MCP_DEFAULT_DATABASE: '{env_default}' is not a configured key "
            f"(configured: {', '.join(config.databases) or 'none'})"
        )
    return Config(
        databases=config.databases,
        default_database=config.default_database,
        limits=_limits_from_env(config.limits, environ),
        source=config.source,
        path=config.path,
        env_default=env_default,
        workflow=config.workflow,
        backup_dir=(
            Path(environ["MCP_ARANGO_BACKUP_DIR"]).expanduser()
            if environ.get("MCP_ARANGO_BACKUP_DIR")
            else config.backup_dir
        ),
    )


def _config_from_env(environ: Mapping[str, str]) -> Config:
    url = _env(environ, "ARANGO_URL", "MCP_ARANGO_URL")
    database = _env(environ, "ARANGO_DB", "MCP_ARANGO_DB", "MCP_ARANGO_DATABASE") or "_system"
    username = _env(environ, "ARANGO_USERNAME", "MCP_ARANGO_USERNAME") or "root"
    password_env = next(
        (name for name in ("ARANGO_PASSWORD", "MCP_ARANGO_PASSWORD") if name in environ), None
    )
    source: Literal["env", "embedded"] = "env" if url else "embedded"
    raw: dict[str, Any] = {"url": url or EMBEDDED, "database": database, "username": username}
    if password_env:
        raw["password_env"] = password_env
    try:
        entry = DatabaseEntry.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error("ARANGO_URL", exc)) from None
    return Config(databases={"default": entry}, source=source)
