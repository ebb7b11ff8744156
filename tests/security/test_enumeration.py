"""Issue 12, item 10: a reference that matches no account gets the same replies as one that
does, until verification succeeds, so references cannot be enumerated."""

from __future__ import annotations

import re

import pytest

from bot.commands.base import Storage
from tests.engine_support import Debtor, demo_engine

KNOWN = "A-20001"  # Maria Lopez, born 1985-02-14, phone ending 0142
UNKNOWN = "A-29999"
WRONG = (("1970-01-01", "0000"), ("1971-02-02", "1111"), ("1972-03-03", "2222"))


def _shape(texts: list[str]) -> list[str]:
    """A reply with its times masked: the lock's end is shown in the account's time zone."""
    return [re.sub(r"\d", "#", text) for text in texts]


async def _conversation(debtor: Debtor, opening: list[str]) -> list[tuple[list[str], str]]:
    """Each reply and the state after it, through three wrong answers to the lock."""
    seen: list[tuple[list[str], str]] = []
    for line in [*opening, "hmm", *[part for pair in WRONG for part in pair]]:
        texts = await debtor.say(line)
        assert debtor.last is not None
        seen.append((_shape(texts), debtor.last.state))
    return seen


@pytest.mark.parametrize(
    "opening",
    [
        pytest.param(["/start {ref}"], id="deep link"),
        pytest.param(["hello", "my reference is {ref}"], id="typed"),
        pytest.param(["hello", "{ref}"], id="typed alone"),
    ],
)
async def test_issue12_known_and_unknown_references_get_the_same_replies(
    storage: Storage, opening: list[str]
) -> None:
    engine = await demo_engine(storage)
    known = await _conversation(
        Debtor(engine, chat_id="known"), [line.format(ref=KNOWN) for line in opening]
    )
    unknown = await _conversation(
        Debtor(engine, chat_id="unknown"), [line.format(ref=UNKNOWN) for line in opening]
    )
    assert unknown == known
    assert known[len(opening) - 1][1] == "verify"  # the reference was taken, DOB asked
    assert known[-1][1] == "handoff"  # three wrong pairs lock and hand off, for both


async def test_issue12_an_unknown_reference_never_verifies(storage: Storage) -> None:
    engine = await demo_engine(storage)
    debtor = Debtor(engine, chat_id="guess")
    await debtor.say(f"/start {UNKNOWN}")
    await debtor.say("1985-02-14")
    replies = await debtor.say("0142")  # the answers of another account
    assert debtor.last is not None
    assert debtor.last.state == "verify"
    assert "don't match" in " ".join(replies)
    # ... and the right reference afterwards binds the account and asks again from the start.
    await debtor.say(f"/start {KNOWN}")
    await debtor.say("1985-02-14")
    await debtor.say("0142")
    assert debtor.last.state != "verify"


async def test_issue12_a_bound_chat_gets_the_same_reply_for_another_reference(
    storage: Storage,
) -> None:
    engine = await demo_engine(storage)
    replies = {}
    for other in ("A-20002", UNKNOWN):
        debtor = Debtor(engine, chat_id=f"bound-{other}")
        await debtor.say(f"/start {KNOWN}")
        await debtor.say("1985-02-14")
        await debtor.say("0142")  # verified for A-20001
        texts = await debtor.say(f"/start {other}")
        assert debtor.last is not None
        replies[other] = (_shape(texts), debtor.last.state)
    assert replies["A-20002"] == replies[UNKNOWN]
