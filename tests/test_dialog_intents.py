"""Issue 11 item 4: the dialog acts on what a message means, step by step (pure dialog).

Questions are answered from the facts and the conversation returns to where it was
(never a negotiation round); lump sums take the settlement path; an unclear sum is asked
about; weekly and fortnightly sums are stated back as a monthly amount; a language asked
for in words switches; a return resumes and is never an answer; several slots are taken
from one message; only a decline is "not now". Every answer passes the outbound rules.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.compliance.outbound import OutboundContext, check_outbound
from dialogs.model import EventKind, LanguageChosen, OfferMade, Outcome, State
from tests.test_dialog_world import CREDITOR, Chat, at_offer, effects, keys, verified

LANGUAGES = ["en", "zh_CN"]
QUESTIONS = {
    "en": {
        "rate": "what's the interest rate on option 1?",
        "total": "how much is that altogether?",
        "waived": "do you drop the fees?",
        "first_due": "when's the first payment?",
        "who": "who gave you my number?",
        "sue": "will you sue me?",
        "next": "what happens now?",
        "statement": "can I see the statement?",
    },
    "zh_CN": {
        "rate": "利息是多少?",
        "total": "一共要还多少钱?",
        "waived": "能减免多少?",
        "first_due": "第一期什么时候还?",
        "who": "你们是谁?",
        "sue": "会不会起诉我?",
        "next": "接下来怎么办?",
        "statement": "能先给我看看账单明细吗?",
    },
}
BALANCE_WORDS = ("13,060.50", "12,000.00", "860.50", "13060")


def _rounds(chat: Chat) -> int:
    nego = chat.snapshot.data.get("nego")
    assert isinstance(nego, dict)
    return int(nego["rounds"])


def _offers(outcome: Outcome) -> list[OfferMade]:
    return [e for e in outcome.effects if isinstance(e, OfferMade)]


# --- questions ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(QUESTIONS["en"]))
def test_issue11_a_question_at_the_offer_is_answered_and_the_offer_stands(
    language: str, topic: str
) -> None:
    chat = at_offer(language=language)
    before = dict(chat.snapshot.data["offer"])
    outcome = chat.say(QUESTIONS[language][topic])
    assert outcome.state is State.OFFER
    found = keys(outcome)
    assert any(k.startswith("answer.") or k == "notice.time_barred" for k in found), found
    assert found[-1] == "offer.pick"  # the pending question, asked again
    assert not _offers(outcome)  # nothing re-solved
    assert chat.snapshot.data["offer"] == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_the_rate_question_gives_each_plans_apr(language: str) -> None:
    chat = at_offer(language=language)
    plans = chat.snapshot.data["offer"]["plans"]
    outcome = chat.say(QUESTIONS[language]["rate"])
    text = chat.text(outcome)
    for plan in plans:
        if plan["kind"] in ("instalments", "holiday_then_instalments"):
            assert str(Decimal(plan["apr"])) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_a_question_while_negotiating_is_not_a_round(language: str) -> None:
    chat = at_offer(language=language)
    chat.say("1000")  # one counter-offer: a little below the minimum (issue 13: not 100)
    assert chat.state is State.NEGOTIATE
    rounds = _rounds(chat)
    for topic in ("rate", "next", "total", "sue"):
        outcome = chat.say(QUESTIONS[language][topic])
        assert outcome.state is State.NEGOTIATE
        assert "HandoffRequested" not in effects(outcome)
    assert _rounds(chat) == rounds


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_before_verification_a_question_tells_nothing_about_the_debt(
    language: str,
) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    for topic, question in QUESTIONS[language].items():
        outcome = chat.say(question)
        assert outcome.state is State.VERIFY, topic
        assert not any(r.states_debt for r in outcome.replies), topic
        text = chat.text(outcome)
        assert not any(word in text for word in BALANCE_WORDS), (topic, text)
        assert keys(outcome)[-1] == "verify.ask_dob", topic


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_which_answer_was_wrong_is_never_said(language: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    chat.say("1988-04-02")
    chat.say("1111")
    before = dict(chat.snapshot.data)
    outcome = chat.say("which one was wrong?" if language == "en" else "哪个错了?")
    assert keys(outcome) == ["answer.which_wrong", "verify.ask_dob"]
    assert chat.snapshot.data == before  # not an answer, and not counted
    assert not outcome.effects


def test_issue11_time_barred_will_you_sue_me() -> None:
    chat = verified("A-20002")
    outcome = chat.say("will you sue me?")
    assert "we will not sue you for it" in chat.text(outcome)
    assert outcome.state is State.DISCLOSE


# --- the answers pass the outbound rules ---------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("ref", ["A-10001", "A-20001", "A-20002", "A-20004", "A-30001"])
def test_issue11_every_answer_passes_the_outbound_rules(language: str, ref: str) -> None:
    chat = Chat(language=language)
    chat.start(ref)
    asked = [chat.say(q) for q in QUESTIONS[language].values()]  # before verification
    monthly = "300" if ref != "A-10001" else "2500"
    chat = at_offer(ref, language, monthly) if ref != "A-20004" else verified(ref, language)
    asked += [chat.say(q) for q in QUESTIONS[language].values()]
    account = chat.account
    assert account is not None
    base = OutboundContext(
        jurisdiction=account.jurisdiction,
        now=chat.now,
        timezone=account.timezone,
        time_barred=account.time_barred,
        validation_end=account.validation_end,
        debt_advice_signposted=True,
        creditor_name=CREDITOR,
    )
    problems = []
    for outcome in asked:
        for reply, text in zip(outcome.replies, chat.texts(outcome), strict=True):
            verdict = check_outbound(text, base)
            if not verdict.allowed:
                problems.append((reply.key, verdict.reasons, text))
    assert problems == []


# --- sums ----------------------------------------------------------------------------------


def test_issue11_a_one_off_sum_is_never_a_monthly_plan() -> None:
    chat = verified("A-30001")
    outcome = chat.say("2000 one-off, full and final")
    assert "£2,000.00 a month" not in chat.text(outcome)
    assert outcome.state is State.NEGOTIATE
    # Issue 13: a settlement is negotiated (a smaller discount first), no longer the
    # floor at once ("negotiate.lump_below_min" with a "lump" button).
    assert keys(outcome)[0] == "negotiate.lump_counter"
    plans = [plan for offer in _offers(outcome) for plan in offer.plans]
    assert plans
    assert {plan["kind"] for plan in plans} <= {"settlement", "pay_in_full"}
    assert all(len(plan["instalments"]) == 1 for plan in plans)


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_a_lump_sum_in_reach_is_offered_as_one_payment(language: str) -> None:
    chat = verified("A-10001", language)
    text = "I can pay 12000 in one go" if language == "en" else "一次性还一万二"
    outcome = chat.say(text)
    plans = [plan for offer in _offers(outcome) for plan in offer.plans]
    assert plans
    assert {plan["kind"] for plan in plans} <= {"settlement", "pay_in_full"}
    assert chat.snapshot.data["offer"]["amount"] is None  # never kept as a monthly figure


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_an_unclear_sum_is_asked_about(language: str) -> None:
    chat = verified("A-10001", language)
    outcome = chat.say("10000")
    assert keys(outcome) == ["amount.once_or_monthly"]
    assert [b.id for b in outcome.replies[0].buttons] == ["sum:once", "sum:monthly"]
    assert outcome.state is State.DISCLOSE
    monthly = chat.tap("sum:monthly")
    assert monthly.state is State.OFFER
    assert chat.snapshot.data["offer"]["amount"] == "10000"


@pytest.mark.parametrize(
    ("text", "said"),
    [("$75 every two weeks", "$162.50 a month"), ("50 a week", "$216.67 a month")],
)
def test_issue11_other_frequencies_are_stated_back_monthly(text: str, said: str) -> None:
    chat = verified("A-20001")
    chat.tap("options")
    chat.tap("reason:job_loss")
    chat.tap("recovery:unsure")
    outcome = chat.say(text)
    assert said in chat.text(outcome)
    assert keys(outcome)[0] in ("amount.fortnightly", "amount.weekly")


def test_issue11_a_lump_sum_without_a_figure_asks_for_it() -> None:
    chat = verified("A-30001")
    outcome = chat.say("I'm not paying 2,850. I'll pay a lump sum if you knock it down")
    assert keys(outcome) == ["offer.ask_lump"]
    again = chat.say("2400")
    plans = [plan for offer in _offers(again) for plan in offer.plans]
    assert [plan["kind"] for plan in plans] == ["settlement"]
    assert plans[0]["total"] == "2400.00"


# --- language, returning, slots, declines ---------------------------------------------------


def test_issue11_a_language_asked_for_in_words_switches() -> None:
    chat = Chat(language="zh_CN")
    chat.start("A-10001")
    outcome = chat.say("Sorry, can we switch to English?")
    assert LanguageChosen("en") in outcome.effects
    assert keys(outcome) == ["language.set", "verify.ask_dob"]
    assert chat.locale == "en"
    back = chat.say("我可以用中文吗?")
    assert LanguageChosen("zh_CN") in back.effects
    assert chat.locale == "zh_CN"


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_a_return_is_never_an_answer(language: str) -> None:
    chat = verified("A-10001", language)
    chat.tap("options")
    chat.tap("reason:job_loss")
    step_before = chat.snapshot.data["situation"]["step"]
    outcome = chat.say("hi, I'm back" if language == "en" else "我回来了")
    assert keys(outcome) == [
        "greet.welcome_back",
        "return.situation",
        "situation.ask_recovery",
    ]
    assert chat.snapshot.data["situation"]["step"] == step_before == "recovery"
    assert "recovery" not in chat.snapshot.data["situation"]


def test_issue11_several_slots_from_one_message() -> None:
    chat = verified("A-20001")
    chat.tap("options")
    outcome = chat.say("lost my job, should find work in 2 months, paid on the 15th, 300 a month")
    funnel = chat.snapshot.data["situation"]
    assert funnel["reason"] == "job_loss"
    assert funnel["holiday"] == 2
    assert funnel["payday"] == 15
    assert outcome.state is State.OFFER


@pytest.mark.parametrize(
    ("language", "negation", "decline"),
    [
        ("en", "I'm so ashamed, I've never been in debt before", "not now"),
        ("zh_CN", "我觉得好丢人，这辈子第一次欠债", "以后再说"),
    ],
)
def test_issue11_a_negation_is_not_a_decline(language: str, negation: str, decline: str) -> None:
    chat = verified("A-10001", language)
    kind = chat.say(negation)
    assert keys(kind) == ["kind.other", "disclose.ask_options"]
    later = chat.say(decline)
    assert keys(later) == ["disclose.later"]


@pytest.mark.parametrize(("language", "decline"), [("en", "no thanks"), ("zh_CN", "以后再说")])
def test_issue11_a_decline_in_the_funnel_is_not_an_answer(language: str, decline: str) -> None:
    chat = verified("A-10001", language)
    chat.tap("options")
    outcome = chat.say(decline)
    assert keys(outcome) == ["disclose.later"]
    assert "reason" not in chat.snapshot.data["situation"]
    assert chat.tap("reason:illness").state is State.SITUATION


def test_issue11_a_one_off_far_below_the_least_is_not_asked_to_stretch() -> None:
    chat = verified("A-30001")
    outcome = chat.say("I can pay 500 one-off")
    assert keys(outcome) == ["negotiate.lump_far_below"]
    assert [b.id for b in outcome.replies[0].buttons] == ["none", "human"]
    assert "pending_lump" not in chat.snapshot.data
    assert "?" not in chat.text(outcome)


@pytest.mark.parametrize(("language", "hello"), [("en", "hi, I'm back"), ("zh_CN", "我回来了")])
def test_issue11_a_return_while_verifying_is_not_an_answer(language: str, hello: str) -> None:
    chat = Chat(language=language)
    chat.start("A-10001")
    chat.say("1988-04-02")
    before = dict(chat.snapshot.data)
    outcome = chat.say(hello)
    assert keys(outcome) == ["return.verify", "verify.ask_phone"]
    assert chat.snapshot.data == before
    assert not outcome.effects
    assert chat.say("8000").state is State.DISCLOSE


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_after_an_answer_the_pending_question_keeps_its_buttons(language: str) -> None:
    chat = at_offer(language=language)
    chat.say("1000")  # a little below the minimum: the lowest plans with their buttons
    asked = chat.outcomes[-1].replies[-1].buttons
    outcome = chat.say(QUESTIONS[language]["total"])
    assert outcome.replies[-1].key == "negotiate.lowest_pick"  # issue 13
    assert outcome.replies[-1].buttons == asked
    back = chat.say("hi, I'm back" if language == "en" else "我回来了")
    assert back.replies[-1].buttons == asked
    assert chat.tap("plan:1").state is State.AGREE


def test_issue11_a_language_asked_for_in_words_while_a_person_has_the_chat() -> None:
    chat = verified("A-10001")
    chat.say("/human")
    chat.send(EventKind.HUMAN)
    assert chat.state is State.HANDOFF
    outcome = chat.say("说中文")
    assert outcome.replies == ()  # the person answers; the bot only notes it
    assert LanguageChosen("zh_CN") in outcome.effects
    assert chat.locale == "zh_CN"


def test_issue11_in_agree_a_question_is_about_the_plan_chosen() -> None:
    chat = verified("A-10001")
    for button in ("options", "reason:job_loss", "recovery:months", "monthly:unsure"):
        chat.tap(button)
    plans = chat.snapshot.data["offer"]["plans"]
    assert len(plans) > 1
    chat.tap("plan:2")
    outcome = chat.say("how much is that altogether?")
    assert [k for k in keys(outcome) if k == "answer.total_plan"] == ["answer.total_plan"]
    assert outcome.state is State.AGREE
    assert keys(outcome)[-1] == "agree.ask_consent"


@pytest.mark.parametrize(
    ("language", "condition"),
    [("en", "yes but only if you waive the fees"), ("zh_CN", "我可以还，但是要先减免利息")],
)
def test_issue11_a_yes_with_a_condition_is_not_consent(language: str, condition: str) -> None:
    chat = at_offer(language=language)
    assert len(chat.snapshot.data["offer"]["plans"]) == 1
    outcome = chat.say(condition)
    assert outcome.state is State.OFFER
    chat.tap("plan:1")
    again = chat.say(condition)
    assert again.state is State.AGREE
    assert "ArrangementAgreed" not in effects(again)


def test_issue11_an_unknown_funnel_button_is_not_a_reason() -> None:
    chat = verified("A-10001")
    chat.tap("options")
    outcome = chat.tap("reason:unknown")
    assert "reason" not in chat.snapshot.data["situation"]
    assert keys(outcome) == ["situation.ask_reason"]


def test_issue11_the_least_single_payment_is_the_settlement_floor() -> None:
    from datetime import date

    from bot.offers import AccountTerms, Limits, least_single_payment, open_offer
    from tests.test_dialog_world import POLICIES

    terms = AccountTerms(
        reference="A-30001",
        currency="GBP",
        principal=Decimal("2600.00"),
        interest=Decimal("190.00"),
        fees=Decimal("60.00"),
        apr=Decimal("29.90"),
        days_past_due=75,
        time_barred=False,
    )
    limits = Limits.parse(POLICIES["gb-loan"])
    today = date(2026, 11, 28)
    least = least_single_payment(terms, limits, today)
    assert least == Decimal("2280.00")  # 2,850 less the 20% settlement limit
    at_least = open_offer(terms, limits, today, least).result
    assert at_least is not None
    assert [p.kind.value for p in at_least.options if p.kind.value == "settlement"]
    below = open_offer(terms, limits, today, least - Decimal("0.01")).result
    assert below is not None
    assert all(p.kind.value not in ("settlement", "pay_in_full") for p in below.options)


@pytest.mark.parametrize(
    ("language", "question", "monthly"),
    [
        ("en", "what would the total be if I paid 3000 a month?", "3000"),
        ("zh_CN", "每月还三千的话利息是多少?", "3000"),
    ],
)
def test_issue11_a_question_about_a_figure_shows_its_plans_without_a_round(
    language: str, question: str, monthly: str
) -> None:
    chat = at_offer(language=language)
    rounds = _rounds(chat)
    outcome = chat.say(question)
    assert outcome.state is State.OFFER
    assert Decimal(chat.snapshot.data["offer"]["amount"]) == Decimal(monthly)
    found = keys(outcome)
    assert found[0] == "offer.what_if"
    assert found[-1].startswith("answer.")
    assert _rounds(chat) == rounds
    made = _offers(outcome)
    assert made
    assert made[0].round == rounds


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "I lost my job, what happens now?"), ("zh_CN", "我失业了，接下来怎么办?")],
)
def test_issue11_a_question_with_the_situation_answers_then_takes_it(
    language: str, text: str
) -> None:
    chat = verified("A-10001", language)
    outcome = chat.say(text)
    assert keys(outcome)[0] == "answer.next.disclose"
    assert "situation.ack.job_loss" in keys(outcome)
    assert outcome.state is State.SITUATION
    assert chat.snapshot.data["situation"]["reason"] == "job_loss"


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue11_after_agreeing_questions_are_answered_from_the_plan(language: str) -> None:
    chat = at_offer(language=language)
    plan = chat.snapshot.data["offer"]["plans"][0]
    chat.tap("plan:1")
    assert chat.tap("yes").state is State.CLOSED
    outcome = chat.say(QUESTIONS[language]["first_due"])
    assert keys(outcome) == ["answer.first_due_one", "answer.first_due_plan", "closed.agreed"]
    assert outcome.state is State.CLOSED
    due = outcome.replies[0].parts[0].params["due"]
    assert str(due) == plan["instalments"][0]["due"]
    nxt = chat.say(QUESTIONS[language]["next"])
    assert keys(nxt) == ["answer.next.closed", "closed.agreed"]


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "how much would I save if I settle for 2400 in one payment?"),
        ("zh_CN", "一次性还两千四的话能减免多少?"),
    ],
)
def test_issue11_a_question_about_a_one_off_shows_the_settlement(
    language: str, question: str
) -> None:
    chat = verified("A-30001", language)
    outcome = chat.say(question)
    plans = [plan for offer in _offers(outcome) for plan in offer.plans]
    assert [plan["kind"] for plan in plans] == ["settlement"]
    assert keys(outcome)[0] == "offer.lump_sum"
    assert "answer.waived" in keys(outcome)
    assert outcome.state is State.OFFER
    assert _rounds(chat) == 0
