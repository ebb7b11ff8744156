"""Issue 13 in the offer engine: options by fit, the lowest plans, a negotiated settlement,
and "you save" only ever the concessions (with a property over random policies)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.offers import (
    AccountTerms,
    Limits,
    Plan,
    PlanKind,
    breaches,
    choose_plans,
    lowest_offer,
    open_offer,
    settlement_offer,
)
from tests.test_offers_properties import _affordable, accounts, limits

TODAY = date(2026, 11, 28)
US = AccountTerms(
    "A-20001", "USD", Decimal("4200.00"), Decimal("380.25"), Decimal("75.00"), Decimal("24.99")
)
US_CARD = Limits.parse(
    {
        "max_term_months": "18",
        "min_instalment": "50",
        "min_apr": "5",
        "max_fee_waiver_pct": "100",
        "max_interest_waiver_pct": "25",
        "max_settlement_discount_pct": "10",
        "max_holiday_months": "1",
        "max_negotiation_rounds": "3",
        "offer_validity_days": "10",
    }
)


def _concessions(plan: Plan) -> Decimal:
    return plan.waived_fees + plan.waived_interest + plan.discount


def test_issue13_saving_is_the_concessions_and_over_balance_the_rest() -> None:
    result = choose_plans(US, US_CARD, TODAY, Decimal(300))
    for plan in result.options:
        assert plan.saving == _concessions(plan)
        assert plan.over_balance == max(plan.total - US.balance, Decimal(0))
        assert plan.as_json()["over_balance"] == str(plan.over_balance)


def test_issue13_income_back_soon_puts_the_holiday_first_with_its_reason() -> None:
    result = choose_plans(US, US_CARD, TODAY, Decimal(300), holiday_months=2, fit="recovering")
    first = result.options[0]
    assert first.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS
    assert first.holiday_months == 1  # cut to the segment's limit
    assert first.reason.params["because"] == "recovery"
    assert first.as_json()["reason"]["because"] == "recovery"


def test_issue13_a_lasting_loss_puts_the_longest_most_relief_plan_first() -> None:
    result = choose_plans(US, US_CARD, TODAY, Decimal(400), fit="lasting")
    first = result.options[0]
    assert first.reason.params["because"] == "lasting"
    assert first.months == 18
    assert first.apr == Decimal("5.00")
    assert first.waived_interest == Decimal("95.06")  # 25% of the interest
    assert first.monthly == min(p.monthly for p in result.options)


def test_issue13_the_lowest_plans_are_at_the_floor_with_a_holiday_first() -> None:
    turn = lowest_offer(None, US, US_CARD, TODAY, holiday_months=2, fit="recovering")
    assert turn.result is not None
    kinds = [p.kind for p in turn.result.options]
    assert kinds == [PlanKind.HOLIDAY_THEN_INSTALMENTS, PlanKind.INSTALMENTS]
    floor = choose_plans(US, US_CARD, TODAY, Decimal(1)).limits_reached
    assert floor is not None
    assert turn.result.options[1].monthly == floor.min_monthly == Decimal("259.16")
    assert turn.rounds == 0  # not a round
    # What was offered is kept: the next offer starts from the same relief.
    again = open_offer(US, US_CARD, TODAY, Decimal(300), state=turn.state)
    assert again.result is not None
    assert all(p.apr == Decimal("5.00") for p in again.result.options if p.months > 1)


def test_issue13_a_settlement_is_negotiated_in_steps_up_to_the_limit() -> None:
    state = None
    discounts = []
    for _ in range(4):
        turn = settlement_offer(state, US, US_CARD, TODAY)
        state = turn.state
        if turn.result is None or not turn.result.options:
            break
        plan = turn.result.options[0]
        assert plan.kind is PlanKind.SETTLEMENT
        assert plan.instalments[0].due == plan.valid_until  # the pay-by date
        discounts.append(plan.discount)
    cap = Decimal("465.52")  # 10% of 4,655.25, rounded down
    assert discounts == [Decimal("232.76"), Decimal("349.14"), cap]


def test_issue13_settlement_rounds_are_counted_when_asked() -> None:
    state = open_offer(US, US_CARD, TODAY, Decimal(300)).state
    for n in range(1, 4):
        turn = settlement_offer(state, US, US_CARD, TODAY, counter=True)
        assert turn.rounds == n
        state = turn.state
    assert settlement_offer(state, US, US_CARD, TODAY, counter=True).handoff_reason == (
        "limits_reached"
    )


@settings(max_examples=150, deadline=None)
@given(
    policy=limits(),
    account=accounts(),
    data=st.data(),
    holiday=st.integers(0, 8),
    fit=st.sampled_from(["", "recovering", "lasting"]),
)
def test_issue13_no_option_breaks_a_limit_and_no_saving_exceeds_the_concessions(
    policy: Limits, account: AccountTerms, data: st.DataObject, holiday: int, fit: str
) -> None:
    if account.balance <= 0:
        return
    affordable = data.draw(st.none() | _affordable(account))
    result = choose_plans(account, policy, TODAY, affordable, holiday_months=holiday, fit=fit)
    lowest = lowest_offer(None, account, policy, TODAY, holiday_months=holiday, fit=fit)
    settled = settlement_offer(None, account, policy, TODAY)
    plans = [*result.options]
    for turn in (lowest, settled):
        plans += list(turn.result.options) if turn.result is not None else []
    assert len(result.options) <= 3
    for plan in plans:
        assert breaches(plan, account, policy, TODAY) == []
        assert plan.saving == _concessions(plan) <= account.balance
        assert plan.over_balance == max(plan.total - account.balance, Decimal(0))
        if plan.kind in (PlanKind.PAY_IN_FULL, PlanKind.SETTLEMENT):
            assert plan.total == account.balance - plan.saving
