"""Personas for issue 11: intents (questions, lump sums, language, returning, negation).

Same tables as tests/personas.py (see its docstring); tests/all_personas.py joins them all.
Each case of issue 11 item 4 has a persona in English and one in Simplified Chinese:
questions answered from the facts and the conversation back where it was (never a
negotiation round), lump sums on the settlement path (never a monthly figure), an unclear
sum asked about, a language asked for in words, a return that resumes without being taken
as an answer, several slots from one message, and a negation that is not a decline.
"""

from __future__ import annotations

from tests.personas import (
    CN_10001,
    US_20001,
    Persona,
    Turn,
    _verified_cn_10001,
    _verified_cn_10002,
    _verified_gb_30001,
    _verified_us_20001,
)

_NOT_NOW_EN = "Whenever you're ready"
_NOT_NOW_ZH = "您准备好了随时"


def _at_offer_us_20001() -> tuple[Turn, ...]:
    return (
        *_verified_us_20001(),
        Turn(press="options", state="situation"),
        Turn(press="reason:job_loss", state="situation"),
        Turn(press="recovery:unsure", state="situation"),
        Turn(say="300", contains=("$299.99", "× 18"), state="offer"),
    )


def _at_offer_cn_10001() -> tuple[Turn, ...]:
    return (
        *_verified_cn_10001(),
        Turn(press="options", state="situation"),
        Turn(press="reason:illness", state="situation"),
        Turn(press="recovery:unsure", state="situation"),
        Turn(say="两千五", contains=("¥2,294.08",), state="offer"),
    )


PERSONAS: tuple[Persona, ...] = (
    # --- questions: answered from the facts, then back where we were (no round) ---------
    Persona(
        "en-us-asks-the-rate-at-the-offer",
        "en",
        (
            *_at_offer_us_20001(),
            Turn(
                say="what's the interest rate on option 1?",
                contains=("APR", "% a year", "Tap the one"),
                state="offer",
            ),
            Turn(
                say="and how much is that altogether",
                contains=("$5,399.80 in total",),
                state="offer",
            ),
            Turn(say="when's the first payment?", contains=("Dec",), state="offer"),
            # Three questions, then counter-offers: the questions used none of the rounds.
            Turn(say="I can only do 150 a month", contains=("$259.16",), state="negotiate"),
            Turn(say="what happens now?", contains=("whole schedule",), state="negotiate"),
            Turn(say="I can only do 200 a month", contains=("$259.16",), state="negotiate"),
            # Issue 13: the lowest plans are shown (no bare "could that work?" to accept).
            Turn(press="plan:1", contains=("$259.16",), state="agree"),
            Turn(say="what happens if I say yes?", contains=("payment reference",), state="agree"),
            Turn(press="yes", contains=("A20001-",), state="closed"),
        ),
    ),
    Persona(
        "zh-cn-asks-the-interest-at-the-offer",
        "zh-hans",
        (
            *_at_offer_cn_10001(),
            Turn(say="利息是多少?", contains=("年利率", "点选"), state="offer"),
            Turn(say="能减免多少", contains=("减免",), state="offer"),
            # Issue 13: a little below the minimum shows the lowest plans (一百 is far below:
            # a person at once), so there is no bare figure to accept.
            Turn(say="我每月只能还一千", contains=("¥1,084.64",), state="negotiate"),
            Turn(say="那一共要还多少钱?", contains=("共计",), state="negotiate"),
            Turn(press="plan:1", contains=("¥1,084.64",), state="agree"),
            Turn(press="yes", contains=("A10001-", "还款参考号"), state="closed"),
        ),
    ),
    Persona(
        "en-us-what-if-i-paid-more",
        "en",
        (
            *_at_offer_us_20001(),
            Turn(
                say="what would the total be if I paid 400 a month?",
                contains=("With $400.00 a month", "in total"),
                state="offer",
            ),
            Turn(press="plan:1", state="agree"),
            Turn(press="yes", contains=("A20001-",), state="closed"),
        ),
    ),
    Persona(
        "zh-what-if-three-thousand-a-month",
        "zh-hans",
        (
            *_at_offer_cn_10001(),
            Turn(
                say="每月还三千的话利息是多少?",
                contains=("按每月¥3,000.00来算", "年利率"),
                state="offer",
            ),
            Turn(press="plan:1", state="agree"),
        ),
    ),
    Persona(
        "en-us-time-barred-asks-will-you-sue-me",
        "en",
        (
            Turn(say="/start A-20002", state="verify"),
            Turn(say="1970-09-30", state="verify"),
            Turn(say="0199", contains=("$2,300.00",), state="disclose"),
            Turn(
                say="will you sue me?",
                contains=("we will not sue you for it", "options"),
                absent=("court",),
                state="disclose",
            ),
            Turn(press="options", state="situation"),
        ),
    ),
    Persona(
        "zh-cn-asks-will-you-sue-me",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="你们会不会起诉我?",
                contains=("依法", "书面告知", "方案"),
                absent=("法院", "律师函"),
                state="disclose",
            ),
            Turn(press="options", contains=("什么原因",), state="situation"),
        ),
    ),
    Persona(
        "en-who-gave-you-my-number-before-verifying",
        "en",
        (
            Turn(say="/start A-20001", contains=("date of birth",), state="verify"),
            Turn(
                say="who gave you my number?",
                contains=("Parley Demo Lending", "on file", "date of birth"),
                absent=(*US_20001, "$", "debt", "collect"),
                state="verify",
            ),
            Turn(say="1985-02-14", contains=("last four",), state="verify"),
            Turn(say="0142", contains=("$4,655.25",), state="disclose"),
        ),
    ),
    Persona(
        "zh-who-are-you-before-verifying",
        "zh-hans",
        (
            Turn(say="/start A-10001", contains=("出生日期",), state="verify"),
            Turn(
                say="你们是谁? 谁给你们我的号码的?",
                contains=("Parley Demo Lending", "存档", "出生日期"),
                absent=(*CN_10001, "¥", "欠款", "催收"),
                state="verify",
            ),
            Turn(say="1988年4月2日", contains=("后四位",), state="verify"),
            Turn(say="8000", contains=("¥13,060.50",), state="disclose"),
        ),
    ),
    Persona(
        "en-which-one-was-wrong",
        "en",
        (
            Turn(say="/start A-20001", state="verify"),
            Turn(say="1985-02-14", state="verify"),
            Turn(say="9999", contains=("don't match",), absent=US_20001, state="verify"),
            Turn(
                say="which one was wrong?",
                contains=("never say which answer", "date of birth"),
                absent=(*US_20001, "phone number was", "date of birth was"),
                state="verify",
            ),
            Turn(say="1985-02-14", state="verify"),
            Turn(say="0142", contains=("$4,655.25",), state="disclose"),
        ),
    ),
    Persona(
        "zh-which-one-was-wrong",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(say="1988年4月3日", state="verify"),
            Turn(say="8000", absent=CN_10001, state="verify"),
            Turn(
                say="哪个错了?",
                contains=("从不说明", "出生日期"),
                absent=CN_10001,
                state="verify",
            ),
            Turn(say="1988年4月2日", state="verify"),
            Turn(say="8000", contains=("¥13,060.50",), state="disclose"),
        ),
    ),
    Persona(
        "en-us-asks-for-the-statement",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="can I see the statement first?",
                contains=("validation information", "$4,200.00", "in writing", "options"),
                state="disclose",
            ),
            Turn(press="options", state="situation"),
        ),
    ),
    Persona(
        "zh-shows-me-the-bill-not-refusing",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="能先给我看看账单明细吗? 我不是说不还",
                contains=("本金", "¥12,000.00", "专人发送"),
                absent=(_NOT_NOW_ZH,),
                state="disclose",
            ),
            Turn(press="options", contains=("什么原因",), state="situation"),
        ),
    ),
    # --- lump sums: the settlement path, never a monthly figure ---------------------------
    Persona(
        "en-gb-full-and-final-lump-sum",
        "en",
        (
            *_verified_gb_30001(),
            # Issue 13: the settlement is negotiated — a smaller discount first, with its
            # pay-by date — rather than the largest discount at once (£2,280.00).
            Turn(
                say="2000 one-off, full and final",
                contains=("£2,000.00", "£2,565.00 in one payment", "Dec 12, 2026", "£285.00"),
                absent=("£2,000.00 a month", "a month ×", "£2,280.00"),
                state="negotiate",
            ),
            Turn(
                say="2100 one-off",
                contains=("£2,422.50", "You save £427.50"),
                absent=("a month ×",),
                state="negotiate",
            ),
            Turn(press="plan:1", contains=("£2,422.50",), state="agree"),
            Turn(press="yes", contains=("A30001-", "£2,422.50"), state="closed"),
        ),
    ),
    Persona(
        "en-gb-knock-it-down-and-i-pay-in-one-go",
        "en",
        (
            *_verified_gb_30001(),
            Turn(
                say="I'm not paying 2,850. I'll pay a lump sum if you knock it down",
                contains=("one payment",),
                absent=(_NOT_NOW_EN, "a month ×"),
                state="disclose",
            ),
            Turn(
                say="2300",
                contains=("Settle with one payment of £2,300.00",),
                absent=("a month",),
            ),
        ),
    ),
    Persona(
        "zh-cn-one-off-thirty-thousand",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(
                say="一次性拿出三万",
                contains=("¥30,000.00", "一次性结清"),
                absent=("共 2 期", "× 2"),
                state="offer",
            ),
            Turn(press="plan:1", contains=("¥30,000.00",), state="agree"),
            Turn(press="yes", contains=("A10002-",), state="closed"),
        ),
    ),
    Persona(
        "en-gb-unclear-sum-is-asked-about",
        "en",
        (
            *_verified_gb_30001(),
            Turn(
                say="I could pay 2000",
                contains=("£2,000.00 once, or per month?",),
                absent=("a month ×",),
                state="disclose",
            ),
            Turn(say="once", contains=("£2,565.00",), absent=("a month ×",), state="negotiate"),
        ),
    ),
    Persona(
        "zh-unclear-sum-is-asked-about",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="我能还一万", contains=("¥10,000.00", "一次性付清", "每月"), state="disclose"
            ),
            Turn(press="sum:monthly", contains=("¥", "期"), state="offer"),
        ),
    ),
    # --- language in words ------------------------------------------------------------------
    Persona(
        "en-sorry-can-we-switch-to-english",
        "zh-hans",
        (
            Turn(say="/start A-10001", contains=("出生日期",), state="verify"),
            Turn(
                say="Sorry, can we switch to English?",
                contains=("English from now on", "date of birth"),
                state="verify",
            ),
            Turn(say="1988-04-02", contains=("last four",), state="verify"),
            Turn(say="8000", contains=("CN¥13,060.50", "Balance"), state="disclose"),
        ),
    ),
    Persona(
        "zh-can-i-use-chinese",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="我可以用中文吗?",
                contains=("中文", "方案"),
                absent=("Balance",),
                state="disclose",
            ),
            Turn(press="options", contains=("什么原因",), state="situation"),
            Turn(say="说英文", contains=("English",), state="situation"),
        ),
    ),
    # --- coming back: where we are, and the same question (never an answer) ---------------
    Persona(
        "en-hi-im-back-mid-funnel",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", contains=("income recover",), state="situation"),
            Turn(press="recovery:months", contains=("each month",), state="situation"),
            Turn(
                say="hi, I'm back",
                next_day=True,
                contains=("Welcome back", "each month"),
                absent=("didn't catch", "date of birth"),
                state="situation",
            ),
            Turn(say="300", contains=("$299.99",), absent=("didn't catch",), state="offer"),
            Turn(say="where were we?", contains=("options", "$299.99"), state="offer"),
            Turn(press="plan:1", state="agree"),
        ),
    ),
    Persona(
        "zh-im-back-mid-funnel",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", state="situation"),
            Turn(press="recovery:soon", contains=("每月",), state="situation"),
            Turn(
                say="我回来了",
                next_day=True,
                contains=("欢迎回来", "每月"),
                absent=("出生日期",),
                state="situation",
            ),
            Turn(say="两千五", contains=("¥2,294.08",), state="offer"),
        ),
    ),
    # --- several slots in one message, and other frequencies -------------------------------
    Persona(
        "en-us-75-every-two-weeks",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(
                say="$75 every two weeks",
                contains=("$162.50 a month", "$259.16"),
                state="negotiate",
            ),
        ),
    ),
    Persona(
        "en-us-everything-in-one-message",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(
                say="lost my job, should find work in 2 months, I can pay 300 a month",
                contains=("$",),
                absent=("income recover", "how much could you pay"),
                state="offer",
            ),
        ),
    ),
    Persona(
        "zh-everything-in-one-message",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(
                say="我生病住院了，大概一个月后能恢复，每周能还五百",
                contains=("¥2,166.67", "健康"),
                absent=("什么原因", "恢复？"),
                state="offer",
            ),
        ),
    ),
    # --- a negation is not a decline; only a decline is "not now" ---------------------------
    Persona(
        "en-gb-ashamed-never-in-debt-before",
        "en",
        (
            *_verified_gb_30001(),
            Turn(
                say="I'm so ashamed, I've never been in debt before",
                contains=("no judgement", "options"),
                absent=(_NOT_NOW_EN,),
                state="disclose",
            ),
            Turn(say="not now", contains=(_NOT_NOW_EN,), state="disclose"),
            Turn(press="options", state="situation"),
        ),
    ),
    Persona(
        "zh-ashamed-then-later",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="我觉得好丢人，这辈子第一次欠债",
                contains=("没有任何评判",),
                absent=(_NOT_NOW_ZH,),
                state="disclose",
            ),
            Turn(say="以后再说", contains=(_NOT_NOW_ZH,), state="disclose"),
        ),
    ),
)

# Guard categories (DESIGN §7) each persona must trip, read back from the audit log.
GUARD_CATEGORIES: dict[str, set[str]] = {
    "en-us-everything-in-one-message": {"hardship"},
    "zh-everything-in-one-message": {"vulnerability"},
}
