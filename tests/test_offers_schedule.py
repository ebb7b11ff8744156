"""Level-payment schedules and due dates: hand-checked tables and properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.offers.money import minor_unit, quantize
from bot.offers.schedule import (
    ScheduleError,
    add_months,
    contract_total,
    due_dates,
    level_payment,
    level_schedule,
)

CURRENCIES = ("JPY", "USD", "CNY", "GBP", "KWD")


# Hand-checked: payment = A*r/(1-(1+r)^-n) with r = APR/1200; regular = payment rounded up;
# total = n*payment rounded half up; last = total - (n-1)*regular.
# e.g. 1000 at 12% over 12: payment 88.848788..., total 1066.185... -> 1066.19,
# last = 1066.19 - 11*88.85 = 88.84.
@pytest.mark.parametrize(
    ("amount", "apr", "months", "currency", "regular", "last", "total"),
    [
        ("1000", "12", 12, "USD", "88.85", "88.84", "1066.19"),
        ("100", "0", 3, "USD", "33.34", "33.32", "100.00"),
        ("1", "0", 3, "USD", "0.34", "0.32", "1.00"),
        ("10", "0", 3, "JPY", "4", "2", "10"),
        ("100000", "18", 12, "JPY", "9168", "9168", "110016"),
        ("100.000", "5", 7, "KWD", "14.525", "14.524", "101.674"),
        ("5000", "24", 24, "GBP", "264.36", "264.25", "6344.53"),
        ("12000", "18.25", 6, "CNY", "2107.80", "2107.78", "12646.78"),
        ("2500", "6", 1, "USD", "2512.50", "2512.50", "2512.50"),
    ],
)
def test_known_schedules(
    amount: str, apr: str, months: int, currency: str, regular: str, last: str, total: str
) -> None:
    schedule = level_schedule(Decimal(amount), Decimal(apr), months, currency)
    assert schedule.amounts == (Decimal(regular),) * (months - 1) + (Decimal(last),)
    assert schedule.total == Decimal(total)
    assert str(schedule.total) == total  # the currency's digits, not more, not fewer
    assert schedule.regular == Decimal(regular)


@pytest.mark.parametrize(
    ("start", "first", "count", "expected"),
    [
        (date(2025, 1, 31), 1, 3, [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]),
        (date(2024, 1, 31), 1, 2, [date(2024, 2, 29), date(2024, 3, 31)]),
        (date(2025, 1, 31), 0, 2, [date(2025, 1, 31), date(2025, 2, 28)]),
        (date(2024, 12, 31), 2, 2, [date(2025, 2, 28), date(2025, 3, 31)]),
        (date(2025, 1, 30), 1, 2, [date(2025, 2, 28), date(2025, 3, 30)]),
        (date(2025, 5, 15), 1, 2, [date(2025, 6, 15), date(2025, 7, 15)]),
        (date(2025, 8, 31), 1, 2, [date(2025, 9, 30), date(2025, 10, 31)]),
        (date(2023, 11, 30), 3, 1, [date(2024, 2, 29)]),
    ],
)
def test_due_dates_stay_on_the_anchor_day(
    start: date, first: int, count: int, expected: list[date]
) -> None:
    assert list(due_dates(start, count, first=first)) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 31), 13, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 6, 1), 120, date(2035, 6, 1)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("amount", "apr", "months", "sentence"),
    [
        (Decimal(0), Decimal(5), 12, "positive"),
        (Decimal(-100), Decimal(5), 12, "positive"),
        (Decimal("NaN"), Decimal(5), 12, "positive"),
        (Decimal("Infinity"), Decimal(5), 12, "positive"),
        (Decimal(100), Decimal(-1), 12, "rate"),
        (Decimal(100), Decimal("NaN"), 12, "rate"),
        (Decimal(100), Decimal("1e309"), 12, "rate"),
        (Decimal(100), Decimal(5), 0, "number of instalments"),
        (Decimal(100), Decimal(5), 601, "number of instalments"),
        (Decimal(100), Decimal(5), 10**9, "number of instalments"),
        (Decimal("0.05"), Decimal(0), 10, "too many"),
    ],
)
def test_hostile_schedule_inputs_are_refused(
    amount: Decimal, apr: Decimal, months: int, sentence: str
) -> None:
    with pytest.raises(ScheduleError, match=sentence):
        level_schedule(amount, apr, months, "USD")


def test_contract_total_accrues_interest_during_a_holiday() -> None:
    plain_total = contract_total(Decimal(1000), Decimal(12), 12, "USD")
    after_two = contract_total(Decimal(1000), Decimal(12), 12, "USD", holiday=2)
    assert plain_total == Decimal("1066.19")
    # 1000 * 1.01^2 = 1020.10, and the total scales with the amount.
    assert after_two == quantize(Decimal("1066.1854641401") * Decimal("1.0201"), "USD")


amounts = st.integers(min_value=1, max_value=10**11)
rates = st.integers(min_value=0, max_value=10_000).map(lambda bp: Decimal(bp) / 100)


@settings(max_examples=200, deadline=None)
@given(
    units=amounts,
    apr=rates,
    months=st.integers(min_value=1, max_value=120),
    currency=st.sampled_from(CURRENCIES),
)
def test_instalments_sum_to_total_with_the_currency_digits(
    units: int, apr: Decimal, months: int, currency: str
) -> None:
    unit = minor_unit(currency)
    amount = unit * units
    try:
        schedule = level_schedule(amount, apr, months, currency)
    except ScheduleError:
        # Only when the payment is a few minor units and the rounding cannot fit.
        assert level_payment(amount, apr, months) < unit * months
        return
    assert sum(schedule.amounts, Decimal(0)) == schedule.total
    assert len(schedule.amounts) == months
    for value in (*schedule.amounts, schedule.total):
        assert value == quantize(value, currency)
        assert value.as_tuple().exponent == unit.as_tuple().exponent
        assert value > 0
    assert max(schedule.amounts) == schedule.regular
    exact = level_payment(amount, apr, months)
    assert abs(schedule.regular - exact) < unit
    if months > 1:
        assert schedule.regular >= exact  # rounded up: the last instalment is the smaller
    assert abs(schedule.total - exact * months) <= unit / 2


@settings(max_examples=200, deadline=None)
@given(
    units=st.integers(min_value=100, max_value=10**9),
    apr=rates,
    months=st.integers(min_value=1, max_value=120),
    currency=st.sampled_from(CURRENCIES),
)
def test_regular_payment_matches_numpy_financial_pmt(
    units: int, apr: Decimal, months: int, currency: str
) -> None:
    unit = minor_unit(currency)
    amount = unit * units
    try:
        schedule = level_schedule(amount, apr, months, currency)
    except ScheduleError:
        assume(False)
        return
    pmt = float(npf.pmt(float(apr) / 1200, months, -float(amount)))
    slack = float(unit) + abs(pmt) * 1e-9  # one minor unit, plus float noise
    assert abs(float(schedule.regular) - pmt) <= slack
    # The last instalment absorbs the rounding of all the others: at most n units away.
    assert abs(float(schedule.amounts[-1]) - pmt) <= float(unit) * months + abs(pmt) * 1e-9
