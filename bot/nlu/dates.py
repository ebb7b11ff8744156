"""Dates of birth and the last four digits of a phone, as a debtor types them.

Forms read, in either language: 1988-04-02, 1988/4/2, 1988.4.2, 19880402, 02/04/1988,
02-04-88, 2 April 1988, April 2, 1988, 2nd Apr 1988, the 2nd of April '88, 1988 Apr 2,
1988年4月2日, 1988年4月2号, 一九八八年四月二日, 88年4月2日.

Rules:
- A two-digit year is the latest such year not in the future ("88" is 1988, "05" is 2005).
- Numeric dates with the year last are read day-first and month-first. When both readings
  are real dates and differ ("02/04/1988"), both are candidates, the locale's reading first:
  month-first for the regions listed in the lexicon (en_US), day-first elsewhere.
  Verification compares keyed hashes, so it should accept either candidate: a debtor
  who writes the date the way their country does is not failed for it. This gives one
  extra guess on such dates, against the three attempts, the phone digits and the lock.
- A date that does not exist (30 February), lies in the future or more than 130 years
  back is no candidate. Several different dates in one message, a lunar-calendar date
  (农历) or a date without a year give no candidate: the dialog asks again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.nlu import lexicon
from bot.nlu.numerals import NumberWords, han_digit_string, number_words, parse_han_numeral
from bot.nlu.phrases import PhraseMatcher, alternation
from bot.nlu.text import prepare

MAX_AGE_YEARS = 130
_ORDERS = ("DMY", "MDY")
_FOUR_DIGITS = re.compile(r"(?<![0-9.,])[0-9]{4}(?![0-9]|[.,][0-9])")
_DIGITS_ONLY = re.compile(r"[0-9\s-]+")


@dataclass(frozen=True)
class _Lexicon:
    numbers: NumberWords
    months: dict[str, int]
    order: str
    order_by_region: dict[str, str]
    fillers: PhraseMatcher
    lunar: PhraseMatcher
    patterns: tuple[tuple[re.Pattern[str], str], ...]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    readings: tuple[date, ...]


def _order(value: str) -> str:
    if value not in _ORDERS:
        raise lexicon.LexiconError(f"year_last_order must be one of {_ORDERS}")
    return value


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "dates")
    numbers = number_words(folder)
    months = lexicon.numbers(found, "months")
    by_region = lexicon.text_map(found, "year_last_order_by_region")
    return _Lexicon(
        numbers=numbers,
        months=months,
        order=_order(lexicon.text_value(found, "year_last_order", "DMY")),
        order_by_region={k.upper(): _order(v) for k, v in by_region.items()},
        fillers=PhraseMatcher(lexicon.strings(found, "fillers")),
        lunar=PhraseMatcher(lexicon.strings(found, "lunar_markers")),
        patterns=_patterns(found, numbers, months),
    )


def _patterns(
    found: tuple[lexicon.Table, ...], numbers: NumberWords, months: dict[str, int]
) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Regexes with named groups y, m, d (or `mon` for a month name), and how to read them."""
    digit = re.escape("".join(numbers.han_digits))
    han = re.escape(numbers.han_chars)
    month = rf"(?P<mon>{alternation(months)})\.?"
    suffixes = sorted(lexicon.strings(found, "ordinal_suffixes"), key=len, reverse=True)
    suffix = f"(?:{'|'.join(map(re.escape, suffixes))})?(?![a-z])" if suffixes else ""
    day = rf"(?P<d>[0-9]{{1,2}})(?![0-9]){suffix}"
    year = r"(?P<y>[0-9]{4}|'?[0-9]{2})(?![0-9])"
    gap = r"[\s,./-]*"
    table: list[tuple[str, str]] = []
    markers = [lexicon.strings(found, f"{part}_markers") for part in ("year", "month", "day")]
    if all(markers) and digit:
        y_mark, m_mark, d_mark = (f"(?:{alternation(m)})" for m in markers)
        han_year = rf"(?P<y>[0-9]{{4}}|[0-9]{{2}}|[{digit}]{{4}}|[{digit}]{{2}})"
        table.append(
            (
                rf"(?<![0-9{han}]){han_year}\s*{y_mark}\s*(?P<m>[0-9]{{1,2}}|[{han}]{{1,3}})"
                rf"\s*{m_mark}\s*(?P<d>[0-9]{{1,2}}|[{han}]{{1,4}})\s*{d_mark}?",
                "YMD",
            )
        )
    table += [
        (r"(?<![0-9.])(?P<y>[0-9]{4})\s*(?P<s>[-/.])\s*(?P<m>[0-9]{1,2})\s*(?P=s)\s*"
         r"(?P<d>[0-9]{1,2})(?![0-9])", "YMD"),
        (rf"(?<![0-9])(?P<y>[0-9]{{4}}){gap}{month}{gap}{day}", "YMD"),
        (rf"(?<![0-9]){day}{gap}{month}{gap}{year}", "DMY"),
        (rf"{month}{gap}{day}{gap}{year}", "MDY"),
        (r"(?<![0-9.])(?P<a>[0-9]{1,2})\s*(?P<s>[-/.])\s*(?P<b>[0-9]{1,2})\s*(?P=s)\s*"
         r"(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])", "year_last"),
        (r"(?<![0-9])(?P<n>[0-9]{8})(?![0-9])", "compact"),
    ]  # fmt: skip
    return tuple((re.compile(p), kind) for p, kind in table)


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(UTC).date()


def birth_date_candidates(
    text: str, locale: str, *, today: date | None = None
) -> tuple[date, ...]:
    """Every reading of the date of birth in `text`, the locale's preferred one first.

    Empty when there is no date, it is impossible or implausible, or the text gives
    several different dates.
    """
    norm = prepare(text)
    if norm is None:
        return ()
    folder, region = lexicon.locale_parts(locale)
    lex = _lexicon(folder)
    if lex.lunar.search(norm):
        return ()
    order = lex.order_by_region.get(region or "", lex.order)
    found = list(_find(lex.fillers.mask(norm), lex, order, _today(today)))
    if not found:
        return ()
    common = [d for d in found[0].readings if all(d in f.readings for f in found[1:])]
    return tuple(common)


def parse_birth_date(text: str, locale: str, *, today: date | None = None) -> date | None:
    """The date of birth in `text` in the locale's reading, or None when there is none."""
    candidates = birth_date_candidates(text, locale, today=today)
    return candidates[0] if candidates else None


def _find(norm: str, lex: _Lexicon, order: str, today: date) -> Iterator[_Found]:
    """Each date written in `norm`, with its valid readings; spans do not overlap."""
    for pattern, kind in lex.patterns:
        for match in pattern.finditer(norm):
            readings = _readings(match, kind, lex, order, today)
            valid = tuple(dict.fromkeys(d for d in readings if _plausible(d, today)))
            start, end = match.span()
            norm = norm[:start] + " " * (end - start) + norm[end:]
            yield _Found(start, end, valid)


def _readings(
    match: re.Match[str], kind: str, lex: _Lexicon, order: str, today: date
) -> Iterator[date]:
    groups = match.groupdict()
    if kind == "compact":
        n = groups["n"] or ""
        triples = [(n[:4], n[4:6], n[6:]), *_by_order(n[:2], n[2:4], n[4:], order)]
    elif kind == "year_last":
        triples = _by_order(groups["a"] or "", groups["b"] or "", groups["y"] or "", order)
    else:
        month = lex.months.get(groups.get("mon") or "")
        m = str(month) if month else groups.get("m") or ""
        triples = [(groups["y"] or "", m, groups["d"] or "")]
    for y, m, d in triples:
        made = _make(y, m, d, lex.numbers, today)
        if made:
            yield made


def _by_order(a: str, b: str, y: str, order: str) -> list[tuple[str, str, str]]:
    day_first = (y, b, a)
    month_first = (y, a, b)
    return [day_first, month_first] if order == "DMY" else [month_first, day_first]


def _number(text: str, numbers: NumberWords) -> int | None:
    if text.isascii():
        return int(text) if text.isdigit() else None
    value = parse_han_numeral(text, numbers)
    return int(value) if value is not None and value == int(value) else None


def _make(y: str, m: str, d: str, numbers: NumberWords, today: date) -> date | None:
    y = y.lstrip("'")
    if not y.isascii():
        y = han_digit_string(y, numbers) or ""
    if not y.isdigit():
        return None
    year = int(y)
    if len(y) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    month, day = _number(m, numbers), _number(d, numbers)
    if month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plausible(born: date, today: date) -> bool:
    earliest = today.year - MAX_AGE_YEARS
    return (earliest, today.month, today.day) <= (
        born.year,
        born.month,
        born.day,
    ) and born <= today


def parse_phone_last4(text: str) -> str | None:
    """The four digits in `text` ("8000", "it's 8000", "尾号8000", "８０００", "8 0 0 0")."""
    norm = prepare(text)
    if norm is None:
        return None
    lex = _lexicon(lexicon.locale_parts("")[0])
    for found in _find(norm, lex, "DMY", _today(None)):
        norm = norm[: found.start] + " " * (found.end - found.start) + norm[found.end :]
    runs = {m.group() for m in _FOUR_DIGITS.finditer(norm)}
    runs |= set(_han_four_digits(norm, lex.numbers))
    if len(runs) == 1:
        return runs.pop()
    if not runs and _DIGITS_ONLY.fullmatch(norm):
        digits = "".join(ch for ch in norm if ch.isdigit())
        return digits if len(digits) == 4 else None
    return None


def _han_four_digits(norm: str, numbers: NumberWords) -> Iterator[str]:
    digits = "".join(numbers.han_digits)
    if not digits:
        return
    for match in re.finditer(f"[{re.escape(digits)}]+", norm):
        run = han_digit_string(match.group(), numbers)
        if run is not None and len(run) == 4:
            yield run
