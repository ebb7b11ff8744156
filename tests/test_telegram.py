"""The Telegram channel end to end: real aiogram and python-telegram-bot, over real HTTP,
against the local Bot API stand-in, through the real engine and dialog."""

from __future__ import annotations

import html
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from bot.channels.telegram import start_telegram
from bot.channels.telegram.outbox import SendLimits
from bot.channels.telegram.render import chunks, parse_callback
from bot.commands.base import Storage
from bot.config import load_settings
from bot.engine import EXPIRED_KEY, Engine
from bot.i18n import render
from dialogs.model import Reply
from tests.engine_support import demo_engine
from tests.standin import TOKEN, StandIn

FAST = SendLimits(global_rate=10_000, chat_rate=10_000, chat_burst=10_000)


@dataclass
class Bot:
    api: StandIn
    engine: Engine
    library: str

    async def say(
        self, chat: int, text: str, count: int, lang: str = "en"
    ) -> list[dict[str, Any]]:
        before = len(self.api.sent(chat))
        self.api.user_sends(chat, text, language_code=lang)
        return (await self.api.wait_for(chat, before + count))[before:]

    async def press(self, chat: int, button: str, count: int) -> list[dict[str, Any]]:
        message, data = self.button(chat, button)
        before = len(self.api.sent(chat))
        self.api.user_presses(chat, message["message_id"], data)
        return (await self.api.wait_for(chat, before + count))[before:]

    def button(self, chat: int, button: str) -> tuple[dict[str, Any], str]:
        for message in reversed(self.api.sent(chat)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for key in row:
                    parsed = parse_callback(key.get("callback_data"))
                    if parsed and parsed[1] == button:
                        return message, key["callback_data"]
        raise AssertionError(f"no button {button!r} in chat {chat}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(
    params=[
        ("aiogram", "polling"),
        ("ptb", "polling"),
        ("aiogram", "webhook"),
        ("ptb", "webhook"),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
async def bot(request: pytest.FixtureRequest, storage: Storage) -> AsyncIterator[Bot]:
    library, mode = request.param
    engine = await demo_engine(storage)
    async with StandIn() as api:
        env = {
            "PARLEY_TELEGRAM_TOKEN": TOKEN,
            "PARLEY_TELEGRAM_API_BASE": api.base,
            "PARLEY_TELEGRAM_LIBRARY": library,
            "PARLEY_TELEGRAM_MODE": mode,
        }
        runner: web.AppRunner | None = None
        app = web.Application()
        if mode == "webhook":
            port = _free_port()
            env["PARLEY_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram/hook"
            env["PARLEY_WEBHOOK_SECRET"] = "s3cret-token_abc"
        stop = await start_telegram(load_settings(env), engine, app, FAST)
        assert stop is not None
        if mode == "webhook":
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Bot(api, engine, library)
        finally:
            await stop()
            if runner is not None:
                await runner.cleanup()


async def test_verification_and_disclosure(bot: Bot) -> None:
    greeting = await bot.say(42, "/start A-20001", 2)
    assert "Parley Demo Lending" in greeting[0]["text"]
    await bot.say(42, "1985-02-14", 1)
    disclosed = await bot.say(42, "0142", 2)
    joined = "\n".join(m["text"] for m in disclosed)
    assert "$4,655.25" in joined
    assert "debt collector" in joined.lower()
    assert disclosed[-1]["reply_markup"]["inline_keyboard"]


async def test_buttons_answer_the_callback_and_old_buttons_expire(bot: Bot) -> None:
    await bot.say(7, "/start A-30001", 2)
    await bot.say(7, "1990-03-08", 1)
    await bot.say(7, "0123", 2)
    old_message, old_data = bot.button(7, "options")
    asked = await bot.press(7, "options", 1)
    assert asked[-1]["reply_markup"]["inline_keyboard"]
    answers = bot.api.calls_to("answerCallbackQuery")
    assert answers
    # The same button again, now that the flow has moved on: a polite expiry, no action.
    before = len(bot.api.sent(7))
    bot.api.user_presses(7, old_message["message_id"], old_data)
    expired = (await bot.api.wait_for(7, before + 1))[before:]
    assert expired[0]["text"] == render(Reply(EXPIRED_KEY), "en", "neutral").text
    await bot.api.wait_until(lambda: len(bot.api.calls_to("answerCallbackQuery")) >= 2)


async def test_the_client_language_picks_chinese_before_verification(bot: Bot) -> None:
    greeting = await bot.say(9, "/start A-20001", 2, lang="zh-hans")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in greeting[0]["text"])


async def test_duplicate_updates_are_answered_once(bot: Bot) -> None:
    bot.api.faults.duplicate_updates(rate=1.0)
    await bot.say(11, "/start A-20003", 2)
    await bot.say(11, "1991-12-05", 1)
    await bot.api.wait_until(lambda: bot.api.faults.injected["duplicate update"] >= 2)
    await bot.api.wait_until(lambda: not bot.api.pending_updates)
    texts = [m["text"] for m in bot.api.sent(11)]
    assert len(texts) == 3, texts


@pytest.mark.parametrize("status", [429, 500])
async def test_a_refused_send_is_retried_until_accepted(bot: Bot, status: int) -> None:
    bot.api.faults.refuse("sendMessage", times=2, status=status, retry_after=1)
    greeting = await bot.say(12, "/start A-20003", 2)
    assert "Parley Demo Lending" in greeting[0]["text"]
    refused = [c for c in bot.api.calls_to("sendMessage") if c.status == status]
    assert len(refused) == 2
    if status == 429:  # retry_after honoured: the retry came at least a second later
        retry = next(c for c in bot.api.calls_to("sendMessage") if c.status == 200)
        assert retry.at - refused[0].at >= 0.9


def test_long_text_is_split_and_escaped() -> None:
    text = ("<b>&" + "x" * 5000 + "\n") * 2
    pieces = chunks(text)
    assert len(pieces) >= 3
    assert all(len(html.unescape(p)) <= 4096 for p in pieces)
    assert "".join(html.unescape(p) for p in pieces).replace("\n", "") == text.replace("\n", "")
    assert "<b>" not in "".join(pieces)
    assert "&lt;b&gt;&amp;" in pieces[0]
