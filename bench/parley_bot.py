"""Parley itself as a bot under test for :mod:`bench.telegram_bench`.

Runs in the bench's child process: a fresh SQLite database (or PARLEY_DATABASE_URL), the demo
policies, one account per simulated user (``B-<n>``, all born 1985-02-14, phone ending 0142),
and the real Telegram channel on aiogram or python-telegram-bot. Telegram's send limits are
lifted (the stand-in has none; the bench measures the bot, not the limiter).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from bot.channels.telegram import start_telegram
from bot.channels.telegram.outbox import SendLimits
from bot.commands.base import CommandContext
from bot.config import load_settings
from bot.demo import load_demo
from bot.portfolio import read_portfolio
from bot.serve import warm_up
from bot.wiring import build_engine

StopBot = Callable[[], Awaitable[None]]
UNLIMITED = SendLimits(global_rate=1e9, chat_rate=1e9, chat_burst=1e9, in_flight=32)
HEADER = (
    "reference,full_name,date_of_birth,phone,currency,principal,interest,fees,apr,"
    "days_past_due,segment,jurisdiction,timezone,locale\n"
)


def portfolio(users: int) -> bytes:
    rows = "".join(
        f"B-{user},Bench User {user},1985-02-14,+1212555{user % 10000:04d}0142,USD,"
        "4200.00,380.25,75.00,24.99,60,us-card-early,US,America/Chicago,en\n"
        for user in range(users)
    )
    return (HEADER + rows).replace(",+1212555", ",+1212").encode()


def negotiation_script(user: int, turns: int) -> Sequence[str]:
    """A real negotiation, then the small talk that follows; every line gets an answer."""
    lines = [
        f"/start B-{user}",
        "1985-02-14",
        "0142",
        "yes show me the options",
        "I lost my job",
        "its temporary maybe 3 months",
        "I can pay 300 a month",
        "can you do 250?",
        "ok",
        "the first one",
        "yes I agree",
    ]
    tail = ["thanks", "/help", "ok", "thank you so much", "when is the first payment?"]
    while len(lines) < turns:
        lines.append(tail[len(lines) % len(tail)])
    return lines[:turns]


async def _start(api_base: str, token: str, library: str) -> StopBot:
    users = int(os.environ.get("BENCH_USERS", "100"))
    folder = tempfile.mkdtemp(prefix="parley-bench-")
    env = {
        "PARLEY_DATABASE_URL": os.environ.get(
            "PARLEY_DATABASE_URL", f"sqlite+aiosqlite:///{folder}/parley.db"
        ),
        "PARLEY_SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "PARLEY_TELEGRAM_TOKEN": token,
        "PARLEY_TELEGRAM_API_BASE": api_base,
        "PARLEY_TELEGRAM_LIBRARY": library,
    }
    settings = load_settings(env)
    ctx = CommandContext(settings, io.StringIO())
    storage = await ctx.storage()
    today = datetime.now(UTC).date()
    async with storage.uow() as uow:
        await load_demo(uow, storage.key, today)
        await uow.accounts.insert_many(
            read_portfolio(portfolio(users), storage.key, today=today).rows
        )
        await uow.commit()
    engine = build_engine(settings, storage)
    warm_up(engine)  # as `parley serve` does: lexicons compiled before the first debtor
    stop = await start_telegram(settings, engine, None, UNLIMITED)
    assert stop is not None

    async def stop_all() -> None:
        await stop()
        await engine.close()
        await ctx.close()

    return stop_all


async def start_parley_aiogram(api_base: str, token: str) -> StopBot:
    return await _start(api_base, token, "aiogram")


async def start_parley_ptb(api_base: str, token: str) -> StopBot:
    return await _start(api_base, token, "ptb")
