"""Reading and validating a portfolio CSV (DESIGN §5). Pure: bytes in, rows out.

Everything is validated before anything is written; the first problem raises
:class:`PortfolioError` with one sentence naming the line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, list_currencies

from bot.identity import dob_hash, phone_last4_hash

REQUIRED = (
    "reference",
    "full_name",
    "date_of_birth",
    "phone",
    "currency",
    "principal",
    "interest",
    "fees",
    "apr",
    "days_past_due",
    "segment",
    "jurisdiction",
    "timezone",
    "locale",
)
OPTIONAL = ("validation_end", "time_barred")
JURISDICTIONS = ("CN", "US", "US-MA", "US-NY", "GB")
MAX_LINE = 4096  # characters: a real row is a few hundred
MAX_BYTES = 256 * 1024 * 1024
MAX_AMOUNT = Decimal("1e12")

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}


class PortfolioError(ValueError):
    """The file cannot be imported; the message says where and why in one sentence."""


@dataclass(frozen=True)
class Portfolio:
    rows: list[dict[str, Any]]  # column values ready for the account table
    lines: dict[str, int]  # reference -> line number, for later error messages


def read_portfolio(data: bytes, key: bytes, *, today: date) -> Portfolio:
    text = _decode(data)
    _check_line_lengths(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise PortfolioError("the file is empty: line 1 must be the header row") from None
    except csv.Error as exc:
        raise PortfolioError(f"line 1 is not valid CSV: {exc}") from None
    columns = _check_header(header)
    rows: list[dict[str, Any]] = []
    lines: dict[str, int] = {}
    for line, record in _records(reader):
        if not any(field.strip() for field in record):
            continue  # a blank line, commonly at the end of a file
        if len(record) != len(columns):
            raise PortfolioError(
                f"line {line} has {len(record)} fields but the header has {len(columns)}"
            )
        row = _row(dict(zip(columns, record, strict=True)), line, key, today)
        if row["reference"] in lines:
            raise PortfolioError(
                f"line {line}, column reference: {row['reference']!r} already appears "
                f"on line {lines[row['reference']]}"
            )
        lines[row["reference"]] = line
        rows.append(row)
    return Portfolio(rows, lines)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise PortfolioError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PortfolioError(
            f"line {line} is not valid UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from None


def _check_line_lengths(text: str) -> None:
    for line, piece in enumerate(text.split("\n"), start=1):
        if len(piece) > MAX_LINE:
            raise PortfolioError(f"line {line} is longer than {MAX_LINE} characters")


def _check_header(header: list[str]) -> list[str]:
    columns = [name.strip() for name in header]
    if not any(columns):
        raise PortfolioError("the file is empty: line 1 must be the header row")
    seen: set[str] = set()
    for name in columns:
        if name not in REQUIRED and name not in OPTIONAL:
            raise PortfolioError(f"line 1, column {name!r}: unknown column")
        if name in seen:
            raise PortfolioError(f"line 1, column {name!r}: the column appears twice")
        seen.add(name)
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        raise PortfolioError(f"line 1: the required column {missing[0]!r} is missing")
    return columns


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PortfolioError(f"line {reader.line_num} is not valid CSV: {exc}") from None
        yield reader.line_num, record


def _row(raw: dict[str, str], line: int, key: bytes, today: date) -> dict[str, Any]:
    def fail(column: str, problem: str) -> PortfolioError:
        shown = raw.get(column, "")
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        return PortfolioError(f"line {line}, column {column}: {problem} (got {shown!r})")

    def text(column: str, pattern: re.Pattern[str] | None = None, what: str = "") -> str:
        value = raw.get(column, "").strip()
        if not value:
            raise fail(column, "a value is required")
        if pattern is not None and not pattern.fullmatch(value):
            raise fail(column, f"must be {what}")
        return value

    reference = text("reference", _REFERENCE, "letters, digits and . _ / - (at most 64)")
    full_name = text("full_name")
    if len(full_name) > 200 or _CONTROL.search(full_name):
        raise fail("full_name", "must be at most 200 characters with no control characters")
    born = _date(text("date_of_birth", _DATE, "a date as YYYY-MM-DD"), fail, "date_of_birth")
    if born > today or born.year < 1900:
        raise fail("date_of_birth", "must be a past date after 1900")
    phone = text("phone", _E164, "an E.164 number such as +8613800138000")
    currency = text("currency").upper()
    if currency not in _currencies():
        raise fail("currency", "must be an ISO 4217 currency code such as CNY or USD")
    digits = get_currency_precision(currency)
    amounts = {
        name: _amount(raw.get(name, ""), digits, currency, fail, name)
        for name in ("principal", "interest", "fees")
    }
    apr = _amount(raw.get("apr", ""), 6, "%", fail, "apr")
    if apr > 1000:
        raise fail("apr", "must be an annual percentage between 0 and 1000")
    days = text("days_past_due")
    if not days.isascii() or not days.isdigit() or int(days) > 36500:
        raise fail("days_past_due", "must be a whole number of days from 0 to 36500")
    segment = text("segment", _SEGMENT, "lower-case letters, digits, _ and - (at most 64)")
    jurisdiction = text("jurisdiction").upper()
    if jurisdiction not in JURISDICTIONS:
        raise fail("jurisdiction", f"must be one of {', '.join(JURISDICTIONS)}")
    timezone = text("timezone")
    if timezone not in _timezones():
        raise fail("timezone", "must be an IANA time zone such as Asia/Shanghai")
    locale = _locale(text("locale"), fail)
    validation_end = None
    if raw.get("validation_end", "").strip():
        validation_end = _date(
            text("validation_end", _DATE, "a date as YYYY-MM-DD"), fail, "validation_end"
        )
    barred = raw.get("time_barred", "").strip().lower()
    if barred not in _TRUE:
        raise fail("time_barred", "must be true or false")
    return {
        "reference": reference,
        "full_name": full_name,
        "dob_hash": dob_hash(key, born),
        "phone_last4_hash": phone_last4_hash(key, phone[-4:]),
        "currency": currency,
        **amounts,
        "apr": apr,
        "days_past_due": int(days),
        "segment": segment,
        "jurisdiction": jurisdiction,
        "timezone": timezone,
        "locale": locale,
        "validation_end": validation_end,
        "time_barred": _TRUE[barred],
    }


def _date(value: str, fail: Any, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(column, "is not a real calendar date") from None


def _amount(value: str, digits: int, unit: str, fail: Any, column: str) -> Decimal:
    value = value.strip()
    if not re.fullmatch(r"[0-9]{1,15}(\.[0-9]{1,6})?", value):
        raise fail(column, "must be a plain decimal number ≥ 0, such as 1200.50")
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        raise fail(column, "must be a decimal number") from None
    if amount >= MAX_AMOUNT:
        raise fail(column, "is implausibly large")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise fail(column, f"has more decimal places than {unit} allows ({digits})")
    return amount


def _locale(value: str, fail: Any) -> str:
    value = value.replace("-", "_")
    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError):
        raise fail("locale", "must be a locale such as zh_CN or en") from None
    return value


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())
