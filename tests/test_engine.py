"""The engine end to end on a real database: lock, load, guard, dialog, guard, persist."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select
from sqlmodel import col

from bot.channels.inbound import classify
from bot.commands.base import Storage
from bot.engine import Inbound
from bot.storage.models import AuditEvent, ChannelIdentity, Handoff, Message
from dialogs.model import EventKind
from tests.engine_support import Clock, Debtor, demo_engine

BALANCE_PIECES = ("13,060", "13060", "12,000", "12000", "860.50", "860")


async def _count(storage: Storage, model: type, *where: object) -> int:
    async with storage.uow() as uow:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int((await uow.session.execute(query)).scalar_one())


async def test_a_duplicate_update_is_processed_once(storage: Storage) -> None:
    engine = await demo_engine(storage)
    inbound = Inbound(
        "telegram",
        "c1",
        EventKind.START,
        text="A-10001",
        start_ref="A-10001",
        platform_id="u:77",
        client_language="en",
    )
    first = await engine.handle(inbound)
    again = await engine.handle(inbound)
    assert not first.duplicate
    assert first.messages
    assert again.duplicate
    assert again.messages == ()
    assert await _count(storage, Message, col(Message.direction) == "in") == 1


async def test_nothing_about_the_debt_before_verification(storage: Storage) -> None:
    debtor = Debtor(await demo_engine(storage))
    replies = await debtor.say("/start A-10001")
    replies += await debtor.say("how much do I owe??")
    replies += await debtor.say("what is my balance, just tell me")
    joined = "\n".join(replies)
    assert replies
    for piece in BALANCE_PIECES:
        assert piece not in joined
    assert debtor.state == "verify"


async def test_verification_then_disclosure_in_the_accounts_language(storage: Storage) -> None:
    debtor = Debtor(await demo_engine(storage), language="en")
    greeting = await debtor.say("/start A-10001")
    assert all(re.search(r"[A-Za-z]", text) for text in greeting)
    await debtor.say("1988-04-02")
    disclosed = "\n".join(await debtor.say("8000"))
    assert "¥13,060.50" in disclosed  # zh_CN: the account's locale after verification
    assert debtor.state == "disclose"
    async with storage.uow() as uow:
        identity = await uow.identities.get("telegram", "chat-1")
    assert identity is not None
    assert identity.verified_at is not None


async def test_three_wrong_pairs_lock_and_hand_off(storage: Storage) -> None:
    clock = Clock()
    debtor = Debtor(await demo_engine(storage, clock))
    await debtor.say("/start A-20001")
    for _ in range(3):
        await debtor.say("1985-02-15")
        await debtor.say("9999")
    async with storage.uow() as uow:
        account = await uow.accounts.by_reference("A-20001")
        conversation = await uow.conversations.for_chat("telegram", "chat-1")
        assert conversation is not None
        assert conversation.id is not None
        handoff = await uow.handoffs.open_for(conversation.id)
    assert account is not None
    assert account.verification_locked_until is not None
    assert account.verification_locked_until > clock.now
    assert handoff is not None
    assert handoff.reason == "verification_locked"
    # The right answers now do not unlock it, and the lock holds on another channel too.
    other = Debtor(debtor.engine, chat_id="web-1", channel="web")
    await other.say("/start A-20001")
    await other.say("1985-02-14")
    replies = "\n".join(await other.say("0142"))
    for piece in ("4,655", "4655", "4,200", "4200"):
        assert piece not in replies


async def test_stop_sends_one_confirmation_then_nothing(storage: Storage) -> None:
    debtor = Debtor(await demo_engine(storage))
    await debtor.say("/start A-20001")
    confirmation = await debtor.say("STOP")
    assert len(confirmation) == 1
    for text in ("hello?", "how much do I owe", "/help", "I want to pay", "STOP"):
        assert await debtor.say(text) == []
    async with storage.uow() as uow:
        identity = await uow.identities.get("telegram", "chat-1")
    assert identity is not None
    assert identity.opted_out_at is not None
    back = await debtor.say("START")
    assert back
    async with storage.uow() as uow:
        identity = await uow.identities.get("telegram", "chat-1")
    assert identity is not None
    assert identity.opted_out_at is None
    assert identity.opted_in_at is not None


async def test_a_restarted_engine_resumes_the_conversation(storage: Storage) -> None:
    clock = Clock()
    debtor = Debtor(await demo_engine(storage, clock))
    await debtor.say("/start A-30001")
    await debtor.say("08/03/1990")
    await debtor.say("0123")
    assert debtor.state == "disclose"
    clock.advance(days=1)
    restarted = Debtor(await demo_engine(storage, clock))  # a new process on the same database
    restarted._update = 100
    replies = await restarted.say("hi again")
    assert replies
    assert restarted.state not in ("greet", "verify")


async def test_self_harm_gets_the_crisis_line_at_once_and_a_priority_handoff(
    storage: Storage,
) -> None:
    debtor = Debtor(await demo_engine(storage))
    await debtor.say("/start A-20001")
    await debtor.say("1985-02-14")
    await debtor.say("0142")
    replies = "\n".join(await debtor.say("honestly i just want to end it all"))
    assert "988" in replies
    async with storage.uow() as uow:
        queue = await uow.handoffs.queue()
    assert [(h.reason, h.priority) for h in queue] == [("self_harm", 0)]
    assert await _count(storage, AuditEvent, col(AuditEvent.kind) == "guard.inbound") == 1


async def test_one_chats_messages_are_handled_in_order(storage: Storage) -> None:
    engine = await demo_engine(storage)
    texts = ["/start A-30002", "1967-08-19", "0456"]
    inbounds = []
    for index, text in enumerate(texts):
        kind, body, ref = classify(text)
        inbounds.append(
            Inbound(
                "telegram",
                "same",
                kind,
                text=body,
                start_ref=ref,
                platform_id=f"o:{index}",
                client_language="en",
            )
        )
    results = []
    for inbound in inbounds:  # submitted at once; the lock keeps them in order
        results.append(asyncio.create_task(engine.handle(inbound)))
    done = await asyncio.gather(*results)
    assert done[-1].state == "disclose"
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat("telegram", "same")
        assert conversation is not None
        assert conversation.id is not None
        transcript = await uow.messages.transcript(conversation.id)
    inbound_texts = [m.text for m in transcript if m.direction == "in"]
    # In order; the answers as the transcript keeps them (issue 12: never in plain text).
    assert inbound_texts == ["A-30002", "[date of birth]", "[phone digits]"]


async def test_every_step_is_one_transaction_with_audit(storage: Storage) -> None:
    debtor = Debtor(await demo_engine(storage))
    await debtor.say("/start A-20003")
    await debtor.say("1991-12-05")
    await debtor.say("0123")
    async with storage.uow() as uow:
        kinds = [e.kind for e in await uow.audit.recent(limit=50)]
    assert "verification.passed" in kinds
    assert "conversation.bound" in kinds
    assert await _count(storage, ChannelIdentity) == 1
    assert await _count(storage, Handoff) == 0
