"""Handoff paths end to end through the engine and the desk, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from bot.commands.base import Storage
from bot.handoff import Conflict, HandoffError, NotYours, PlanRequest
from tests.handoff_support import World, make_world


@pytest.fixture
async def world(storage: Storage) -> World:
    return await make_world(storage)


async def test_while_handed_off_the_bot_says_nothing_on_its_own(world: World) -> None:
    debtor = world.person()
    await world.handoff(debtor)
    # Issue 13: a message while waiting is answered now and then; between those, nothing.
    assert await debtor.say("hello?") == [
        "Thank you — our team has your message. A person will reply here as soon as they "
        "can, usually within a working day."
    ]
    for line in ("are you there?", "I can pay 300 a month", "/help", "/start A-10003"):
        assert await debtor.say(line) == []
        assert debtor.state == "handoff"


async def test_stop_still_stops_and_then_an_agent_cannot_write(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    await world.desk.claim(handoff_id, world.people["ann"])
    confirmation = await debtor.say("STOP")
    assert len(confirmation) == 1
    assert debtor.state == "stopped"
    sent = await world.desk.reply(handoff_id, world.people["ann"], "Hello, I'm Ann.")
    assert not sent.sent
    assert sent.reasons[0].startswith("opted_out")
    assert [m.status for m in await world.outbox(debtor, "agent")] == ["blocked"]


async def test_self_harm_gets_the_crisis_line_at_once_and_priority_zero(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    assert (await world.handoff_row(handoff_id)).priority > 0
    replies = "\n".join(await debtor.say("I want to kill myself"))
    assert "12356" in replies  # the CN crisis line, in the very reply
    assert (await world.handoff_row(handoff_id)).priority == 0
    assert (await world.desk.queue())[0].priority == 0


async def test_two_agents_claiming_at_once_exactly_one_wins(world: World) -> None:
    handoff_id = await world.handoff(world.person())
    agents = [world.people["ann"], world.people["bob"], world.people["ada"]]
    results = await asyncio.gather(
        *(world.desk.claim(handoff_id, agent) for agent in agents), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, NotYours) for e in losers), losers
    row = await world.handoff_row(handoff_id)
    assert row.status == "claimed"
    assert row.agent_id == winners[0].agent_id
    claims = [k for k, _ in await world.audit_kinds() if k == "handoff.claimed"]
    assert len(claims) == 1


async def test_agent_reply_passes_the_outbound_guard(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann = world.people["ann"]
    with pytest.raises(Conflict):
        await world.desk.reply(handoff_id, ann, "Hi")  # not claimed yet
    await world.desk.claim(handoff_id, ann)
    with pytest.raises(NotYours):
        await world.desk.reply(handoff_id, world.people["bob"], "Hi")
    refused = await world.desk.reply(handoff_id, ann, "Pay today or the police will arrest you.")
    assert not refused.sent
    assert any(r.startswith("banned.threat") for r in refused.reasons)
    good = await world.desk.reply(handoff_id, ann, "Hi, I'm Ann. Let's find a plan together.")
    assert good.sent
    agent_messages = await world.outbox(debtor, "agent")
    assert [(m.status, m.text[:6]) for m in agent_messages] == [
        ("blocked", "Pay to"),
        ("pending", "Hi, I'"),
    ]
    assert [m.message_id for m in world.pushed.messages] == [good.message_id]
    kinds = await world.audit_kinds()
    assert ("guard.outbound.blocked", "agent:ann") in kinds
    assert ("agent.message", "agent:ann") in kinds


async def test_return_resumes_at_the_chosen_state_with_a_handback(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann = world.people["ann"]
    await world.desk.claim(handoff_id, ann)
    reached = await world.desk.return_to_bot(handoff_id, ann, "offer")
    assert reached == "offer"
    handback = [m.text for m in world.pushed.messages]
    assert handback[0].startswith("Thanks for waiting")
    row = await world.handoff_row(handoff_id)
    assert (row.status, row.ended_at is not None) == ("returned", True)
    async with world.storage.uow() as uow:
        conversation = await uow.conversations.get(row.conversation_id)
    assert conversation is not None
    assert (conversation.mode, conversation.state) == ("bot", "offer")
    assert await debtor.say("none of these fit") != []  # the bot talks again
    with pytest.raises(Conflict):
        await world.desk.return_to_bot(handoff_id, ann, "offer")
    assert ("handoff.returned", "agent:ann") in await world.audit_kinds()


async def test_a_return_that_hands_off_again_opens_a_new_handoff(world: World) -> None:
    debtor = world.person()
    first = await world.handoff(debtor)
    ann = world.people["ann"]
    await world.desk.claim(first, ann)
    await world.desk.return_to_bot(first, ann, "offer")
    await debtor.say("/human")
    queue = await world.desk.queue()
    assert [t.status for t in queue] == ["queued"]
    assert queue[0].handoff_id != first


@pytest.mark.parametrize("state", ["closed", "bogus"])
async def test_close_and_bad_states(world: World, state: str) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann = world.people["ann"]
    await world.desk.claim(handoff_id, ann)
    if state == "bogus":
        with pytest.raises(HandoffError):
            await world.desk.return_to_bot(handoff_id, ann, state)
        return
    assert await world.desk.close(handoff_id, ann, "settled by phone") == "closed"
    assert (await world.handoff_row(handoff_id)).status == "closed"
    assert world.pushed.messages == []  # closing says nothing to the debtor


async def test_release_puts_it_back_in_the_queue(world: World) -> None:
    handoff_id = await world.handoff(world.person())
    await world.desk.claim(handoff_id, world.people["ann"])
    with pytest.raises(NotYours):
        await world.desk.release(handoff_id, world.people["bob"])
    ticket = await world.desk.release(handoff_id, world.people["ann"])
    assert (ticket.status, ticket.agent) == ("queued", None)
    assert (await world.desk.claim(handoff_id, world.people["bob"])).agent == "bob"


async def test_an_unclaimed_handoff_past_its_target_tells_the_debtor_once(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    target = (await world.handoff_row(handoff_id)).target_seconds
    world.clock.advance(seconds=target - 1)
    assert await world.desk.overdue() == []
    world.clock.advance(seconds=2)
    notices = await world.desk.overdue()
    assert len(notices) == 1
    assert "It may take up to 1 hour" in notices[0].text
    assert "tomorrow 10am" in notices[0].text  # the callback invitation
    assert await world.desk.overdue() == []  # once only
    confirmation = await debtor.say("tomorrow at 10am would be great")
    assert confirmation
    assert "Sun 29 Nov, 10:00" in confirmation[0]
    row = await world.handoff_row(handoff_id)
    assert row.callback_at is not None
    assert row.callback_at.isoformat() == "2026-11-29T02:00:00+00:00"  # 10:00 in Shanghai
    assert await debtor.say("tomorrow 3pm instead") == []  # one callback time is kept


async def test_a_claimed_handoff_is_not_overdue(world: World) -> None:
    handoff_id = await world.handoff(world.person())
    await world.desk.claim(handoff_id, world.people["ann"])
    world.clock.advance(hours=5)
    assert await world.desk.overdue() == []


async def test_plans_within_limits_go_out_beyond_them_wait_for_an_admin(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann, ada = world.people["ann"], world.people["ada"]
    await world.desk.claim(handoff_id, ann)
    inside = PlanRequest(Decimal("600"))
    calc = await world.desk.calculate(handoff_id, inside)
    assert calc.options
    assert calc.options[0].within_limits
    sent = await world.desk.offer_plan(handoff_id, ann, inside, 0, "Here is one option.")
    assert sent.status == "sent"
    beyond = PlanRequest(Decimal("400"), overrides={"max_term_months": "18"})
    calc = await world.desk.calculate(handoff_id, beyond)
    assert calc.options
    assert calc.options[0].breaches
    asked = await world.desk.offer_plan(handoff_id, ann, beyond, 0, "A longer plan.")
    assert asked.status == "pending_approval"
    assert asked.approval_id is not None
    texts = [m.text for m in await world.outbox(debtor, "agent")]
    assert len(texts) == 1  # nothing reaches the debtor before an admin approves
    with pytest.raises(NotYours):
        await world.desk.approve(asked.approval_id, ann)
    approved = await world.desk.approve(asked.approval_id, ada, "hardship confirmed")
    assert approved.status == "sent"
    texts = [m.text for m in await world.outbox(debtor, "agent")]
    assert len(texts) == 2
    assert "A longer plan." in texts[1]
    assert "× 18" in texts[1]
    with pytest.raises(Conflict):
        await world.desk.deny(asked.approval_id, ada)
    kinds = await world.audit_kinds()
    for kind in ("approval.requested", "approval.approved", "offer.made"):
        assert kind in {k for k, _ in kinds}


async def test_a_denied_plan_never_reaches_the_debtor(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann, ada = world.people["ann"], world.people["ada"]
    await world.desk.claim(handoff_id, ann)
    beyond = PlanRequest(Decimal("400"), overrides={"max_term_months": "18"})
    asked = await world.desk.offer_plan(handoff_id, ann, beyond, 0)
    assert asked.approval_id is not None
    denied = await world.desk.deny(asked.approval_id, ada, "too long")
    assert denied.status == "denied"
    assert await world.outbox(debtor, "agent") == []
    assert await world.desk.approvals() == []


async def test_returning_withdraws_pending_approvals(world: World) -> None:
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann, ada = world.people["ann"], world.people["ada"]
    await world.desk.claim(handoff_id, ann)
    beyond = PlanRequest(Decimal("400"), overrides={"max_term_months": "18"})
    asked = await world.desk.offer_plan(handoff_id, ann, beyond, 0)
    assert asked.approval_id is not None
    await world.desk.return_to_bot(handoff_id, ann)
    with pytest.raises(Conflict):
        await world.desk.approve(asked.approval_id, ada)
