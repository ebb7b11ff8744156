"""Amounts a debtor states per month, in figures, words and Chinese numerals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.nlu import MAX_INPUT_CHARS, parse_amount

D = Decimal

ENGLISH = [
    ("1,200", D("1200")),
    ("1.2k", D("1200")),
    ("1.5K", D("1500")),
    ("$150", D("150")),
    ("150$", D("150")),
    ("150 a month", D("150")),
    ("I can only do 150 a month", D("150")),
    ("two hundred and fifty", D("250")),
    ("a hundred and fifty", D("150")),
    ("twelve hundred", D("1200")),
    ("twenty-five dollars", D("25")),
    ("about 300 bucks", D("300")),
    ("around £75 per month", D("75")),
    ("5 grand", D("5000")),
    ("2.5 thousand", D("2500")),
    ("$1,200.50", D("1200.50")),
    ("150.00", D("150")),
    ("150 pcm", D("150")),
    ("150/month", D("150")),
    ("ten", D("10")),
    ("three dollars", D("3")),
    ("0", D("0")),
    ("nothing right now", D("0")),
    ("I can't pay anything", D("0")),
    ("I have 3 kids and can pay 200 a month", D("200")),
    ("I owe 5000 but can pay 200", D("200")),
    ("my ref is A-10001, I can pay 100", D("100")),
    ("no one can help me but I can do 80", D("80")),
    ("I can pay 150 in 2 months", D("150")),
    ("12 payments of 150", D("150")),
    ("since 2024 I can pay 100", D("100")),
    ("on december 1 I can pay 200", D("200")),
    ("I may pay 150", D("150")),
    ("I get paid on the 5th, 150", D("150")),
    ("I earn 3000 a year and can pay 100 a month", D("100")),
    ("150 150", D("150")),
]

RANGES = [
    ("100-150", D("100")),
    ("100 to 150", D("100")),
    ("maybe 150 or 200", D("150")),
    ("$150-$200", D("150")),
    ("1.5k-2k", D("1500")),
    ("一千到一千五", D("1000")),
    ("800~1000块", D("800")),
]

CHINESE = [
    ("两千五", D("2500")),
    ("1.2万", D("12000")),
    ("五百块", D("500")),
    ("三千五百元", D("3500")),
    ("一千二", D("1200")),
    ("2千", D("2000")),
    ("每月800", D("800")),
    ("一万零五百", D("10500")),
    ("１５０", D("150")),
    ("十万", D("100000")),
    ("3w", D("30000")),
    ("1万2", D("12000")),
    ("五块", D("5")),
    ("¥800", D("800")),
    ("￥800", D("800")),
    ("人民币800元", D("800")),
    ("一个月两千五", D("2500")),
    ("每个月能还两千", D("2000")),
    ("能还800一个月", D("800")),
    ("我一直在找工作，每月能还五百", D("500")),
    ("我有两个孩子，一个月能还1500", D("1500")),
    ("一年后每月还500", D("500")),
    ("壹仟贰佰元", D("1200")),
    ("一分钱都没有", D("0")),
]

# Separators: a figure is read by where its separators fall (see bot/nlu/numerals.py).
SEPARATORS = [
    ("1.200,50", "en", D("1200.50")),
    ("1,200.50", "en", D("1200.50")),
    ("150,50", "en", D("150.50")),
    ("1,50", "en", D("1.50")),
    ("1.200.000", "en", D("1200000")),
    ("50,000", "en", D("50000")),
    ("999,999,999,999", "en", D("999999999999")),
    ("1.200", "en", None),  # 1.2 or 1200: ask again
    ("1.200", "zh_CN", None),
    ("1,20,000", "en", None),
    ("1.2345", "en", None),
    ("0150", "en", None),
    ("1 000", "en", None),
]

NOT_AMOUNTS = [
    "",
    "hello",
    "2026-12-01",
    "12/01/2026",
    "2 months",
    "3 kids",
    "10%",
    "10 percent",
    "百分之十",
    "三分之一",
    "at 3:30",
    "3pm",
    "the 5th",
    "1 may",
    "第二",
    "我30岁",
    "八折",
    "12期",
    "一",
    "three",
    "A-10001",
    "#12",
    "call me on 13800138000",
    "+447700900123",
    "999999999999",
    "万一我付不起",
    "千万别打电话",
    "一两百",
    "三四千",
    "one fifty",
    "between 100 and 150",
    "I earn 3000 a month and can pay 300",
    "I can manage £75 per week",
    "每周200",
    "我一年能还一万",
    "1,000,000,000,000",
    "a trillion dollars",
    "一万亿",
]

HOSTILE = [
    "-200",
    "$-200",
    "-$200",
    "I can pay -200",
    "minus 200",
    "负200",
    "1e309",
    "1E309",
    "NaN",
    "nan dollars",
    "Infinity",
    "inf",
    "१५०",  # other scripts' digits are not read
    "1" * 1000,
    "150 " + "x" * MAX_INPUT_CHARS,
    "150" + " " * 100_000,
    "ﷺ" * 900,
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH + RANGES)
def test_english_amounts(text: str, expected: Decimal) -> None:
    assert parse_amount(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), CHINESE + RANGES)
def test_chinese_amounts(text: str, expected: Decimal) -> None:
    assert parse_amount(text, "zh_CN") == expected


@pytest.mark.parametrize(("text", "expected"), [*CHINESE[:6], *ENGLISH[:6]])
def test_either_language_is_read_in_any_chat(text: str, expected: Decimal) -> None:
    assert parse_amount(text, "en") == expected
    assert parse_amount(text, "zh_CN") == expected
    assert parse_amount(text, "fr") == expected


@pytest.mark.parametrize(("text", "locale", "expected"), SEPARATORS)
def test_separators(text: str, locale: str, expected: Decimal | None) -> None:
    assert parse_amount(text, locale) == expected


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_not_an_amount(text: str) -> None:
    assert parse_amount(text, "en") is None
    assert parse_amount(text, "zh_CN") is None


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_none(text: str) -> None:
    assert parse_amount(text, "en") is None


@pytest.mark.parametrize(
    "text",
    [
        "\u200f150\u200f",  # right-to-left marks
        "\u202e150",
        "150\x00",
        "\x07150\x1b",
        "1️⃣5️⃣0️⃣",
        "I can pay 150!!! 😊",
        "\ud800 150",  # a lone surrogate
        "150\r\n",
        "\ufeff150",
    ],
)
def test_invisible_and_control_characters_are_ignored(text: str) -> None:
    assert parse_amount(text, "en") == D("150")


def test_result_is_exact_decimal() -> None:
    amount = parse_amount("1,200.10", "en")
    assert isinstance(amount, Decimal)
    assert str(amount) == "1200.10"
    assert str(parse_amount("1.2k", "en")) == "1200"
