"""Shared fixtures.

``storage`` runs a test once per backend: SQLite always, PostgreSQL when
``PARLEY_TEST_POSTGRES_URL`` is set (each test gets an empty schema, migrated from scratch).
``cli`` runs the real ``parley`` entry point in-process against a fresh SQLite file.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.commands.base import Storage
from bot.storage.db import create_engine, session_factory, upgrade

POSTGRES_URL = os.environ.get("PARLEY_TEST_POSTGRES_URL")
TEST_KEY = b"test-secret-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a host other than loopback fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise AssertionError(f"test tried to reach {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def _backends() -> list[Any]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgres",
            id="postgres",
            marks=pytest.mark.skipif(
                POSTGRES_URL is None, reason="PARLEY_TEST_POSTGRES_URL is not set"
            ),
        ),
    ]


@pytest.fixture(params=_backends())
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'parley.db'}"
    else:
        assert POSTGRES_URL is not None
        url = POSTGRES_URL
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    engine = create_engine(url)
    await upgrade(engine)
    yield Storage(engine, session_factory(engine), TEST_KEY)
    await engine.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@dataclass
class Cli:
    database: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *args: str) -> CliResult:
        self.capsys.readouterr()
        out = io.StringIO()
        code = main(list(args), out=out)
        err = self.capsys.readouterr().err
        return CliResult(code, out.getvalue(), err)


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    for name in list(os.environ):
        if name.startswith("PARLEY_"):
            monkeypatch.delenv(name)
    database = tmp_path / "parley.db"
    monkeypatch.setenv("PARLEY_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    return Cli(database, capsys)
