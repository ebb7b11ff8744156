"""Issue 13 in the dialog: what the offer and negotiate states say and do (no storage; the
engine-level personas are in tests/personas_negotiation.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.commands.base import Storage
from dialogs.model import HandoffRequested, OfferMade, Snapshot, State
from tests.handoff_support import make_world
from tests.test_dialog_world import POLICIES, Chat, effects, keys, verified

LANGUAGES = ("en", "zh_CN")


def _funnel(chat: Chat, recovery: str = "soon") -> None:
    for item in ("options", "reason:job_loss", f"recovery:{recovery}"):
        chat.tap(item)


def _with_situation(chat: Chat, **values: str) -> None:
    data = dict(chat.snapshot.data)
    funnel = dict(data.get("situation") or {})
    funnel.update(values)
    data["situation"] = funnel
    chat.snapshot = Snapshot(chat.snapshot.state, data, chat.snapshot.tone)


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue13_every_plan_line_carries_the_facts(language: str) -> None:
    chat = verified("A-10001", language)
    _funnel(chat)
    outcome = chat.say("2500")
    made = next(e for e in outcome.effects if isinstance(e, OfferMade))
    lines = [p for p in outcome.replies[0].parts if p.key.startswith("plan.line.")]
    assert len(lines) == len(made.plans)
    for line, plan in zip(lines, made.plans, strict=True):
        assert line.params["first_due"].isoformat() == plan["instalments"][0]["due"]
        assert line.params["apr"] == Decimal(plan["apr"]).normalize()
        assert Decimal(plan["saving"]) == Decimal(plan["waived"]["fees"]) + Decimal(
            plan["waived"]["interest"]
        ) + Decimal(plan["discount"])
        over = [p for p in line.parts if p.key == "plan.over"]
        assert bool(over) == (Decimal(plan["over_balance"]) > 0)
        assert any(p.key.startswith("plan.why.") for p in line.parts)
    # The holiday plan first, because income should return (recovery "soon").
    assert made.plans[0]["kind"] == "holiday_then_instalments"


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue13_the_unaffordable_rule_uses_what_is_left_when_smaller(language: str) -> None:
    chat = verified("A-10001", language)
    _funnel(chat)
    _with_situation(chat, left="300")  # what the budget step leaves after essentials
    outcome = chat.say("1000")  # a little below 1,084.64, but 300 is left: far below
    assert keys(outcome) == ["negotiate.unaffordable"]
    assert outcome.state is State.HANDOFF
    handoff = next(e for e in outcome.effects if isinstance(e, HandoffRequested))
    assert handoff.reason == "limits_reached"
    assert handoff.summary["stated"] == "1000"
    assert handoff.summary["left"] == "300"
    assert Decimal(handoff.summary["gap"]) == Decimal("1084.64") - 300


def test_issue13_ok_a_figure_at_the_lowest_plans_is_a_counter_not_a_yes() -> None:
    chat = verified("A-20001")
    _funnel(chat)
    chat.say("250 a month")
    assert chat.state is State.NEGOTIATE
    outcome = chat.say("ok 240 a month then")
    assert outcome.state is State.NEGOTIATE
    assert "ArrangementAgreed" not in effects(outcome)
    assert keys(outcome)[0] == "negotiate.below_min_plans"
    assert outcome.replies[0].params["amount"].amount == 240  # type: ignore[union-attr]


def test_issue13_the_rate_already_lowest_is_said_plainly() -> None:
    # A segment whose lowest rate is the account's own and that waives no interest.
    limits = {**POLICIES["cn-card-early"], "min_apr": "18.25", "max_interest_waiver_pct": "0"}
    chat = verified("A-10001", limits=limits)
    _funnel(chat, "unsure")
    chat.say("2500 a month")
    outcome = chat.say("can you drop the interest?")
    assert "negotiate.relief_none" in keys(outcome)
    assert "OfferMade" not in effects(outcome)


def test_issue13_a_choleric_debtor_gets_the_figure_first_and_no_reasons() -> None:
    chat = verified("A-10001")
    _funnel(chat)
    chat.say("Stop wasting my time. Give me the number.")
    outcome = chat.say("1000")
    assert outcome.tone == "choleric"
    text = chat.text(outcome)
    assert text.startswith("Lowest possible: CN¥1,084.64 a month")
    assert not any(k.startswith("plan.why.") for k in keys(outcome))


def test_issue13_a_phlegmatic_debtor_gets_a_not_sure_choice_one_question_at_a_time() -> None:
    chat = verified("A-10001")
    _funnel(chat, "unsure")
    chat.say("I don't know... I'm not sure what to do, maybe, I guess")
    outcome = chat.say("2500")
    assert outcome.tone == "phlegmatic"
    assert "offer:unsure" in [b.id for b in outcome.replies[-1].buttons]
    unsure = chat.tap("offer:unsure")
    assert keys(unsure) == ["offer.unsure"]
    assert unsure.replies[0].buttons[0].id == "plan:1"
    assert chat.tap("plan:1").state is State.AGREE


async def test_issue13_an_agent_sees_the_stated_figure_and_the_gap(storage: Storage) -> None:
    # Through the engine and the handoff desk, on SQLite (and PostgreSQL in CI).
    world = await make_world(storage)
    debtor = world.person()
    for line in ("/start A-10001", "1988-04-02", "8000", "I lost my job, I can pay 200 a month"):
        await debtor.say(line)
    assert debtor.state == "handoff"
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat(debtor.channel, debtor.chat_id)
        assert conversation is not None
        assert conversation.id is not None
        handoff = await uow.handoffs.open_for(conversation.id)
        assert handoff is not None
        assert handoff.id is not None
    assert handoff.reason == "limits_reached"
    panel = await world.desk.context(handoff.id)
    assert panel["summary"]["stated"] == "200.00"
    assert panel["summary"]["min_monthly"] == "1084.64"
    assert panel["summary"]["gap"] == "884.64"
    assert panel["situation"]["reason"] == "job_loss"


def test_issue13_a_question_about_a_small_figure_hands_nothing_off() -> None:
    chat = verified("A-10001")
    _funnel(chat, "unsure")
    outcome = chat.say("what would the total be if I paid 100 a month?")
    assert outcome.state is not State.HANDOFF
    assert "HandoffRequested" not in effects(outcome)
    assert "negotiate.below_min_plans" in keys(outcome)
