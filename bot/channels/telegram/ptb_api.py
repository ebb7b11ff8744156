"""The Bot API through python-telegram-bot 22."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.channels.telegram.api import (
    Keyboard,
    Refused,
    RetryLater,
    TelegramUpdate,
    read_update,
)

ALLOWED_UPDATES = ["message", "callback_query"]


class PtbApi:
    library = "ptb"

    def __init__(self, token: str, api_base: str) -> None:
        # Opt in to v22's future behaviour (durations as timedelta); otherwise ptb warns on
        # every 429 it parses, inside its own RetryAfter constructor.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        self.bot = Bot(
            token,
            base_url=f"{api_base}/bot",
            request=HTTPXRequest(connection_pool_size=32, read_timeout=30, pool_timeout=30),
            get_updates_request=HTTPXRequest(read_timeout=60),
        )
        self._started = False

    async def _ready(self) -> Bot:
        if not self._started:
            await self.bot.initialize()
            self._started = True
        return self.bot

    async def get_updates(self, offset: int | None, wait: int) -> list[TelegramUpdate]:
        bot = await self._ready()
        async with _errors():
            updates = await bot.get_updates(
                offset=offset,
                timeout=wait,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=wait + 10,
            )
        return [read_update(u) for u in updates]

    def parse(self, data: dict[str, Any]) -> TelegramUpdate:
        update = Update.de_json(data, self.bot)
        return read_update(update)

    async def send_message(
        self,
        chat_id: int,
        text: str,
        keyboard: Keyboard | None = None,
        thread_id: int | None = None,
    ) -> int:
        bot = await self._ready()
        markup = None
        if keyboard:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in keyboard
                ]
            )
        async with _errors():
            sent = await bot.send_message(
                chat_id, text, parse_mode="HTML", reply_markup=markup, message_thread_id=thread_id
            )
        return sent.message_id

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        bot = await self._ready()
        async with _errors():
            await bot.answer_callback_query(callback_id, text=text)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        bot = await self._ready()
        async with _errors():
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)

    async def create_topic(self, chat_id: int, name: str) -> int:
        bot = await self._ready()
        async with _errors():
            topic = await bot.create_forum_topic(chat_id, name[:128])
        return topic.message_thread_id

    async def set_webhook(self, url: str, secret: str | None) -> None:
        bot = await self._ready()
        async with _errors():
            await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        bot = await self._ready()
        async with _errors():
            await bot.delete_webhook()

    async def close(self) -> None:
        if self._started:
            await self.bot.shutdown()
            self._started = False


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class _errors:
    """Translate python-telegram-bot's exceptions into RetryLater / Refused."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> bool:
        if exc is None:
            return False
        if isinstance(exc, RetryAfter):
            raise RetryLater(_seconds(exc.retry_after), "429 retry_after") from exc
        if isinstance(exc, BadRequest | Forbidden):
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        if isinstance(exc, TimedOut | NetworkError):  # NetworkError covers 5xx too
            raise RetryLater(1.0, f"{type(exc).__name__}: {exc}") from exc
        return False
