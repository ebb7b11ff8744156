"""Waiting estimates, notices, callback times and the plan calculator: pure, table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handoff.calculator import CalculatorError, PlanRequest, calculate, smallest_monthly
from bot.handoff.waiting import callback_noted, estimate, parse_callback, wait_notice
from bot.offers import AccountTerms, Limits

# Saturday 28 November 2026, 18:00 in Shanghai.
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 10am", "2026-11-29 10:00"),
        ("Tomorrow at 10:30 please", "2026-11-29 10:30"),
        ("after 8pm", "2026-11-28 20:00"),
        ("10:30 pm tonight", "2026-11-28 22:30"),
        ("at 9", "2026-11-29 09:00"),  # 09:00 today has passed
        ("noon", "2026-11-29 12:00"),
        ("call me monday morning", "2026-11-30 09:00"),
        ("Monday at 7 in the evening", "2026-11-30 19:00"),
        ("明天上午10点", "2026-11-29 10:00"),
        ("下午三点半", "2026-11-29 15:30"),
        ("今晚8点", "2026-11-28 20:00"),
        ("星期一晚上7点", "2026-11-30 19:00"),
        ("周日 14:00", "2026-11-29 14:00"),
        ("后天中午12点", "2026-11-30 12:00"),
        ("I can pay 300", None),
        ("300 a month", None),
        ("tomorrow", None),
        ("morning", None),
        ("25:00", None),
        ("12/25 at 10am", None),  # a date we do not read: promise nothing
        ("12月25日 10点", None),
        ("Dec 3 at 10am", None),
        ("", None),
    ],
)
def test_callback_times(text: str, expected: str | None) -> None:
    found = parse_callback(text, NOW, SHANGHAI)
    shown = None if found is None else found.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert shown == expected


@given(st.text(max_size=300))
def test_a_callback_time_is_always_ahead_and_near(text: str) -> None:
    found = parse_callback(text, NOW, SHANGHAI)
    if found is not None:
        assert NOW < found <= NOW + timedelta(days=14)


@pytest.mark.parametrize(
    ("target", "waits", "expected"),
    [
        (900, [], timedelta(hours=1)),  # no history: 4 × target, at least an hour
        (7200, [], timedelta(hours=8)),
        (900, [600.0] * 5, timedelta(minutes=15)),  # never less than the target
        (900, [600.0] * 3 + [5000.0] * 2, timedelta(hours=2)),  # the 80th percentile
        (900, [600.0] * 4 + [5000.0], timedelta(minutes=15)),
        (120, [5400.0] * 5, timedelta(hours=2)),
        (900, [100_000.0] * 5, timedelta(days=2)),
        (900, [1000.0] * 4, timedelta(hours=1)),  # too few samples
    ],
)
def test_waiting_estimates(target: int, waits: list[float], expected: timedelta) -> None:
    assert estimate(target, waits) == expected


@pytest.mark.parametrize(
    ("locale", "reason", "invite", "present", "absent"),
    [
        ("en", "human_requested", True, ["up to 2 hours", "tomorrow 10am"], []),
        ("en", "human_requested", False, ["up to 2 hours"], ["tomorrow"]),
        ("en", "dispute", True, ["reply with it"], []),
        ("en", "self_harm", True, ["988"], ["up to", "tomorrow"]),
        ("zh_CN", "human_requested", True, ["2小时", "明天上午10点"], []),
        ("zh_CN", "self_harm", True, ["988"], ["明天"]),
    ],
)
def test_wait_notices(
    locale: str, reason: str, invite: bool, present: list[str], absent: list[str]
) -> None:
    text = wait_notice(
        locale, timedelta(hours=2), reason=reason, invite_callback=invite, crisis_line="988"
    )
    for piece in present:
        assert piece in text
    for piece in absent:
        assert piece not in text


@pytest.mark.parametrize(
    ("locale", "expected"), [("en", "Sun 29 Nov, 10:00"), ("zh_CN", "11月29日 周日 10:00")]
)
def test_callback_confirmations(locale: str, expected: str) -> None:
    when = datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI)
    assert expected in callback_noted(locale, when)


TERMS = AccountTerms(
    "A-1", "CNY", Decimal("5600"), Decimal("310.20"), Decimal("50"), Decimal("21")
)
LIMITS = Limits.parse(
    {
        "max_term_months": "12",
        "min_instalment": "300",
        "min_apr": "6",
        "max_fee_waiver_pct": "100",
        "max_interest_waiver_pct": "30",
        "max_settlement_discount_pct": "10",
        "max_holiday_months": "1",
        "max_negotiation_rounds": "3",
        "offer_validity_days": "7",
    }
)
TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("request_", "within", "breach"),
    [
        (PlanRequest(Decimal("600")), True, None),
        (PlanRequest(Decimal("400"), overrides={"max_term_months": "18"}), False, "max_term"),
        (
            PlanRequest(Decimal("320"), overrides={"min_apr": "0", "max_term_months": "24"}),
            False,
            None,
        ),
        (PlanRequest(), True, None),
    ],
)
def test_the_calculator_checks_plans_against_the_real_limits(
    request_: PlanRequest, within: bool, breach: str | None
) -> None:
    calc = calculate(TERMS, LIMITS, TODAY, request_)
    assert calc.options
    first = calc.options[0]
    assert first.within_limits is within
    if breach:
        assert any(b.startswith(breach) for b in first.breaches)
    if request_.monthly is not None:
        assert first.plan.monthly <= request_.monthly


def test_nothing_fits_below_the_smallest_monthly() -> None:
    least = smallest_monthly(TERMS, LIMITS, TODAY)
    assert least is not None
    assert least > Decimal(300)
    assert calculate(TERMS, LIMITS, TODAY, PlanRequest(least)).options
    below = calculate(TERMS, LIMITS, TODAY, PlanRequest(least - Decimal("0.01")))
    assert below.options == ()
    assert below.as_json()["limits_reached"] == {"min_monthly": str(least)}


@pytest.mark.parametrize(
    "data",
    [
        {"monthly": "abc"},
        {"monthly": "-5"},
        {"monthly": "NaN"},
        {"holiday_months": "x"},
        {"holiday_months": 13},
        {"overrides": ["max_term_months"]},
    ],
)
def test_calculator_input_errors(data: dict[str, Any]) -> None:
    with pytest.raises(CalculatorError):
        PlanRequest.from_json(data)


@pytest.mark.parametrize(
    "overrides", [{"max_term_months": "0"}, {"nonsense": "1"}, {"min_apr": "x"}]
)
def test_bad_overrides_are_refused_with_a_sentence(overrides: dict[str, str]) -> None:
    with pytest.raises(CalculatorError):
        calculate(TERMS, LIMITS, TODAY, PlanRequest(overrides=overrides))
