"""Issue 11 item 4: one debtor message read for several things at once (bot.nlu.intents)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import Reading, read
from bot.nlu.intents import FREQUENCIES, INTENTS, QUESTION_TOPICS, _combine

D = Decimal
TODAY = date(2026, 12, 1)

# (text, locale, expected fields): only the fields named are checked.
CASES: list[tuple[str, str, dict[str, object]]] = [
    # The known failures of the issue.
    ("I'm so ashamed, I've never been in debt before", "en",
     {"intent": "other", "declines": False}),
    (
        "I'm not paying 2,850. I'll pay a lump sum if you knock it down",
        "en",
        {"intent": "lump_sum", "lump_sum": True, "declines": False, "amount": None,
         "monthly": None},
    ),
    (
        "能先给我看看账单明细吗? 我不是说不还",
        "zh_CN",
        {"intent": "question.statement", "questions": ("statement",), "declines": False},
    ),
    (
        "能先给我看看账单明细吗?我不是说不还",
        "zh_CN",
        {"intent": "question.statement", "declines": False},
    ),
    ("我可以用中文吗?", "zh_CN", {"intent": "language", "language": "zh_CN", "accepts": False}),
    ("我可以用中文吗?", "en", {"intent": "language", "language": "zh_CN", "accepts": False}),
    (
        "2000 one-off, full and final",
        "en",
        {"intent": "lump_sum", "lump_sum": True, "amount": D(2000), "monthly": None,
         "frequency": "once"},
    ),
    (
        "一次性拿出三万",
        "zh_CN",
        {"intent": "lump_sum", "lump_sum": True, "amount": D(30000), "monthly": None},
    ),
    # Frequencies, stated back as a monthly amount.
    (
        "$75 every two weeks",
        "en",
        {"intent": "amount", "amount": D(75), "frequency": "fortnightly", "monthly": D("162.50")},
    ),
    ("50 a week", "en", {"intent": "amount", "frequency": "weekly", "monthly": D("216.67")}),
    ("每两周还300", "zh_CN", {"intent": "amount", "frequency": "fortnightly", "monthly": D(650)}),
    ("每月五百", "zh_CN", {"intent": "amount", "amount": D(500), "monthly": D(500)}),
    ("I owe 5000 but can pay 200 a month", "en", {"intent": "amount", "monthly": D(200)}),
    # Language in words.
    ("can we switch to English?", "en", {"intent": "language", "language": "en"}),
    ("can we switch to English?", "zh_CN", {"intent": "language", "language": "en"}),
    ("说中文", "en", {"intent": "language", "language": "zh_CN"}),
    # Returning.
    ("hi, I'm back", "en", {"intent": "return", "returning": True}),
    ("我回来了", "zh_CN", {"intent": "return", "returning": True}),
    ("where were we?", "en", {"intent": "return", "returning": True}),
    # Declines, and what is not one.
    ("not now", "en", {"intent": "decline", "declines": True}),
    ("no thanks", "en", {"intent": "decline", "declines": True}),
    ("以后再说", "zh_CN", {"intent": "decline", "declines": True}),
    ("I'm worried I can't keep up", "en", {"declines": False}),
    ("我很担心，从来没欠过钱", "zh_CN", {"declines": False}),
    # Questions.
    ("what's the interest rate on option 1?", "en",
     {"intent": "question.rate", "questions": ("rate",), "amount": None}),
    ("利息是多少?", "zh_CN", {"intent": "question.rate", "questions": ("rate",)}),
    ("will you sue me?", "en", {"intent": "question.sue"}),
    ("会不会起诉我", "zh_CN", {"intent": "question.sue"}),
    ("who gave you my number?", "en", {"intent": "question.who"}),
    ("你们是谁", "zh_CN", {"intent": "question.who"}),
    ("which one was wrong?", "en", {"intent": "question.which_wrong"}),
    ("哪个错了", "zh_CN", {"intent": "question.which_wrong"}),
    ("how much is that altogether", "en", {"intent": "question.total"}),
    ("do you drop the fees?", "en", {"intent": "question.waived"}),
    ("能减免多少", "zh_CN", {"intent": "question.waived"}),
    ("when's the first payment?", "en", {"intent": "question.first_due"}),
    ("what happens now?", "en", {"intent": "question.next"}),
    ("what's the rate and the total?", "en", {"questions": ("rate", "total")}),
    # Several slots from one message, in any order.
    (
        "lost my job, back at work in March, can do 150 a month paid on the 28th",
        "en",
        {"intent": "amount", "reason": "job_loss", "recovery_months": 3, "amount": D(150),
         "monthly": D(150), "payday": 28},
    ),
    ("工资每月15号发，每月能还八百", "zh_CN", {"amount": D(800), "payday": 15}),
    ("lost my job, should find work in 2 months", "en",
     {"intent": "situation", "reason": "job_loss", "recovery_months": 2}),
    ("150 twice a month", "en", {"frequency": "fortnightly", "monthly": D(300)}),
    ("两周还四百", "zh_CN", {"frequency": "fortnightly", "recovery_months": None}),
    ("two hundred a month", "en", {"amount": D(200), "recovery_months": None}),
    ("i can give you 500 now and 100 a month after", "en", {"intent": "amount", "amount": None}),
    ("我老公住院了 这个月还不了", "zh_CN",
     {"intent": "situation", "declines": False, "frequency": None, "reason": "illness"}),
    ("一次还不了这么多", "zh_CN", {"lump_sum": False, "declines": False}),
    ("下周再聊", "zh_CN", {"intent": "decline"}),
    ("I'm worried sick about this", "en", {"reason": None, "declines": False}),
    ("ur joking right? 2850??", "en", {"accepts": False}),
    # Accepting.
    ("ok let's do it", "en", {"intent": "accept", "accepts": True}),
    ("行", "zh_CN", {"intent": "accept", "accepts": True}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "locale", "expected"), CASES)
def test_issue11_reading(text: str, locale: str, expected: dict[str, object]) -> None:
    reading = read(text, locale, today=TODAY)
    got = {key: getattr(reading, key) for key in expected}
    assert got == expected


def test_issue11_rules_decide_where_they_are_sure_and_the_model_fills_in() -> None:
    sure = read("2000 one-off, full and final", "en", use_model=False)
    unsure = Reading(intent="other")
    model_says_other = {"other": 0.9, "lump_sum": 0.1}
    model_says_accept = {"accept": 0.95, "other": 0.05}
    assert _combine(sure, model_says_other).intent == "lump_sum"
    assert _combine(sure, model_says_other).source == "rules"
    filled = _combine(unsure, model_says_accept)
    assert (filled.intent, filled.accepts, filled.source) == ("accept", True, "model")
    # Consent and refusal need a sure model; an amount needs the rules to have read one.
    assert _combine(unsure, {"accept": 0.6, "other": 0.4}).intent == unsure.intent
    assert _combine(unsure, {"amount": 0.99}).intent == unsure.intent


def test_issue11_empty_and_huge_text_read_as_other() -> None:
    assert read("", "en").intent == "other"
    assert read("x" * 100_000, "zh_CN").intent == "other"
    assert read("not now " * 1000, "en") == Reading(intent="other")


PIECES = st.sampled_from(
    [
        "1", "75", "2,850", "$", "¥", "三万", "两千五", "every two weeks", "a week", "每两周",
        "one-off", "一次性", "not", "no", "不", "以后再说", "?", "吗", "rate", "利息", "中文",
        "english", "switch to", "说", "hi", "I'm back", "我回来了", "lost my job", "the 28th",
        "15号", "in March", "三个月后", "option 1", " ", ",", ".", "😊", "\ud800", "\x00", "ﷺ",
    ]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["en", "zh_CN", "zh", "fr", ""]))
def test_issue11_read_never_raises_and_stays_in_range(text: str, locale: str) -> None:
    reading = read(text, locale, today=TODAY)
    assert reading.intent in INTENTS
    assert set(reading.questions) <= set(QUESTION_TOPICS)
    assert reading.frequency is None or reading.frequency in FREQUENCIES
    assert reading.language in (None, "en", "zh_CN")
    if reading.lump_sum:
        assert reading.monthly is None
    if reading.monthly is not None:
        assert reading.monthly == reading.monthly.quantize(D("0.01"))
        assert reading.monthly >= 0
    if reading.payday is not None:
        assert 1 <= reading.payday <= 31
    if reading.questions:
        assert reading.intent == f"question.{reading.questions[0]}"
        assert not reading.declines


@pytest.mark.parametrize(
    ("text", "locale", "amount"),
    [
        ("ok $6 a month then", "en", "6"),
        ("ok 6 a month then", "en", "6"),
        ("ok 200 a month", "en", "200"),
        ("好的，每月6块", "zh_CN", "6"),
    ],
)
def test_issue13_a_figure_with_an_ok_is_a_counter_offer_not_a_yes(
    text: str, locale: str, amount: str
) -> None:
    reading = read(text, locale, today=TODAY, use_model=False)
    assert reading.amount == D(amount)
    assert reading.intent == "amount"
    assert not reading.accepts
    assert read("income back in 2 months", "en", today=TODAY, use_model=False).amount is None
