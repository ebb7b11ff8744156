"""Dates of birth and the last four phone digits, in the forms debtors type them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlu import birth_date_candidates, parse_birth_date, parse_phone_last4

TODAY = date(2026, 11, 28)
APRIL_2 = date(1988, 4, 2)
FEB_4 = date(1988, 2, 4)

ONE_READING = [
    ("1988-04-02", "en"),
    ("1988/4/2", "en"),
    ("1988.4.2", "zh_CN"),
    ("19880402", "en"),
    ("2 April 1988", "en"),
    ("April 2, 1988", "en"),
    ("april 2 1988", "en_US"),
    ("2nd Apr 1988", "en"),
    ("Apr. 2nd, 1988", "en"),
    ("the 2nd of April 88", "en"),
    ("April 2nd '88", "en"),
    ("1988 Apr 2", "en"),
    ("2-apr-1988", "en"),
    ("my date of birth is 2 April 1988.", "en"),
    ("1988年4月2日", "zh_CN"),
    ("1988年04月02号", "zh_CN"),
    ("一九八八年四月二日", "zh_CN"),
    ("一九八八年四月二号", "zh_CN"),
    ("88年4月2日", "zh_CN"),
    ("我的生日是1988年4月2日", "zh_CN"),
    ("１９８８－０４－０２", "zh_CN"),
    ("1988年4月2日", "en"),  # either language in any chat
    ("2 April 1988", "zh_CN"),
    ("02/04/1988, that is 2 April 1988", "en"),  # both agree on one reading
]


@pytest.mark.parametrize(("text", "locale"), ONE_READING)
def test_one_reading(text: str, locale: str) -> None:
    assert birth_date_candidates(text, locale, today=TODAY) == (APRIL_2,)
    assert parse_birth_date(text, locale, today=TODAY) == APRIL_2


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("02/04/1988", "en", (APRIL_2, FEB_4)),
        ("02/04/1988", "en_GB", (APRIL_2, FEB_4)),
        ("02/04/1988", "zh_CN", (APRIL_2, FEB_4)),
        ("02/04/1988", "en_US", (FEB_4, APRIL_2)),
        ("02/04/1988", "en-us", (FEB_4, APRIL_2)),
        ("02.04.1988", "en", (APRIL_2, FEB_4)),
        ("02-04-88", "en", (APRIL_2, FEB_4)),
        ("2/4/1988", "en_US", (FEB_4, APRIL_2)),
        ("02041988", "en", (APRIL_2, FEB_4)),
        ("04/04/1988", "en", (date(1988, 4, 4),)),
        ("22/04/1988", "en_US", (date(1988, 4, 22),)),  # only one reading is a date
        ("04/22/1988", "en", (date(1988, 4, 22),)),
    ],
)
def test_day_and_month_order(text: str, locale: str, expected: tuple[date, ...]) -> None:
    assert birth_date_candidates(text, locale, today=TODAY) == expected
    assert parse_birth_date(text, locale, today=TODAY) == expected[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/06/07", (date(2007, 6, 5), date(2007, 5, 6))),
        ("1/1/26", (date(2026, 1, 1),)),
        ("1/1/27", (date(1927, 1, 1),)),  # 2027 is in the future
        ("二〇〇五年十二月三十一日", (date(2005, 12, 31),)),
        ("Feb 29 2000", (date(2000, 2, 29),)),
        ("1896-11-28", (date(1896, 11, 28),)),  # exactly 130 years
        ("2026-11-28", (TODAY,)),
    ],
)
def test_two_digit_years_and_limits(text: str, expected: tuple[date, ...]) -> None:
    assert birth_date_candidates(text, "en", today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I don't know",
        "30/02/1988",
        "1988-02-30",
        "Feb 29 2001",
        "31 April 1988",
        "1988-13-01",
        "2026-11-29",  # tomorrow
        "2030-01-01",
        "1896-11-27",  # over 130 years
        "1880-01-01",
        "农历1988年4月2日",  # lunar calendar: cannot be checked
        "lunar 2 April 1988",
        "April 1988",
        "4月2日",
        "April 2",
        "1988-04-02 or 1988-04-03",
        "1988-4/2",
        "2ndapril 1988",
        "88/4/2",
        "1e309",
        "NaN",
        "-1988-04-02x" + "9" * 2000,
        "1988-04-02" + " " * 100_000,
    ],
)
def test_no_date(text: str) -> None:
    assert birth_date_candidates(text, "en", today=TODAY) == ()
    assert parse_birth_date(text, "zh_CN", today=TODAY) is None


@pytest.mark.parametrize(
    "text",
    ["\u200f1988-04-02\u200f", "\u202e1988-04-02", "1988-04-02\x00", "🎂 1988-04-02 🎉"],
)
def test_invisible_characters_and_emoji(text: str) -> None:
    assert parse_birth_date(text, "en", today=TODAY) == APRIL_2


def test_default_today_is_used() -> None:
    assert parse_birth_date("1988-04-02", "en") == APRIL_2
    assert parse_birth_date("2999-01-01", "en") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8000", "8000"),
        ("0042", "0042"),
        ("it's 8000", "8000"),
        ("my number ends with 8000.", "8000"),
        ("尾号8000", "8000"),
        ("尾号是 8000 ", "8000"),
        ("８０００", "8000"),
        ("8 0 0 0", "8000"),
        ("80-00", "8000"),
        ("八零零零", "8000"),
        ("八〇〇〇", "8000"),
        ("8000 8000", "8000"),
        ("1988-04-02 and 8000", "8000"),  # both answers in one message
        ("\u200f8000\u200f", "8000"),
        ("", None),
        ("800", None),
        ("12345", None),
        ("8000 and 9000", None),
        ("80.00", None),
        ("+8613800138000", None),
        ("1e309", None),
        ("8000" + " " * 100_000, None),
    ],
)
def test_phone_last4(text: str, expected: str | None) -> None:
    assert parse_phone_last4(text) == expected
