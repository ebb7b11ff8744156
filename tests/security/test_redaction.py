"""Issue 12, item 2: the verification answers a debtor types are never stored in plain text.

The transcript keeps a placeholder, the conversation context only keyed hashes; migration
0004 redacts what earlier versions stored.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.commands.base import Storage
from bot.storage.db import downgrade, upgrade
from bot.storage.models import Conversation, Message
from tests.engine_support import Debtor, demo_engine

REF = "A-20001"  # Maria Lopez: born 1985-02-14, phone ends 0142
SECRETS = ("1985", "02-14", "0142", "1985-02-15", "9999")


async def _stored(storage: Storage, chat_id: str) -> tuple[Conversation, list[Message]]:
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat("web", chat_id)
        assert conversation is not None
        assert conversation.id is not None
        messages = await uow.messages.transcript(conversation.id)
    return conversation, messages


def _inbound(messages: list[Message]) -> list[str]:
    return [m.text for m in messages if m.direction == "in"]


async def test_issue12_answers_are_stored_as_placeholders_and_the_context_keeps_hashes(
    storage: Storage,
) -> None:
    debtor = Debtor(await demo_engine(storage), chat_id="w-1", channel="web")
    await debtor.say(f"/start {REF}")
    await debtor.say("1985-02-15")
    conversation, _ = await _stored(storage, "w-1")
    context = json.dumps(conversation.context)
    assert "1985" not in context  # between the two questions: keyed hashes only
    assert conversation.context.get("dob")
    await debtor.say("my number ends 9999")
    await debtor.say("who is this?")
    await debtor.say("14 Feb 1985")
    await debtor.say("0142")
    assert debtor.state == "disclose"
    conversation, messages = await _stored(storage, "w-1")
    assert _inbound(messages) == [
        REF,
        "[date of birth]",
        "[phone digits]",
        "who is this?",
        "[date of birth]",
        "[phone digits]",
    ]
    stored = json.dumps(conversation.context) + "\n".join(m.text for m in messages)
    for secret in SECRETS:
        assert secret not in stored


async def test_issue12_an_answer_that_shows_distress_still_gets_the_crisis_line(
    storage: Storage,
) -> None:
    debtor = Debtor(await demo_engine(storage), chat_id="w-1", channel="web")
    await debtor.say(f"/start {REF}")
    await debtor.say("1985-02-14")
    replies = "\n".join(await debtor.say("0142 and honestly I want to die"))
    assert "988" in replies
    _, messages = await _stored(storage, "w-1")
    assert _inbound(messages)[-1] == "[phone digits]"


async def test_issue12_migration_0004_redacts_answers_stored_before(storage: Storage) -> None:
    debtor = Debtor(await demo_engine(storage), chat_id="w-old", channel="web")
    await debtor.say(f"/start {REF}")
    await debtor.say("1985-02-14")
    await debtor.say("my number ends 0142")
    other = Debtor(debtor.engine, chat_id="w-half", channel="web")
    await other.say(f"/start {REF}")
    await other.say("who is this?")
    await other.say("1985-02-14")
    # Put back what earlier versions stored: the typed answers and plain dates in context.
    async with storage.engine.begin() as conn:
        for placeholder, typed in (
            ("[date of birth]", "1985-02-14"),
            ("[phone digits]", "my number ends 0142"),
        ):
            await conn.execute(
                text("UPDATE message SET text = :typed WHERE text = :placeholder"),
                {"typed": typed, "placeholder": placeholder},
            )
        half, _ = await _stored(storage, "w-half")
        legacy = {**half.context, "dob": ["1985-02-14"]}
        await conn.execute(
            text("UPDATE conversation SET context = :context WHERE id = :id"),
            {"context": json.dumps(legacy), "id": half.id},
        )
    await downgrade(storage.engine, "0003")
    await upgrade(storage.engine)
    old, old_messages = await _stored(storage, "w-old")
    assert _inbound(old_messages) == [REF, "[date of birth]", "[phone digits]"]
    half, half_messages = await _stored(storage, "w-half")
    assert _inbound(half_messages) == [REF, "who is this?", "[date of birth]"]
    assert "dob" not in half.context
    assert half.context.get("verify_step") == "dob"  # asked for the date of birth again
    everything = json.dumps(old.context) + json.dumps(half.context)
    everything += "\n".join(m.text for m in old_messages + half_messages)
    for secret in ("1985", "0142"):
        assert secret not in everything
