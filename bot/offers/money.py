"""Exact money: minor units from babel, rounding, and strict parsing of typed amounts.

Amounts are `Decimal` with exactly the currency's minor-unit digits (JPY 0, USD 2, KWD 3).
Parsing refuses anything a person would not write as a plain amount: NaN, infinities,
exponents (`1e309`), signs, absurd lengths and more decimals than the currency has.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

__all__ = [
    "MAX_AMOUNT",
    "MoneyError",
    "check_amount",
    "minor_digits",
    "minor_unit",
    "parse_amount",
    "parse_decimal",
    "plain",
    "quantize",
    "round_down",
    "round_up",
]

MAX_AMOUNT = Decimal("999999999999999")  # 15 integer digits: far above any real debt
_MAX_TEXT = 40
_PLAIN = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


class MoneyError(ValueError):
    """An amount or currency that cannot be used; the message is one plain sentence."""


@lru_cache(maxsize=512)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point for an ISO 4217 code (JPY 0, USD 2, KWD 3)."""
    code = currency.strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise MoneyError(f"'{currency[:16]}' is not a known ISO 4217 currency code.")
    return int(get_currency_precision(code))


@lru_cache(maxsize=512)
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: 1, 0.01 or 0.001."""
    return Decimal(1).scaleb(-minor_digits(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def round_up(amount: Decimal, currency: str) -> Decimal:
    """Round away from zero to the minor unit (a level payment never falls short)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_UP)


def round_down(amount: Decimal, currency: str) -> Decimal:
    """Round toward zero to the minor unit (a percentage cap is never exceeded)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_DOWN)


def plain(value: Decimal) -> str:
    """A decimal as plain digits, never in exponent form ('100', not '1E+2')."""
    text = format(value, "f")
    return "0" if text in {"-0", ""} else text


def parse_decimal(
    text: str,
    *,
    what: str,
    places: int,
    low: Decimal = Decimal(0),
    high: Decimal = MAX_AMOUNT,
) -> Decimal:
    """Parse a plain non-negative decimal typed by a person, within [low, high].

    Digits beyond `places` are refused unless they are zeros ('1200.00' yen is 1200).
    """
    raw = text.strip()
    if not raw:
        raise MoneyError(f"{what} is empty; write a number like 1200.50.")
    if len(raw) > _MAX_TEXT:
        raise MoneyError(f"{what} is too long; write at most {_MAX_TEXT} characters.")
    lowered = raw.lower()
    if any(word in lowered for word in ("nan", "inf")):
        raise MoneyError(f"{what} must be a finite number, not '{raw}'.")
    if raw.startswith("-"):
        raise MoneyError(f"{what} cannot be negative.")
    if "e" in lowered and any(ch.isdigit() for ch in lowered):
        raise MoneyError(f"{what} must be written in plain digits, without an exponent.")
    match = _PLAIN.fullmatch(raw)
    if match is None:
        raise MoneyError(f"{what} must be a number like 1200.50, not '{raw}'.")
    whole, frac = match.group(1), match.group(2) or ""
    if len(whole.lstrip("0")) > len(plain(MAX_AMOUNT)):
        raise MoneyError(f"{what} is too large; the most allowed is {plain(high)}.")
    if len(frac.rstrip("0")) > places:
        raise MoneyError(_places_sentence(what, places))
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits
        raise MoneyError(f"{what} must be a number like 1200.50.") from None
    if not low <= value <= high:
        raise MoneyError(f"{what} must be from {plain(low)} to {plain(high)}; got {raw}.")
    return value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))


def parse_amount(text: str, currency: str, *, what: str = "The amount") -> Decimal:
    """Parse a typed money amount in `currency`, rounded to exactly its minor unit."""
    digits = minor_digits(currency)
    try:
        return parse_decimal(text, what=what, places=digits)
    except MoneyError as exc:
        if "decimal place" in str(exc):
            raise MoneyError(_places_sentence(what, digits, currency.upper())) from None
        raise


def check_amount(value: Decimal, currency: str, *, what: str) -> Decimal:
    """Validate an amount already held as Decimal (from storage or code)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise MoneyError(f"{what} must be a finite decimal amount.")
    if value < 0:
        raise MoneyError(f"{what} cannot be negative.")
    if value > MAX_AMOUNT:
        raise MoneyError(f"{what} is too large; the most allowed is {plain(MAX_AMOUNT)}.")
    if value != quantize(value, currency):
        raise MoneyError(_places_sentence(what, minor_digits(currency), currency.upper()))
    return quantize(value, currency)


def _places_sentence(what: str, places: int, currency: str | None = None) -> str:
    who = f"{currency} amounts" if currency else what
    if places == 0:
        return f"{what} has decimals, but {who} have no decimal places."
    return f"{what} has too many decimals: {who} have at most {places} decimal places."
