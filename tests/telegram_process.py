"""A Parley Telegram process for the crash test: ``python -m tests.telegram_process``.

Reads the usual PARLEY_* variables (database, token, API base, library), migrates, loads the
demo portfolio, runs the Telegram channel by long polling until killed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.channels.telegram import start_telegram
from bot.channels.telegram.outbox import SendLimits
from bot.commands.base import CommandContext
from bot.config import load_settings
from bot.demo import load_demo
from bot.serve import warm_up
from bot.wiring import build_engine


async def main() -> None:
    settings = load_settings()
    ctx = CommandContext(settings)
    storage = await ctx.storage()
    async with storage.uow() as uow:
        await load_demo(uow, storage.key, datetime.now(UTC).date())
        await uow.commit()
    engine = build_engine(settings, storage)
    await asyncio.to_thread(warm_up, engine)  # as `parley serve` does before it listens
    stop = await start_telegram(settings, engine, None, SendLimits(1000, 1000, 1000))
    assert stop is not None
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
