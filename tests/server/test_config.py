"""Configuration: YAML validation messages, source discovery, env-only and embedded modes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcp_arangodb_async.config import Config, load_config, parse_config_text
from mcp_arangodb_async.errors import ConfigError


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config_text(text, where="cfg.yaml")
    return str(info.value)


def test_a_full_entry_parses():
    parsed = parse_config_text(
        """
default_database: prod
limits: {max_rows: 50, max_bytes: 4096}
databases:
  prod:
    url: [http://c1:8529, http://c2:8529]
    database: app
    username: admin
    password_env: PROD_PASSWORD
    timeout: 30
    connect_timeout: 2.5
    description: production (read only)
    read_only: true
  local:
    url: embedded:/tmp/somewhere
""",
        where="cfg.yaml",
    )
    prod, local = parsed.databases["prod"], parsed.databases["local"]
    assert prod.urls == ["http://c1:8529", "http://c2:8529"]
    assert (prod.timeout, prod.connect_timeout, prod.read_only) == (30, 2.5, True)
    assert prod.password({"PROD_PASSWORD": "s3cret"}) == "s3cret"
    assert local.embedded and local.embedded_path == "/tmp/somewhere"
    assert local.connect_timeout == 5.0
    assert parsed.limits.max_rows == 50
    assert "s3cret" not in repr(parsed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "databases:\n  a: {url: 'http://h:1', pasword_env: X}\n",
            "cfg.yaml: databases.a.pasword_env: unknown field",
        ),
        (
            "databases:\n  a: {url: 'http://h:1', password: hunter2}\n",
            "databases.a.password: passwords never go in the file",
        ),
        (
            "databases:\n  a: {url: 'http://h:1', timeout: soon}\n",
            "databases.a.timeout: Input should be a valid number",
        ),
        (
            "databases:\n  a: {url: 'http://h:1', timeout: -1}\n",
            "databases.a.timeout: Input should be greater than 0",
        ),
        (
            "databases:\n  a: {url: 'ftp://h'}\n",
            "databases.a.url: 'ftp://h' is not an http(s)://host:port URL",
        ),
        (
            "databases:\n  a: {url: 'http://u:p@h:1'}\n",
            "databases.a.url: credentials do not belong in the URL",
        ),
        ("databases:\n  a: {database: x}\n", "databases.a.url: Field required"),
        (
            "databases:\n  a: {url: 'http://h:1', password_env: 'not a name'}\n",
            "databases.a.password_env: must be the NAME",
        ),
        (
            "databases:\n  'bad key!': {url: 'http://h:1'}\n",
            "key 'bad key!' must start with a letter or digit",
        ),
        (
            "default_database: b\ndatabases:\n  a: {url: 'http://h:1'}\n",
            "default_database: 'b' is not a key under databases (configured: a)",
        ),
        ("databases: [1, 2]\n", "cfg.yaml: databases: Input should be a valid dictionary"),
        ("databses: {}\n", "cfg.yaml: databses: unknown field"),
        ("databases:\n  a: {url: 'http://h:1'\n", "cfg.yaml: "),
        ("- just a list\n", "the top level must be a mapping"),
    ],
)
def test_invalid_files_name_the_key_and_field(text: str, expected: str):
    assert expected in _error(text)


def test_yaml_syntax_errors_give_a_line():
    message = _error("databases:\n  a:\n    url: 'http://h:1'\n   bad: indent\n")
    assert "line 4" in message


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    user = tmp_path / "xdg" / "mcp-arangodb-async" / "databases.yaml"
    local = tmp_path / "config" / "databases.yaml"
    explicit = tmp_path / "explicit.yaml"
    by_env = tmp_path / "by_env.yaml"
    for path, key in ((user, "user"), (local, "local"), (explicit, "explicit"), (by_env, "env")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"databases:\n  {key}: {{url: 'http://h:1'}}\n")
    env = {"ARANGO_DATABASES_CONFIG_FILE": str(by_env)}
    assert load_config(str(explicit), env).keys() == ["explicit"]
    assert load_config(None, env).keys() == ["env"]
    assert load_config(None, {}).keys() == ["local"]
    local.unlink()
    assert load_config(None, {}).keys() == ["user"]
    user.unlink()
    assert load_config(None, {}).source == "embedded"
    with pytest.raises(ConfigError, match="--config-path: configuration file .* does not exist"):
        load_config(str(tmp_path / "missing.yaml"), {})


def test_env_only_and_embedded_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = load_config(
        None,
        {
            "ARANGO_URL": "http://db:8529",
            "ARANGO_DB": "app",
            "ARANGO_USERNAME": "u",
            "ARANGO_PASSWORD": "pw",
        },
    )
    entry = config.databases["default"]
    assert (config.source, entry.url, entry.database, entry.username) == (
        "env",
        "http://db:8529",
        "app",
        "u",
    )
    assert entry.password_env == "ARANGO_PASSWORD"
    alias = load_config(None, {"MCP_ARANGO_URL": "http://db:8529", "MCP_ARANGO_PASSWORD": "pw"})
    assert alias.databases["default"].password_env == "MCP_ARANGO_PASSWORD"
    embedded = load_config(None, {"ARANGO_DB": "mine"})
    assert embedded.source == "embedded"
    assert (
        embedded.databases["default"].embedded and embedded.databases["default"].database == "mine"
    )
    with pytest.raises(ConfigError, match="ARANGO_URL: url"):
        load_config(None, {"ARANGO_URL": "not-a-url"})


def test_mcp_default_database_must_be_a_key_and_limits_from_env(tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text("databases:\n  a: {url: 'http://h:1'}\n  b: {url: 'http://h:2'}\n")
    config: Config = load_config(
        str(path), {"MCP_DEFAULT_DATABASE": "b", "MCP_ARANGO_MAX_ROWS": "7"}
    )
    assert config.env_default == "b" and config.limits.max_rows == 7
    with pytest.raises(ConfigError, match="MCP_DEFAULT_DATABASE: 'c' is not a configured key"):
        load_config(str(path), {"MCP_DEFAULT_DATABASE": "c"})
    with pytest.raises(ConfigError, match="max_rows"):
        load_config(str(path), {"MCP_ARANGO_MAX_ROWS": "0"})


def test_cli_reports_a_bad_file_in_one_line_and_exits_1(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("databases:\n  prod: {url: 'http://h:1', pasword_env: X}\n")
    done = subprocess.run(
        [sys.executable, "-m", "mcp_arangodb_async", "server", "--config-path", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"Error: {path}: databases.prod.pasword_env: unknown field" in done.stderr
    assert "Traceback" not in done.stderr
