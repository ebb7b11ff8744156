"""Delivery to Telegram: per-chat order, send limits, retries until accepted or refused.

Every outgoing message is already stored (status pending) by the engine before it gets here,
so a crash loses nothing: on start the channel re-queues what is still pending.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.channels.telegram.api import Refused, RetryLater, TelegramApi
from bot.channels.telegram.render import callback_data, chunks
from bot.engine import Engine, Outgoing

log = logging.getLogger(__name__)
MAX_BACKOFF = 60.0


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    burst: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def delay(self) -> float:
        """Take a token; returns how long to wait before using it (0 when available now)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


@dataclass(frozen=True)
class SendLimits:
    """Telegram's limits: about 30 messages a second overall, about one a second per chat
    (a short burst allowed, so a reply of two or three messages is not held back)."""

    global_rate: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 3.0
    # Requests in flight at once: more only queue inside the HTTP client's pool (httpx, under
    # python-telegram-bot, spends more on pool bookkeeping than on sending past a few dozen).
    in_flight: int = 32


@dataclass
class Outbox:
    api: TelegramApi
    engine: Engine
    limits: SendLimits = SendLimits()
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _global: TokenBucket = field(init=False)
    _queues: dict[str, asyncio.Queue[Outgoing]] = field(default_factory=dict, init=False)
    _buckets: dict[str, TokenBucket] = field(default_factory=dict, init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False)
    _seen: set[int] = field(default_factory=set, init=False)
    # Confirmations are written in small batches: one transaction for many sends.
    _confirmed: list[tuple[int, str | None]] = field(default_factory=list, init=False)
    _flusher: asyncio.Task[None] | None = field(default=None, init=False)
    _flight: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._flight = asyncio.Semaphore(self.limits.in_flight)
        rate = self.limits.global_rate
        self._global = TokenBucket(rate, max(1.0, rate))

    def put(self, message: Outgoing) -> None:
        """Queue a stored message; a chat's messages go out in the order they were put."""
        if message.message_id in self._seen:
            return
        self._seen.add(message.message_id)
        queue = self._queues.get(message.chat_id)
        if queue is None:
            queue = self._queues[message.chat_id] = asyncio.Queue()
            task = asyncio.create_task(self._drain(message.chat_id, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.put_nowait(message)

    def put_all(self, messages: Iterable[Outgoing]) -> None:
        for message in messages:
            if message.channel == "telegram":
                self.put(message)

    async def idle(self) -> None:
        """Wait until everything queued so far has been delivered or refused."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._flusher is not None:
            await self._flusher

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)

    def _confirm(self, message_id: int, telegram_id: str | None) -> None:
        self._confirmed.append((message_id, telegram_id))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        # At once: the window in which a crash would resend a delivered message stays as
        # short as a transaction. Sends that finish meanwhile share the next batch.
        while self._confirmed:
            batch, self._confirmed = self._confirmed, []
            try:
                await self.engine.delivered_many(batch)
            except Exception as error:
                # They stay pending and the sweep sends them again: at least once, not lost.
                log.warning("could not record %d deliveries: %s", len(batch), type(error).__name__)

    async def _drain(self, chat_id: str, queue: asyncio.Queue[Outgoing]) -> None:
        try:
            while not queue.empty():
                message = queue.get_nowait()
                await self._deliver(message)
                self._seen.discard(message.message_id)
        finally:
            # Entries live only while a chat has something to send: memory does not grow
            # with the number of finished conversations.
            self._queues.pop(chat_id, None)
            bucket = self._buckets.get(chat_id)
            if bucket is not None and bucket.tokens >= bucket.burst - 1:
                self._buckets.pop(chat_id, None)

    async def _deliver(self, message: Outgoing) -> None:
        pieces = chunks(message.text)
        backoff = 1.0
        sent_pieces = 0
        telegram_id: int | None = None
        while sent_pieces < len(pieces):
            last = sent_pieces == len(pieces) - 1
            await self._pace(message.chat_id)
            try:
                async with self._flight:
                    telegram_id = await self.api.send_message(
                        int(message.chat_id),
                        pieces[sent_pieces],
                        _keyboard(message) if last else None,
                    )
            except RetryLater as exc:
                wait = (
                    max(exc.seconds, backoff) if exc.reason != "429 retry_after" else exc.seconds
                )
                backoff = min(MAX_BACKOFF, backoff * 2)
                retry_at = datetime.now(UTC) + timedelta(seconds=wait)
                await self.engine.delivery_failed(
                    message.message_id, exc.reason, retry_at=retry_at
                )
                await self.sleep(wait)
                continue
            except Refused as exc:
                log.warning("message %s refused by Telegram", message.message_id)
                await self.engine.delivery_failed(message.message_id, str(exc), retry_at=None)
                return
            sent_pieces += 1
        self._confirm(message.message_id, str(telegram_id))

    async def _pace(self, chat_id: str) -> None:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            bucket = self._buckets[chat_id] = TokenBucket(
                self.limits.chat_rate, self.limits.chat_burst
            )
        wait = max(bucket.delay(), self._global.delay())
        if wait > 0:
            await self.sleep(wait)


def _keyboard(message: Outgoing) -> list[list[tuple[str, str]]] | None:
    rows = []
    for button, label in message.buttons:
        data = callback_data(message.message_id, button)
        if data is not None:
            rows.append([(label, data)])
    return rows or None
