"""Negotiation: counter-offers re-solved, concessions only toward the debtor, rounds counted."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.offers import (
    DEFAULT_LIMITS,
    AccountTerms,
    Concessions,
    OfferError,
    Outcome,
    Plan,
    PlanKind,
    breaches,
    counter_offer,
    open_offer,
)

TODAY = date(2025, 1, 31)
CARD = AccountTerms("A-1", "USD", Decimal(4000), Decimal(300), Decimal(120), Decimal("18.25"))
LIMITS = replace(DEFAULT_LIMITS, max_negotiation_rounds=2)


def test_a_counter_offer_is_solved_again_with_more_relief() -> None:
    first = open_offer(CARD, LIMITS, TODAY, Decimal(450))
    assert first.outcome is Outcome.OFFER
    assert first.rounds == 0
    assert first.rounds_left == 2
    second = counter_offer(first.state, CARD, LIMITS, TODAY, Decimal(380))
    assert second.outcome is Outcome.OFFER
    assert second.result is not None
    plan = second.result.options[0]
    assert plan.monthly <= 380
    assert plan.reason.code == "rate_reduced"
    assert second.rounds == 1
    assert second.rounds_left == 1
    assert second.handoff_reason is None


def test_concessions_are_kept_when_the_debtor_offers_more_later() -> None:
    first = open_offer(CARD, LIMITS, TODAY, Decimal(380))
    assert first.result is not None
    rate = first.result.options[0].apr
    later = counter_offer(first.state, CARD, LIMITS, TODAY, Decimal(1000))
    assert later.result is not None
    instalments = next(p for p in later.result.options if p.kind is PlanKind.INSTALMENTS)
    assert instalments.apr <= rate
    assert instalments.waived_fees == Decimal("120.00")
    assert instalments.months < 12  # the debtor pays more a month, so it is over sooner


def test_rounds_past_the_limit_hand_off() -> None:
    turn = open_offer(CARD, LIMITS, TODAY, Decimal(450))
    for amount in (Decimal(420), Decimal(400)):
        turn = counter_offer(turn.state, CARD, LIMITS, TODAY, amount)
        assert turn.outcome is Outcome.OFFER
    turn = counter_offer(turn.state, CARD, LIMITS, TODAY, Decimal(390))
    assert turn.outcome is Outcome.ROUNDS_EXHAUSTED
    assert turn.result is None
    assert turn.handoff_reason == "limits_reached"
    assert turn.rounds_left == 0


def test_nothing_inside_the_limits_hands_off_with_the_least_monthly() -> None:
    turn = open_offer(CARD, LIMITS, TODAY, Decimal(450))
    turn = counter_offer(turn.state, CARD, LIMITS, TODAY, Decimal(150))
    assert turn.outcome is Outcome.LIMITS_REACHED
    assert turn.handoff_reason == "limits_reached"
    assert turn.result is not None
    assert turn.result.limits_reached is not None
    assert turn.result.limits_reached.min_monthly == Decimal("352.09")


def test_a_tightened_policy_wins_over_earlier_concessions() -> None:
    first = open_offer(CARD, LIMITS, TODAY, Decimal(380))  # fees waived, rate cut
    stricter = replace(LIMITS, max_fee_waiver_pct=Decimal(0))
    turn = counter_offer(first.state, CARD, stricter, TODAY, Decimal(380))
    assert turn.outcome is Outcome.LIMITS_REACHED  # a person decides, nothing past a limit
    assert turn.result is not None
    assert turn.result.options == ()


def test_state_is_a_json_safe_dict_of_strings() -> None:
    turn = open_offer(CARD, LIMITS, TODAY, Decimal(380))
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in turn.state.items())
    again = json.loads(json.dumps(turn.state))
    assert again == turn.state
    assert Concessions.from_strings(again).fee_waiver == Decimal("120.00")


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"version": "9"}, "version"),
        ({"reference": "B-2"}, "another account"),
        ({"currency": "EUR"}, "another account"),
        ({"rounds": "-1"}, "malformed"),
        ({"rounds": "1e309"}, "malformed"),
        ({"fee_waiver": "NaN"}, "malformed"),
        ({"fee_waiver": "abc"}, "malformed"),
        ({"apr": "-5"}, "malformed"),
        ({"settlement_discount": "1e309"}, "malformed"),
        ({"holiday_months": "x"}, "malformed"),
    ],
)
def test_a_tampered_state_is_refused(change: dict[str, str], sentence: str) -> None:
    state = {**open_offer(CARD, LIMITS, TODAY, Decimal(450)).state, **change}
    with pytest.raises(OfferError, match=sentence):
        counter_offer(state, CARD, LIMITS, TODAY, Decimal(400))


def _keeps(plan: Plan, floor: Concessions) -> bool:
    """Whether a plan gives at least `floor` in the dimensions its kind has."""
    if plan.kind is PlanKind.SETTLEMENT:
        return plan.discount >= floor.settlement_discount
    ok = plan.waived_fees >= floor.fee_waiver and plan.waived_interest >= floor.interest_waiver
    if plan.kind is PlanKind.PAY_IN_FULL:
        return ok
    if floor.apr is not None:
        ok = ok and plan.apr <= floor.apr
    if plan.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS:
        ok = ok and plan.holiday_months >= floor.holiday_months
    return ok


@settings(max_examples=100, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 6000).map(Decimal), min_size=1, max_size=6),
    holiday=st.integers(0, 2),
)
def test_concessions_only_move_toward_the_debtor(amounts: list[Decimal], holiday: int) -> None:
    limits = replace(DEFAULT_LIMITS, max_negotiation_rounds=4)
    turn = open_offer(CARD, limits, TODAY, amounts[0], holiday_months=holiday)
    for count, amount in enumerate(amounts[1:], start=1):
        floor = Concessions.from_strings(turn.state)
        turn = counter_offer(turn.state, CARD, limits, TODAY, amount, holiday_months=holiday)
        assert turn.rounds == count
        if count > limits.max_negotiation_rounds:
            assert turn.outcome is Outcome.ROUNDS_EXHAUSTED
            continue
        assert turn.result is not None
        for plan in turn.result.options:
            assert _keeps(plan, floor)
            assert plan.monthly <= amount
            assert breaches(plan, CARD, limits, TODAY) == []
        new_floor = Concessions.from_strings(turn.state)
        assert new_floor.merge(floor) == new_floor  # the floor itself never moves back
