"""Debtor personas as tables of turns, played through any channel by a ``Driver``.

Each persona is one person on one chat: what they type or press, and what the bot's replies
to that turn must (``contains``) and must not (``absent``) say, the conversation's state after
the turn, and the handoff that must exist. ``play`` runs the table against a driver — the
engine directly (tests/test_personas.py) or a real channel — and names the persona and turn
in every failure.

Demo accounts (bot/demo/portfolio.csv): A-20001 Maria Lopez US 1985-02-14 / 0142;
A-20002 US time-barred 1970-09-30 / 0199; A-20003 US-MA 1991-12-05 / 0123;
A-20004 US-NY zh_CN in a validation period 1983-06-21 / 0177; A-10001 CN zh_CN
1988-04-02 / 8000; A-10002 CN zh_CN 1979-11-23 / 5678; A-10003 CN en 1995-07-15 / 2222;
A-30001 GB 1990-03-08 / 0123; A-30002 GB 1967-08-19 / 0456.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Turn:
    say: str | None = None  # typed text (commands like "/start A-20001", "/human", "/language zh")
    press: str | None = None  # or a button id, e.g. "options", "reason:job_loss", "plan:1", "yes"
    contains: tuple[str, ...] = ()  # substrings that must appear in the bot's replies (joined)
    absent: tuple[str, ...] = ()  # substrings that must not appear
    silent: bool = False  # the bot must send nothing at all
    state: str | None = None  # the conversation's state after the turn
    handoff: str | None = None  # a handoff with this reason exists after the turn
    next_day: bool = False  # advance the clock a day before this turn


@dataclass(frozen=True)
class Persona:
    name: str
    language: str  # the chat client's language code, "en" or "zh-hans"
    turns: tuple[Turn, ...]


class Driver(Protocol):
    async def say(self, text: str) -> list[str]: ...  # the bot's reply texts to this input
    async def press(self, button: str) -> list[str]: ...
    async def state(self) -> str: ...
    async def handoff_reasons(self) -> list[str]: ...  # reasons of every handoff of this chat
    async def next_day(self) -> None: ...


# Pieces of each demo account's balance that must never show before verification.
US_20001 = ("4,655", "4655", "4,200", "380.25")
US_20002 = ("2,300", "2300")
US_20003 = ("8,560", "7,800")
US_20004 = ("3,290", "3,100")
CN_10001 = ("13,060", "13060", "12,000", "860.50")
CN_10002 = ("42,810", "38,000", "4,210")
GB_30001 = ("2,850", "2,600", "190.00")
GB_30002 = ("10,370", "9,400")

# After any stop, dispute, bereavement or crisis reply, no talk of money is allowed.
NO_MONEY_EN = ("$", "£", "a month", "Balance")
NO_MONEY_ZH = ("¥", "每月", "欠款总额")


def _verified_us_20001() -> tuple[Turn, ...]:
    return (
        Turn(
            say="/start A-20001",
            contains=("Parley Demo Lending", "date of birth"),
            absent=US_20001,
            state="verify",
        ),
        Turn(say="1985-02-14", contains=("last four",), absent=US_20001, state="verify"),
        Turn(
            say="0142",
            contains=("$4,655.25", "$4,200.00", "$380.25", "$75.00", "60", "debt collector"),
            state="disclose",
        ),
    )


def _verified_cn_10001() -> tuple[Turn, ...]:
    return (
        Turn(
            say="/start A-10001",
            contains=("Parley Demo Lending", "出生日期"),
            absent=CN_10001,
            state="verify",
        ),
        Turn(say="1988年4月2日", contains=("后四位",), absent=CN_10001, state="verify"),
        Turn(
            say="8000",
            contains=("¥13,060.50", "¥12,000.00", "¥860.50", "¥200.00", "45"),
            state="disclose",
        ),
    )


def _verified_cn_10002() -> tuple[Turn, ...]:
    return (
        Turn(say="/start A-10002", contains=("出生日期",), absent=CN_10002, state="verify"),
        Turn(say="1979-11-23", contains=("后四位",), absent=CN_10002, state="verify"),
        Turn(say="5678", contains=("¥42,810.00", "逾期天数"), state="disclose"),
    )


def _verified_gb_30001() -> tuple[Turn, ...]:
    return (
        Turn(say="/start A-30001", contains=("date of birth",), absent=GB_30001, state="verify"),
        Turn(say="08/03/1990", contains=("last four",), absent=GB_30001, state="verify"),
        Turn(
            say="0123", contains=("£2,850.00", "75"), absent=("debt collector",), state="disclose"
        ),
    )


_FUNNEL_EN = (
    Turn(press="options", contains=("what has made paying hard",), state="situation"),
    Turn(press="reason:job_loss", contains=("income recover",), state="situation"),
    Turn(press="recovery:months", contains=("each month",), state="situation"),
)

_FUNNEL_ZH = (
    Turn(press="options", contains=("什么原因",), state="situation"),
    Turn(press="reason:job_loss", contains=("收入", "恢复"), state="situation"),
    Turn(press="recovery:months", contains=("每月", "能还多少"), state="situation"),
)


PERSONAS: tuple[Persona, ...] = (
    # --- verification and privacy -------------------------------------------------------
    Persona(
        "en-asks-balance-before-verifying",
        "en",
        (
            Turn(
                say="hello",
                contains=("Parley Demo Lending", "reference"),
                absent=US_20001,
                state="greet",
            ),
            Turn(say="how much do I owe", contains=("reference",), absent=US_20001, state="greet"),
            Turn(say="A-20001", contains=("date of birth",), absent=US_20001, state="verify"),
            Turn(
                say="how much do I owe? just tell me the balance",
                contains=("date of birth",),
                absent=(*US_20001, "$"),
                state="verify",
            ),
            Turn(say="1985-02-14", absent=US_20001, state="verify"),
            Turn(say="what is my balance", absent=(*US_20001, "$"), state="verify"),
            Turn(say="0142", contains=("$4,655.25", "debt collector"), state="disclose"),
        ),
    ),
    Persona(
        "zh-asks-balance-before-verifying",
        "zh-hans",
        (
            Turn(
                say="你好",
                contains=("Parley Demo Lending", "编号"),
                absent=CN_10001,
                state="greet",
            ),
            Turn(say="我欠了多少钱", contains=("编号",), absent=CN_10001, state="greet"),
            Turn(say="A-10001", contains=("出生日期",), absent=CN_10001, state="verify"),
            Turn(say="先告诉我欠多少", absent=(*CN_10001, "¥"), state="verify"),
            Turn(say="1988年4月2日", contains=("后四位",), absent=CN_10001, state="verify"),
            Turn(say="8000", contains=("¥13,060.50", "身份已确认"), state="disclose"),
        ),
    ),
    Persona(
        "en-three-wrong-birthdays",
        "en",
        (
            Turn(say="/start A-20001", state="verify"),
            Turn(say="1985-02-15", contains=("last four",), state="verify"),
            Turn(
                say="0142",
                contains=("don't match", "2"),
                absent=(*US_20001, "phone"),
                state="verify",
            ),
            Turn(say="14/03/1985", state="verify"),
            Turn(say="0142", contains=("don't match", "1"), absent=US_20001, state="verify"),
            Turn(say="1958-02-14", state="verify"),
            Turn(
                say="0142",
                contains=("24 hours", "person"),
                absent=US_20001,
                state="handoff",
                handoff="verification_locked",
            ),
            Turn(
                say="1985-02-14", absent=US_20001, state="handoff", handoff="verification_locked"
            ),
            Turn(say="0142", absent=US_20001, state="handoff"),
        ),
    ),
    Persona(
        "zh-three-wrong-birthdays",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(say="1988年4月3日", contains=("后四位",), state="verify"),
            Turn(say="8000", absent=CN_10001, state="verify"),
            Turn(say="1989-04-02", state="verify"),
            Turn(say="8000", absent=CN_10001, state="verify"),
            Turn(say="1988年2月4日", state="verify"),
            Turn(
                say="8000",
                contains=("24",),
                absent=CN_10001,
                state="handoff",
                handoff="verification_locked",
            ),
        ),
    ),
    # --- third parties --------------------------------------------------------------------
    Persona(
        "en-wife-he-passed-away",
        "en",
        (
            Turn(say="/start A-20001", state="verify"),
            Turn(
                say="this is his wife, he passed away last month",
                contains=("sorry for your loss", "person"),
                absent=(*US_20001, *NO_MONEY_EN),
                state="handoff",
                handoff="deceased",
            ),
        ),
    ),
    Persona(
        "zh-wife-he-passed-away",
        "zh-hans",
        (
            Turn(say="/start A-10002", state="verify"),
            Turn(
                say="我是他妻子，他上个月去世了",
                contains=("哀悼", "工作人员"),
                absent=(*CN_10002, *NO_MONEY_ZH),
                state="handoff",
                handoff="deceased",
            ),
        ),
    ),
    Persona(
        "en-wrong-number",
        "en",
        (
            Turn(say="/start A-20003", state="verify"),
            Turn(
                say="wrong number, I don't know this person",
                contains=("sorry",),
                absent=(*US_20003, "Aisha", "$"),
                state="closed",
            ),
            Turn(say="hello?", absent=(*US_20003, "$"), state="closed"),
        ),
    ),
    Persona(
        "zh-wrong-number",
        "zh-hans",
        (
            Turn(say="/start A-10002", state="verify"),
            Turn(
                say="你们打错了，我不认识这个人",
                contains=("抱歉",),
                absent=(*CN_10002, "Li Wei", "¥"),
                state="closed",
            ),
        ),
    ),
    # --- crisis in the middle of negotiating ---------------------------------------------
    Persona(
        "en-us-self-harm-while-negotiating",
        "en",
        (
            *_verified_us_20001(),
            *_FUNNEL_EN,
            Turn(say="300", contains=("$299.99", "Dec 8, 2026"), state="offer"),
            Turn(say="I can only do 150 a month", contains=("$259.16",), state="negotiate"),
            Turn(
                say="honestly i just want to end it all",
                contains=("988",),
                absent=NO_MONEY_EN,
                state="handoff",
                handoff="self_harm",
            ),
        ),
    ),
    Persona(
        "en-gb-self-harm-while-negotiating",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", contains=("unwell",), state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="100", contains=("£112.30",), state="negotiate"),
            Turn(
                say="I can't go on, I want to end my life",
                contains=("116 123", "Samaritans"),
                absent=(*NO_MONEY_EN, "988"),
                state="handoff",
                handoff="self_harm",
            ),
        ),
    ),
    Persona(
        "zh-cn-self-harm-while-negotiating",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_FUNNEL_ZH,
            Turn(say="两千五", contains=("¥2,294.08",), state="offer"),
            # Issue 13: a little below the minimum (一百 is far below: a person at once).
            Turn(say="我每月只能还一千", contains=("¥1,084.64",), state="negotiate"),
            Turn(
                say="我真的不想活了",
                contains=("12356",),
                absent=NO_MONEY_ZH,
                state="handoff",
                handoff="self_harm",
            ),
        ),
    ),
    # --- stop -----------------------------------------------------------------------------
    Persona(
        "en-stop-then-keeps-writing",
        "en",
        (
            *_verified_us_20001(),
            Turn(say="STOP", contains=("START",), absent=NO_MONEY_EN, state="stopped"),
            Turn(say="hello?", silent=True, state="stopped"),
            Turn(say="how much do I owe", silent=True, state="stopped"),
            Turn(say="/help", silent=True, state="stopped"),
            Turn(say="/human", silent=True, state="stopped"),
            Turn(say="STOP", silent=True, state="stopped"),
            Turn(say="are you still there", silent=True, state="stopped", next_day=True),
        ),
    ),
    Persona(
        "zh-unsubscribe-then-keeps-writing",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(say="退订", absent=(*CN_10001, *NO_MONEY_ZH), state="stopped"),
            Turn(say="喂", silent=True, state="stopped"),
            Turn(say="1988年4月2日", silent=True, state="stopped"),
            Turn(say="8000", silent=True, state="stopped"),
            Turn(say="退订", silent=True, state="stopped"),
            Turn(say="/start A-10001", contains=("出生日期",), state="verify"),
        ),
    ),
    # --- negotiation past the limits ------------------------------------------------------
    Persona(
        "en-counters-below-minimum",
        "en",
        (
            *_verified_us_20001(),
            *_FUNNEL_EN,
            Turn(say="300", contains=("$299.99",), state="offer"),
            # Issue 13: far below the minimum is never asked "could that work?" (this used
            # to be asked three times): a person takes over at once.
            Turn(
                say="I can only do 20 a month",
                contains=("$259.16", "$20.00", "person", "working day"),
                absent=("sue", "court", "legal", "Could that work"),
                state="handoff",
                handoff="limits_reached",
            ),
        ),
    ),
    Persona(
        "zh-counters-below-minimum",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:family_emergency", state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="一千五", contains=("¥1,417.77",), state="offer"),
            # Issue 13: far below the minimum is never asked (a debtor offering ¥200 used to
            # bid himself up): a person takes over at once.
            Turn(
                say="我每月只能还一百",
                contains=("¥1,084.64", "工作人员"),
                absent=("起诉", "法院"),
                state="handoff",
                handoff="limits_reached",
            ),
        ),
    ),
    # --- coming back the next day ---------------------------------------------------------
    Persona(
        "en-gb-comes-back-next-day",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:job_loss", contains=("income recover",), state="situation"),
            Turn(press="recovery:months", contains=("each month",), state="situation"),
            Turn(
                say="hello again",
                next_day=True,
                absent=("date of birth", "reference"),
                state="situation",
            ),
            Turn(say="150", contains=("£149.99", "× 24"), state="offer"),
            # Issue 13: income back in months — the holiday plan comes first.
            Turn(press="plan:1", contains=("No payments until Feb 28, 2027",), state="agree"),
            Turn(press="yes", contains=("A30001-", "Feb 28, 2027", "£150.00"), state="closed"),
        ),
    ),
    Persona(
        "zh-comes-back-next-day",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(press="options", state="situation"),
            Turn(press="reason:illness", contains=("健康",), state="situation"),
            Turn(press="recovery:soon", contains=("每月",), state="situation"),
            Turn(
                say="你好，我回来了", next_day=True, absent=("出生日期", "编号"), state="situation"
            ),
            Turn(say="两千五", contains=("¥2,294.08",), state="offer"),
            Turn(press="plan:1", state="agree"),
            Turn(press="yes", contains=("A10001-", "还款参考号", "2027年1月29日"), state="closed"),
        ),
    ),
    # --- happy paths ----------------------------------------------------------------------
    Persona(
        "en-us-happy-path",
        "en",
        (
            *_verified_us_20001(),
            *_FUNNEL_EN,
            Turn(say="300", contains=("$299.99", "× 18", "$5,399.80"), state="offer"),
            Turn(press="plan:1", contains=("$299.99", "yes"), state="agree"),
            Turn(
                press="yes",
                # Issue 13: income back in months — the holiday plan (first due a month later).
                contains=("payment reference", "A20001-", "Jan 28, 2027"),
                state="closed",
            ),
            Turn(say="thanks!", contains=("A20001-",), absent=("$",), state="closed"),
        ),
    ),
    Persona(
        "zh-cn-happy-path",
        "zh-hans",
        (
            *_verified_cn_10001(),
            *_FUNNEL_ZH,
            Turn(say="两千五", contains=("¥2,294.08", "共 6 期", "¥13,764.44"), state="offer"),
            Turn(press="plan:1", contains=("同意",), state="agree"),
            Turn(
                press="yes",
                contains=("还款参考号", "A10001-", "2027年1月28日", "¥2,294.04"),
                state="closed",
            ),
        ),
    ),
    Persona(
        "zh-us-ny-validation-period-happy-path",
        "zh-hans",
        (
            Turn(say="/start A-20004", contains=("出生日期",), absent=US_20004, state="verify"),
            Turn(say="1983-06-21", state="verify"),
            Turn(
                say="0177",
                contains=("US$3,290.00", "债务催收", "2027年6月30日", "异议"),
                state="disclose",
            ),
            Turn(press="options", state="situation"),
            Turn(press="reason:business_trouble", state="situation"),
            Turn(press="recovery:months", state="situation"),
            Turn(
                say="500",
                contains=("US$446.71", "2027年6月30日"),
                absent=("2026年12月",),
                state="offer",
            ),
            Turn(press="plan:1", state="agree"),
            Turn(press="yes", contains=("A20004-", "还款参考号"), state="closed"),
        ),
    ),
    # --- language -------------------------------------------------------------------------
    Persona(
        "en-switches-to-chinese-and-back",
        "en",
        (
            Turn(say="/start A-20004", contains=("date of birth",), state="verify"),
            Turn(say="/language zh", contains=("中文", "出生日期"), state="verify"),
            Turn(say="1983-06-21", contains=("后四位",), state="verify"),
            Turn(
                say="0177",
                contains=("US$3,290.00", "债务催收"),
                absent=("Balance",),
                state="disclose",
            ),
            Turn(
                say="/language en",
                contains=("English", "options"),
                absent=("方案",),
                state="disclose",
            ),
            Turn(press="options", contains=("what has made paying hard",), state="situation"),
        ),
    ),
    Persona(
        "zh-account-in-english-switches-to-chinese",
        "zh-hans",
        (
            Turn(say="/start A-10003", contains=("出生日期",), state="verify"),
            Turn(say="1995-07-15", contains=("后四位",), state="verify"),
            Turn(say="2222", contains=("Balance", "CN¥5,960.20"), state="disclose"),
            Turn(say="/language zh", contains=("中文", "方案"), state="disclose"),
            Turn(
                press="options",
                contains=("什么原因",),
                absent=("what has made",),
                state="situation",
            ),
        ),
    ),
    # --- asking for a person --------------------------------------------------------------
    Persona(
        "en-asks-for-a-human",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="/human",
                contains=("person", "working day"),
                state="handoff",
                handoff="human_requested",
            ),
        ),
    ),
    Persona(
        "zh-asks-for-a-human-before-verifying",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(
                say="/human",
                contains=("工作人员", "工作日"),
                absent=CN_10001,
                state="handoff",
                handoff="human_requested",
            ),
        ),
    ),
    # --- the guard's other categories -----------------------------------------------------
    Persona(
        "en-time-barred-bankruptcy",
        "en",
        (
            Turn(say="/start A-20002", absent=US_20002, state="verify"),
            Turn(say="1970-09-30", state="verify"),
            Turn(say="0199", contains=("$2,300.00", "we will not sue you"), state="disclose"),
            Turn(
                say="I filed for chapter 7 bankruptcy last week",
                contains=("pause collection",),
                absent=NO_MONEY_EN,
                state="handoff",
                handoff="bankruptcy",
            ),
        ),
    ),
    Persona(
        "zh-personal-bankruptcy",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(
                say="我已经申请个人破产了",
                contains=("暂停催收",),
                absent=NO_MONEY_ZH,
                state="handoff",
                handoff="bankruptcy",
            ),
        ),
    ),
    Persona(
        "en-attorney",
        "en",
        (
            Turn(say="/start A-20003", state="verify"),
            Turn(say="1991-12-05", state="verify"),
            Turn(say="0123", contains=("$8,560.00",), state="disclose"),
            Turn(press="options", state="situation"),
            Turn(
                say="my attorney handles this now, talk to my lawyer",
                contains=("representative",),
                absent=NO_MONEY_EN,
                state="handoff",
                handoff="attorney",
            ),
        ),
    ),
    Persona(
        "zh-attorney",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(
                say="我已经委托律师处理了，请联系我的律师",
                contains=("代理人",),
                absent=NO_MONEY_ZH,
                state="handoff",
                handoff="attorney",
            ),
        ),
    ),
    Persona(
        "en-us-dispute",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="I dispute this debt, it is not mine",
                contains=("written dispute",),
                absent=NO_MONEY_EN,
                state="handoff",
                handoff="dispute",
            ),
        ),
    ),
    Persona(
        "zh-us-ny-dispute",
        "zh-hans",
        (
            Turn(say="/start A-20004", state="verify"),
            Turn(say="1983-06-21", state="verify"),
            Turn(say="0177", contains=("2027年6月30日",), state="disclose"),
            Turn(
                say="这笔钱不是我欠的，我有异议",
                contains=("书面异议", "暂停催收"),
                absent=NO_MONEY_ZH,
                state="handoff",
                handoff="dispute",
            ),
        ),
    ),
    Persona(
        "en-servicemember",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="I'm on active duty in the army right now",
                contains=("service",),
                state="handoff",
                handoff="servicemember",
            ),
        ),
    ),
    Persona(
        "zh-servicemember",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(say="我是现役军人", contains=("服役",), state="handoff", handoff="servicemember"),
        ),
    ),
    Persona(
        "en-gb-complaint",
        "en",
        (
            Turn(say="/start A-30002", absent=GB_30002, state="verify"),
            Turn(say="19/08/1967", state="verify"),
            Turn(say="0456", contains=("£10,370.00",), state="disclose"),
            Turn(
                say="I want to make a complaint about how you have treated me",
                contains=("complaint",),
                state="handoff",
                handoff="complaint",
            ),
        ),
    ),
    Persona(
        "zh-complaint",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(
                say="我要投诉你们的服务", contains=("投诉",), state="handoff", handoff="complaint"
            ),
        ),
    ),
    Persona(
        "en-gb-vulnerable",
        "en",
        (
            *_verified_gb_30001(),
            Turn(press="options", state="situation"),
            Turn(
                say="I have dementia and find this very confusing",
                contains=("your pace", "MoneyHelper", "StepChange"),
                state="situation",
            ),
            Turn(press="human", contains=("person",), state="handoff", handoff="human_requested"),
        ),
    ),
    Persona(
        "zh-vulnerable",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(press="options", state="situation"),
            Turn(
                say="我得了重病，住院了，脑子很乱",
                contains=("12348",),
                absent=("¥",),
                state="situation",
            ),
        ),
    ),
    Persona(
        "en-abusive",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="you are useless idiots",
                contains=("respectful",),
                absent=("idiot",),
                state="disclose",
            ),
            Turn(say="you stupid idiots", contains=("person",), state="handoff", handoff="abuse"),
        ),
    ),
    Persona(
        "zh-abusive",
        "zh-hans",
        (
            *_verified_cn_10001(),
            Turn(say="你们这些骗子，滚", contains=("尊重",), state="disclose"),
            Turn(say="傻逼", contains=("工作人员",), state="handoff", handoff="abuse"),
        ),
    ),
    Persona(
        "en-hardship-in-own-words",
        "en",
        (
            *_verified_us_20001(),
            Turn(
                say="I lost my job and can't pay right now",
                contains=("income recover",),
                state="situation",
            ),
            Turn(press="recovery:months", state="situation"),
            Turn(say="1.2k", contains=("$", "Tap the one"), state="offer"),
        ),
    ),
    Persona(
        "zh-hardship-in-own-words",
        "zh-hans",
        (
            *_verified_cn_10002(),
            Turn(say="我失业了，现在还不上", contains=("恢复",), state="situation"),
            Turn(press="recovery:unsure", state="situation"),
            Turn(say="两千", contains=("¥", "点选"), state="offer"),
        ),
    ),
)


def _label(persona: Persona, index: int, turn: Turn) -> str:
    action = f"say {turn.say!r}" if turn.say is not None else f"press {turn.press!r}"
    return f"{persona.name}, turn {index + 1} ({action})"


async def play(persona: Persona, driver: Driver) -> None:
    """Plays every turn and asserts its expectations, with messages naming persona and turn."""
    for index, turn in enumerate(persona.turns):
        label = _label(persona, index, turn)
        assert (turn.say is None) != (turn.press is None), f"{label}: say or press, not both"
        if turn.next_day:
            await driver.next_day()
        if turn.say is not None:
            replies = await driver.say(turn.say)
        else:
            assert turn.press is not None
            replies = await driver.press(turn.press)
        joined = "\n".join(replies)
        if turn.silent:
            assert replies == [], f"{label}: expected silence, the bot sent {replies!r}"
        for piece in turn.contains:
            assert piece in joined, f"{label}: {piece!r} missing from {joined!r}"
        for piece in turn.absent:
            assert piece not in joined, f"{label}: {piece!r} must not appear in {joined!r}"
        if turn.state is not None:
            state = await driver.state()
            assert state == turn.state, f"{label}: state {state!r}, expected {turn.state!r}"
        if turn.handoff is not None:
            reasons = await driver.handoff_reasons()
            assert turn.handoff in reasons, (
                f"{label}: no {turn.handoff!r} handoff, only {reasons!r}"
            )
