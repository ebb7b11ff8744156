"""Why paying became hard, and whether and when the debtor expects it to pass."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlu import Outlook, Reason, Recovery, classify_reason, classify_recovery

TODAY = date(2026, 11, 28)

REASONS = [
    ("I lost my job", Reason.JOB_LOSS),
    ("I was laid off in March", Reason.JOB_LOSS),
    ("got made redundant", Reason.JOB_LOSS),
    ("my hours were cut", Reason.JOB_LOSS),
    ("I don't have a job right now", Reason.JOB_LOSS),
    ("pay cut at work", Reason.JOB_LOSS),
    ("I got sick", Reason.ILLNESS),
    ("I was in hospital for a month", Reason.ILLNESS),
    ("cancer treatment", Reason.ILLNESS),
    ("I'm ill", Reason.ILLNESS),
    ("my wife is sick", Reason.ILLNESS),
    ("I'm sick and my mother helps", Reason.ILLNESS),
    ("my mother passed away", Reason.FAMILY_EMERGENCY),
    ("going through a divorce", Reason.FAMILY_EMERGENCY),
    ("my mum needs care, I'm caring for her", Reason.FAMILY_EMERGENCY),
    ("my business failed", Reason.BUSINESS_TROUBLE),
    ("I'm self-employed and clients stopped paying invoices", Reason.BUSINESS_TROUBLE),
    ("I wasn't fired, my shop closed", Reason.BUSINESS_TROUBLE),
    ("I'll pay when I can", Reason.OTHER),  # "I'll" is not "ill"
    ("just bad luck", Reason.OTHER),
    ("prices went up", Reason.OTHER),
    ("", Reason.OTHER),
    ("我失业了", Reason.JOB_LOSS),
    ("公司裁员，我被裁了", Reason.JOB_LOSS),
    ("工资降了一半", Reason.JOB_LOSS),
    ("我生病住院了", Reason.ILLNESS),
    ("做了手术", Reason.ILLNESS),
    ("家里出事了", Reason.FAMILY_EMERGENCY),
    ("我离婚了", Reason.FAMILY_EMERGENCY),
    ("生意不好", Reason.BUSINESS_TROUBLE),
    ("店铺亏损，资金周转不开", Reason.BUSINESS_TROUBLE),
    ("不是因为失业，是生病了", Reason.ILLNESS),
    ("没有失业，生意亏了", Reason.BUSINESS_TROUBLE),
    ("就是没钱", Reason.OTHER),
]


@pytest.mark.parametrize(("text", "expected"), REASONS)
def test_reason(text: str, expected: Reason) -> None:
    assert classify_reason(text, "en") is expected
    assert classify_reason(text, "zh_CN") is expected


@pytest.mark.parametrize(
    "text", ["x" * 100_000, "\x00\x01\u200f", "🙂🙂", "1e309", "NaN", "-200", "\ud800"]
)
def test_reason_of_hostile_text_is_other(text: str) -> None:
    assert classify_reason(text, "en") is Reason.OTHER


T, P, U = Outlook.TEMPORARY, Outlook.PERMANENT, Outlook.UNSURE

RECOVERY = [
    ("next month", Recovery(T, 1)),
    ("in 3 months", Recovery(T, 3)),
    ("in three months", Recovery(T, 3)),
    ("3 more months", Recovery(T, 3)),
    ("in two or three months", Recovery(T, 3)),
    ("a couple of months", Recovery(T, 2)),
    ("a month or two", Recovery(T, 1)),
    ("6 weeks", Recovery(T, 2)),
    ("in 2 years", Recovery(T, 24)),
    ("maybe next month", Recovery(T, 1)),
    ("hopefully in a few weeks", Recovery(T, 1)),
    ("by the end of the year", Recovery(T, 1)),
    ("in March", Recovery(T, 4)),
    ("next year", Recovery(T, 2)),
    ("三个月后", Recovery(T, 3)),
    ("三个多月", Recovery(T, 3)),
    ("半年", Recovery(T, 6)),
    ("下个月就好了", Recovery(T, 1)),
    ("年底", Recovery(T, 1)),
    ("明年", Recovery(T, 2)),
    ("3月份", Recovery(T, 4)),
    ("过完年", Recovery(T, 3)),
    ("it's temporary", Recovery(T)),
    ("soon, I start a new job", Recovery(T)),
    ("暂时的", Recovery(T)),
    ("找到工作就好了", Recovery(T)),
    ("yes", Recovery(T)),
    ("是的", Recovery(T)),
    ("permanent, I retired", Recovery(P)),
    ("not temporary", Recovery(P)),
    ("I will never recover", Recovery(P)),
    ("for good", Recovery(P)),
    ("20 years", Recovery(P)),
    ("长期的，我退休了", Recovery(P)),
    ("我一两个月后收入能恢复", Recovery(T, 2)),  # issue 13: an approximate span
    ("过两三个月就好了", Recovery(T, 3)),
    ("no", Recovery(P)),
    ("not sure", Recovery(U)),
    ("I don't know", Recovery(U)),
    ("我不知道", Recovery(U)),
    ("说不准", Recovery(U)),
    ("soon, but it might be permanent", Recovery(U)),
    ("", Recovery(U)),
    ("hello", Recovery(U)),
    ("1988年", Recovery(U)),
]


@pytest.mark.parametrize(("text", "expected"), RECOVERY)
def test_recovery(text: str, expected: Recovery) -> None:
    assert classify_recovery(text, "en", today=TODAY) == expected
    assert classify_recovery(text, "zh_CN", today=TODAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "months"),
    [
        (date(2026, 3, 10), "by the end of the year", 9),
        (date(2026, 12, 1), "年底", 1),
        (date(2026, 1, 5), "明年", 12),
        (date(2026, 12, 5), "next year", 1),
        (date(2026, 3, 10), "in March", 1),
        (date(2026, 4, 10), "in March", 11),
    ],
)
def test_recovery_counts_from_today(today: date, text: str, months: int) -> None:
    assert classify_recovery(text, "en", today=today) == Recovery(T, months)


def test_recovery_without_today_uses_the_clock() -> None:
    assert classify_recovery("in 3 months", "en") == Recovery(T, 3)


@pytest.mark.parametrize("text", ["x" * 100_000, "\x00\u200f", "1e309", "in 1e309 months"])
def test_recovery_of_hostile_text_is_unsure(text: str) -> None:
    assert classify_recovery(text, "en", today=TODAY).outlook is Outlook.UNSURE
