"""The simulated Telegram side: users, chats, messages, forum topics and the update queue.

Plain state with no HTTP in it. The server exposes it as Bot API methods; tests drive the
users' side directly. Messages and updates are the Bot API's own JSON shapes (dicts).
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.standin.markup import utf16_len

Json = dict[str, Any]

# Update types delivered when allowed_updates was never given (Bot API default).
DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
     "inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "poll",
     "poll_answer", "my_chat_member", "chat_join_request", "business_connection",
     "business_message", "edited_business_message", "deleted_business_messages",
     "purchased_paid_media"}
)  # fmt: skip
FIRST_UPDATE_ID = 100_001
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![^\s.,!?;:])")


@dataclass
class Topic:
    chat_id: int
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False

    def as_json(self) -> Json:
        topic: Json = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackQuery:
    update: Json
    answer: Json | None = None


def command_entities(text: str) -> list[Json]:
    """bot_command entities, which Telegram adds to users' messages (ptb relies on them)."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


@dataclass
class Cloud:
    """One bot's view of Telegram."""

    bot_user: Json
    users: dict[int, Json] = field(default_factory=dict)
    chats: dict[int, Json] = field(default_factory=dict)
    messages: dict[tuple[int, int], Json] = field(default_factory=dict)
    bot_message_ids: dict[int, list[int]] = field(default_factory=dict)
    topics: dict[tuple[int, int], Topic] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    callback_queries: dict[str, CallbackQuery] = field(default_factory=dict)
    pending: list[Json] = field(default_factory=list)  # unconfirmed, in update_id order
    allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
    webhook: Webhook | None = None
    commands: list[Json] = field(default_factory=list)
    on_update: list[Callable[[], None]] = field(default_factory=list)
    on_bot_message: list[Callable[[Json], None]] = field(default_factory=list)
    on_change: list[Callable[[], None]] = field(default_factory=list)
    _next_update_id: int = FIRST_UPDATE_ID
    _next_message_id: dict[int, int] = field(default_factory=dict)
    _next_query_id: int = 4_000_000_000_000_000_001

    # -- people and chats -------------------------------------------------------------

    def user(self, user_id: int, language_code: str | None = None) -> Json:
        user = self.users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{user_id}",
                "username": f"user{user_id}",
            },
        )
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: Json) -> Json:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        chat["username"] = user["username"]
        return self.chats.setdefault(user["id"], chat)

    def add_forum(self, chat_id: int, title: str) -> Json:
        if chat_id >= 0:
            raise ValueError("supergroup ids are negative, e.g. -1001234567890")
        chat = {"id": chat_id, "title": title, "type": "supergroup", "is_forum": True}
        self._next_message_id.setdefault(chat_id, 1)  # 1 is the General topic's id
        return self.chats.setdefault(chat_id, chat)

    def chat_by_username(self, username: str) -> Json | None:
        name = username.removeprefix("@").lower()
        return next(
            (c for c in self.chats.values() if str(c.get("username", "")).lower() == name), None
        )

    # -- messages -----------------------------------------------------------------------

    def new_message(self, chat: Json, sender: Json, **fields: Any) -> Json:
        message_id = self._next_message_id.get(chat["id"], 0) + 1
        self._next_message_id[chat["id"]] = message_id
        message: Json = {
            "message_id": message_id,
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
        }
        message.update({key: value for key, value in fields.items() if value is not None})
        self.messages[chat["id"], message_id] = message
        return message

    def record_bot_message(self, message: Json) -> None:
        chat_id = message["chat"]["id"]
        self.bot_message_ids.setdefault(chat_id, []).append(message["message_id"])
        for listener in list(self.on_bot_message):
            listener(message)
        self.changed()

    def bot_messages(self, chat_id: int) -> list[Json]:
        ids = self.bot_message_ids.get(chat_id, [])
        found = (self.messages.get((chat_id, message_id)) for message_id in ids)
        return [copy.deepcopy(message) for message in found if message is not None]

    def changed(self) -> None:
        for listener in list(self.on_change):
            listener()

    # -- updates ------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: Json) -> Json:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self.pending.append(update)
        for listener in list(self.on_update):
            listener()
        return update

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: positive forgets earlier ids, negative keeps the last -offset."""
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def deliverable(self, limit: int) -> list[Json]:
        """The first ``limit`` pending updates of an allowed type; others are dropped."""
        self.pending = [u for u in self.pending if update_type(u) in self.allowed_updates]
        return self.pending[:limit]

    def drop_pending(self) -> None:
        self.pending.clear()

    def remove_pending(self, update_id: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def new_callback_query(self, user: Json, message: Json, data: str) -> Json:
        query_id = str(self._next_query_id)
        self._next_query_id += 1
        query = {
            "id": query_id,
            "from": user,
            "message": copy.deepcopy(message),
            "chat_instance": str(abs(message["chat"]["id"] * 7919 + 1) % 10**18),
            "data": data,
        }
        update = self.enqueue("callback_query", query)
        self.callback_queries[query_id] = CallbackQuery(update)
        return update


def update_type(update: Json) -> str:
    return next(key for key in update if key != "update_id")


def update_chat_id(update: Json) -> int | None:
    """The chat an update belongs to, for per-chat ordering of webhook deliveries."""
    payload = update[update_type(update)]
    if not isinstance(payload, dict):
        return None
    message = payload.get("message", payload)
    chat = message.get("chat") if isinstance(message, dict) else None
    return chat["id"] if isinstance(chat, dict) else None
