"""The safety net under the guard: a stop in the debtor's own words, and a stop or a
vulnerability that sounds like a farewell (dialogs/safety.py; DESIGN §6, §7)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compliance import Category, detect
from dialogs.model import (
    EventKind,
    HandoffPriorityRaised,
    HandoffRequested,
    Note,
    OptedOut,
    Outcome,
    State,
)
from dialogs.safety import bare_stop
from tests.test_dialog_world import Chat, at_offer, keys

# The two farewells a held-out batch found read as a request to stop (holdout5).
FAREWELLS = {
    "en": "dont know why i bother waking up anymore",
    "zh_CN": "今晚过后你们就不用再找我了",
}
BARE = {"en": "STOP", "zh_CN": "退订"}
FREE_TEXT_STOP = {"en": "please stop texting me", "zh_CN": "别再给我发消息了"}
FOLLOW_UPS = {
    "en": ["hello?", "why won't you answer", "dont know why i bother waking up anymore"],
    "zh_CN": ["在吗", "为什么不回我", "今晚过后你们就不用再找我了"],
}
REVIEW = {"review": "free-text stop; check on wellbeing"}


def _greet(language: str) -> Chat:
    return Chat(language=language)


def _verify(language: str) -> Chat:
    chat = Chat(language=language)
    chat.start("A-10001")
    return chat


def _offer(language: str) -> Chat:
    return at_offer(language=language)


def _handoff(language: str) -> Chat:
    chat = at_offer(language=language)
    chat.send(EventKind.HUMAN)
    return chat


STATES: dict[State, Callable[[str], Chat]] = {
    State.GREET: _greet,
    State.VERIFY: _verify,
    State.OFFER: _offer,
    State.HANDOFF: _handoff,
}


def _lines(state: State, language: str) -> tuple[str, ...]:
    """The crisis numbers the reply must give: A-10001 is a CN account; before an account
    is bound, the chat language's usual lines (English: the US and UK ones)."""
    if state is State.GREET and language == "en":
        return ("988", "116 123")
    return ("12356",)


def _said(chat: Chat, text: str) -> Outcome:
    """The debtor writes ``text``; the guard reads it as it would in production."""
    return chat.say(text, guard=detect(text, chat.language).category.value)


def _handoffs(outcome: Outcome) -> list[tuple[str, int]]:
    """Handoffs asked for, or (already in a person's hands) raised to a priority: the guard's
    model reads some farewells as self-harm outright (issue 11)."""
    kinds = (HandoffRequested, HandoffPriorityRaised)
    return [(e.reason, e.priority) for e in outcome.effects if isinstance(e, kinds)]


def _cases() -> list[object]:
    return [
        pytest.param(state, language, id=f"{state.value}-{language}")
        for state in STATES
        for language in FAREWELLS
    ]


@pytest.mark.parametrize(("state", "language"), _cases())
def test_a_farewell_read_by_the_guard_gets_the_crisis_line(state: State, language: str) -> None:
    chat = STATES[state](language)
    assert chat.state is state
    outcome = _said(chat, FAREWELLS[language])
    text = chat.text(outcome)
    assert all(line in text for line in _lines(state, language)), text
    assert ("self_harm", 0) in _handoffs(outcome)
    assert not any(r.states_debt for r in outcome.replies)


@pytest.mark.parametrize(("state", "language"), _cases())
def test_issue11_self_harm_that_also_asks_us_to_stop_still_stops(
    state: State, language: str
) -> None:
    """The learned model reads some farewells as self_harm outright, with cease_contact
    beside it: the crisis reply comes, and the stop is honoured as well."""
    chat = STATES[state](language)
    outcome = chat.say(FAREWELLS[language], guard="self_harm,cease_contact")
    text = chat.text(outcome)
    assert all(line in text for line in _lines(state, language)), text
    assert OptedOut() in outcome.effects
    assert ("self_harm", 0) in _handoffs(outcome)
    assert outcome.state is State.STOPPED
    for follow_up in FOLLOW_UPS[language]:
        assert _said(chat, follow_up).replies == ()


@pytest.mark.parametrize(("state", "language"), _cases())
def test_a_farewell_read_as_a_stop_is_answered_as_self_harm_and_still_stops(
    state: State, language: str
) -> None:
    chat = STATES[state](language)
    outcome = chat.say(FAREWELLS[language], guard="cease_contact")
    text = chat.text(outcome)
    assert all(line in text for line in _lines(state, language)), text
    assert len(outcome.replies) == 1  # one message: the crisis reply is the confirmation
    before = state in (State.GREET, State.VERIFY)  # no word of payments yet (issue 11)
    assert keys(outcome)[0] == ("guard.self_harm_unverified" if before else "guard.self_harm")
    assert "guard.cease_contact" not in keys(outcome)
    assert OptedOut() in outcome.effects
    assert _handoffs(outcome) == [("self_harm", 0)]
    notes = [e for e in outcome.effects if isinstance(e, Note)]
    assert [n.kind for n in notes] == ["dialog.distress"]
    assert notes[0].data["distress"]
    assert outcome.state is State.STOPPED
    for follow_up in FOLLOW_UPS[language]:
        after = _said(chat, follow_up)
        assert after.replies == ()
        assert after.state is State.STOPPED


@pytest.mark.parametrize(("state", "language"), _cases())
def test_a_bare_stop_gets_the_plain_confirmation_and_then_nothing(
    state: State, language: str
) -> None:
    chat = STATES[state](language)
    outcome = _said(chat, BARE[language])
    assert keys(outcome) == ["guard.cease_contact"]
    assert outcome.effects == (OptedOut(),)
    text = chat.text(outcome)
    assert not any(line in text for line in ("988", "116 123", "12356")), text
    assert outcome.state is State.STOPPED
    for follow_up in FOLLOW_UPS[language]:
        after = _said(chat, follow_up)
        assert after.replies == ()
        assert after.state is State.STOPPED


@pytest.mark.parametrize(("state", "language"), _cases())
def test_a_stop_in_own_words_gets_one_confirmation_with_a_wellbeing_line(
    state: State, language: str
) -> None:
    chat = STATES[state](language)
    outcome = _said(chat, FREE_TEXT_STOP[language])
    assert len(outcome.replies) == 1
    assert keys(outcome)[:2] == ["guard.cease_contact", "guard.wellbeing"]
    assert OptedOut() in outcome.effects
    reviews = [e for e in outcome.effects if isinstance(e, HandoffRequested)]
    assert reviews == [HandoffRequested("cease_contact", 1, REVIEW)]
    text = chat.text(outcome)
    assert all(line in text for line in _lines(state, language)), text
    assert outcome.state is State.STOPPED
    for follow_up in FOLLOW_UPS[language]:
        assert _said(chat, follow_up).replies == ()


@pytest.mark.parametrize(
    ("ref", "line"),
    [("A-10001", "12356"), ("A-20001", "988"), ("A-30001", "Samaritans 116 123")],
)
def test_the_wellbeing_line_is_the_accounts_jurisdictions(ref: str, line: str) -> None:
    chat = Chat(language="en")
    chat.start(ref)
    outcome = _said(chat, "stop messaging me, I've had enough")
    text = chat.text(outcome)
    assert line in text
    assert "guard.wellbeing" in keys(outcome)


def test_vulnerability_with_a_farewell_is_answered_as_self_harm() -> None:
    chat = at_offer()
    outcome = chat.say("I'm so depressed, this is my last message", guard="vulnerability")
    assert "12356" in chat.text(outcome)
    assert _handoffs(outcome) == [("self_harm", 0)]
    assert outcome.state is State.HANDOFF
    assert OptedOut() not in outcome.effects  # nobody asked us to stop


def test_vulnerability_alone_is_gentle_and_carries_on() -> None:
    chat = at_offer()
    outcome = chat.say("I've been depressed since the winter", guard="vulnerability")
    assert "guard.vulnerability" in keys(outcome)
    assert "guard.self_harm" not in keys(outcome)
    assert _handoffs(outcome) == []


@pytest.mark.parametrize(
    "text", ["after tonight's shift I'll have the money", "this is my last payment right?"]
)
def test_a_distress_word_in_ordinary_talk_changes_nothing(text: str) -> None:
    chat = at_offer()
    outcome = _said(chat, text)
    assert "guard.self_harm" not in keys(outcome)
    assert _handoffs(outcome) == []
    assert outcome.state is not State.STOPPED


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("STOP", True),
        ("stop", True),
        ("Stop!!! 😡", True),
        ("stop please", True),
        ("please stop now, thanks", True),
        ("unsubscribe", True),
        ("opt out", True),
        ("退订", True),
        ("TD", True),
        ("回复TD", True),
        ("停止", True),
        ("请退订，谢谢", True),
        ("…", True),  # nothing of the debtor's own
        ("stop texting me", False),
        ("stopped", False),
        ("STOP. I can't do this", False),
        ("别再打了", False),
        ("不要再联系我", False),
        ("停止骚扰我", False),
    ],
)
def test_what_counts_as_a_bare_stop(text: str, bare: bool) -> None:
    assert bare_stop(text) is bare


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=60), language=st.sampled_from(["en", "zh_CN"]))
def test_any_stop_is_one_message_then_silence(text: str, language: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    outcome = chat.say(text, guard=Category.CEASE_CONTACT.value)
    assert len(outcome.replies) == 1
    assert all(chat.texts(outcome))
    assert OptedOut() in outcome.effects
    assert outcome.state is State.STOPPED
    assert chat.say(text, guard=Category.CEASE_CONTACT.value).replies == ()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_farewell_after_stop_alerts_a_person_and_sends_nothing(language: str) -> None:
    """Regression: once stopped, a farewell the guard reads as cease_contact or
    vulnerability still reaches a person (silently: nothing goes to the debtor)."""
    chat = _offer(language)
    _said(chat, BARE[language])
    for category in ("cease_contact", "vulnerability"):
        outcome = chat.say(FAREWELLS[language], guard=category)
        assert outcome.replies == ()
        assert outcome.state is State.STOPPED
        assert ("self_harm", 0) in _handoffs(outcome)
    plain = chat.say(FOLLOW_UPS[language][0], guard="cease_contact")
    assert plain.replies == ()
    assert _handoffs(plain) == []
