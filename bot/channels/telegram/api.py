"""What the Telegram channel needs from a Bot API library, as one small Protocol.

Two implementations speak it — aiogram (:mod:`.aiogram_api`) and python-telegram-bot
(:mod:`.ptb_api`) — so that everything else (ordering, outbox, retries, rendering) is shared
and both libraries behave the same. Library errors are translated into the three below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Keyboard = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback data)


class RetryLater(Exception):
    """Telegram asked us to wait (429 with retry_after) or failed transiently (5xx, network)."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.reason = reason


class Refused(Exception):
    """Telegram refused for good (bad request, bot blocked, chat not found)."""


@dataclass(frozen=True)
class TelegramUpdate:
    """The parts of an update Parley acts on, whichever library parsed it."""

    update_id: int
    chat_id: int | None = None
    user_id: int | None = None
    text: str | None = None
    language_code: str | None = None
    chat_type: str | None = None
    thread_id: int | None = None
    callback_id: str | None = None
    callback_data: str | None = None
    callback_message_id: int | None = None


def read_update(update: Any) -> TelegramUpdate:
    """The parts Parley acts on, from aiogram's or python-telegram-bot's parsed ``Update``:
    both name these fields alike, so one reader serves both libraries."""
    query = update.callback_query
    if query is not None:
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        return TelegramUpdate(
            update_id=update.update_id,
            chat_id=chat_id,
            user_id=query.from_user.id,
            language_code=query.from_user.language_code,
            chat_type=message.chat.type if message is not None else None,
            callback_id=query.id,
            callback_data=query.data,
            callback_message_id=message.message_id if message is not None else None,
        )
    message = update.message
    if message is None:
        return TelegramUpdate(update_id=update.update_id)
    user = message.from_user
    return TelegramUpdate(
        update_id=update.update_id,
        chat_id=message.chat.id,
        user_id=user.id if user else None,
        text=message.text,
        language_code=user.language_code if user else None,
        chat_type=message.chat.type,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


class TelegramApi(Protocol):
    library: str

    async def get_updates(self, offset: int | None, wait: int) -> list[TelegramUpdate]: ...

    def parse(self, data: dict[str, Any]) -> TelegramUpdate:
        """Parse a webhook body with the library's own Update type."""
        ...

    async def send_message(
        self,
        chat_id: int,
        text: str,
        keyboard: Keyboard | None = None,
        thread_id: int | None = None,
    ) -> int:
        """Send HTML-formatted text; returns Telegram's message id."""
        ...

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None: ...
    async def remove_keyboard(self, chat_id: int, message_id: int) -> None: ...
    async def create_topic(self, chat_id: int, name: str) -> int: ...
    async def set_webhook(self, url: str, secret: str | None) -> None: ...
    async def delete_webhook(self) -> None: ...
    async def close(self) -> None: ...
