"""A debtor talking through the handoff desk, agents with tokens, and the console app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web

from bot.channels.inbound import classify
from bot.commands.base import Storage
from bot.commands.users import add_user
from bot.engine import Inbound, Outgoing, StepResult
from bot.handoff import HandoffDesk
from bot.storage.models import Handoff, Message
from bot.web.auth import AUTH, Auth, Principal, auth_routes
from bot.web.console import setup_console
from tests.engine_support import Clock, demo_engine


@dataclass
class Pushed:
    """A channel's Delivery that records what the desk pushed to it."""

    messages: list[Outgoing] = field(default_factory=list)

    async def push(self, messages: Sequence[Outgoing]) -> None:
        self.messages.extend(messages)


@dataclass
class Person:
    """One debtor on one chat, talking through ``desk.handle`` as a channel would."""

    desk: HandoffDesk
    chat_id: str = "chat-1"
    channel: str = "telegram"
    last: StepResult | None = None
    _update: int = 0

    async def say(self, text: str) -> list[str]:
        kind, body, ref = classify(text)
        self._update += 1
        self.last = await self.desk.handle(
            Inbound(
                self.channel,
                self.chat_id,
                kind,
                text=body,
                start_ref=ref,
                platform_id=f"{self.chat_id}:{self._update}",
                client_language="en",
            )
        )
        for message in self.last.messages:
            await self.desk.engine.delivered(message.message_id, None)
        return [m.text for m in self.last.messages]

    @property
    def state(self) -> str:
        return self.last.state if self.last else ""


@dataclass
class World:
    storage: Storage
    clock: Clock
    desk: HandoffDesk
    pushed: Pushed
    tokens: dict[str, str]
    people: dict[str, Principal]

    def person(self, chat_id: str = "chat-1") -> Person:
        return Person(self.desk, chat_id)

    async def handoff(self, person: Person, reference: str = "A-10003") -> int:
        """Verify as the demo account holder and ask for a person; the new handoff's id."""
        births = {"A-10003": ("1995-07-15", "2222"), "A-10001": ("1988-04-02", "8000")}
        born, last4 = births[reference]
        for line in (f"/start {reference}", born, last4, "/human"):
            await person.say(line)
        assert person.state == "handoff"
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat(person.channel, person.chat_id)
            assert conversation is not None
            assert conversation.id is not None
            handoff = await uow.handoffs.open_for(conversation.id)
            assert handoff is not None
            assert handoff.id is not None
            return handoff.id

    async def handoff_row(self, handoff_id: int) -> Handoff:
        async with self.storage.uow() as uow:
            handoff = await uow.handoffs.get(handoff_id)
        assert handoff is not None
        return handoff

    async def outbox(self, person: Person, sender: str | None = None) -> list[Message]:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat(person.channel, person.chat_id)
            assert conversation is not None
            assert conversation.id is not None
            messages = await uow.messages.transcript(conversation.id)
        return [
            m for m in messages if m.direction == "out" and (sender is None or m.sender == sender)
        ]

    async def audit_kinds(self) -> list[tuple[str, str]]:
        async with self.storage.uow() as uow:
            return [(e.kind, e.actor) for e in reversed(await uow.audit.recent(limit=1000))]


async def make_world(storage: Storage) -> World:
    clock = Clock()
    engine = await demo_engine(storage, clock)
    pushed = Pushed()
    desk = HandoffDesk(engine, deliveries={"telegram": pushed})
    tokens: dict[str, str] = {}
    people: dict[str, Principal] = {}
    async with storage.uow() as uow:
        for name, role in (("ann", "agent"), ("bob", "agent"), ("ada", "admin")):
            tokens[name] = await add_user(uow, name, role)
        await uow.commit()
        for name in tokens:
            user = await uow.users.by_name(name)
            assert user is not None
            assert user.id is not None
            people[name] = Principal(user.id, user.name, user.role, "bearer")
    return World(storage, clock, desk, pushed, tokens, people)


def console_app(world: World) -> web.Application:
    app = web.Application()
    app[AUTH] = Auth(uow=world.storage.uow, key=world.storage.key)
    app.add_routes(auth_routes())
    setup_console(app, world.desk, overdue_interval=3600)
    return app
