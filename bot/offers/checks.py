"""An independent check that a plan is exact and inside every limit of its segment.

The engine runs it on every option before returning (a breach is a bug, never an
outcome), and the property tests run it on random policies and accounts.

`min_apr` bounds reductions: a plan never charges more than the contract's rate, so an
account whose own rate is already below `min_apr` keeps its own rate. `min_instalment`
applies to instalment plans; a one-off payment of the whole (or settled) balance may be
smaller. A holiday counts inside `max_term_months`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.offers.money import quantize
from bot.offers.plans import AccountTerms, Plan, PlanKind
from bot.offers.policy import Limits

__all__ = ["breaches"]


def breaches(plan: Plan, account: AccountTerms, limits: Limits, today: date) -> list[str]:
    """Every way `plan` is inexact or outside `limits`; empty when it may be offered."""
    out = _exactness(plan)
    out += _waivers(plan, account, limits)
    if plan.kind in {PlanKind.PAY_IN_FULL, PlanKind.SETTLEMENT}:
        out += _one_off(plan, account)
    else:
        out += _instalment_plan(plan, account, limits)
    if plan.valid_until != today + timedelta(days=limits.offer_validity_days):
        out.append("the offer's validity does not match offer_validity_days")
    dues = [i.due for i in plan.instalments]
    if dues != sorted(set(dues)) or (dues and dues[0] < today):
        out.append("due dates are not increasing from today")
    return out


def _exactness(plan: Plan) -> list[str]:
    out: list[str] = []
    amounts = [i.amount for i in plan.instalments]
    money = [*amounts, plan.total, plan.monthly, plan.waived_fees, plan.waived_interest]
    money += [plan.discount, plan.saving]
    if any(a != quantize(a, plan.currency) for a in money):
        out.append(f"an amount has more digits than {plan.currency} allows")
    if not amounts or sum(amounts, Decimal(0)) != plan.total:
        out.append("the instalments do not sum to the total")
    if any(a <= 0 for a in amounts):
        out.append("an instalment is not positive")
    if amounts and max(amounts) != plan.monthly:
        out.append("an instalment is larger than the regular payment")
    return out


def _waivers(plan: Plan, account: AccountTerms, limits: Limits) -> list[str]:
    out: list[str] = []
    pairs = [
        ("max_fee_waiver_pct", plan.waived_fees, limits.max_fee_waiver(account.fees)),
        (
            "max_interest_waiver_pct",
            plan.waived_interest,
            limits.max_interest_waiver(account.interest),
        ),
        (
            "max_settlement_discount_pct",
            plan.discount,
            limits.max_settlement_discount(account.balance),
        ),
    ]
    for key, given, cap in pairs:
        if given < 0 or given > cap:
            out.append(f"{key}: {given} is more than the {cap} allowed")
    if plan.discount > 0 and plan.kind is not PlanKind.SETTLEMENT:
        out.append("only a settlement may carry a discount")
    return out


def _one_off(plan: Plan, account: AccountTerms) -> list[str]:
    out: list[str] = []
    if len(plan.instalments) != 1 or plan.holiday_months:
        out.append("a one-off plan must be a single payment with no holiday")
    expected = account.balance - plan.waived_fees - plan.waived_interest - plan.discount
    if plan.total != expected:
        out.append("a one-off total must be the balance less what is waived")
    if plan.apr != account.apr:
        out.append("a one-off plan keeps the account's rate")
    return out


def _instalment_plan(plan: Plan, account: AccountTerms, limits: Limits) -> list[str]:
    out: list[str] = []
    holiday = plan.holiday_months
    if plan.months + holiday > limits.max_term_months:
        out.append(f"max_term_months: {holiday} + {plan.months} months is too long")
    if holiday > limits.max_holiday_months:
        out.append(f"max_holiday_months: {holiday} months is too long")
    if (holiday > 0) != (plan.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS):
        out.append("only holiday_then_instalments has a holiday")
    if any(i.amount < limits.min_instalment for i in plan.instalments):
        out.append(f"min_instalment: an instalment is below {limits.min_instalment}")
    if plan.apr > account.apr:
        out.append("the plan's rate is above the account's rate")
    if plan.apr < min(limits.min_apr, account.apr):
        out.append(f"min_apr: {plan.apr}% is below {limits.min_apr}%")
    if plan.kind is PlanKind.INSTALMENTS and plan.months < 2:
        out.append("an instalment plan has at least two payments")
    return out
