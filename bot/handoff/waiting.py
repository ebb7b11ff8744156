"""When nobody has claimed a handoff in time: an honest wait, and a callback time.

The desk's periodic check (:meth:`bot.handoff.desk.HandoffDesk.overdue`) finds queued
handoffs older than their target and tells each debtor once how long it may still take.
The estimate is measured, not promised: the 80th percentile of how long handoffs claimed in
the last week waited, never less than the reason's target, rounded up (15 minutes under an
hour, whole hours under a day, then days). Without enough history (fewer than five claims)
it is four times the target, at least an hour.

The notice invites a callback time when the debtor's time zone is known (and never after
a self-harm handoff: that notice repeats the crisis line instead). The debtor's next
message is then read for a time ("tomorrow 10am", "after 6pm", "明天上午10点", "下午三点半");
a time found within the next 14 days is stored on the handoff, shown in the queue, and
confirmed to the debtor. Anything else is left for the agent to read.

The texts live here in English and Simplified Chinese rather than in the dialog's
catalogs, because they are the desk's, not the dialog's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from babel.dates import format_datetime, format_timedelta

from bot.i18n import catalog_locale, formatting_locale

HISTORY = timedelta(days=7)
MIN_SAMPLES = 5
CALLBACK_HORIZON = timedelta(days=14)
NO_CALLBACK_REASONS = frozenset({"self_harm", "cease_contact", "third_party"})

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "wait": (
            "I'm sorry for the wait — everyone on our team is busy right now. It may take up "
            "to {wait} before a person can reply here."
        ),
        "callback": (
            " If another time suits you better, reply with it (for example “tomorrow 10am”) "
            "and we'll get back to you then."
        ),
        "crisis": (
            "I'm sorry a person hasn't replied yet — they will as soon as they can. If you are "
            "in danger right now, please call {line}."
        ),
        "noted": (
            "Thank you — we've noted {time}. A person from our team will get back to you then."
        ),
    },
    "zh_CN": {
        "wait": (
            "很抱歉让您久等了——我们的同事现在都在忙。可能还需要最多{wait}才会有人在这里回复您。"
        ),
        "callback": (
            "如果您希望换个时间，请直接回复一个时间（例如“明天上午10点”），我们会在那时联系您。"
        ),
        "crisis": (
            "很抱歉，还没有同事回复您——他们会尽快回复。如果您现在有危险，请立即拨打 {line}。"
        ),
        "noted": "谢谢您——我们已记下{time}，届时我们的同事会联系您。",
    },
}


def estimate(target_seconds: int, recent_waits: Sequence[float]) -> timedelta:
    """How long the debtor may still have to wait, rounded up to a friendly unit."""
    target = max(target_seconds, 60)
    if len(recent_waits) >= MIN_SAMPLES:
        ordered = sorted(recent_waits)
        p80 = ordered[min(len(ordered) - 1, math.ceil(0.8 * len(ordered)) - 1)]
        seconds = max(p80, float(target))
    else:
        seconds = max(4.0 * target, 3600.0)
    return _round_up(seconds)


def _round_up(seconds: float) -> timedelta:
    if seconds <= 3600:
        return timedelta(minutes=15 * math.ceil(seconds / 900))
    if seconds <= 86400:
        return timedelta(hours=math.ceil(seconds / 3600))
    return timedelta(days=math.ceil(seconds / 86400))


def _texts(locale: str) -> dict[str, str]:
    return _TEXTS.get(catalog_locale(locale), _TEXTS["en"])


def wait_notice(
    locale: str, wait: timedelta, *, reason: str, invite_callback: bool, crisis_line: str
) -> str:
    texts = _texts(locale)
    if reason == "self_harm":
        return texts["crisis"].format(line=crisis_line)
    fmt = formatting_locale(locale, catalog_locale(locale))
    text = texts["wait"].format(wait=format_timedelta(wait, locale=fmt))
    if invite_callback and reason not in NO_CALLBACK_REASONS:
        text += texts["callback"]
    return text


def callback_noted(locale: str, when: datetime) -> str:
    fmt = formatting_locale(locale, catalog_locale(locale))
    pattern = "EEE d MMM, HH:mm" if catalog_locale(locale) == "en" else "M月d日 EEE HH:mm"
    shown = format_datetime(when, pattern, tzinfo=when.tzinfo, locale=fmt)
    return _texts(locale)["noted"].format(time=shown)


# --- reading a callback time ------------------------------------------------------------

_HAN = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_HAN |= {"八": 8, "九": 9, "十": 10}
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS_ZH = "一二三四五六日"
_PARTS_EN = {"morning": 9, "noon": 12, "midday": 12, "afternoon": 14, "evening": 18}
_PARTS_EN |= {"tonight": 19}
_EN_TIME = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?![\d%])",
    re.IGNORECASE,
)
_ZH_TIME = re.compile(
    r"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?\s*"
    r"(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})\s*(?:[:：](?P<m>\d{2})|点|點|时)"
    r"(?:\s*(?P<half>半)|\s*(?P<mz>\d{1,2}|[零一二三四五六七八九十]{1,3})\s*分?)?"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZH_PARTS = {"早上": 9, "早晨": 9, "上午": 10, "中午": 12, "下午": 14, "傍晚": 18, "晚上": 19}


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int
    minute: int
    explicit: bool  # a written time, not only "morning"


def parse_callback(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    """A callback time the debtor named, in their zone, from now to 14 days ahead."""
    sample = text[:200]
    if _names_a_date(sample):
        return None  # "25 Dec", "12/25", "12月25日": we read no dates, so promise nothing
    local = now.astimezone(zone)
    day = _day(sample, local.date())
    clock = _clock(sample)
    if clock is None:
        return None
    if day is None and not clock.explicit:
        return None  # "morning" alone is too vague to promise anything
    when = datetime.combine(day or local.date(), time(clock.hour, clock.minute), tzinfo=zone)
    if when <= local and day is None:
        when += timedelta(days=1)
    if not local < when <= local + CALLBACK_HORIZON:
        return None
    return when


_WEEKDAY_ZH = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]")
_DATE = re.compile(
    r"\d{1,4}\s*[/-]\s*\d{1,2}|\d+\s*(?:st|nd|rd|th)\b|[月号]|\d\s*日"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)


def _names_a_date(text: str) -> bool:
    return _DATE.search(_WEEKDAY_ZH.sub(" ", text)) is not None


def _day(text: str, today: date) -> date | None:
    lower = text.casefold()
    if "后天" in text or "day after tomorrow" in lower:
        return today + timedelta(days=2)
    if "明天" in text or "明早" in text or "tomorrow" in lower:
        return today + timedelta(days=1)
    if "今天" in text or "今晚" in text or re.search(r"\b(today|tonight)\b", lower):
        return today
    for index, name in enumerate(_WEEKDAYS_EN):
        if re.search(rf"\b{name}[a-z]*\b", lower):
            return _next_weekday(today, index)
    found = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", text)
    if found:
        return _next_weekday(today, _WEEKDAYS_ZH.index(found.group(1).replace("天", "日")))
    return None


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _clock(text: str) -> _Clock | None:
    zh = _ZH_TIME.search(text) if _CJK.search(text) else None
    if zh:
        return _zh_clock(zh, evening="晚" in text)
    lower = text.casefold()
    for match in _EN_TIME.finditer(lower):
        found = _en_clock(match, lower)
        if found is not None:
            return found
    for word, hour in _PARTS_EN.items():
        if re.search(rf"\b{word}\b", lower):
            return _Clock(hour, 0, explicit=word in ("noon", "midday"))
    for word, hour in _ZH_PARTS.items():
        if word in text:
            return _Clock(hour, 0, explicit=False)
    return None


def _en_clock(match: re.Match[str], lower: str) -> _Clock | None:
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    before = lower[max(0, match.start() - 8) : match.start()]
    if (
        not ampm
        and match.group("m") is None
        and not re.search(r"\b(at|after|by|around)\s*$", before)
    ):
        return None  # a bare number may be an amount
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and _later_in_day(hour, lower):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return _Clock(hour, minute, explicit=True)


def _later_in_day(hour: int, lower: str) -> bool:
    """ "7 in the evening", "tonight at 10", "3 in the afternoon" mean p.m."""
    if 1 <= hour <= 11 and re.search(r"\b(evening|tonight)\b", lower):
        return True
    return 1 <= hour <= 6 and re.search(r"\bafternoon\b", lower) is not None


def _zh_clock(match: re.Match[str], *, evening: bool) -> _Clock | None:
    hour = _zh_number(match.group("h"))
    minute = (
        30 if match.group("half") else _zh_number(match.group("m") or match.group("mz") or "0")
    )
    if hour is None or minute is None:
        return None
    part = match.group("part")
    afternoon = (part in ("下午", "傍晚", "晚上") or (evening and part is None)) and hour < 12
    if afternoon or (part == "中午" and hour < 3):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return _Clock(hour, minute, explicit=True)


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    values = [_HAN.get(ch) for ch in text]
    if any(v is None for v in values):
        return None
    digits = [v for v in values if v is not None]
    if len(digits) == 1:
        return digits[0]
    if digits[0] == 10:  # 十一 .. 十九
        return 10 + sum(digits[1:])
    if len(digits) >= 2 and digits[1] == 10:  # 二十, 二十三
        return digits[0] * 10 + (digits[2] if len(digits) > 2 else 0)
    return None
