"""The debtor's situation, from their own words: why paying got hard, and whether it passes.

Reason: phrases from the lexicon weigh 2 (strong: "laid off", "住院") or 1 (weak: "job",
"家里"); a phrase right after a negator in its clause does not count ("I wasn't fired",
"不是因为失业"). The heaviest reason wins, a tie goes to the one mentioned first, and no
evidence at all is OTHER.

Recovery: a stated time makes it TEMPORARY with the months until then ("next month" 1,
"in 3 months" 3, "三个月后" 3, "年底" until December, "in March", "明年" until January),
the longest when several are given, counted from `today`; more than ten years is
PERMANENT. Otherwise permanent cues
("for good", "退休") give PERMANENT, temporary cues ("soon", "暂时") TEMPORARY, both or
doubt ("not sure", "不知道") UNSURE, and a bare yes or no answers "is it temporary?".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from bot.nlu import lexicon
from bot.nlu.choices import YesNo, parse_yes_no
from bot.nlu.numerals import NumberWords, number_words, parse_han_numeral, parse_word_numeral
from bot.nlu.phrases import Found, PhraseMatcher, alternation, is_negated
from bot.nlu.text import prepare

MAX_RECOVERY_MONTHS = 120
_STRONG, _WEAK = 2, 1
_NEGATION_REACH = 4
_DAYS_PER_MONTH = 30


class Reason(StrEnum):
    JOB_LOSS = "job_loss"
    ILLNESS = "illness"
    FAMILY_EMERGENCY = "family_emergency"
    BUSINESS_TROUBLE = "business_trouble"
    OTHER = "other"


class Outlook(StrEnum):
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Recovery:
    """Whether the hardship will pass, and in how many months when the debtor said."""

    outlook: Outlook
    months: int | None = None


@dataclass(frozen=True)
class _Lexicon:
    numbers: NumberWords
    negators: PhraseMatcher
    reasons: dict[str, tuple[Reason, int]]
    reason_matcher: PhraseMatcher
    cues: dict[str, Outlook]
    cue_matcher: PhraseMatcher
    fixed_months: dict[str, int]
    by_month: dict[str, int]
    next_year: frozenset[str]
    month_units: dict[str, int]
    day_units: dict[str, int]
    time_matcher: PhraseMatcher
    calendar_months: dict[str, int]
    month_names: re.Pattern[str]
    counts: dict[str, int]
    after_count: PhraseMatcher


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "situation")
    numbers = number_words(folder)
    reasons: dict[str, tuple[Reason, int]] = {}
    for reason in Reason:
        for strength, weight in (("strong", _STRONG), ("weak", _WEAK)):
            for phrase in lexicon.strings(found, f"reasons.{reason.value}.{strength}"):
                reasons.setdefault(phrase, (reason, weight))
    cues: dict[str, Outlook] = {}
    for outlook in Outlook:
        cues.update((p, outlook) for p in lexicon.strings(found, f"recovery.{outlook.value}"))
    fixed = lexicon.numbers(found, "recovery.months")
    by_month = lexicon.numbers(found, "recovery.by_month")
    next_year = frozenset(lexicon.strings(found, "recovery.next_year.phrases"))
    month_units = lexicon.numbers(found, "recovery.month_units")
    day_units = lexicon.numbers(found, "recovery.day_units")
    calendar = lexicon.numbers(lexicon.tables(folder, "dates"), "months")
    return _Lexicon(
        numbers=numbers,
        negators=PhraseMatcher(lexicon.strings(found, "negators")),
        reasons=reasons,
        reason_matcher=PhraseMatcher(reasons),
        cues=cues,
        cue_matcher=PhraseMatcher(cues),
        fixed_months=fixed,
        by_month=by_month,
        next_year=next_year,
        month_units=month_units,
        day_units=day_units,
        time_matcher=PhraseMatcher([*fixed, *by_month, *next_year, *month_units, *day_units]),
        calendar_months=calendar,
        month_names=_month_name_pattern(found, calendar, numbers),
        counts=lexicon.numbers(found, "recovery.counts"),
        after_count=PhraseMatcher(lexicon.strings(found, "recovery.after_count")),
    )


def _month_name_pattern(
    found: tuple[lexicon.Table, ...], calendar: dict[str, int], numbers: NumberWords
) -> re.Pattern[str]:
    """ "in March" (after a preposition) or "3月" / "三月份" (a numeral before 月)."""
    prepositions = alternation(lexicon.strings(found, "recovery.month_prepositions"))
    named = rf"(?:{prepositions})\s+(?:the\s+)?(?P<name>{alternation(calendar)})"
    han = re.escape(numbers.han_chars)
    numbered = rf"(?<![0-9{han}个])(?P<num>[0-9]{{1,2}}|[{han}]{{1,3}})月" if han else "(?!)"
    return re.compile(f"{named}|{numbered}")


def _lex(locale: str) -> _Lexicon:
    return _lexicon(lexicon.locale_parts(locale)[0])


def classify_reason(text: str, locale: str) -> Reason:
    """Why paying became hard, from the debtor's answer; OTHER when it does not say."""
    norm = prepare(text)
    if norm is None:
        return Reason.OTHER
    lex = _lex(locale)
    scores: dict[Reason, int] = {}
    first_seen: dict[Reason, int] = {}
    for found in lex.reason_matcher.find(norm):
        if is_negated(norm, found.start, lex.negators, _NEGATION_REACH):
            continue
        reason, weight = lex.reasons[found.phrase]
        scores[reason] = scores.get(reason, 0) + weight
        first_seen.setdefault(reason, found.start)
    if not scores:
        return Reason.OTHER
    return max(scores, key=lambda r: (scores[r], -first_seen[r]))


def classify_recovery(text: str, locale: str, *, today: date | None = None) -> Recovery:
    """Whether the hardship is temporary, and the months until recovery if stated."""
    norm = prepare(text)
    if norm is None:
        return Recovery(Outlook.UNSURE)
    lex = _lex(locale)
    now = today if today is not None else datetime.now(UTC).date()
    cues = {
        lex.cues[f.phrase]
        for f in lex.cue_matcher.find(norm)
        if not is_negated(norm, f.start, lex.negators, _NEGATION_REACH)
    }
    months = _months(norm, lex, now)
    if months is not None and months > MAX_RECOVERY_MONTHS:
        return Recovery(Outlook.PERMANENT)  # "20 years" is not a temporary setback
    if months is not None and Outlook.PERMANENT not in cues:
        return Recovery(Outlook.TEMPORARY, months)
    if len(cues) == 1 and Outlook.UNSURE not in cues:
        return Recovery(cues.pop())
    if cues:
        return Recovery(Outlook.UNSURE)
    answer = parse_yes_no(norm, locale)
    if answer is YesNo.YES:
        return Recovery(Outlook.TEMPORARY)
    if answer is YesNo.NO:
        return Recovery(Outlook.PERMANENT)
    return Recovery(Outlook.UNSURE)


def _months(norm: str, lex: _Lexicon, today: date) -> int | None:
    """The longest time until recovery stated in the text, in whole months."""
    stated = [m for m in _stated_months(norm, lex, today) if m >= 1]
    return max(stated) if stated else None


def _stated_months(norm: str, lex: _Lexicon, today: date) -> list[int]:
    months: list[int] = []
    for found in lex.time_matcher.find(norm):
        phrase = found.phrase
        if phrase in lex.fixed_months:
            months.append(lex.fixed_months[phrase])
        elif phrase in lex.by_month:
            months.append(_until_month(lex.by_month[phrase], today))
        elif phrase in lex.next_year:
            months.append(13 - today.month)
        else:
            months.extend(_duration(norm, found, lex))
    for match in lex.month_names.finditer(norm):
        name, num = match.group("name"), match.group("num")
        target = lex.calendar_months.get(name) if name else _small_number(num or "", lex)
        if target is not None and 1 <= target <= 12:
            months.append(_until_month(target, today))
    return months


def _until_month(target: int, today: date) -> int:
    return (target - today.month) % 12 or 1


def _duration(norm: str, unit: Found, lex: _Lexicon) -> list[int]:
    """`3 months`, `two years`, `三个月`, `6 weeks`: the number before a unit."""
    head = norm[: unit.start].rstrip(" -")
    extra = lex.after_count.ends_at(head, len(head))
    if extra:
        head = head[: extra.start].rstrip(" -")
    count = _count_before(head, lex)
    if count is None:
        return []
    if unit.phrase in lex.month_units:
        return [count * lex.month_units[unit.phrase]]
    return [max(1, math.ceil(count * lex.day_units[unit.phrase] / _DAYS_PER_MONTH))]


def _count_before(head: str, lex: _Lexicon) -> int | None:
    figure = re.search(r"(?<![0-9a-z.,])[0-9]+$", head)
    if figure:  # four digits before 年 is a calendar year, not a count
        return int(figure.group()) if len(figure.group()) <= 3 else None
    if lex.numbers.han_chars:
        han = re.search(f"[{re.escape(lex.numbers.han_chars)}]+$", head)
        if han:
            return _small_number(han.group(), lex)
    words = head.split()[-3:]
    for start in range(len(words)):  # longest tail first: "a couple of", "twenty four"
        tail = words[start:]
        phrase = " ".join(tail)
        if phrase in lex.counts:
            return lex.counts[phrase]
        if phrase in lex.numbers.articles:
            return 1
        value = parse_word_numeral(tail, lex.numbers)
        if value is not None:
            return value
    return None


def _small_number(text: str, lex: _Lexicon) -> int | None:
    if text.isascii():
        return int(text) if text.isdigit() else None
    value = parse_han_numeral(text, lex.numbers)
    return int(value) if value is not None and value == int(value) else None
