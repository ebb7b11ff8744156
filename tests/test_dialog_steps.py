"""Every state of DESIGN §6, step by step, in English and Simplified Chinese (issue 5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dialogs import step
from dialogs.model import (
    ArrangementAgreed,
    BindAccount,
    Event,
    EventKind,
    HandoffRequested,
    Money,
    OfferMade,
    Outcome,
    Snapshot,
    State,
    StepContext,
    VerificationFailed,
)
from dialogs.states.verify import LOCK
from tests.test_dialog_world import (
    PEOPLE,
    POLICIES,
    Chat,
    at_offer,
    effects,
    keys,
    verified,
)

LANGUAGES = ["en", "zh_CN"]
BALANCE_WORDS = {
    "en": ["13,060.50", "12,000.00", "860.50", "200.00", "13060", "12000"],
    "zh_CN": ["13,060.50", "12,000.00", "860.50", "200.00", "13060", "12000"],
}


def assert_nothing_about_the_debt(chat: Chat, outcome: Outcome) -> None:
    assert not any(r.states_debt for r in outcome.replies)
    text = chat.text(outcome)
    for amount in BALANCE_WORDS["en"]:
        assert amount not in text


def amount_of(param: object) -> Decimal:
    assert isinstance(param, Money)
    return param.amount


def money_in(plan: Mapping[str, object], key: str) -> Decimal:
    return Decimal(str(plan[key]))


# --- greet ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_with_a_reference_greets_and_asks_for_the_date_of_birth(language: str) -> None:
    chat = Chat(language=language)
    outcome = chat.start("A-10001")
    assert keys(outcome) == ["greet.hello", "verify.ask_dob"]
    assert outcome.effects == (BindAccount(1),)
    assert outcome.state is State.VERIFY
    assert "Parley Demo Lending" in chat.text(outcome)
    assert_nothing_about_the_debt(chat, outcome)


@pytest.mark.parametrize(
    ("language", "first", "reference"),
    [("en", "hi", "my ref is A-10001"), ("zh_CN", "你好", "编号 a-10001")],
)
def test_typing_the_reference_binds_the_account(language: str, first: str, reference: str) -> None:
    chat = Chat(language=language)
    hello = chat.say(first)
    assert keys(hello) == ["greet.hello", "greet.ask_reference"]
    assert hello.state is State.GREET
    bound = chat.say(reference)
    assert bound.effects == (BindAccount(1),)
    assert keys(bound) == ["verify.ask_dob"]


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        # An unknown reference is answered as a known one (issue 12: no enumeration).
        (lambda c: c.start("Z-999"), ["greet.hello", "verify.ask_dob"]),
        (lambda c: (c.say("hello"), c.say("it is B-77777"))[-1], ["verify.ask_dob"]),
        (
            lambda c: (c.say("hello"), c.say("how much do I owe?"))[-1],
            ["answer.after_verify", "greet.ask_reference"],  # a question gets an answer (#11)
        ),
    ],
    ids=["unknown deep link", "unknown typed", "question"],
)
def test_no_account_no_binding(send: object, expected: list[str]) -> None:
    chat = Chat()
    outcome = send(chat)  # type: ignore[operator]
    assert keys(outcome) == expected
    assert outcome.state is (State.VERIFY if "verify.ask_dob" in expected else State.GREET)
    assert "BindAccount" not in effects(outcome)


# --- verify ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "how much do I owe"),
        ("en", "What's my balance? Just tell me the amount"),
        ("zh_CN", "我欠多少钱"),
        ("zh_CN", "告诉我余额"),
    ],
)
def test_how_much_do_i_owe_before_verifying_tells_nothing(language: str, question: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    outcome = chat.say(question)
    # Read as a question, it is answered without the debt (issue 11); else asked again.
    assert keys(outcome) in (["verify.dob_again"], ["answer.after_verify", "verify.ask_dob"])
    assert outcome.state is State.VERIFY
    assert_nothing_about_the_debt(chat, outcome)
    chat.say("1988-04-02")  # a readable date, then the same question at the phone step
    again = chat.say(question)
    assert keys(again) in (["verify.phone_again"], ["answer.after_verify", "verify.ask_phone"])
    assert_nothing_about_the_debt(chat, again)
    assert "VerificationFailed" not in effects(again)


@pytest.mark.parametrize(
    ("language", "born", "phone"),
    [
        ("en", "1988-04-02", "8000"),
        ("en", "02/04/1988", "it's 8000"),
        ("en", "2 April 1988", "8 0 0 0"),
        ("zh_CN", "1988年4月2日", "尾号8000"),
        ("zh_CN", "我是一九八八年四月二日出生的", "８０００"),
    ],
)
def test_verification_in_common_forms(language: str, born: str, phone: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    assert keys(chat.say(born)) == ["verify.ask_phone"]
    outcome = chat.say(phone)
    assert keys(outcome)[:2] == ["verify.passed", "disclose.balance"]
    assert "VerificationPassed" in effects(outcome)
    assert outcome.state is State.DISCLOSE


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wrong_pair_never_says_which_was_wrong(language: str) -> None:
    wrong_date, wrong_phone = Chat(language=language), Chat(language=language)
    for chat, (born, phone) in (
        (wrong_date, ("1990-01-01", "8000")),
        (wrong_phone, ("1988-04-02", "1111")),
    ):
        chat.start("A-10001")
        chat.say(born)
        chat.say(phone)
    a, b = wrong_date.outcomes[-1], wrong_phone.outcomes[-1]
    assert keys(a) == keys(b) == ["verify.failed"]
    assert wrong_date.text(a) == wrong_phone.text(b)
    assert a.effects == b.effects == (VerificationFailed(1, None),)


@pytest.mark.parametrize("language", LANGUAGES)
def test_three_wrong_birthdays_lock_and_hand_off(language: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    failures = []
    for born in ("1990-01-01", "1991-02-02", "1992-03-03"):
        chat.say(born)
        failures.append(chat.say("8000"))
    assert [keys(o) for o in failures[:2]] == [["verify.failed"], ["verify.failed"]]
    assert [o.replies[0].params["left"] for o in failures[:2]] == [2, 1]
    last = failures[-1]
    assert keys(last) == ["verify.locked_handoff"]
    locked = [e for e in last.effects if isinstance(e, VerificationFailed)]
    assert locked == [VerificationFailed(1, chat.now + LOCK)]
    handoffs = [e for e in last.effects if isinstance(e, HandoffRequested)]
    assert [h.reason for h in handoffs] == ["verification_locked"]
    assert last.state is State.HANDOFF
    for outcome in chat.outcomes:
        assert_nothing_about_the_debt(chat, outcome)


def test_an_existing_lock_is_respected_and_offers_a_person() -> None:
    chat = Chat()
    outcome = chat.start("A-50001")
    assert keys(outcome) == ["greet.hello", "verify.locked"]
    assert [b.id for b in outcome.replies[-1].buttons] == ["human"]
    right = chat.say("1995-07-15")
    assert keys(right) == ["verify.locked"]
    assert "VerificationPassed" not in effects(right)
    assert chat.tap("human").state is State.HANDOFF


def test_after_the_lock_expires_checks_start_afresh() -> None:
    chat = Chat()
    chat.start("A-50001")
    chat.now += timedelta(hours=6)
    assert keys(chat.say("1995-07-15")) == ["verify.ask_phone"]
    chat.say("1111")
    assert keys(chat.outcomes[-1]) == ["verify.failed"]  # one failure, not a fourth


# --- disclose -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["CN¥13,060.50", "CN¥12,000.00", "CN¥860.50", "CN¥200.00", "45"]),
        ("zh_CN", ["¥13,060.50", "¥12,000.00", "¥860.50", "¥200.00", "逾期天数：45"]),
    ],
)
def test_disclosure_splits_the_balance(language: str, expected: list[str]) -> None:
    chat = verified(language=language)
    outcome = chat.outcomes[-1]
    disclosure = outcome.replies[-1]
    assert disclosure.key == "disclose.balance"
    assert disclosure.states_debt
    assert [r.key for r in disclosure.parts] == ["notice.cn_who", "disclose.ask_options"]
    text = chat.texts(outcome)[-1]
    for piece in expected:
        assert piece in text


@pytest.mark.parametrize(
    ("ref", "notices", "phrase"),
    [
        ("A-20001", ["notice.us_collector"], "This is a communication from a debt collector"),
        ("A-20002", ["notice.us_collector", "notice.time_barred"], "we will not sue you for it"),
        ("A-20004", ["notice.us_collector", "notice.validation"], "Mar 20, 2026"),
        ("A-30001", [], "£2,870.40"),
    ],
)
def test_disclosures_per_jurisdiction(ref: str, notices: list[str], phrase: str) -> None:
    chat = verified(ref)
    disclosure = chat.outcomes[-1].replies[-1]
    assert [r.key for r in disclosure.parts] == [*notices, "disclose.ask_options"]
    assert phrase in chat.texts(chat.outcomes[-1])[-1]


def test_an_offer_inside_a_us_validation_period_stands_until_its_end() -> None:
    chat = verified("A-20004")
    chat.say("I could pay 300 a month")
    offers = [e for e in chat.outcomes[-1].effects if isinstance(e, OfferMade)]
    assert offers, keys(chat.outcomes[-1])
    assert offers[0].expires_at.date() >= date(2026, 3, 20)
    assert all(p["valid_until"] >= "2026-03-20" for p in offers[0].plans)


def test_gb_signposts_free_debt_advice_once_hardship_is_shown() -> None:
    chat = verified("A-30001")
    outcome = chat.say("I lost my job last month", guard="hardship")
    assert outcome.state is State.SITUATION
    assert "advice.GB" in keys(outcome)
    assert "MoneyHelper" in chat.text(outcome)
    chat.tap("recovery:unsure")
    assert "advice.GB" not in keys(chat.outcomes[-1])


def test_a_disputed_account_is_not_discussed() -> None:
    chat = Chat()
    chat.start("A-40001")
    chat.say("1979-11-23")
    outcome = chat.say("5678")
    assert keys(outcome) == ["verify.passed", "disclose.paused"]
    assert not any(r.states_debt for r in outcome.replies)
    assert [e.reason for e in outcome.effects if isinstance(e, HandoffRequested)] == ["dispute"]


@pytest.mark.parametrize(
    ("language", "answer"), [("en", "not now"), ("zh_CN", "以后再说"), ("en", "no")]
)
def test_not_now_waits_kindly(language: str, answer: str) -> None:
    chat = verified(language=language)
    outcome = chat.say(answer)
    assert keys(outcome) == ["disclose.later"]
    assert outcome.state is State.DISCLOSE


# --- situation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "steps", "monthly"),
    [
        ("en", ["options", "reason:illness", "recovery:soon", "2000"], Decimal(2000)),
        ("en", ["yes please", "I was laid off", "in 2 months", "about 1.5k"], Decimal(1500)),
        ("zh_CN", ["好的", "我失业了", "三个月后吧", "两千五"], Decimal(2500)),
        ("zh_CN", ["看看方案", "生病住院了", "不知道", "每月1.2万"], Decimal(12000)),
    ],
)
def test_the_funnel_with_buttons_or_free_text(
    language: str, steps: list[str], monthly: Decimal
) -> None:
    chat = verified(language=language)
    seen = []
    for item in steps:
        outcome = chat.tap(item) if ":" in item or item == "options" else chat.say(item)
        seen.append(keys(outcome)[0])
    assert seen[:3] == ["situation.ask_reason", seen[1], "situation.ask_monthly"]
    assert seen[1].startswith("situation.ack.")
    offer = chat.outcomes[-1]
    assert offer.state is State.OFFER
    made = next(e for e in offer.effects if isinstance(e, OfferMade))
    assert all(money_in(p, "monthly") <= monthly for p in made.plans)


def test_an_unreadable_amount_is_asked_again_once() -> None:
    chat = verified()
    for item in ("options", "reason:other", "recovery:unsure"):
        chat.tap(item)
    assert keys(chat.say("a bit")) == ["situation.monthly_again"]
    outcome = chat.say("really not sure")
    assert outcome.state is State.OFFER  # no amount: the standard options


# --- offer, negotiate, agree -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_offers_state_monthly_count_total_and_saving(language: str) -> None:
    chat = at_offer(language=language, monthly="5000")
    outcome = chat.outcomes[-1]
    made = next(e for e in outcome.effects if isinstance(e, OfferMade))
    assert 1 <= len(made.plans) <= 3
    present = outcome.replies[-1]
    assert present.key == "offer.present"
    assert present.states_debt
    lines = [p for p in present.parts if p.key.startswith("plan.")]
    assert len(lines) == len(made.plans)
    text = chat.texts(outcome)[-1]
    for plan, line in zip(made.plans, lines, strict=True):
        assert line.params["count"] == len(plan["instalments"])
        assert amount_of(line.params["total"]) == money_in(plan, "total")
        assert line.params["first_due"].isoformat() == plan["instalments"][0]["due"]
        if money_in(plan, "saving") > 0:  # issue 13: the concessions, in money
            assert any(part.key.startswith("plan.saves.") for part in line.parts)
    assert ("You save" if language == "en" else "为您节省") in text or all(
        money_in(p, "saving") == 0 for p in made.plans
    )
    assert "2026" in text  # the offer's real expiry date


@pytest.mark.parametrize(
    ("language", "counter", "amount"),
    [("en", "I can only do 1500 a month", 1500), ("zh_CN", "我每个月只能还一千五", 1500)],
)
def test_a_counter_offer_is_solved_again_within_limits(
    language: str, counter: str, amount: int
) -> None:
    chat = at_offer(language=language)
    outcome = chat.say(counter)
    assert outcome.state is State.NEGOTIATE
    assert keys(outcome)[0] == "negotiate.counter"
    made = next(e for e in outcome.effects if isinstance(e, OfferMade))
    assert made.round == 1
    assert all(money_in(p, "monthly") <= amount for p in made.plans)


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue13_a_counter_far_below_the_minimum_hands_off_without_asking(language: str) -> None:
    # Issue 13 item 5 (this test used to expect "could that work?" three times, then a
    # handoff): the smallest plan is more than twice the figure, so no question is asked.
    chat = at_offer(language=language)
    last = chat.say("100")
    assert keys(last) == ["negotiate.unaffordable"]
    assert last.state is State.HANDOFF
    handoff = next(e for e in last.effects if isinstance(e, HandoffRequested))
    assert handoff.reason == "limits_reached"
    least = amount_of(last.replies[0].params["min_monthly"])
    assert handoff.summary["min_monthly"] == str(least)
    assert handoff.summary["stated"] == "100"
    assert Decimal(handoff.summary["gap"]) == least - 100
    assert str(least) in chat.text(last).replace(",", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue13_a_counter_a_little_below_shows_the_lowest_plans_and_a_repeat_is_no_round(
    language: str,
) -> None:
    chat = at_offer(language=language)
    rounds = int(POLICIES["cn-card-early"]["max_negotiation_rounds"])
    below = chat.say("1000")
    assert keys(below)[0] == "negotiate.below_min_plans"
    made = next(e for e in below.effects if isinstance(e, OfferMade))
    least = amount_of(below.replies[0].params["min_monthly"])
    assert min(money_in(p, "monthly") for p in made.plans) == least
    assert made.round == 1
    again = chat.say("1000")  # the same figure: not a round, not the same sentence
    assert keys(again) == ["negotiate.same_figure"]
    assert "OfferMade" not in effects(again)
    answers = [chat.say(f"{1000 + n}") for n in range(1, rounds + 1)]
    assert [keys(o)[0] for o in answers[:-1]] == ["negotiate.below_min_plans"] * (rounds - 1)
    last = answers[-1]
    assert keys(last) == ["negotiate.limits_reached"]
    assert last.state is State.HANDOFF


def test_issue13_a_plan_at_the_lowest_can_be_chosen() -> None:
    chat = at_offer()
    chat.say("1000")
    outcome = chat.tap("plan:1")
    assert outcome.state is State.AGREE
    said = keys(outcome)
    assert said[:2] == ["agree.summary", "plan.line.instalments"]
    assert said[-2:] == ["agree.schedule", "agree.ask_consent"]


@pytest.mark.parametrize(
    ("language", "pick", "yes"), [("en", "option 1", "yes"), ("zh_CN", "第一个", "好的")]
)
def test_agreement_needs_a_clear_yes_then_gives_the_schedule(
    language: str, pick: str, yes: str
) -> None:
    chat = at_offer(language=language)
    summary = chat.say(pick)
    assert summary.state is State.AGREE
    assert keys(summary)[0] == "agree.summary"
    assert keys(summary)[1].startswith("plan.")
    # Issue 13: the plan's facts, then the whole schedule, before consent is asked.
    assert keys(summary)[-2:] == ["agree.schedule", "agree.ask_consent"]
    unclear = chat.say("hmm")
    assert keys(unclear) == ["agree.consent_again"]
    assert "ArrangementAgreed" not in effects(unclear)
    done = chat.say(yes)
    agreed = next(e for e in done.effects if isinstance(e, ArrangementAgreed))
    assert done.state is State.CLOSED
    reply = done.replies[0]
    assert reply.key == "agree.done"
    assert reply.states_debt
    assert reply.params["reference"] == agreed.payment_reference
    assert agreed.payment_reference.startswith("A10001-")
    assert len(reply.params["schedule"]) == len(agreed.plan["instalments"])  # type: ignore[arg-type]
    assert agreed.payment_reference in chat.text(done)
    after = chat.say("thanks")
    assert keys(after) == ["closed.agreed"]


def test_saying_no_goes_back_to_the_options() -> None:
    chat = at_offer()
    chat.tap("plan:1")
    outcome = chat.tap("no")
    assert outcome.state is State.OFFER
    assert keys(outcome)[:2] == ["agree.declined", "offer.present"]
    assert "ArrangementAgreed" not in effects(outcome)


def test_an_expired_offer_is_solved_again() -> None:
    chat = at_offer()
    outcome = chat.say("option 1", minutes=60 * 24 * 10)
    assert keys(outcome)[:2] == ["offer.expired", "offer.present"]
    assert "OfferMade" in effects(outcome)


def test_a_debtor_who_comes_back_the_next_day_continues() -> None:
    chat = at_offer()
    welcome = chat.send(EventKind.START, minutes=60 * 20)
    # Issue 13: a return by /start is welcomed with where things stand, then the plans.
    assert keys(welcome)[:3] == ["greet.welcome_back", "return.offer", "offer.present"]
    assert welcome.state is State.OFFER
    outcome = chat.tap("plan:1")
    assert outcome.state is State.AGREE


def test_the_payment_reference_is_deterministic() -> None:
    def agree() -> str:
        chat = at_offer()
        chat.tap("plan:1")
        done = chat.tap("yes")
        return next(e for e in done.effects if isinstance(e, ArrangementAgreed)).payment_reference

    assert agree() == agree()


def test_no_policy_hands_off_for_approval() -> None:
    chat = verified()
    chat.limits = {}
    outcome = chat.say("I can pay 2000 a month")
    assert [e.reason for e in outcome.effects if isinstance(e, HandoffRequested)] == [
        "approval_needed"
    ]
    assert outcome.state is State.HANDOFF


def test_every_person_in_the_world_can_be_verified() -> None:
    for ref in PEOPLE:
        if ref in ("A-50001", "A-40001"):
            continue
        assert verified(ref).state is State.DISCLOSE


def _broken_verify(account: object, born: object, last4: object) -> bool:
    raise RuntimeError("the verification store is down")


def test_an_internal_error_hands_off_with_an_apology_and_never_raises() -> None:
    chat = Chat()
    chat.start("A-10001")
    chat.say("1988-04-02")
    snapshot = chat.snapshot
    ctx = _context(chat)
    outcome = step(snapshot, Event(EventKind.TEXT, chat.now, "8000"), ctx)
    assert outcome.state is State.HANDOFF
    assert keys(outcome) == ["error.internal"]
    assert [type(e).__name__ for e in outcome.effects] == ["Note", "HandoffRequested"]
    quiet = step(Snapshot(State.STOPPED, {}), Event(EventKind.TEXT, chat.now, "8000"), ctx)
    assert quiet.replies == ()


def _context(chat: Chat) -> StepContext:
    return StepContext(
        creditor_name="X",
        language="en",
        language_chosen=False,
        account=chat.account,
        candidates={},
        verify=_broken_verify,
        limits=None,
        policy_version=None,
        identity_verified=False,
    )
