"""Deadlines written in a message ("by December 5", "within 7 days", "12月5日前"), as dates.

Used for the US validation-period rule: while it runs, no deadline may fall before its end.
A date counts as a deadline when a cue ("by", "before", "within", "前", "内"...) is in the
same clause.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.compliance.lexicon import DeadlineForms

# Clause breaks; a comma before a year ("December 5, 2026") and a dot inside a number are not.
_CLAUSES = re.compile(r"[;:!?。、…]|,(?!\s?\d{4})|\.(?!\d)|\n")


def _number(token: str, forms: DeadlineForms) -> int | None:
    if token.isdigit():
        return int(token)
    return forms.numbers.get(token)


def _month(token: str, forms: DeadlineForms) -> int | None:
    if token.isdigit():
        return int(token)
    return forms.months.get(token.rstrip("."))


def _resolve(found: re.Match[str], forms: DeadlineForms, today: date) -> date | None:
    groups = {k: v for k, v in found.groupdict().items() if v is not None}
    if "rel" in groups:
        days = forms.relative_days.get(groups["rel"])
        return None if days is None else today + timedelta(days=days)
    if "n" in groups and "unit" in groups:
        count = _number(groups["n"], forms)
        hours = forms.units_hours.get(groups["unit"])
        if count is None or hours is None:
            return None
        return today + timedelta(days=-(-count * hours // 24))
    if "month" in groups and "day" in groups:
        return _calendar_date(groups, forms, today)
    return None


def _calendar_date(groups: dict[str, str], forms: DeadlineForms, today: date) -> date | None:
    month = _month(groups["month"], forms)
    if month is None:
        return None
    year = int(groups["year"]) if "year" in groups else today.year
    if year < 100:
        year += 2000
    try:
        when = date(year, month, int(groups["day"]))
    except ValueError:
        return None
    if "year" not in groups and when < today:
        when = when.replace(year=year + 1) if not (month == 2 and when.day == 29) else when
    return when


def find_deadlines(text: str, forms: DeadlineForms, today: date) -> list[tuple[str, date]]:
    """Each deadline in `text` (lightly normalised) with the date it names."""
    found: list[tuple[str, date]] = []
    for clause in _CLAUSES.split(text):
        if forms.cues is None or not forms.cues.search(clause):
            continue
        for form in forms.dates:
            for hit in form.finditer(clause):
                when = _resolve(hit, forms, today)
                if when is not None:
                    found.append((hit.group().strip(), when))
    return found
