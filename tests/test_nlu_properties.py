"""Properties of every NLU function: no string makes one raise, and results stay in range."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import (
    MAX_AMOUNT,
    Outlook,
    Reason,
    Tone,
    YesNo,
    birth_date_candidates,
    classify_reason,
    classify_recovery,
    infer_tone,
    match_choice,
    parse_amount,
    parse_birth_date,
    parse_phone_last4,
    parse_yes_no,
)

TODAY = date(2026, 11, 28)
LOCALES = st.sampled_from(["en", "en_US", "zh_CN", "zh", "fr", ""])

# Arbitrary text, and text built from the pieces the parsers look for, so that the
# examples reach deep into them rather than stopping at "no digits here".
PIECES = st.sampled_from(
    [
        "1", "2", "0", "9", "12", "150", "1988", ",", ".", "-", "/", "$", "¥", "k", "w", "%",
        " ", "年", "月", "日", "号", "万", "千", "百", "十", "零", "一", "两", "五", "九", "块",
        "元", "个", "第", "每月", "a month", "per week", "two", "hundred", "and", "a", "one",
        "thousand", "april", "may", "the", "2nd", "of", "not", "no", "yes", "好", "不", "sorry",
        "!", "?", "...", "😊", "😡", "\u200f", "\x00", "１", "e309", "nan", "minus", "负",
        "option", "second", "last", "next month", "in 3 months", "三个月", "年底", "lost my job",
        "sick", "我", "JUST TELL ME", "\ud800", "ﷺ",
    ]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))
OPTIONS = st.lists(st.tuples(st.text(min_size=1, max_size=10), st.text(max_size=30)), max_size=6)


def _check_amount(amount: Decimal | None) -> None:
    if amount is not None:
        assert isinstance(amount, Decimal)
        assert amount.is_finite()
        assert Decimal(0) <= amount < MAX_AMOUNT
        assert amount == amount.quantize(Decimal("0.01"))


@settings(max_examples=400, deadline=None)
@given(TEXT, LOCALES)
def test_no_function_raises_and_results_are_in_range(text: str, locale: str) -> None:
    _check_amount(parse_amount(text, locale))
    candidates = birth_date_candidates(text, locale, today=TODAY)
    assert all(date(TODAY.year - 130, 11, 28) <= d <= TODAY for d in candidates)
    assert len(set(candidates)) == len(candidates)
    assert parse_birth_date(text, locale, today=TODAY) == (candidates[0] if candidates else None)
    last4 = parse_phone_last4(text)
    assert last4 is None or (len(last4) == 4 and last4.isascii() and last4.isdigit())
    assert parse_yes_no(text, locale) in (YesNo.YES, YesNo.NO, None)
    assert classify_reason(text, locale) in Reason
    recovery = classify_recovery(text, locale, today=TODAY)
    assert recovery.outlook in Outlook
    assert recovery.months is None or (
        recovery.outlook is Outlook.TEMPORARY and 1 <= recovery.months <= 120
    )
    assert infer_tone([text], locale) in Tone


@settings(max_examples=200, deadline=None)
@given(TEXT, OPTIONS, LOCALES)
def test_a_choice_is_always_one_of_the_options(
    text: str, options: list[tuple[str, str]], locale: str
) -> None:
    chosen = match_choice(text, options, locale)
    assert chosen is None or chosen in {option_id for option_id, _ in options}


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=15), LOCALES)
def test_tone_is_deterministic(messages: list[str], locale: str) -> None:
    assert infer_tone(messages, locale) is infer_tone(list(messages), locale)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_grouped_figures_read_back(n: int) -> None:
    assert parse_amount(f"{n:,}", "en") == n
    assert parse_amount(f"${n:,} a month", "zh_CN") == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999), st.integers(min_value=0, max_value=99))
def test_figures_with_cents_read_back(n: int, cents: int) -> None:
    assert parse_amount(f"{n}.{cents:02d}", "en") == Decimal(f"{n}.{cents:02d}")


DIGITS = "零一二三四五六七八九"


def _chinese_section(n: int) -> str:
    """1..9999 in standard Chinese numerals, written independently of the parser."""
    out, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            gap = gap or bool(out)
            continue
        out += ("零" if gap else "") + DIGITS[digit] + unit
        gap = False
    return out


def _chinese(n: int) -> str:
    high, low = divmod(n, 10_000)
    if not high:
        return _chinese_section(low)
    tail = ("零" if 0 < low < 1000 else "") + _chinese_section(low) if low else ""
    return _chinese_section(high) + "万" + tail


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_read_back(n: int) -> None:
    assert parse_amount(_chinese(n) + "元", "zh_CN") == n
    assert parse_amount("每月还" + _chinese(n) + "块", "en") == n


ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _english_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        if hundreds:
            words.append("and")
        if rest < 10:
            words.append(ONES[rest])
        elif rest < 20:
            words.append(TEENS[rest - 10])
        else:
            words.append(TENS[rest // 10] + (f"-{ONES[rest % 10]}" if rest % 10 else ""))
    return " ".join(words)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=10, max_value=999_999))
def test_english_number_words_read_back(n: int) -> None:
    thousands, rest = divmod(n, 1000)
    words = f"{_english_below_1000(thousands)} thousand " if thousands else ""
    words += _english_below_1000(rest)
    assert parse_amount(words + " dollars a month", "en") == n


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_birth_dates_read_back(born: date) -> None:
    iso = born.isoformat()
    assert parse_birth_date(iso, "en", today=TODAY) == born
    chinese = f"{born.year}年{born.month}月{born.day}日"
    assert parse_birth_date(chinese, "zh_CN", today=TODAY) == born
    written = f"{born.day} {MONTHS[born.month - 1]} {born.year}"
    assert parse_birth_date(written, "en", today=TODAY) == born
    slashed = f"{born.day:02d}/{born.month:02d}/{born.year}"
    assert born in birth_date_candidates(slashed, "en_US", today=TODAY)
