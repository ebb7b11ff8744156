"""Personas for issue 13 items 2, 6 and 7: affordability in layers, temperament shaping the
turn, and the rough edges of the conversation (waiting for a person, returning, GB advice
after a hardship button, attorney details asked once, the time-barred notice before any
plan, Chinese stop and start keywords, no "thank you for reaching out" when we made the
contact). Each point has a persona in English and one in Simplified Chinese.

Same tables as tests/personas.py (see its docstring); tests/all_personas.py joins them all.
Agent plans accepted as arrangements (item 8) go through the desk: tests/test_handoff_plans.py.
"""

from __future__ import annotations

from tests.personas import (
    Persona,
    Turn,
    _verified_cn_10001,
    _verified_gb_30001,
    _verified_us_20001,
)

_WAITING_EN = "our team has your message"
_WAITING_ZH = "团队已经收到您的消息"


def _verified_us_20002() -> tuple[Turn, ...]:
    return (
        Turn(say="/start A-20002", contains=("date of birth",), state="verify"),
        Turn(say="1970-09-30", contains=("last four",), state="verify"),
        Turn(say="0199", contains=("$2,300.00", "will not sue you"), state="disclose"),
    )


def _verified_us_20002_zh() -> tuple[Turn, ...]:
    return (
        Turn(say="/start A-20002", contains=("出生日期",), state="verify"),
        Turn(say="/language zh", contains=("出生日期",), state="verify"),
        Turn(say="1970-09-30", contains=("后四位",), state="verify"),
        Turn(say="0199", contains=("不会为此起诉您",), state="disclose"),
    )


def _verified_gb_30001_zh() -> tuple[Turn, ...]:
    return (
        Turn(say="/start A-30001", contains=("出生日期",), state="verify"),
        Turn(say="/language zh", contains=("出生日期",), state="verify"),
        Turn(say="08/03/1990", contains=("后四位",), state="verify"),
        Turn(say="0123", contains=("£2,850.00",), state="disclose"),
    )


PERSONAS: tuple[Persona, ...] = (
    # --- item 2: affordability in layers ---------------------------------------------------
    Persona(
        "en-gb-works-out-what-is-affordable",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:months", contains=("each month",), state="situation"),
            Turn(press="budget:start", contains=("comes in after tax",), state="situation"),
            # Weekly income, stated back as a monthly amount.
            Turn(say="about 400 a week", contains=("£1,733.33 a month",), state="situation"),
            Turn(
                say="rent 900, food and bills 300, bus 20 a week",
                contains=("about £1,286.67 a month on essentials", "£446.66", "£220.00"),
                state="situation",
            ),
            Turn(press="budget:use", contains=("£220.00 a month you said",), state="offer"),
        ),
    ),
    Persona(
        "zh-cn-works-out-what-is-affordable",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:months", state="situation"),
            Turn(say="帮我算算", contains=("税后大概收入多少",), state="situation"),
            Turn(say="每两周收入四千", contains=("¥8,666.67",), state="situation"),
            Turn(
                say="房租三千，吃饭两千，交通每周100",
                contains=("¥5,433.33", "¥3,233.34", "¥1,610.00"),
                state="situation",
            ),
            Turn(say="好的", contains=("¥1,610.00",), state="offer"),
        ),
    ),
    Persona(
        "en-would-rather-not-say-their-income",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="can you help me work it out?", contains=("after tax",), state="situation"),
            Turn(
                press="budget:skip",
                contains=("No problem at all", "each month"),
                absent=("after tax",),
                state="situation",
            ),
            Turn(say="300", contains=("$299.99",), state="offer"),
        ),
    ),
    Persona(
        "zh-would-rather-not-say-their-outgoings",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(press="budget:start", state="situation"),
            Turn(say="一个月六千", contains=("¥6,000.00",), state="situation"),
            Turn(say="这个我不想说", contains=("跳过", "每月"), state="situation"),
        ),
    ),
    # --- item 6: temperament shapes the turn ---------------------------------------------
    Persona(
        "en-choleric-gets-the-question-without-preamble",
        "en",
        (
            *_verified_us_20001(),
            Turn(say="just tell me what you want, hurry up", state="disclose"),
            Turn(
                say="lost my job. get to the point, this is ridiculous",
                contains=("When will your income recover?",),
                absent=("Losing income is hard",),
                state="situation",
            ),
            Turn(
                say="no idea, stop asking",
                contains=("How much a month can you pay?",),
                state="situation",
            ),
        ),
    ),
    Persona(
        "zh-sanguine-is-encouraged",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="好啊好啊…应该很快能找到新工作!",
                contains=("情况是会好转的",),
                state="situation",
            ),
            Turn(
                press="recovery:soon",
                contains=("您做得很好",),
                state="situation",
            ),
        ),
    ),
    Persona(
        "en-sanguine-is-encouraged",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="haha lost my job but it will be fine, I'm optimistic!",
                contains=("Things can turn around!",),
                state="situation",
            ),
            Turn(press="recovery:soon", contains=("You're doing great",), state="situation"),
        ),
    ),
    Persona(
        "zh-phlegmatic-one-question-at-a-time",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="嗯…我不太懂，让我想想", state="disclose"),
            Turn(press="options", contains=("一个问题一个问题来",), state="situation"),
            Turn(press="reason:unsure", contains=("只问一个问题",), state="situation"),
        ),
    ),
    Persona(
        "en-melancholic-reassured-before-numbers",
        "en",
        (
            *_verified_us_20001(),
            Turn(say="I'm so sorry, I feel terrible and really worried", state="disclose"),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", state="situation"),
            Turn(
                press="recovery:unsure", contains=("there's no wrong answer",), state="situation"
            ),
        ),
    ),
    Persona(
        "zh-choleric-gets-the-question-without-preamble",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="别废话，快点", state="disclose"),
            Turn(
                say="失业了，直接说到底多少",
                contains=("收入什么时候能恢复",),
                absent=("收入减少确实很难",),
                state="situation",
            ),
        ),
    ),
    Persona(
        "en-phlegmatic-one-question-at-a-time",
        "en",
        (
            *_verified_us_20001(),
            Turn(say="hmm... I'm not sure... let me think", state="disclose"),
            Turn(press="options", contains=("One question at a time",), state="situation"),
            Turn(press="reason:unsure", contains=("just one question",), state="situation"),
        ),
    ),
    Persona(
        "zh-melancholic-reassured-before-numbers",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="对不起，我真的很难过，压力很大", state="disclose"),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", state="situation"),
            Turn(press="recovery:unsure", contains=("没有错误的答案",), state="situation"),
        ),
    ),
    # --- item 7: rough edges ---------------------------------------------------------------
    Persona(
        "en-writes-while-waiting-for-a-person",
        "en",
        (
            *_verified_us_20001(),
            Turn(say="/human", state="handoff", handoff="human_requested"),
            Turn(say="hello? anyone there?", contains=(_WAITING_EN, "working day")),
            Turn(say="I can pay 200 a month", silent=True, state="handoff"),
            Turn(say="still waiting", contains=(_WAITING_EN,), state="handoff", next_day=True),
        ),
    ),
    Persona(
        "zh-writes-while-waiting-for-a-person",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="/human", state="handoff", handoff="human_requested"),
            Turn(say="在吗", contains=(_WAITING_ZH,), state="handoff"),
            Turn(say="你好？", silent=True, state="handoff"),
        ),
    ),
    Persona(
        "en-returns-mid-way-by-start",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(
                say="/start A-20001",
                contains=("Welcome back", "We were looking at", "income recover"),
                absent=("date of birth",),
                state="situation",
                next_day=True,
            ),
        ),
    ),
    Persona(
        "zh-returns-after-stop-by-chinese-start",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="退订", contains=("开始",), absent=("START。",), state="stopped"),
            Turn(say="喂", silent=True, state="stopped"),
            Turn(
                say="开始",
                contains=("欢迎回来", "¥13,060.50"),
                absent=("出生日期",),
                state="disclose",
                next_day=True,
            ),
        ),
    ),
    Persona(
        "en-gb-job-loss-button-gets-debt-advice",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", absent=("MoneyHelper",), state="situation"),
            Turn(press="reason:job_loss", contains=("MoneyHelper", "StepChange")),
            Turn(press="recovery:months", absent=("MoneyHelper",), state="situation"),
        ),
    ),
    Persona(
        "zh-gb-illness-button-gets-debt-advice",
        "zh-hans",
        (
            *_verified_gb_30001_zh(),
            Turn(press="options", absent=("MoneyHelper",), state="situation"),
            Turn(press="reason:illness", contains=("免费、保密的债务咨询", "MoneyHelper")),
        ),
    ),
    Persona(
        "en-attorney-details-given-at-once",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="My attorney handles this now: Jane Roe, Roe & Partners LLP, 555-010-2233",
                contains=("noted your representative's details",),
                absent=("Please send",),
                state="handoff",
                handoff="attorney",
            ),
        ),
    ),
    Persona(
        "en-attorney-details-asked-once",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="talk to my lawyer",
                contains=("Please send your representative's name",),
                handoff="attorney",
            ),
            Turn(
                say="Jane Roe at Roe & Partners LLP, jane@roe-law.example",
                contains=("noted your representative's details",),
                absent=("Please send",),
                state="handoff",
            ),
        ),
    ),
    Persona(
        "zh-attorney-details-given-at-once",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(
                say="我已经请了律师，张律师，电话13800138000",
                contains=("已记下您代理人的联系方式",),
                absent=("请提供", "请发送"),
                state="handoff",
                handoff="attorney",
            ),
        ),
    ),
    Persona(
        "en-time-barred-notice-before-the-plans",
        "en",
        (
            *_verified_us_20002(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="100", contains=("will not sue you", "$100.00 a month"), state="offer"),
        ),
    ),
    Persona(
        "zh-time-barred-notice-before-the-plans",
        "zh-hans",
        (
            *_verified_us_20002_zh(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", absent=("主动联系",), state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="100", contains=("不会为此起诉您",), state="offer"),
        ),
    ),
    Persona(
        "zh-job-loss-not-thanked-for-reaching-out",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(
                press="reason:job_loss",
                contains=("谢谢您告诉我",),
                absent=("主动联系",),
                state="situation",
            ),
        ),
    ),
    Persona(
        "en-job-loss-not-thanked-for-reaching-out",
        "en",
        (
            *_verified_us_20001(),
            Turn(press="options", state="situation"),
            Turn(
                press="reason:job_loss",
                contains=("Thank you for telling me",),
                absent=("reached out", "getting in touch"),
                state="situation",
            ),
        ),
    ),
)

GUARD_CATEGORIES: dict[str, set[str]] = {
    "en-attorney-details-given-at-once": {"attorney"},
    "en-attorney-details-asked-once": {"attorney"},
    "zh-attorney-details-given-at-once": {"attorney"},
    "zh-returns-after-stop-by-chinese-start": {"cease_contact"},
}
