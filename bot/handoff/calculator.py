"""The agent's plan calculator: the offer engine, optionally with some limits overridden.

Plans come from ``choose_plans`` under the segment's limits with the agent's overrides laid
over them; each plan is then checked against the segment's real limits by the engine's
own independent ``breaches``. A plan with no breach may go to the debtor at once; a plan
with any needs an admin's approval first. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.offers import (
    AccountTerms,
    Limits,
    OfferError,
    Plan,
    PolicyError,
    breaches,
    choose_plans,
    plain,
)

MAX_HOLIDAY_REQUEST = 12


class CalculatorError(ValueError):
    """Input the calculator cannot use; the message is one sentence for the agent."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What the agent typed into the calculator."""

    monthly: Decimal | None = None
    holiday_months: int = 0
    overrides: Mapping[str, str] | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanRequest:
        monthly_text = data.get("monthly")
        try:
            monthly = None if monthly_text in (None, "") else Decimal(str(monthly_text).strip())
        except ArithmeticError:
            raise CalculatorError("The monthly amount must be a number.") from None
        if monthly is not None and (not monthly.is_finite() or monthly < 0):
            raise CalculatorError("The monthly amount must be a number of at least 0.")
        try:
            holiday = int(data.get("holiday_months") or 0)
        except (TypeError, ValueError):
            raise CalculatorError("The holiday must be a whole number of months.") from None
        if not 0 <= holiday <= MAX_HOLIDAY_REQUEST:
            raise CalculatorError(f"The holiday must be 0 to {MAX_HOLIDAY_REQUEST} months.")
        raw = data.get("overrides") or {}
        if not isinstance(raw, Mapping):
            raise CalculatorError("Overrides must be an object of policy keys and values.")
        overrides = {str(k): str(v).strip() for k, v in raw.items() if str(v).strip() != ""}
        return cls(monthly, holiday, overrides)

    def as_json(self) -> dict[str, Any]:
        return {
            "monthly": None if self.monthly is None else plain(self.monthly),
            "holiday_months": self.holiday_months,
            "overrides": dict(self.overrides or {}),
        }


@dataclass(frozen=True, slots=True)
class Option:
    plan: Plan
    breaches: tuple[str, ...]  # against the segment's real limits; empty: may be offered

    @property
    def within_limits(self) -> bool:
        return not self.breaches

    def as_json(self) -> dict[str, Any]:
        return {
            **self.plan.as_json(),
            "within_limits": self.within_limits,
            "breaches": list(self.breaches),
        }


@dataclass(frozen=True, slots=True)
class Calculation:
    request: PlanRequest
    options: tuple[Option, ...]
    min_monthly: Decimal | None  # under the limits used, when nothing fits the amount

    def as_json(self) -> dict[str, Any]:
        return {
            "request": self.request.as_json(),
            "options": [o.as_json() for o in self.options],
            "limits_reached": None
            if self.options
            else {"min_monthly": None if self.min_monthly is None else plain(self.min_monthly)},
        }


def calculate(
    terms: AccountTerms, limits: Limits, today: date, request: PlanRequest
) -> Calculation:
    try:
        used = Limits.parse(dict(request.overrides or {}), base=limits)
    except PolicyError as exc:
        raise CalculatorError(str(exc)) from None
    try:
        result = choose_plans(
            terms, used, today, request.monthly, holiday_months=request.holiday_months
        )
    except OfferError as exc:
        raise CalculatorError(str(exc)) from None
    options = tuple(
        Option(plan, tuple(breaches(plan, terms, limits, today))) for plan in result.options
    )
    least = result.limits_reached.min_monthly if result.limits_reached else None
    return Calculation(request, options, least)


def smallest_monthly(terms: AccountTerms, limits: Limits, today: date) -> Decimal | None:
    """The least regular payment any plan inside the limits needs (the console shows it)."""
    try:
        result = choose_plans(terms, limits, today, Decimal(0))
    except OfferError:
        return None
    if result.limits_reached is None:  # something fits nothing at all: a zero balance
        return Decimal(0)
    return result.limits_reached.min_monthly
