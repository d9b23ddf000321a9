"""Fixtures for running the admin CLI as a user would: a subprocess, piped or on a pty.

``cli`` runs ``python -m mcp_arangodb_async …`` with a clean environment that points at the
test server (``ARANGO_URL``, ``ARANGO_ROOT_PASSWORD``) and a private working directory.
``cli.run`` pipes stdin/stdout (no terminal: no colour, no prompt); ``cli.pty`` attaches a
pseudo-terminal so the command sees a terminal, shows its confirmation prompt, and can be
answered. Every run checks that no known password appears in what the command printed.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.database import StandardDatabase

from tests.conftest import Target, unique_name

__all__ = ["Cli", "Done", "unique_name"]

USER_PASSWORD = "user-secret-Pw1"
PROMPT = b"[y/N]: "
_DROP = ("ARANGO_", "MCP_", "NO_COLOR", "FORCE_COLOR", "_MCP_ARANGODB_ASYNC")


@dataclass(frozen=True)
class Done:
    """What one CLI run did."""

    returncode: int
    stdout: str
    stderr: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path
    secrets: list[str] = field(default_factory=list)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "mcp_arangodb_async", *args]

    def environ(self, env: dict[str, str | None] | None) -> dict[str, str]:
        merged = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged

    def _check(self, done: Done) -> Done:
        assert "Traceback" not in done.output, done.output
        for secret in self.secrets:
            assert secret not in done.output, "a password was printed"
        return done

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Done:
        """Run with pipes (no terminal attached)."""
        proc = subprocess.run(
            self.command(*args),
            env=self.environ(env),
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return self._check(Done(proc.returncode, proc.stdout, proc.stderr))

    def pty(
        self,
        *args: str,
        answer: str | None = None,
        on_prompt: Callable[[], None] | None = None,
        interrupt: bool = False,
        env: dict[str, str | None] | None = None,
    ) -> Done:
        """Run on a pseudo-terminal; at the ``[y/N]`` prompt, call ``on_prompt`` and answer.

        ``interrupt`` sends SIGINT at the prompt instead of answering. stdout and stderr
        share the terminal, so everything is in ``stdout`` (with ``\\r\\n`` made ``\\n``).
        """
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            self.command(*args),
            env=self.environ({"TERM": "xterm-256color", **(env or {})}),
            cwd=self.cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        output = b""
        prompted = False
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: the child closed the terminal
                        break
                    if not chunk:
                        break
                    output += chunk
                    if not prompted and output.endswith(PROMPT):
                        prompted = True
                        if on_prompt is not None:
                            on_prompt()
                        if interrupt:
                            proc.send_signal(signal.SIGINT)
                        elif answer is not None:
                            os.write(master, answer.encode() + b"\n")
                elif proc.poll() is not None:
                    break
            else:
                raise AssertionError(f"CLI did not finish; output so far: {output!r}")
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(master)
        text = output.decode("utf-8", "replace").replace("\r\n", "\n")
        return self._check(Done(proc.returncode, text))


def clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}


@pytest.fixture
def cli(target: Target, tmp_path: Path) -> Cli:
    """The CLI pointed at the test server as root; ``ARANGO_PASSWORD`` for new users."""
    env = clean_environ()
    env.update(
        ARANGO_URL=target.url,
        ARANGO_ROOT_PASSWORD=target.root_password,
        ARANGO_PASSWORD=USER_PASSWORD,
        # no user config directory of the machine may leak into a test
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        HOME=str(tmp_path),
    )
    work = tmp_path / "work"
    work.mkdir()
    secrets = [s for s in (target.root_password, USER_PASSWORD) if len(s) >= 6]
    return Cli(env=env, cwd=work, secrets=secrets)


@pytest.fixture
async def cleanup(sys_db: StandardDatabase) -> AsyncIterator[list[tuple[str, str]]]:
    """Register ``("database"|"user", name)`` to drop after the test, whatever happened."""
    created: list[tuple[str, str]] = []
    yield created
    for kind, name in created:
        if kind == "database":
            await sys_db.delete_database(name, ignore_missing=True)
        else:
            await sys_db.delete_user(name, ignore_missing=True)


async def can_login(
    target: Target, username: str, password: str, database: str = "_system"
) -> bool:
    """Whether ``username`` can log in with ``password`` (a version call on ``database``)."""
    from arangoasync.exceptions import ArangoServerError

    async with ArangoClient(hosts=target.url) as client:
        db = await client.db(database, auth=Auth(username, password))
        try:
            await db.version()
        except ArangoServerError as exc:
            if exc.http_code == 401:
                return False
            raise
    return True
