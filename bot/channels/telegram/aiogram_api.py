"""The Bot API through aiogram 3."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.channels.telegram.api import Keyboard, Refused, RetryLater, TelegramUpdate, read_update

ALLOWED_UPDATES = ["message", "callback_query"]


class AiogramApi:
    library = "aiogram"

    def __init__(self, token: str, api_base: str) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), limit=256)
        self.bot = Bot(token, session=session)

    async def get_updates(self, offset: int | None, wait: int) -> list[TelegramUpdate]:
        async with _errors():
            updates = await self.bot.get_updates(
                offset=offset,
                timeout=wait,
                allowed_updates=ALLOWED_UPDATES,
                request_timeout=wait + 10,
            )
        return [read_update(u) for u in updates]

    def parse(self, data: dict[str, Any]) -> TelegramUpdate:
        return read_update(Update.model_validate(data, context={"bot": self.bot}))

    async def send_message(
        self,
        chat_id: int,
        text: str,
        keyboard: Keyboard | None = None,
        thread_id: int | None = None,
    ) -> int:
        markup = None
        if keyboard:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
                    for row in keyboard
                ]
            )
        async with _errors():
            sent = await self.bot.send_message(
                chat_id,
                text,
                parse_mode="HTML",
                reply_markup=markup,
                message_thread_id=thread_id,
            )
        return sent.message_id

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        async with _errors():
            await self.bot.answer_callback_query(callback_id, text=text)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        async with _errors():
            await self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            )

    async def create_topic(self, chat_id: int, name: str) -> int:
        async with _errors():
            topic = await self.bot.create_forum_topic(chat_id, name[:128])
        return topic.message_thread_id

    async def set_webhook(self, url: str, secret: str | None) -> None:
        async with _errors():
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        async with _errors():
            await self.bot.delete_webhook()

    async def close(self) -> None:
        await self.bot.session.close()


class _errors:
    """Translate aiogram's exceptions into RetryLater / Refused."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> bool:
        if exc is None:
            return False
        if isinstance(exc, TelegramRetryAfter):
            raise RetryLater(float(exc.retry_after), "429 retry_after") from exc
        if isinstance(exc, TelegramServerError | TelegramNetworkError | TimeoutError):
            raise RetryLater(1.0, f"{type(exc).__name__}: {exc}") from exc
        if isinstance(exc, TelegramBadRequest | TelegramForbiddenError | TelegramNotFound):
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        return False
