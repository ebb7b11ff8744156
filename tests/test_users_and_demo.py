from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.commands.base import Storage
from bot.demo import demo_policies, load_demo
from bot.identity import token_hash
from tests.conftest import Cli


def test_users_add_prints_a_token_once_and_stores_its_hash(cli: Cli) -> None:
    result = cli("users", "add", "alice", "--role", "admin")
    assert result.code == 0
    token = result.out.strip().splitlines()[-1]
    assert token.startswith("pk_")
    assert len(token) > 40
    engine = create_engine(f"sqlite:///{cli.database}")
    with engine.connect() as conn:
        rows = list(conn.execute(text("SELECT name, role, token_hash FROM app_user")))
        audit = list(conn.execute(text("SELECT kind FROM audit_event")))
    engine.dispose()
    assert [tuple(r) for r in rows] == [("alice", "admin", token_hash(token))]
    assert token.encode() not in cli.database.read_bytes()
    assert [r[0] for r in audit] == ["user.added"]


def test_users_add_refuses_duplicates_and_bad_names(cli: Cli) -> None:
    assert cli("users", "add", "bob", "--role", "agent").code == 0
    again = cli("users", "add", "bob", "--role", "admin")
    assert (again.code, again.err.strip()) == (1, "parley: a user named 'bob' already exists.")
    bad = cli("users", "add", "<script>", "--role", "agent")
    assert bad.code == 1
    assert bad.err.startswith("parley: NAME must be")


async def test_demo_loads_idempotently(storage: Storage) -> None:
    today = date(2026, 11, 28)
    async with storage.uow() as uow:
        added = await load_demo(uow, storage.key, today)
        await uow.commit()
    async with storage.uow() as uow:
        again = await load_demo(uow, storage.key, today)
        await uow.commit()
    assert added >= 8
    assert again == 0
    async with storage.uow() as uow:
        segments = await uow.policies.segments()
        history = await uow.policies.history("default")
    assert set(segments) == set(demo_policies())
    assert [p.version for p in history] == [1]


def test_python_dash_m_bot_is_the_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={"PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", "PATH": ""},
    )
    assert (done.returncode, done.stdout.strip()) == (0, "Database is up to date.")
