"""Killed with SIGKILL mid-conversation and started again: no message lost, none sent twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest

from tests.standin import TOKEN, StandIn


@asynccontextmanager
async def parley_process(env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.telegram_process",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        cwd=Path(__file__).parent.parent,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    assert line.strip() == b"ready"
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _recorded_as_sent(database: Path, count: int) -> None:
    """Wait until Parley has recorded ``count`` replies as delivered: the test aims its kill
    after that, never into the moment between Telegram accepting a message and Parley
    recording it (delivery is at least once there), whatever the machine's load."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while True:
        with closing(sqlite3.connect(database, timeout=5)) as db:
            (sent,) = db.execute(
                "SELECT count(*) FROM message WHERE direction = 'out' AND status = 'sent'"
            ).fetchone()
        if sent >= count:
            return
        assert loop.time() < deadline, f"only {sent} of {count} deliveries recorded"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_sigkill_mid_conversation_loses_nothing_and_repeats_nothing(
    tmp_path: Path, library: str
) -> None:
    async with StandIn() as api:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'parley.db'}",
            "PARLEY_TELEGRAM_TOKEN": TOKEN,
            "PARLEY_TELEGRAM_API_BASE": api.base,
            "PARLEY_TELEGRAM_LIBRARY": library,
        }
        chat = 501
        async with parley_process(env) as first:
            api.user_sends(chat, "/start A-20001", language_code="en")
            await api.wait_for(chat, 2, timeout=20)
            api.user_sends(chat, "1985-02-14")
            await api.wait_for(chat, 3, timeout=20)
            await _recorded_as_sent(tmp_path / "parley.db", 3)
            # A person takes a moment to type. (Delivery is at least once: a kill in the few
            # milliseconds between Telegram accepting a message and our recording it would
            # send that one message again after the restart; the test does not aim there.)
            await asyncio.sleep(0.3)
            # The next replies are stored, then their sending hangs: kill the process then.
            api.faults.hang("sendMessage", times=1, seconds=60)
            api.user_sends(chat, "0142")
            await api.wait_until(
                lambda: any(c.status is None for c in api.calls_to("sendMessage")), timeout=20
            )
            first.send_signal(signal.SIGKILL)
            await first.wait()
            # While it is down the debtor writes again.
            api.user_sends(chat, "ok")
        api.faults.clear()
        async with parley_process(env):
            await api.wait_until(
                lambda: len(api.sent(chat)) >= 6 and not api.pending_updates, timeout=30
            )
            await asyncio.sleep(0.5)  # let any duplicate that would be sent arrive
        texts = [m["text"] for m in api.sent(chat)]
    assert len(texts) == len(set(texts)), "\n".join(t[:60] for t in texts)
    assert any("$4,655.25" in text for text in texts)
    assert texts[0].startswith("Hello")
