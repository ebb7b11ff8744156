"""Issue 12, item 8: no short or empty key, and the database and key files are owner-only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings, secret_key
from bot.storage.db import create_engine, upgrade


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, as many servers have: files are 0644 unless asked otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sqlite(path: Path) -> dict[str, str]:
    return {"PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}


@pytest.mark.parametrize("content", [b"", b"\n", b"   \n", b"short-key"])
def test_issue12_an_empty_or_short_key_file_is_refused(tmp_path: Path, content: bytes) -> None:
    key_file = tmp_path / "parley.db.secret"
    key_file.write_bytes(content)
    key_file.chmod(0o600)
    with pytest.raises(SettingsError) as refused:
        secret_key(load_settings(_sqlite(tmp_path / "parley.db")))
    sentence = str(refused.value)
    assert "at least 32 bytes" in sentence
    assert sentence.count(". ") == 0
    assert sentence.endswith(".")


@pytest.mark.parametrize("value", ["", "x" * 16, "y" * 31])
def test_issue12_a_short_secret_key_setting_is_refused(value: str) -> None:
    settings = load_settings(
        {"PARLEY_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/p", "PARLEY_SECRET_KEY": value}
    )
    with pytest.raises(SettingsError, match=r"^PARLEY_SECRET_KEY must be at least 32 bytes"):
        secret_key(settings)


def test_issue12_a_32_byte_key_is_accepted() -> None:
    url = "postgresql+asyncpg://u@127.0.0.1/p"
    settings = load_settings({"PARLEY_DATABASE_URL": url, "PARLEY_SECRET_KEY": "k" * 32})
    assert secret_key(settings) == b"k" * 32


def test_issue12_the_generated_key_file_is_owner_only(tmp_path: Path, open_umask: None) -> None:
    key = secret_key(load_settings(_sqlite(tmp_path / "parley.db")))
    assert len(key) >= 32
    assert _mode(tmp_path / "parley.db.secret") == 0o600


async def test_issue12_the_database_file_is_created_owner_only(
    tmp_path: Path, open_umask: None
) -> None:
    database = tmp_path / "data" / "parley.db"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    assert _mode(database) == 0o600
    for sidecar in (database.with_name("parley.db-wal"), database.with_name("parley.db-shm")):
        if sidecar.exists():
            assert _mode(sidecar) & 0o077 == 0


def test_issue12_the_cli_creates_an_owner_only_database(
    cli: object, tmp_path: Path, open_umask: None
) -> None:
    from bot.cli import main

    assert main(["db", "upgrade"]) == 0
    assert _mode(tmp_path / "parley.db") == 0o600
    assert _mode(tmp_path / "parley.db.secret") == 0o600
