"""The Telegram agent group: each handoff becomes a forum topic agents work from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.channels.telegram import start_telegram
from bot.channels.telegram.outbox import SendLimits
from bot.commands.base import Storage
from bot.config import load_settings
from bot.handoff.desk import HandoffDesk
from tests.engine_support import demo_engine
from tests.standin import TOKEN, StandIn

GROUP = -1001234500
DEBTOR = 42
AGENT = 9001
FAST = SendLimits(global_rate=10_000, chat_rate=10_000, chat_burst=10_000)


@dataclass
class Setup:
    api: StandIn
    desk: HandoffDesk


@pytest.fixture(params=["aiogram", "ptb"])
async def setup(request: pytest.FixtureRequest, storage: Storage) -> AsyncIterator[Setup]:
    engine = await demo_engine(storage)
    desk = HandoffDesk(engine)
    async with StandIn() as api:
        api.add_forum(GROUP)
        settings = load_settings(
            {
                "PARLEY_TELEGRAM_TOKEN": TOKEN,
                "PARLEY_TELEGRAM_API_BASE": api.base,
                "PARLEY_TELEGRAM_LIBRARY": request.param,
                "PARLEY_AGENT_CHAT_ID": str(GROUP),
            }
        )
        stop = await start_telegram(settings, engine, None, FAST, desk)
        assert stop is not None
        try:
            yield Setup(api, desk)
        finally:
            await stop()


async def _debtor(api: StandIn, text: str, count: int) -> list[str]:
    before = len(api.sent(DEBTOR))
    api.user_sends(DEBTOR, text, language_code="en")
    return [m["text"] for m in (await api.wait_for(DEBTOR, before + count))[before:]]


async def _agent(api: StandIn, thread: int, text: str, topic_replies: int) -> list[str]:
    before = len(api.sent(GROUP, thread_id=thread))
    api.group_sends(GROUP, thread, text, AGENT)
    found = await api.wait_for(GROUP, before + topic_replies, thread_id=thread)
    return [m["text"] for m in found[before:]]


async def test_an_agent_works_a_handoff_from_its_topic(setup: Setup) -> None:
    api = setup.api
    await _debtor(api, "/start A-20001", 2)
    await _debtor(api, "1985-02-14", 1)
    await _debtor(api, "0142", 2)
    told = await _debtor(api, "/human", 1)
    assert told
    await api.wait_until(lambda: bool(api.topics(GROUP)))
    (topic,) = api.topics(GROUP)
    assert topic.name == "A-20001 · human_requested"
    summary = await api.wait_for(GROUP, 1, thread_id=topic.thread_id)
    assert "Handoff #" in summary[0]["text"]

    # The debtor's words are mirrored into the topic while it is handed off.
    before = len(api.sent(GROUP, thread_id=topic.thread_id))
    api.user_sends(DEBTOR, "is anyone there?")
    mirrored = await api.wait_for(GROUP, before + 1, thread_id=topic.thread_id)
    assert mirrored[-1]["text"] == "Debtor: is anyone there?"

    claimed = await _agent(api, topic.thread_id, "/claim", 1)
    assert "claimed" in claimed[0]
    debtor_before = len(api.sent(DEBTOR))
    refused = await _agent(api, topic.thread_id, "Pay today or we will call the police", 1)
    assert refused[0].startswith("Not sent to the debtor:")
    good = "Hi, I'm Sam from the team. I can help you set up a plan."
    await _agent(api, topic.thread_id, good, 1)  # mirrored back as the agent's message
    reached = await api.wait_for(DEBTOR, debtor_before + 1)
    assert [m["text"] for m in reached[debtor_before:]] == [good]

    await _agent(api, topic.thread_id, "/return offer", 1)
    back = await api.wait_for(DEBTOR, debtor_before + 2)
    assert len(back) > debtor_before + 1
    async with setup.desk.uow() as uow:
        handoffs = await uow.handoffs.queue()
    assert handoffs == []


async def test_other_group_messages_are_ignored(setup: Setup) -> None:
    api = setup.api
    api.group_sends(GROUP, None, "good morning team", AGENT)
    api.user_sends(DEBTOR, "/start A-20001", language_code="en")
    await api.wait_for(DEBTOR, 2)
    assert api.sent(GROUP) == []


async def test_issue13_a_plan_sent_from_the_topic_and_accepted_is_an_arrangement(
    setup: Setup,
) -> None:
    api = setup.api
    await _debtor(api, "/start A-20001", 2)
    await _debtor(api, "1985-02-14", 1)
    await _debtor(api, "0142", 2)
    await _debtor(api, "/human", 1)
    await api.wait_until(lambda: bool(api.topics(GROUP)))
    (topic,) = api.topics(GROUP)
    await api.wait_for(GROUP, 1, thread_id=topic.thread_id)
    await _agent(api, topic.thread_id, "/claim", 1)
    assert (await _agent(api, topic.thread_id, "/plan abc", 1))[0].startswith("Not done:")
    before = len(api.sent(DEBTOR))
    # The topic is told the plan went out; the plan is mirrored there as the agent's message.
    told = await _agent(api, topic.thread_id, "/plan 400", 2)
    assert any("Plan sent to the debtor" in text for text in told)
    plan = (await api.wait_for(DEBTOR, before + 1))[-1]
    assert "$" in plan["text"]
    api.user_presses(
        DEBTOR, plan["message_id"], plan["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    agreed = await api.wait_for(DEBTOR, before + 2)
    assert "A20001-" in agreed[-1]["text"]
    async with setup.desk.uow() as uow:
        account = await uow.accounts.by_reference("A-20001")
        assert account is not None
        assert account.id is not None
        arrangements = await uow.arrangements.for_account(account.id)
    assert len(arrangements) == 1
