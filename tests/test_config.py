from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings, secret_key


def test_defaults_need_no_services() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite+aiosqlite:///./parley.db"
    assert settings.redis_url is None
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.telegram_library == "aiogram"
    assert settings.telegram_mode == "polling"
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert settings.creditor_name == "Parley Demo Lending"
    assert settings.default_locale == "en"


def test_values_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "PARLEY_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1:5432/parley",
            "PARLEY_HTTP_PORT": "9000",
            "PARLEY_TELEGRAM_LIBRARY": "ptb",
            "PARLEY_TELEGRAM_API_BASE": "http://127.0.0.1:8081/",
            "PARLEY_AGENT_CHAT_ID": "-1001234",
            "PARLEY_DEFAULT_LOCALE": "zh_CN",
            "UNRELATED": "x",
        }
    )
    assert settings.http_port == 9000
    assert settings.telegram_library == "ptb"
    assert settings.telegram_api_base == "http://127.0.0.1:8081"
    assert settings.agent_chat_id == -1001234
    assert settings.default_locale == "zh_CN"
    assert not settings.is_sqlite


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PARLEY_TELEGRAM_LIBRARY", "telethon"),
        ("PARLEY_TELEGRAM_MODE", "push"),
        ("PARLEY_HTTP_PORT", "70000"),
        ("PARLEY_HTTP_PORT", "0"),
        ("PARLEY_HTTP_PORT", "eighty"),
        ("PARLEY_DATABASE_URL", "mysql://root@localhost/x"),
        ("PARLEY_DATABASE_URL", "postgresql+asyncpg:///nohost"),
        ("PARLEY_DATABASE_URL", "not a url"),
        ("PARLEY_REDIS_URL", "http://127.0.0.1:6379"),
        ("PARLEY_REDIS_URL", "redis://127.0.0.1:port"),
        ("PARLEY_TELEGRAM_API_BASE", "api.telegram.org"),
        ("PARLEY_WEBHOOK_URL", "ftp://example.org/hook"),
        ("PARLEY_AGENT_CHAT_ID", "group"),
        ("PARLEY_DEFAULT_LOCALE", "english please"),
        ("PARLEY_CREDITOR_NAME", ""),
    ],
)
def test_a_bad_value_names_its_variable_in_one_sentence(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value})
    message = str(caught.value)
    assert message.startswith(variable + " ")
    assert message.endswith(".")
    assert "\n" not in message


def test_sqlite_secret_is_generated_once_with_owner_only_mode(tmp_path: Path) -> None:
    settings = load_settings({"PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/p.db"})
    first = secret_key(settings)
    key_file = tmp_path / "p.db.secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_key(settings) == first
    assert len(first) >= 32


def test_a_world_readable_secret_file_is_refused(tmp_path: Path) -> None:
    settings = load_settings({"PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/p.db"})
    secret_key(settings)
    (tmp_path / "p.db.secret").chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        secret_key(settings)


def test_postgres_requires_an_explicit_secret() -> None:
    settings = load_settings({"PARLEY_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/p"})
    with pytest.raises(SettingsError, match="PARLEY_SECRET_KEY"):
        secret_key(settings)
    short = load_settings(
        {"PARLEY_DATABASE_URL": "postgresql+asyncpg://u@h/p", "PARLEY_SECRET_KEY": "short"}
    )
    with pytest.raises(SettingsError, match="at least 32"):
        secret_key(short)


def test_a_bad_variable_stops_the_cli_with_one_line(
    cli: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("PARLEY_HTTP_PORT", "99999")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["parley: PARLEY_HTTP_PORT must be less than or equal to 65535 (got '99999')."]
