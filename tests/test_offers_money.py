"""Money: minor units from babel, rounding and strict parsing of typed amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.offers.money import (
    MoneyError,
    check_amount,
    minor_digits,
    minor_unit,
    parse_amount,
    parse_decimal,
    plain,
    quantize,
    round_down,
    round_up,
)


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("JPY", 0), ("USD", 2), ("CNY", 2), ("GBP", 2), ("KWD", 3), ("usd", 2), ("CLF", 4)],
)
def test_minor_digits_come_from_babel(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits
    assert minor_unit(currency) == Decimal(1).scaleb(-digits)


@pytest.mark.parametrize("currency", ["ZZZ", "", "US", "DOLLAR", "12$"])
def test_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(MoneyError, match="ISO 4217"):
        minor_digits(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "half_up", "up", "down"),
    [
        ("2.345", "USD", "2.35", "2.35", "2.34"),
        ("2.344", "USD", "2.34", "2.35", "2.34"),
        ("2.5", "JPY", "3", "3", "2"),
        ("1.0005", "KWD", "1.001", "1.001", "1.000"),
        ("7", "USD", "7.00", "7.00", "7.00"),
    ],
)
def test_rounding(amount: str, currency: str, half_up: str, up: str, down: str) -> None:
    value = Decimal(amount)
    assert str(quantize(value, currency)) == half_up
    assert str(round_up(value, currency)) == up
    assert str(round_down(value, currency)) == down


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1200.50", "USD", "1200.50"),
        (" 450 ", "USD", "450.00"),
        ("1200.00", "JPY", "1200"),
        ("0.125", "KWD", "0.125"),
        ("0", "GBP", "0.00"),
        ("007.5", "CNY", "7.50"),
        ("999999999999999", "JPY", "999999999999999"),
    ],
)
def test_parse_amount_accepts_plain_amounts(text: str, currency: str, expected: str) -> None:
    assert str(parse_amount(text, currency)) == expected


@pytest.mark.parametrize(
    ("text", "currency", "sentence"),
    [
        ("NaN", "USD", "finite"),
        ("nan", "USD", "finite"),
        ("Infinity", "USD", "finite"),
        ("-inf", "USD", "finite"),
        ("-5", "USD", "negative"),
        ("1e309", "USD", "exponent"),
        ("1E5", "USD", "exponent"),
        ("12.345", "USD", "at most 2 decimal places"),
        ("12.5", "JPY", "no decimal places"),
        ("0.0001", "KWD", "at most 3 decimal places"),
        ("1" * 41, "USD", "too long"),
        ("1" * 16, "USD", "too large"),
        ("", "USD", "empty"),
        ("1,200", "USD", "like 1200.50"),
        ("12 000", "USD", "like 1200.50"),
        ("0x10", "USD", "like 1200.50"),
        ("١٢", "USD", "like 1200.50"),
    ],
)
def test_parse_amount_refuses_hostile_text(text: str, currency: str, sentence: str) -> None:
    with pytest.raises(MoneyError, match=sentence) as caught:
        parse_amount(text, currency)
    message = str(caught.value)
    assert message.endswith(".")
    assert "\n" not in message


def test_parse_decimal_range_is_enforced() -> None:
    assert parse_decimal("6.5", what="rate", places=2, high=Decimal(100)) == Decimal("6.50")
    with pytest.raises(MoneyError, match="from 0 to 100"):
        parse_decimal("100.01", what="rate", places=2, high=Decimal(100))


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("-0.01"), "negative"),
        (Decimal("1e309"), "too large"),
        (Decimal("1.005"), "at most 2"),
    ],
)
def test_check_amount_refuses_bad_decimals(value: Decimal, sentence: str) -> None:
    with pytest.raises(MoneyError, match=sentence):
        check_amount(value, "USD", what="The principal")


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1E+2"), "100"), (Decimal("0.10"), "0.10"), (Decimal("-0"), "0"), (Decimal(5), "5")],
)
def test_plain_never_uses_exponents(value: Decimal, text: str) -> None:
    assert plain(value) == text
