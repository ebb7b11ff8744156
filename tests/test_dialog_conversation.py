"""Issue 13 items 2, 6, 7 and 8 in the dialog alone (pure steps; see tests/test_dialog_world.py).

The same points are played through the engine on SQLite and PostgreSQL by the personas of
tests/personas_conversation.py and, for agent plans, tests/test_handoff_plans.py.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from dialogs.model import ArrangementAgreed, Event, EventKind, Snapshot, State, StepContext
from dialogs.states.agent_plan import AGENT_PLAN
from dialogs.states.situation import _monthly_total, _suggest
from dialogs.turn import Turn
from tests.test_dialog_world import Chat, at_offer, keys, verified


def _at_monthly(ref: str = "A-10001", language: str = "en") -> Chat:
    chat = verified(ref, language)
    chat.tap("options")
    chat.tap("reason:job_loss")
    chat.tap("recovery:months")
    assert chat.snapshot.data["situation"]["step"] == "monthly"
    return chat


# --- item 2: affordability in layers --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        ("2000", "2000.00"),
        ("500 a week", "2166.67"),
        ("1000 every two weeks", "2166.67"),
        ("rent 800, food 300 a month, bus 20 a week", "1186.67"),
        ("每周500", "2166.67"),
        ("房租三千，吃饭两千", "5000.00"),
    ],
)
def test_issue13_budget_figures_are_monthly_whatever_their_frequency(
    text: str, monthly: str
) -> None:
    chat = _at_monthly()
    locale = "en" if text.isascii() else "zh_CN"
    turn = Turn(chat.snapshot, _event(text, chat), _ctx(), {}, locale=locale)
    assert _monthly_total(turn) == Decimal(monthly)


def test_issue13_the_suggestion_leaves_room_and_is_a_round_figure() -> None:
    assert _suggest(Decimal("446.66")) == Decimal("220.00")
    assert _suggest(Decimal("3233.34")) == Decimal("1610.00")
    assert _suggest(Decimal("9")) == Decimal("0.00")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_issue13_budget_keeps_left_and_suggested_for_the_offer(language: str) -> None:
    chat = _at_monthly(language=language)
    assert keys(chat.tap("budget:start")) == ["situation.ask_income"]
    noted = chat.say("3000")
    assert keys(noted) == ["situation.income_noted", "situation.ask_outgoings"]
    left = chat.say("1800")
    assert keys(left)[0] == "situation.budget_left"
    funnel = chat.snapshot.data["situation"]
    assert (funnel["left"], funnel["suggested"]) == ("1200.00", "600.00")
    offered = chat.tap("budget:use")
    assert offered.state in (State.OFFER, State.NEGOTIATE)
    assert chat.snapshot.data["situation"]["monthly"] == "600.00"


def test_issue13_nothing_left_is_never_pushed() -> None:
    chat = _at_monthly()
    chat.tap("budget:start")
    chat.say("1000 a month")
    tight = chat.say("1200")
    assert keys(tight)[:2] == ["situation.budget_tight", "situation.ask_monthly"]
    assert chat.snapshot.data["situation"]["left"] == "0.00"
    assert "suggested" not in chat.snapshot.data["situation"]


@pytest.mark.parametrize("skip", ["button", "I'd rather not say", "不想说"])
def test_issue13_rather_not_say_always_works(skip: str) -> None:
    chat = _at_monthly()
    chat.tap("budget:start")
    out = chat.tap("budget:skip") if skip == "button" else chat.say(skip)
    assert keys(out) == ["situation.budget_skipped", "situation.ask_monthly"]
    assert chat.state is State.SITUATION


# --- item 6: temperament shapes the turn ----------------------------------------------------


def test_issue13_choleric_gets_no_preamble() -> None:
    chat = verified("A-20001")
    chat.say("hurry up, just tell me, this is ridiculous")
    out = chat.say("I lost my job, get to the point")
    assert out.tone == "choleric"
    assert keys(out) == ["situation.ask_recovery"]


def test_issue13_phlegmatic_gets_a_not_sure_choice() -> None:
    chat = verified("A-20001")
    chat.say("hmm... I'm not sure... let me think")
    out = chat.tap("options")
    assert out.tone == "phlegmatic"
    assert "reason:unsure" in [b.id for b in out.replies[-1].buttons]
    chat.tap("reason:unsure")
    assert chat.snapshot.data["situation"]["reason"] == "other"


# --- item 7: rough edges --------------------------------------------------------------------


def test_issue13_time_barred_notice_comes_before_the_plans() -> None:
    chat = verified("A-20002")
    chat.tap("options")
    chat.tap("reason:job_loss")
    chat.tap("recovery:unsure")
    plans = chat.say("150")
    assert plans.state in (State.OFFER, State.NEGOTIATE)
    assert keys(plans)[0] == "notice.time_barred"  # its own message, before any plan
    assert keys(plans).count("notice.time_barred") == 1


def test_issue13_gb_advice_after_a_hardship_button() -> None:
    chat = verified("A-30001")
    chat.tap("options")
    assert "advice.GB" in keys(chat.tap("reason:illness"))
    assert "advice.GB" not in keys(chat.tap("recovery:months"))  # once


def test_issue13_no_gb_advice_for_something_else() -> None:
    chat = verified("A-30001")
    chat.tap("options")
    assert "advice.GB" not in keys(chat.tap("reason:other"))


def test_issue13_attorney_details_are_not_asked_for_twice() -> None:
    chat = verified("A-20001")
    asked = chat.say("talk to my lawyer", guard="attorney")
    assert keys(asked) == ["guard.attorney"]
    given = chat.say("Jane Roe, 555-010-2233")
    assert keys(given) == ["guard.attorney_noted"]
    assert keys(chat.say("hello?", minutes=5)) == []


def test_issue13_waiting_line_now_and_then_and_after_a_crisis_the_crisis_line() -> None:
    chat = at_offer()
    chat.send(EventKind.HUMAN)
    assert keys(chat.say("hello?")) == ["handoff.waiting"]
    assert keys(chat.say("anyone?", minutes=30)) == []
    assert keys(chat.say("still there?", minutes=120)) == ["handoff.waiting"]
    chat.say("I want to end it all", guard="self_harm")
    urgent = chat.say("please", minutes=180)
    assert keys(urgent)[0] == "handoff.waiting_urgent"
    assert any(k.startswith("crisis.") for k in keys(urgent))


def test_issue13_chinese_start_opts_back_in() -> None:
    chat = verified("A-10001", "zh_CN")
    chat.say("退订", guard="cease_contact")
    assert chat.state is State.STOPPED
    back = chat.say("开始")
    assert back.state is not State.STOPPED


# --- item 8: agent plans --------------------------------------------------------------------


def _agent_plan(chat: Chat, valid_days: int = 14) -> dict[str, object]:
    due = (chat.now + timedelta(days=5)).date().isoformat()
    return {
        "kind": "instalments",
        "currency": "CNY",
        "total": "1200.00",
        "monthly": "600.00",
        "valid_until": (chat.now + timedelta(days=valid_days)).date().isoformat(),
        "instalments": [{"due": due, "amount": "600.00"}, {"due": due, "amount": "600.00"}],
        "by": "agent:ann",
    }


def _handed_off_with_plan(valid_days: int = 14) -> Chat:
    chat = at_offer()
    chat.send(EventKind.HUMAN)
    data = {**chat.snapshot.data, AGENT_PLAN: _agent_plan(chat, valid_days)}
    chat.snapshot = Snapshot(State.HANDOFF, data, chat.snapshot.tone)
    return chat


@pytest.mark.parametrize("accept", ["button", "I accept the plan", "同意这个方案"])
def test_issue13_an_agent_plan_accepted_is_agreed(accept: str) -> None:
    chat = _handed_off_with_plan()
    out = chat.tap("agent_plan:accept") if accept == "button" else chat.say(accept)
    agreed = [e for e in out.effects if isinstance(e, ArrangementAgreed)]
    assert len(agreed) == 1
    assert agreed[0].plan["by"] == "agent:ann"
    assert keys(out)[0] == "agree.done"
    assert out.state is State.HANDOFF
    assert AGENT_PLAN not in out.data


@pytest.mark.parametrize("text", ["yes", "我不同意", "what's the rate?", "I don't agree"])
def test_issue13_other_words_do_not_accept_an_agent_plan(text: str) -> None:
    chat = _handed_off_with_plan()
    out = chat.say(text)
    assert not [e for e in out.effects if isinstance(e, ArrangementAgreed)]


def test_issue13_a_lapsed_agent_plan_is_not_agreed() -> None:
    chat = _handed_off_with_plan(valid_days=1)
    out = chat.send(EventKind.BUTTON, button="agent_plan:accept", minutes=60 * 24 * 3)
    assert keys(out) == ["agent_plan.lapsed"]
    assert not [e for e in out.effects if isinstance(e, ArrangementAgreed)]


def _event(text: str, chat: Chat) -> Event:
    return Event(EventKind.TEXT, chat.now, text)


def _ctx() -> StepContext:
    return StepContext("C", "en", False, None, {}, lambda *_: False, None, None, False)


@pytest.mark.parametrize("typed", ["“开始”", "开始。", '"START"'])
def test_issue13_start_typed_with_quotes_opts_back_in(typed: str) -> None:
    chat = verified("A-10001", "zh_CN")
    chat.say("退订", guard="cease_contact")
    back = chat.say(typed)
    assert back.state is not State.STOPPED


@pytest.mark.parametrize("unsure", ["button", "not sure"])
def test_issue13_not_sure_during_the_budget_skips_it(unsure: str) -> None:
    chat = _at_monthly()
    chat.tap("budget:start")
    out = chat.tap("monthly:unsure") if unsure == "button" else chat.say(unsure)
    assert keys(out) == ["situation.budget_skipped", "situation.ask_monthly"]


def test_issue13_own_figure_at_the_suggestion_is_the_monthly_amount() -> None:
    chat = _at_monthly()
    chat.tap("budget:start")
    chat.say("3000")
    chat.say("1800")
    out = chat.say("I'd rather do 1000 a month")
    assert out.state in (State.OFFER, State.NEGOTIATE)
    assert Decimal(chat.snapshot.data["situation"]["monthly"]) == Decimal(1000)
