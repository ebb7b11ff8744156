"""The Telegram channel: updates in (polling or webhook), engine steps, replies out.

An update is acknowledged to Telegram only after the engine has stored it: in polling mode
the next ``getUpdates`` offset moves past a batch once every update of it is stored (and
stepped); in webhook mode the HTTP answer is sent after the step commits. Telegram repeats
what was not acknowledged, and the engine drops repeats by ``update_id``. Updates of one chat
are handled in order; chats run concurrently, up to ``concurrency`` at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from aiohttp import web

from bot.channels.inbound import classify
from bot.channels.telegram.api import Refused, RetryLater, TelegramApi, TelegramUpdate
from bot.channels.telegram.outbox import Outbox
from bot.channels.telegram.render import parse_callback
from bot.engine import Engine, Inbound, Outgoing, StepResult
from dialogs.model import EventKind

log = logging.getLogger(__name__)
CHANNEL = "telegram"
MAX_WEBHOOK_BODY = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


Handler = Callable[[Inbound], Awaitable[StepResult]]


class GroupHandler(Protocol):
    async def handle(self, update: TelegramUpdate) -> None: ...


@dataclass
class TelegramChannel:
    api: TelegramApi
    engine: Engine
    outbox: Outbox
    # Debtor events go here: the handoff desk's handle (engine step + handoff follow-up),
    # or the bare engine's when no desk runs.
    handler: Handler | None = None
    agents: GroupHandler | None = None  # the agent group, when PARLEY_AGENT_CHAT_ID is set
    concurrency: int = 64
    poll_timeout: int = 25
    _slots: asyncio.Semaphore = field(init=False)
    _callbacks: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.concurrency)

    async def recover(self) -> int:
        """Re-queue messages that were stored but not delivered before a restart."""
        # Every pending message, even one whose retry was set for later: the wait is over.
        pending = await self.engine.pending(CHANNEL, datetime.max.replace(tzinfo=UTC))
        self.outbox.put_all(pending)
        return len(pending)

    async def sweep(self, stop: asyncio.Event, every: float = 5.0) -> None:
        """Pick up messages stored by other writers (agents, reminders) and due retries."""
        while not stop.is_set():
            await _wait(stop, every)
            try:
                self.outbox.put_all(await self.engine.pending(CHANNEL, datetime.now(UTC)))
            except Exception as error:
                log.warning("outbox sweep failed (%s); trying again", type(error).__name__)

    async def poll(self, stop: asyncio.Event) -> None:
        offset: int | None = None
        while not stop.is_set():
            try:
                updates = await self.api.get_updates(offset, self.poll_timeout)
            except RetryLater as exc:
                await _wait(stop, exc.seconds)
                continue
            except Refused:
                log.exception("getUpdates refused; is a webhook set?")
                await _wait(stop, 5.0)
                continue
            if updates:
                await self.process(updates)
                offset = max(u.update_id for u in updates) + 1

    async def process(self, updates: Sequence[TelegramUpdate]) -> None:
        """Step a batch: each chat's updates in order, chats concurrently."""
        by_chat: dict[int, list[TelegramUpdate]] = {}
        for update in sorted(updates, key=lambda u: u.update_id):
            if update.chat_id is not None:
                by_chat.setdefault(update.chat_id, []).append(update)
        await asyncio.gather(*(self._chat(batch) for batch in by_chat.values()))

    async def _chat(self, updates: list[TelegramUpdate]) -> None:
        async with self._slots:
            for update in updates:
                try:
                    await self.handle(update)
                except Exception as error:
                    # The step rolled back. Holding the offset would replay this update
                    # forever, so it is logged and the batch goes on. Only the error's type:
                    # its message could carry the debtor's words (DESIGN §9).
                    log.error(
                        "update %s could not be handled: %s",
                        update.update_id,
                        type(error).__name__,
                    )

    async def handle(self, update: TelegramUpdate) -> None:
        if update.callback_id is not None:
            self._answer(update.callback_id)
        if self.agents is not None and update.chat_type in ("group", "supergroup"):
            await self.agents.handle(dataclasses.replace(update, text=_unicode(update.text)))
            return
        inbound = to_inbound(update)
        if inbound is None:
            return
        result = await (self.handler or self.engine.handle)(inbound)
        self.outbox.put_all(result.messages)

    async def push(self, messages: Sequence[Outgoing]) -> None:
        """The handoff desk's Delivery hook: agents' messages go out at once."""
        self.outbox.put_all(messages)

    def _answer(self, callback_id: str) -> None:
        """Answer every callback query at once so the button stops spinning."""

        async def answer() -> None:
            try:
                await self.api.answer_callback(callback_id)
            except (RetryLater, Refused):
                log.info("callback query %s could not be answered", callback_id)

        task = asyncio.create_task(answer())
        self._callbacks.add(task)
        task.add_done_callback(self._callbacks.discard)

    def webhook_handler(
        self, secret: str | None
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def receive(request: web.Request) -> web.Response:
            # Header bytes that are not UTF-8 arrive as lone surrogates: compare them as bytes.
            given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
            if secret is None or not hmac.compare_digest(given, secret.encode()):
                return web.Response(status=401, text="bad secret token")
            if (request.content_length or 0) > MAX_WEBHOOK_BODY:
                return web.Response(status=413)
            try:
                body: Any = await request.json()
                update = self.api.parse(body)
            except Exception:
                return web.Response(status=400, text="malformed update")
            await self.handle(update)
            return web.Response(text="ok")

        return receive

    async def close(self) -> None:
        await asyncio.gather(*list(self._callbacks), return_exceptions=True)
        await self.outbox.close()


def to_inbound(update: TelegramUpdate) -> Inbound | None:
    """An engine event for a private-chat update; None for what Parley does not act on."""
    if update.chat_id is None or update.chat_type not in (None, "private"):
        return None
    common: dict[str, Any] = {
        "platform_id": f"u{update.update_id}",
        "user_id": str(update.user_id) if update.user_id is not None else None,
        "client_language": _unicode(update.language_code),
    }
    chat = str(update.chat_id)
    if update.callback_id is not None:
        parsed = parse_callback(_unicode(update.callback_data))
        if parsed is None:
            return None
        source, button = parsed
        return Inbound(
            CHANNEL, chat, EventKind.BUTTON, button=button, button_message=source, **common
        )
    if update.text is None:
        return Inbound(CHANNEL, chat, EventKind.TEXT, text="", **common)
    kind, text, ref = classify(_unicode(update.text) or "")
    return Inbound(CHANNEL, chat, kind, text=text, start_ref=ref, **common)


def _unicode(text: str | None) -> str | None:
    """Text that can be stored: a lone surrogate (JSON allows ``"\\ud800"``) becomes U+FFFD.
    Telegram repeats an update it gets no 200 for, so odd text is cleaned, not refused."""
    if text is None:
        return None
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
