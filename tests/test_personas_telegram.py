"""The personas of tests/personas.py through Telegram: both libraries, polling and webhook,
over real HTTP against the local Bot API stand-in, through the engine and the handoff desk."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlmodel import col

from bot.channels.telegram import start_telegram
from bot.channels.telegram.outbox import SendLimits
from bot.channels.telegram.render import parse_callback
from bot.commands.base import Storage
from bot.config import load_settings
from bot.handoff.desk import HandoffDesk
from bot.storage.models import Handoff, Message
from tests import personas as core
from tests.all_personas import PERSONAS
from tests.engine_support import Clock, demo_engine
from tests.personas import Persona, play
from tests.standin import TOKEN, StandIn

# The core personas run on all four set-ups; those added per issue (tests/all_personas.py)
# test the dialog more than the channel, so they run on two that cover both libraries and
# both modes, which keeps CI's time in bounds.
ISSUE_SETUPS = {("aiogram", "polling"), ("ptb", "webhook")}

FAST = SendLimits(global_rate=10_000, chat_rate=10_000, chat_burst=10_000)
SETTLE = 10.0  # seconds a turn may take to be stepped and delivered


@dataclass
class TelegramDriver:
    """The personas' ``Driver`` as a Telegram user: types, presses buttons, reads replies."""

    api: StandIn
    storage: Storage
    clock: Clock
    chat: int
    language: str

    async def say(self, text: str) -> list[str]:
        before = len(self.api.sent(self.chat))
        self.api.user_sends(self.chat, text, language_code=self.language)
        return await self._replies(before)

    async def press(self, button: str) -> list[str]:
        message, data = self._button(button)
        before = len(self.api.sent(self.chat))
        self.api.user_presses(self.chat, message["message_id"], data)
        return await self._replies(before)

    def _button(self, button: str) -> tuple[dict[str, Any], str]:
        for message in reversed(self.api.sent(self.chat)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for key in row:
                    parsed = parse_callback(key.get("callback_data"))
                    if parsed is not None and parsed[1] == button:
                        return message, str(key["callback_data"])
        raise AssertionError(f"no button {button!r} in chat {self.chat}")

    async def _replies(self, before: int) -> list[str]:
        """Waits until Telegram saw the update acknowledged and every reply it produced
        delivered, then returns the texts the debtor received for this turn."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE
        while self.api.pending_updates or await self._undelivered():
            if loop.time() > deadline:
                raise TimeoutError(f"chat {self.chat} did not settle in {SETTLE}s")
            await asyncio.sleep(0.01)
        return [m["text"] for m in self.api.sent(self.chat)[before:]]

    async def _undelivered(self) -> int:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat("telegram", str(self.chat))
            if conversation is None:
                return 0
            count = await uow.session.execute(
                select(func.count())
                .select_from(Message)
                .where(
                    col(Message.conversation_id) == conversation.id,
                    col(Message.direction) == "out",
                    col(Message.status) == "pending",
                )
            )
        return int(count.scalar_one())

    async def state(self) -> str:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat("telegram", str(self.chat))
        assert conversation is not None
        return conversation.state

    async def handoff_reasons(self) -> list[str]:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat("telegram", str(self.chat))
            assert conversation is not None
            rows = await uow.session.execute(
                select(col(Handoff.reason))
                .where(col(Handoff.conversation_id) == conversation.id)
                .order_by(col(Handoff.id))
            )
        return [str(reason) for reason in rows.scalars()]

    async def next_day(self) -> None:
        self.clock.advance(days=1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    api: StandIn
    clock: Clock


@pytest.fixture(
    params=[
        ("aiogram", "polling"),
        ("ptb", "polling"),
        ("aiogram", "webhook"),
        ("ptb", "webhook"),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
async def telegram(request: pytest.FixtureRequest, storage: Storage) -> AsyncIterator[Running]:
    library, mode = request.param
    persona = request.node.callspec.params.get("persona")
    if (
        persona is not None
        and persona not in core.PERSONAS
        and (library, mode) not in ISSUE_SETUPS
    ):
        pytest.skip("issue personas run on two of the four Telegram set-ups")
    if storage.engine.dialect.name != "sqlite":
        # The personas run on PostgreSQL through the engine (tests/test_personas.py); here
        # the point is the channel, and four channel set-ups on both databases cost minutes.
        pytest.skip("Telegram personas run on SQLite")
    clock = Clock()
    engine = await demo_engine(storage, clock)
    desk = HandoffDesk(engine)
    async with StandIn() as api:
        env = {
            "PARLEY_TELEGRAM_TOKEN": TOKEN,
            "PARLEY_TELEGRAM_API_BASE": api.base,
            "PARLEY_TELEGRAM_LIBRARY": library,
            "PARLEY_TELEGRAM_MODE": mode,
        }
        app = web.Application()
        runner: web.AppRunner | None = None
        port = _free_port()
        if mode == "webhook":
            env["PARLEY_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram/hook"
            env["PARLEY_WEBHOOK_SECRET"] = "persona-secret_1"
        stop = await start_telegram(load_settings(env), engine, app, FAST, desk)
        assert stop is not None
        if mode == "webhook":
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Running(api, clock)
        finally:
            await stop()
            if runner is not None:
                await runner.cleanup()


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
async def test_persona_on_telegram(telegram: Running, storage: Storage, persona: Persona) -> None:
    chat = 700_000 + PERSONAS.index(persona)
    await play(
        persona, TelegramDriver(telegram.api, storage, telegram.clock, chat, persona.language)
    )
