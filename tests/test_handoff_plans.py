"""Issue 13 item 8: a plan an agent sends that the debtor accepts becomes an arrangement —
its instalments and reminders stored exactly as for a bot plan, and audited. Through the
engine and the desk, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from bot.commands.base import Storage
from bot.engine import Inbound
from bot.handoff import PlanRequest
from bot.handoff.ports import BaseObserver, Ticket
from bot.reminders import run_reminders
from bot.storage.models import Arrangement, AuditEvent, pk
from dialogs.model import EventKind
from tests.handoff_support import Person, World, make_world

ACCEPT = "agent_plan:accept"


@pytest.fixture
async def world(storage: Storage) -> World:
    return await make_world(storage)


async def _press(person: Person, button: str) -> list[str]:
    person._update += 1
    person.last = await person.desk.handle(
        Inbound(
            person.channel,
            person.chat_id,
            EventKind.BUTTON,
            button=button,
            platform_id=f"{person.chat_id}:{person._update}",
            client_language="en",
        )
    )
    return [m.text for m in person.last.messages]


async def _arrangements(world: World, account_reference: str = "A-10003") -> list[Arrangement]:
    async with world.storage.uow() as uow:
        account = await uow.accounts.by_reference(account_reference)
        assert account is not None
        assert account.id is not None
        return list(await uow.arrangements.for_account(account.id))


async def _audit(world: World, kind: str) -> list[AuditEvent]:
    async with world.storage.uow() as uow:
        return [e for e in await uow.audit.recent(limit=1000) if e.kind == kind]


async def _offer(world: World, person: Person, monthly: str = "600") -> int:
    handoff_id = await world.handoff(person)
    ann = world.people["ann"]
    await world.desk.claim(handoff_id, ann)
    sent = await world.desk.offer_plan(handoff_id, ann, PlanRequest(Decimal(monthly)), 0, "Hi")
    assert sent.status == "sent"
    return handoff_id


@dataclass
class Seen(BaseObserver):
    events: list[str] = field(default_factory=list)

    async def changed(self, ticket: Ticket, event: str) -> None:
        self.events.append(event)


async def test_issue13_an_agent_plan_the_debtor_accepts_is_an_arrangement(world: World) -> None:
    seen = Seen()
    world.desk.observers.append(seen)
    debtor = world.person()
    await _offer(world, debtor)
    plan_message = world.pushed.messages[-1]
    assert (ACCEPT, "Accept this plan") in plan_message.buttons  # the button reaches the chat
    assert await _arrangements(world) == []
    replies = "\n".join(await _press(debtor, ACCEPT))
    assert "payment reference" in replies.lower()
    assert debtor.state == "handoff"  # the agent still holds the chat
    [arrangement] = await _arrangements(world)
    async with world.storage.uow() as uow:
        instalments = await uow.arrangements.instalments(pk(arrangement))
        offers = await uow.offers.for_conversation(arrangement.conversation_id or 0)
    assert instalments
    assert all(i.amount <= Decimal("600") for i in instalments)
    assert arrangement.offer_id in {o.id for o in offers if o.status == "accepted"}
    assert f"arrangement.agreed {arrangement.payment_reference}" in seen.events  # agents told
    [agreed] = await _audit(world, "arrangement.agreed")
    assert agreed.data["by"] == "agent:ann"
    assert await _audit(world, "arrangement.agent_plan")
    # Pressing again agrees nothing more.
    await _press(debtor, ACCEPT)
    assert len(await _arrangements(world)) == 1
    # Reminders come from the stored instalments, as for a bot plan.
    world.clock.advance(days=(instalments[0].due - world.clock.now.date()).days - 1)
    results = await run_reminders(world.desk.engine, world.clock.now)
    assert [(r.reference, r.due) for r in results] == [("A-10003", instalments[0].due)]


@pytest.mark.parametrize("words", ["Yes, I accept this plan", "ok deal"])
async def test_issue13_an_agent_plan_accepted_in_words(world: World, words: str) -> None:
    debtor = world.person()
    await _offer(world, debtor)
    await debtor.say(words)
    assert len(await _arrangements(world)) == 1


async def test_issue13_ordinary_messages_do_not_accept_an_agent_plan(world: World) -> None:
    debtor = world.person()
    await _offer(world, debtor)
    for line in ("what is the rate?", "I don't agree with this", "can you call me?", "yes"):
        await debtor.say(line)
    assert await _arrangements(world) == []


async def test_issue13_an_approved_plan_accepted_is_an_arrangement(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann, ada = world.people["ann"], world.people["ada"]
    await world.desk.claim(handoff_id, ann)
    beyond = PlanRequest(Decimal("400"), overrides={"max_term_months": "18"})
    asked = await world.desk.offer_plan(handoff_id, ann, beyond, 0, "A longer plan.")
    assert asked.approval_id is not None
    assert await _press(debtor, ACCEPT) == []  # nothing was sent yet: nothing to accept
    assert await _arrangements(world) == []
    await world.desk.approve(asked.approval_id, ada, "hardship confirmed")
    await _press(debtor, ACCEPT)
    [arrangement] = await _arrangements(world)
    async with world.storage.uow() as uow:
        instalments = await uow.arrangements.instalments(pk(arrangement))
    assert len(instalments) == 18


async def test_issue13_a_lapsed_agent_plan_is_not_agreed(world: World) -> None:
    debtor = world.person()
    await _offer(world, debtor)
    world.clock.advance(days=40)
    replies = "\n".join(await _press(debtor, ACCEPT))
    assert "lapsed" in replies
    assert await _arrangements(world) == []


async def test_issue13_a_returned_conversation_forgets_the_agent_plan(world: World) -> None:
    debtor = world.person()
    handoff_id = await _offer(world, debtor)
    await world.desk.return_to_bot(handoff_id, world.people["ann"], "offer")
    world.clock.advance(minutes=5)
    await debtor.say("I accept")
    assert await _arrangements(world) == []


async def test_issue13_a_chinese_debtor_accepts_an_agent_plan_in_words(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor, "A-10001")
    ann = world.people["ann"]
    await world.desk.claim(handoff_id, ann)
    sent = await world.desk.offer_plan(handoff_id, ann, PlanRequest(Decimal("2500")), 0)
    assert sent.status == "sent"
    assert ("agent_plan:accept", "接受这个方案") in world.pushed.messages[-1].buttons
    replies = "\n".join(await debtor.say("好的，我同意这个方案"))
    assert "还款参考号" in replies
    assert len(await _arrangements(world, "A-10001")) == 1
