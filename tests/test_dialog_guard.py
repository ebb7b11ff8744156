"""The guard's categories from any state, commands, HANDOFF, STOP and tone (DESIGN §6, §7)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.i18n import render
from dialogs.messages import MESSAGES
from dialogs.model import (
    DisputeRecorded,
    EventKind,
    HandoffPriorityRaised,
    HandoffRequested,
    LanguageChosen,
    OptedIn,
    OptedOut,
    Outcome,
    State,
)
from tests.test_dialog_world import DOB_AND_PHONE, Chat, at_offer, effects, keys, verified

LANGUAGES = ["en", "zh_CN"]


def _greet(language: str) -> Chat:
    return Chat(language=language)


def _verify(language: str) -> Chat:
    chat = Chat(language=language)
    chat.start("A-10001")
    return chat


def _situation(language: str) -> Chat:
    chat = verified(language=language)
    chat.tap("options")
    return chat


def _negotiate(language: str) -> Chat:
    chat = at_offer(language=language)
    chat.say("1500")
    return chat


def _agree(language: str) -> Chat:
    chat = at_offer(language=language)
    chat.tap("plan:1")
    return chat


def _closed(language: str) -> Chat:
    chat = _agree(language)
    chat.tap("yes")
    return chat


STATES: dict[State, Callable[[str], Chat]] = {
    State.GREET: _greet,
    State.VERIFY: _verify,
    State.DISCLOSE: lambda language: verified(language=language),
    State.SITUATION: _situation,
    State.OFFER: lambda language: at_offer(language=language),
    State.NEGOTIATE: _negotiate,
    State.AGREE: _agree,
    State.CLOSED: _closed,
}

# category -> (state after, first reply key, handoff reason or None, priority)
STOPPING = {
    "self_harm": (State.HANDOFF, "guard.self_harm", "self_harm", 0),
    "deceased": (State.HANDOFF, "guard.deceased", "deceased", 1),
    "bankruptcy": (State.HANDOFF, "guard.bankruptcy", "bankruptcy", 1),
    "attorney": (State.HANDOFF, "guard.attorney", "attorney", 1),
    "cease_contact": (State.STOPPED, "guard.cease_contact", None, None),
    "dispute": (State.HANDOFF, "guard.dispute", "dispute", 2),
    "servicemember": (State.HANDOFF, "guard.servicemember", "servicemember", 2),
    "third_party": (State.CLOSED, "guard.third_party", None, None),
    "complaint": (State.HANDOFF, "guard.complaint", "complaint", 2),
    "human_requested": (State.HANDOFF, "handoff.human", "human_requested", 3),
}
# Before verification the words that would imply a debt give way to neutral ones (issue 11).
BEFORE_VERIFICATION = {
    "self_harm": "guard.self_harm_unverified",
    "bankruptcy": "guard.noted",
    "dispute": "guard.noted",
}


def _cases() -> list[object]:
    return [
        pytest.param(state, category, language, id=f"{state.value}-{category}-{language}")
        for state in STATES
        for category in STOPPING
        for language in LANGUAGES
    ]


@pytest.mark.parametrize(("state", "category", "language"), _cases())
def test_a_stopping_category_wins_from_any_state(
    state: State, category: str, language: str
) -> None:
    chat = STATES[state](language)
    assert chat.state is state
    outcome = chat.say("…", guard=category)
    after, key, reason, priority = STOPPING[category]
    if state in (State.GREET, State.VERIFY):
        key = BEFORE_VERIFICATION.get(category, key)
    assert outcome.state is after
    assert keys(outcome)[0] == key
    assert not any(r.states_debt for r in outcome.replies)  # payment talk stops
    handoffs = [e for e in outcome.effects if isinstance(e, HandoffRequested)]
    if reason is None:
        assert handoffs == []
    else:
        assert [(h.reason, h.priority) for h in handoffs] == [(reason, priority)]
    assert ("OptedOut" in effects(outcome)) == (category == "cease_contact")
    disputes = [e for e in outcome.effects if isinstance(e, DisputeRecorded)]
    bound = state is not State.GREET
    assert disputes == ([DisputeRecorded(1)] if category == "dispute" and bound else [])
    assert all(chat.texts(outcome))


@pytest.mark.parametrize(
    ("ref", "language", "numbers"),
    [
        ("A-10001", "en", ["12356", "110 / 120"]),
        ("A-10001", "zh_CN", ["12356"]),
        ("A-20001", "en", ["988", "911"]),
        ("A-30001", "en", ["116 123", "999"]),
    ],
)
def test_self_harm_mid_negotiation_gets_the_crisis_line_in_that_reply(
    ref: str, language: str, numbers: list[str]
) -> None:
    chat = verified(ref, language)
    chat.tap("options")
    chat.tap("reason:job_loss")
    chat.tap("recovery:unsure")
    # A little below the minimum: negotiating (issue 13: far below hands off at once).
    chat.say({"A-10001": "1000", "A-20001": "250", "A-30001": "100"}[ref])
    assert chat.state is State.NEGOTIATE
    outcome = chat.say("I can't do this anymore, I want to end it", guard="self_harm")
    text = chat.text(outcome)
    for number in numbers:
        assert number in text
    assert outcome.state is State.HANDOFF
    assert not any(r.states_debt for r in outcome.replies)


@pytest.mark.parametrize(
    ("language", "numbers"), [("en", ["988", "116 123"]), ("zh_CN", ["12356"])]
)
def test_self_harm_before_any_account_still_gets_a_crisis_line(
    language: str, numbers: list[str]
) -> None:
    chat = Chat(language=language)
    outcome = chat.say("I want to die", guard="self_harm")
    for number in numbers:
        assert number in chat.text(outcome)


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_vulnerability_is_gentle_and_offers_a_person(state: State, language: str) -> None:
    chat = STATES[state](language)
    outcome = chat.say("I have depression and it is hard to think", guard="vulnerability")
    assert keys(outcome)[0] == "guard.vulnerability"
    if state in (State.GREET, State.VERIFY):  # general support, no debt advice (issue 11)
        assert keys(outcome)[1] == "guard.wellbeing"
    else:
        assert keys(outcome)[1].startswith("advice.")
    assert [b.id for b in outcome.replies[0].buttons] == ["human"]
    assert outcome.tone == "melancholic"
    assert outcome.state not in (State.HANDOFF, State.STOPPED)
    assert "HandoffRequested" not in effects(outcome)
    later = chat.say("ok", guard="vulnerability")
    assert "guard.vulnerability" not in keys(later)  # said once; the gentle tone stays
    assert later.tone == "melancholic"


@pytest.mark.parametrize("state", list(STATES))
def test_abuse_gets_one_calm_boundary_then_a_person(state: State) -> None:
    chat = STATES[state]("en")
    first = chat.say("you idiots", guard="abuse")
    assert keys(first)[0] == "guard.abuse"
    assert first.state is not State.HANDOFF
    second = chat.say("useless idiots", guard="abuse")
    assert keys(second) == ["guard.abuse_handoff"]
    assert [e.reason for e in second.effects if isinstance(e, HandoffRequested)] == ["abuse"]
    assert second.state is State.HANDOFF


@pytest.mark.parametrize("language", LANGUAGES)
def test_hardship_is_the_normal_path(language: str) -> None:
    chat = verified(language=language)
    outcome = chat.say("I lost my job", guard="hardship")
    assert outcome.state is State.SITUATION
    assert keys(outcome)[0] == "situation.ack.job_loss"
    assert "HandoffRequested" not in effects(outcome)


def test_hardship_before_verification_resonates_and_tells_nothing() -> None:
    chat = _verify("en")
    outcome = chat.say("I lost my job and can't pay, how much is it?", guard="hardship")
    assert keys(outcome) == ["guard.hardship", "verify.dob_again"]
    assert not any(r.states_debt for r in outcome.replies)


def test_a_third_party_is_told_nothing_afterwards() -> None:
    chat = verified()
    chat.say("this is his wife, he is not here", guard="third_party")
    outcome = chat.say("so how much does he owe?")
    assert keys(outcome) == ["closed.again"]
    assert not any(r.states_debt for r in outcome.replies)
    assert "13,060.50" not in chat.text(outcome)


# --- HANDOFF ----------------------------------------------------------------------------


def _in_handoff() -> Chat:
    chat = at_offer()
    chat.send(EventKind.HUMAN)
    assert chat.state is State.HANDOFF
    return chat


SILENT_IN_HANDOFF: list[tuple[str, Callable[[Chat], Outcome]]] = [
    ("text", lambda c: c.say("hello?")),
    ("help", lambda c: c.send(EventKind.HELP)),
    ("human", lambda c: c.send(EventKind.HUMAN)),
    ("language", lambda c: c.send(EventKind.LANGUAGE, "zh")),
    ("button", lambda c: c.tap("plan:1")),
    ("start", lambda c: c.start()),
    ("abuse", lambda c: c.say("idiots", guard="abuse")),
    ("dispute", lambda c: c.say("I dispute this", guard="dispute")),
    ("amount", lambda c: c.say("I can pay 100")),
]


@pytest.mark.parametrize(
    "send", [s for _, s in SILENT_IN_HANDOFF], ids=[i for i, _ in SILENT_IN_HANDOFF]
)
def test_in_handoff_the_bot_says_nothing_on_its_own(send: Callable[[Chat], Outcome]) -> None:
    chat = _in_handoff()
    # Issue 13: a message while waiting is answered now and then ("the team has your
    # message"); between those, nothing.
    assert keys(chat.say("are you there?")) == ["handoff.waiting"]
    outcome = send(chat)
    assert outcome.replies == ()
    assert outcome.state is State.HANDOFF


def test_a_language_chosen_in_handoff_is_kept_silently() -> None:
    chat = _in_handoff()
    outcome = chat.send(EventKind.LANGUAGE, "zh")
    assert outcome.replies == ()
    assert outcome.effects == (LanguageChosen("zh_CN"),)
    back = chat.send(EventKind.RESUME, "offer")
    assert "方案" in chat.text(back)


def test_in_handoff_stop_still_stops() -> None:
    chat = _in_handoff()
    outcome = chat.say("STOP", guard="cease_contact")
    assert keys(outcome) == ["guard.cease_contact"]
    assert outcome.effects == (OptedOut(),)
    assert outcome.state is State.STOPPED


def test_in_handoff_distress_gets_the_crisis_line_and_raises_priority() -> None:
    chat = _in_handoff()
    outcome = chat.say("I want to kill myself", guard="self_harm")
    assert "12356" in chat.text(outcome)
    assert outcome.effects == (HandoffPriorityRaised("self_harm", 0),)
    assert outcome.state is State.HANDOFF


@pytest.mark.parametrize(
    ("named", "state", "second"),
    [
        ("offer", State.OFFER, "offer.present"),
        ("situation", State.SITUATION, "situation.ask_monthly"),  # where the funnel was
        ("closed", State.CLOSED, None),
        ("nonsense", State.OFFER, "offer.present"),  # back where it was handed off
    ],
)
def test_resume_hands_back_with_a_short_message(
    named: str, state: State, second: str | None
) -> None:
    chat = _in_handoff()
    outcome = chat.send(EventKind.RESUME, named)
    assert outcome.state is state
    assert keys(outcome)[:2] == ([] if second is None else ["handoff.back", second])


def test_resume_past_verification_asks_to_verify_when_not_verified() -> None:
    chat = _verify("en")
    chat.send(EventKind.HUMAN)
    outcome = chat.send(EventKind.RESUME, "offer")
    assert outcome.state is State.VERIFY
    assert keys(outcome) == ["handoff.back", "verify.ask_dob"]


# --- STOPPED ----------------------------------------------------------------------------

AFTER_STOP: list[tuple[str, Callable[[Chat], Outcome]]] = [
    ("text", lambda c: c.say("why did you stop?")),
    ("question", lambda c: c.say("how much do I owe")),
    ("abuse", lambda c: c.say("idiots", guard="abuse")),
    ("dispute", lambda c: c.say("not my debt", guard="dispute")),
    ("help", lambda c: c.send(EventKind.HELP)),
    ("human", lambda c: c.send(EventKind.HUMAN)),
    ("language", lambda c: c.send(EventKind.LANGUAGE, "zh")),
    ("button", lambda c: c.tap("plan:1")),
    ("resume", lambda c: c.send(EventKind.RESUME, "offer")),
    ("stop again", lambda c: c.say("STOP", guard="cease_contact")),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_then_more_messages_gets_nothing_until_start(language: str) -> None:
    chat = at_offer(language=language)
    stop = chat.say("STOP" if language == "en" else "退订", guard="cease_contact")
    assert keys(stop) == ["guard.cease_contact"]
    assert stop.effects == (OptedOut(),)
    for _, send in AFTER_STOP:
        outcome = send(chat)
        assert outcome.replies == ()
        assert outcome.effects == ()
        assert outcome.state is State.STOPPED
    back = chat.start()
    assert back.effects[0] == OptedIn()
    assert keys(back)[0] == "greet.welcome_back"  # issue 13: verified before, welcomed back
    assert back.state not in (State.STOPPED, State.HANDOFF)


def test_typing_start_opts_back_in() -> None:
    chat = _verify("en")
    chat.say("stop", guard="cease_contact")
    outcome = chat.say("START")
    assert OptedIn() in outcome.effects
    assert keys(outcome) == ["greet.hello", "verify.ask_dob"]


def test_distress_after_stop_sends_nothing_but_alerts_a_person() -> None:
    chat = _verify("en")
    chat.say("stop", guard="cease_contact")
    outcome = chat.say("I want to die", guard="self_harm")
    assert outcome.replies == ()
    assert [
        (e.reason, e.priority) for e in outcome.effects if isinstance(e, HandoffRequested)
    ] == [("self_harm", 0)]
    assert outcome.state is State.STOPPED


# --- commands ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(STATES))
def test_help_answers_in_any_state(state: State) -> None:
    chat = STATES[state]("en")
    outcome = chat.send(EventKind.HELP)
    assert keys(outcome) == ["help.text"]
    assert outcome.state is state


@pytest.mark.parametrize("state", list(STATES))
def test_human_hands_off_from_any_state(state: State) -> None:
    chat = STATES[state]("en")
    outcome = chat.send(EventKind.HUMAN)
    assert keys(outcome) == ["handoff.human"]
    assert [e.reason for e in outcome.effects if isinstance(e, HandoffRequested)] == [
        "human_requested"
    ]
    assert outcome.state is State.HANDOFF


def test_language_without_a_code_offers_both() -> None:
    chat = _verify("en")
    outcome = chat.send(EventKind.LANGUAGE)
    assert keys(outcome) == ["language.choose"]
    rendered = render(outcome.replies[0], "en", "neutral")
    assert rendered.buttons == (("lang:en", "English"), ("lang:zh_CN", "中文"))


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.send(EventKind.LANGUAGE, "zh"),
        lambda c: c.send(EventKind.LANGUAGE, "中文"),
        lambda c: c.tap("lang:zh_CN"),
    ],
    ids=["code", "name", "button"],
)
def test_language_switches_and_asks_again_in_the_new_language(
    send: Callable[[Chat], Outcome],
) -> None:
    chat = at_offer()
    outcome = send(chat)
    assert LanguageChosen("zh_CN") in outcome.effects
    assert keys(outcome)[:2] == ["language.set", "offer.present"]
    text = chat.text(outcome)
    assert "中文" in text
    assert "方案" in text
    assert chat.locale == "zh_CN"


# --- tone -------------------------------------------------------------------------------

KEY_MESSAGES = [
    "greet.hello",
    "verify.ask_dob",
    "disclose.balance",
    "situation.ask_reason",
    "offer.present",
    "negotiate.counter",
    "negotiate.below_min",
    "negotiate.limits_reached",
    "agree.done",
]


@pytest.mark.parametrize("key", KEY_MESSAGES)
def test_every_key_message_has_a_distinct_variant_per_temperament(key: str) -> None:
    message = MESSAGES[key]
    texts = message.texts()
    assert len(texts) == 5
    assert len(set(texts)) == 5


@pytest.mark.parametrize(
    ("language", "messages", "tone"),
    [
        ("en", ["JUST TELL ME WHAT I OWE NOW!!", "this is ridiculous, hurry up"], "choleric"),
        ("en", ["I am so worried and ashamed...", "I feel terrible, sorry"], "melancholic"),
        ("en", ["great!! thanks so much :)", "awesome, love it!"], "sanguine"),
        ("en", ["ok... let me think...", "step by step please, slowly"], "phlegmatic"),
        ("zh_CN", ["快点！别废话！", "直接说！"], "choleric"),
        ("zh_CN", ["我很担心，对不起", "真的很抱歉，压力很大"], "melancholic"),
    ],
)
def test_tone_is_inferred_and_picks_the_variant(
    language: str, messages: list[str], tone: str
) -> None:
    chat = Chat(language=language)
    first = chat.start()
    assert first.tone == "neutral"  # neutral until there is evidence
    for message in messages:
        chat.say(message)
    chat.say("A-10001")
    chat.say("1988-04-02")
    outcome = chat.say("8000")  # identity answers are not evidence of temperament
    assert outcome.tone == tone
    disclosure = next(r for r in outcome.replies if r.key == "disclose.balance")
    assert (
        render(disclosure, language, outcome.tone).text
        != render(disclosure, language, "neutral").text
    )


# --- issue 11: before verification nothing implies a debt; third parties learn nothing ----

# Words that would tell whoever holds the phone that there is a debt. Crisis lines (988,
# Samaritans, 12356) are allowed; so is "account", which every greeting names.
DEBT_WORDS = {
    "en": (
        "debt",
        "owe",
        "collect",
        "balance",
        "arrears",
        "advice",
        "advis",
        "counsel",
        "stepchange",
        "national debtline",
        "moneyhelper",
        "payment",
        "repay",
        "overdue",
        "past due",
    ),
    "zh_CN": ("债", "欠", "催收", "还款", "账单", "咨询", "逾期", "还钱", "12348"),
}
GUARD_MESSAGES = {
    "self_harm": "I want to end it all",
    "deceased": "he passed away last month",
    "bankruptcy": "I filed for bankruptcy",
    "attorney": "talk to my lawyer",
    "cease_contact": "please stop messaging me",
    "dispute": "I dispute this",
    "servicemember": "I'm on active duty",
    "third_party": "I'm his mum",
    "complaint": "I want to make a complaint",
    "vulnerability": "I have cancer and I'm in hospital",
    "human_requested": "can I talk to a person",
    "abuse": "you idiots",
    "hardship": "I lost my job",
}
ACCOUNTS = ("A-10001", "A-20001", "A-30001")  # CN, US, GB


def _before_verification() -> list[object]:
    """Every guard category (and /human) in greet, and in verify at either question, for a
    CN, US and GB account, in both languages."""
    places = [(None, "greet"), *((ref, at) for ref in ACCOUNTS for at in ("verify", "phone"))]
    return [
        pytest.param(ref, at, category, language, id=f"{at}-{ref}-{category}-{language}")
        for language in LANGUAGES
        for category in [*GUARD_MESSAGES, "human"]
        for ref, at in places
    ]


@pytest.mark.parametrize(("ref", "at", "category", "language"), _before_verification())
def test_issue11_no_guard_reply_before_verification_implies_a_debt(
    ref: str | None, at: str, category: str, language: str
) -> None:
    chat = Chat(language=language)
    if ref is not None:
        chat.start(ref)
        if at == "phone":  # the date of birth given, the phone digits still to come
            chat.say("1990-01-01")
    if category == "human":
        outcome = chat.send(EventKind.HUMAN)
    else:
        outcome = chat.say(GUARD_MESSAGES[category], guard=category)
    text = chat.text(outcome).casefold()
    assert text, keys(outcome)
    for word in DEBT_WORDS[language]:
        assert word not in text, (word, keys(outcome), text)
    assert not any(r.states_debt for r in outcome.replies)
    if category == "self_harm":
        line = "12356" if ref == "A-10001" or (ref is None and language == "zh_CN") else ""
        line = line or {"A-20001": "988", "A-30001": "116 123"}.get(ref or "", "988")
        assert line in text  # the crisis line stays


@pytest.mark.parametrize("ref", ACCOUNTS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("said", ["I'm his mum", "this is his wife", "我是他老婆", "我是他同事"])
def test_issue11_a_third_party_who_then_answers_the_checks_is_told_nothing(
    ref: str, language: str, said: str
) -> None:
    chat = Chat(language=language)
    chat.start(ref)
    ended = chat.say(said, guard="third_party")
    assert ended.state is State.CLOSED
    assert keys(ended) == ["guard.third_party"]
    born, last4 = DOB_AND_PHONE[ref]
    for answer in (born, last4):  # in the ended chat: nothing
        outcome = chat.say(answer)
        assert keys(outcome) == ["closed.again"]
    chat.start(ref)  # and again from the start, in the same chat
    chat.say(born)
    outcome = chat.say(last4)
    assert keys(outcome) == ["guard.third_party_checked"]
    assert outcome.state is State.HANDOFF
    assert [(e.reason, e.summary["answers_matched"]) for e in _handoffs(outcome)] == [
        ("third_party", True)
    ]
    assert not any(r.states_debt for r in outcome.replies)
    text = chat.text(outcome).casefold()
    for word in (*DEBT_WORDS[language], "13,060", "4,655", "2,870", "$", "¥", "£"):
        assert word not in text
    assert not chat.snapshot.data.get("verified")


def test_issue11_the_mark_survives_binding_a_reference_in_the_same_chat() -> None:
    chat = Chat(language="zh_CN")
    assert chat.say("我是他妈妈", guard="third_party").state is State.CLOSED
    chat.start("A-10001")
    chat.say("1988-04-02")
    outcome = chat.say("8000")
    assert keys(outcome) == ["guard.third_party_checked"]
    assert "13,060" not in chat.text(outcome)


def test_issue11_a_chat_the_engine_knows_as_verified_is_still_held_back() -> None:
    chat = verified("A-20001")
    chat.say("this is his wife", guard="third_party")
    chat.identity_verified = True  # the engine remembers this chat user passed the checks
    outcome = chat.start("A-20001")
    assert keys(outcome)[-1] == "guard.third_party_checked"
    assert outcome.state is State.HANDOFF
    assert [(e.reason, e.summary["answers_matched"]) for e in _handoffs(outcome)] == [
        ("third_party", False)
    ]
    assert "4,655" not in chat.text(outcome)


def test_issue11_an_agent_handing_back_as_verified_lifts_the_hold() -> None:
    chat = Chat()
    chat.start("A-20001")
    chat.say("I'm his mum", guard="third_party")
    chat.start("A-20001")
    chat.say("1985-02-14")
    chat.say("0142")
    assert chat.state is State.HANDOFF
    chat.identity_verified = True  # the checks passed; the agent has confirmed who it is
    back = chat.send(EventKind.RESUME, "disclose")
    assert back.state is State.DISCLOSE
    assert chat.snapshot.data["verified"] is True


def test_issue11_vulnerability_before_verification_is_general_and_the_advice_comes_after() -> None:
    chat = Chat()
    chat.start("A-20001")
    outcome = chat.say("my husband has cancer", guard="vulnerability")
    text = chat.text(outcome)
    assert "988" in text
    assert "counsel" not in text.casefold()
    assert "advice.US" not in keys(outcome)
    chat.say("1985-02-14")
    after = chat.say("0142")
    assert after.state is State.DISCLOSE
    assert "advice.US" in keys(after)
    assert "1-800-388-2227" in chat.text(after)


def test_issue11_gb_hardship_before_verification_is_signposted_with_the_disclosure() -> None:
    chat = Chat()
    chat.start("A-30001")
    outcome = chat.say("I lost my job", guard="hardship")
    assert "advice.GB" not in keys(outcome)
    assert "StepChange" not in chat.text(outcome)
    chat.say("1990-03-08")
    after = chat.say("0123")
    assert keys(after).count("advice.GB") == 1
    assert "StepChange" in chat.text(after)


def _handoffs(outcome: Outcome) -> list[HandoffRequested]:
    return [e for e in outcome.effects if isinstance(e, HandoffRequested)]
