"""Personas for issue 13: negotiation a good collector would be proud of.

Same tables as tests/personas.py (see its docstring); tests/all_personas.py joins them all.
Each point of the issue has a persona in English and one in Simplified Chinese:
plans a person can check, with the whole schedule before consent (说); relief that fits
the hardship — a holiday when income returns, the longest term and most relief for a
lasting loss (引); a settlement negotiated in steps, the same figure again no round (压);
nothing unaffordable asked, a person instead, and "ok $6 a month then" a counter-offer,
never a yes (心); a request for less interest answered with the relief allowed.
"""

from __future__ import annotations

from tests.personas import (
    Persona,
    Turn,
    _verified_cn_10001,
    _verified_gb_30001,
    _verified_us_20001,
)

_ASKED_EN = ("Could that work", "Could you manage", "Can you do that")
_ASKED_ZH = ("您能做到吗", "可以吗")


def _funnel(recovery: str) -> tuple[Turn, ...]:
    return (
        Turn(press="options", state="situation"),
        Turn(press="reason:job_loss", state="situation"),
        Turn(press=f"recovery:{recovery}", state="situation"),
    )


PERSONAS: tuple[Persona, ...] = (
    # --- 说: numbers a person can check; the whole schedule before consent ----------------
    Persona(
        "en-us-plan-facts-and-schedule-before-consent",
        "en",
        (
            *_verified_us_20001(),
            *_funnel("unsure"),
            Turn(
                say="300 a month",
                contains=(
                    "$299.99 a month × 18",
                    "first payment on Dec 28, 2026",
                    "at 21.52% a year",
                    "You save $75.00: fees of $75.00 waived",
                    "It costs $744.55 more than today's balance, because interest at 21.52%",
                ),
                state="offer",
            ),
            Turn(
                press="plan:1",
                contains=("The whole schedule:", "Dec 28, 2026 — $299.99", "Do you agree"),
                state="agree",
            ),
            Turn(press="yes", contains=("A20001-",), state="closed"),
        ),
    ),
    Persona(
        "zh-cn-plan-facts-and-schedule-before-consent",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_funnel("unsure"),
            Turn(
                say="每月1500",
                contains=("共 10 期", "首期 2026年12月28日", "年利率 18.25%", "比目前欠款多"),
                state="offer",
            ),
            Turn(press="plan:1", contains=("完整还款计划", "您同意这个方案吗"), state="agree"),
            Turn(press="yes", contains=("A10001-",), state="closed"),
        ),
    ),
    # --- 引: income back soon -> a holiday until then, relief at the floor ----------------
    Persona(
        "en-us-job-loss-income-back-gets-a-holiday-and-relief",
        "en",
        (
            *_verified_us_20001(),
            *_funnel("soon"),
            Turn(
                say="250 a month",
                contains=(
                    "the lowest is $259.16",
                    "1. No payments until Jan 28, 2027, then $273.84 a month × 17",
                    "at 5% a year",
                    "interest of $95.06 waived",
                    "Why: your income should return soon, so payments start on Jan 28, 2027",
                ),
                absent=_ASKED_EN,
                state="negotiate",
            ),
            # Issue 13: "ok $6 a month then" is a counter-offer of 6, never a yes to 259.16.
            Turn(
                say="ok $6 a month then",
                contains=("$6.00", "breathing space"),
                absent=("You chose", "Do you agree", *_ASKED_EN),
                state="handoff",
                handoff="limits_reached",
            ),
        ),
    ),
    Persona(
        "zh-cn-job-loss-income-back-gets-a-holiday-and-relief",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_funnel("soon"),
            Turn(
                say="每月1000",
                contains=(
                    "最低是 ¥1,084.64",
                    "1. 2027年1月28日 之前无需还款",
                    "年利率 6%",
                    "利息 ¥258.15",
                    "原因：您的收入预计很快恢复，所以从 2027年1月28日 开始还款",
                ),
                absent=_ASKED_ZH,
                state="negotiate",
            ),
            # The same figure again: not a round, and not the same sentence.
            Turn(say="每月1000", contains=("不算新一轮协商",), state="negotiate"),
            Turn(press="plan:1", contains=("完整还款计划", "¥1,180.33"), state="agree"),
        ),
    ),
    # --- 引: a lasting loss -> the longest term and the most interest relief --------------
    Persona(
        "en-gb-lasting-loss-gets-the-longest-term-first",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(say="no, it won't get better", state="situation"),
            Turn(
                say="400 a month",
                contains=("1. £112.30 a month × 24", "longest term with the most interest relief"),
                state="offer",
            ),
        ),
    ),
    Persona(
        "zh-cn-lasting-loss-gets-the-longest-term-first",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(say="不会好转了，我退休了", state="situation"),
            Turn(
                say="每月2500",
                contains=("1. 每月 ¥1,084.64，共 12 期", "期限最长、利息减免最多"),
                state="offer",
            ),
        ),
    ),
    Persona(
        "en-gb-lasting-loss-by-button",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:lasting", state="situation"),
            Turn(
                say="400 a month",
                contains=("1. £112.30 a month × 24", "longest term with the most interest relief"),
                state="offer",
            ),
        ),
    ),
    Persona(
        "zh-cn-lasting-loss-by-button",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:lasting", state="situation"),
            Turn(
                say="每月2500",
                contains=("1. 每月 ¥1,084.64，共 12 期", "期限最长、利息减免最多"),
                state="offer",
            ),
        ),
    ),
    # --- 引: a request for less interest gets the relief the limits allow -----------------
    Persona(
        "en-us-asks-to-drop-the-interest",
        "en",
        (
            *_verified_us_20001(),
            *_funnel("soon"),
            Turn(say="300 a month", contains=("at 14.65% a year",), state="offer"),
            Turn(
                say="can you drop the interest?",
                contains=("bring the rate down to 5% a year", "waive $95.06 of interest"),
                state="negotiate",
            ),
            Turn(press="plan:1", contains=("at 5% a year", "The whole schedule"), state="agree"),
        ),
    ),
    Persona(
        "zh-cn-asks-to-reduce-the-interest",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_funnel("soon"),
            Turn(say="每月1500", contains=("年利率 18.25%",), state="offer"),
            Turn(
                say="利息能不能减免一点?",
                contains=("把年利率降到 6%", "减免利息 ¥258.15"),
                absent=("年利率 18.25%",),
                state="negotiate",
            ),
        ),
    ),
    # --- 压: a settlement negotiated in steps, with a pay-by date -------------------------
    Persona(
        "en-us-settlement-negotiated-in-steps",
        "en",
        (
            *_verified_us_20001(),
            *_funnel("unsure"),
            Turn(
                say="I could pay 3000 in one go",
                contains=("$4,422.49 in one payment if it is paid by Dec 8, 2026", "$232.76"),
                state="negotiate",
            ),
            Turn(
                say="I could pay 3000 in one go",
                contains=("doesn't use up a round",),
                state="negotiate",
            ),
            Turn(
                say="I could pay 3500 in one go",
                contains=("$4,306.11", "$349.14"),
                state="negotiate",
            ),
            Turn(press="plan:1", contains=("$4,306.11", "Dec 8, 2026"), state="agree"),
        ),
    ),
    Persona(
        "zh-cn-settlement-negotiated-in-steps",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_funnel("unsure"),
            Turn(say="一次性还八千", contains=("¥12,407.48", "2026年12月5日"), state="negotiate"),
            Turn(say="一次性还一万", contains=("¥12,080.97",), state="negotiate"),
            Turn(say="一次性还一万", contains=("不算新一轮协商",), state="negotiate"),
            Turn(say="一次性还一万一", contains=("¥11,754.45",), state="negotiate"),
        ),
    ),
    # --- 心: never push the unaffordable ----------------------------------------------------
    Persona(
        "en-gb-benefits-15-a-month-is-not-pushed",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(
                say="£15 a month",
                contains=("£112.30", "£15.00", "breathing space", "token payment"),
                absent=_ASKED_EN,
                state="handoff",
                handoff="limits_reached",
            ),
        ),
    ),
    Persona(
        "zh-cn-200-a-month-is-not-pushed",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_funnel("unsure"),
            Turn(
                say="每月200",
                contains=("¥1,084.64", "¥200.00", "暂缓还款"),
                absent=_ASKED_ZH,
                state="handoff",
                handoff="limits_reached",
            ),
        ),
    ),
)

GUARD_CATEGORIES: dict[str, set[str]] = {}
