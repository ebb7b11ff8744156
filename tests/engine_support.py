"""Building the real engine on a test database, and talking to it like a channel would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.channels.inbound import classify
from bot.commands.base import Storage
from bot.config import load_settings
from bot.demo import load_demo
from bot.engine import Engine, Inbound, StepResult
from bot.wiring import build_engine
from dialogs.model import EventKind

DEMO_TODAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = DEMO_TODAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def demo_engine(storage: Storage, clock: Clock | None = None) -> Engine:
    async with storage.uow() as uow:
        await load_demo(uow, storage.key, DEMO_TODAY.date())
        await uow.commit()
    engine = build_engine(load_settings({}), storage)
    engine.clock = clock or Clock()
    return engine


@dataclass
class Debtor:
    """One person on one chat; ``say`` returns the texts the bot sent back."""

    engine: Engine
    chat_id: str = "chat-1"
    channel: str = "telegram"
    language: str | None = "en"
    last: StepResult | None = None
    _update: int = field(default=0)

    async def send(self, inbound: Inbound) -> list[str]:
        self.last = await self.engine.handle(inbound)
        for message in self.last.messages:
            await self.engine.delivered(message.message_id, None)
        return [m.text for m in self.last.messages]

    def _next_id(self) -> str:
        self._update += 1
        return f"{self.chat_id}:{self._update}"

    async def say(self, text: str) -> list[str]:
        kind, body, ref = classify(text)
        return await self.send(
            Inbound(
                self.channel,
                self.chat_id,
                kind,
                text=body,
                start_ref=ref,
                platform_id=self._next_id(),
                client_language=self.language,
            )
        )

    async def press(self, button: str) -> list[str]:
        return await self.send(
            Inbound(
                self.channel,
                self.chat_id,
                EventKind.BUTTON,
                button=button,
                platform_id=self._next_id(),
                client_language=self.language,
            )
        )

    @property
    def buttons(self) -> list[str]:
        if self.last is None or not self.last.messages:
            return []
        return [b for b, _ in self.last.messages[-1].buttons]

    @property
    def state(self) -> str:
        return self.last.state if self.last else ""
