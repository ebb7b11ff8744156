"""Level-payment (annuity) schedules and month-end-safe due dates.

The monthly rate is APR/12. The exact level payment is
    amount * r / (1 - (1 + r) ** -n)      (amount / n when r = 0)
The plan total is n times that payment, rounded once (half up) to the minor unit. Every
regular instalment is the payment rounded *up* to the minor unit (within one unit of the
formula), and the last instalment absorbs the difference, so the instalments sum to the
total exactly and the last one is never larger than the others: the regular amount is the
most the debtor is ever asked for in a month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import lru_cache

from bot.offers.money import minor_unit, quantize, round_up

__all__ = [
    "MAX_APR",
    "MAX_MONTHS",
    "Schedule",
    "ScheduleError",
    "add_months",
    "contract_total",
    "due_dates",
    "level_payment",
    "level_schedule",
    "regular_payment",
]

MAX_MONTHS = 600  # far beyond any policy (§8 allows 120); guards against absurd inputs
MAX_APR = Decimal(1000)
_CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


class ScheduleError(ValueError):
    """A schedule that cannot be built; the message is one plain sentence."""


@dataclass(frozen=True, slots=True)
class Schedule:
    amounts: tuple[Decimal, ...]
    total: Decimal
    regular: Decimal  # every instalment but the last; the last is at most this


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_dates(start: date, count: int, *, first: int = 1) -> tuple[date, ...]:
    """`count` monthly dates, `first` months after `start`, each anchored to `start`.

    Anchoring every date to the start (not to the previous due date) keeps the day:
    31 Jan -> 28 Feb -> 31 Mar, never 28 Mar.
    """
    return tuple(add_months(start, first + k) for k in range(count))


def level_payment(amount: Decimal, apr: Decimal, months: int) -> Decimal:
    """The exact (unrounded) annuity payment for `amount` over `months` at `apr` percent."""
    _check(amount, apr, months)
    with localcontext(_CONTEXT):
        if apr == 0:
            return amount / months
        rate, denominator = _annuity(apr, months)
        return amount * rate / denominator


@lru_cache(maxsize=4096)
def _annuity(apr: Decimal, months: int) -> tuple[Decimal, Decimal]:
    """The monthly rate and the annuity denominator: the costly power, computed once."""
    with localcontext(_CONTEXT):
        rate = apr / 1200
        return rate, 1 - (1 + rate) ** -months


def regular_payment(amount: Decimal, apr: Decimal, months: int, currency: str) -> Decimal:
    """The regular instalment: the payment rounded up (a single payment: the rounded total)."""
    payment = level_payment(amount, apr, months)
    if months == 1:
        return quantize(payment, currency)
    return round_up(payment, currency)


def level_schedule(amount: Decimal, apr: Decimal, months: int, currency: str) -> Schedule:
    """Instalments of a level-payment plan that sum exactly to its rounded total."""
    payment = level_payment(amount, apr, months)
    regular = regular_payment(amount, apr, months, currency)
    with localcontext(_CONTEXT):
        total = quantize(payment * months, currency)
        last = total - regular * (months - 1)
    if last <= 0 or (months > 1 and last < minor_unit(currency)):
        raise ScheduleError(
            f"{months} instalments are too many for {amount}: the last one would be {last}."
        )
    return Schedule(amounts=(regular,) * (months - 1) + (last,), total=total, regular=regular)


def contract_total(
    amount: Decimal, apr: Decimal, months: int, currency: str, *, holiday: int = 0
) -> Decimal:
    """What `amount` would cost paid level over `months` on the contract's own terms, after
    `holiday` months of the contract's interest accruing (compounded monthly)."""
    with localcontext(_CONTEXT):
        grown = amount * (1 + apr / 1200) ** holiday
        return quantize(level_payment(grown, apr, months) * months, currency)


def _check(amount: Decimal, apr: Decimal, months: int) -> None:
    if not amount.is_finite() or amount <= 0:
        raise ScheduleError("The amount to repay must be a positive finite number.")
    if not apr.is_finite() or not 0 <= apr <= MAX_APR:
        raise ScheduleError(f"The rate must be from 0 to {MAX_APR} percent a year.")
    if isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise ScheduleError(f"The number of instalments must be from 1 to {MAX_MONTHS}.")
