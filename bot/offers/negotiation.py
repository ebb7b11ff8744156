"""Negotiation: counter-offers solved again, concessions only ever moving toward the debtor.

The conversation carries a small state (a dict of strings, stored in its context): the
account it belongs to, how many counter-offers have been answered, and the most generous
concession offered so far in every dimension. Each new solve starts from those
concessions, so nothing once offered is taken back; every option still lies inside the
segment's limits (a limit wins over an earlier concession if the policy has since been
tightened, and the conversation is handed to a person). Counter-offers past
`max_negotiation_rounds` are not solved: the dialog hands off with `limits_reached`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.offers.choose import (
    choose_plans,
    least_one_off,
    lowest_plans,
    settlement_step,
)
from bot.offers.plans import AccountTerms, Concessions, OfferError, OfferResult, Plan
from bot.offers.policy import Limits

__all__ = [
    "HANDOFF_REASON",
    "Outcome",
    "Turn",
    "counter_offer",
    "least_single_payment",
    "lowest_offer",
    "open_offer",
    "settlement_offer",
]

HANDOFF_REASON = "limits_reached"
_VERSION = "1"


class Outcome(StrEnum):
    OFFER = "offer"  # options to show
    LIMITS_REACHED = "limits_reached"  # nothing inside the limits fits: hand off
    ROUNDS_EXHAUSTED = "rounds_exhausted"  # too many counter-offers: hand off


@dataclass(frozen=True, slots=True)
class Turn:
    outcome: Outcome
    result: OfferResult | None  # None only when rounds are exhausted
    state: dict[str, str]  # store it in the conversation context as is
    rounds: int  # counter-offers answered so far
    rounds_left: int

    @property
    def handoff_reason(self) -> str | None:
        """`limits_reached` when the dialog must hand the conversation to a person."""
        return None if self.outcome is Outcome.OFFER else HANDOFF_REASON


def open_offer(
    account: AccountTerms,
    limits: Limits,
    today: date,
    affordable_monthly: Decimal | None = None,
    *,
    holiday_months: int = 0,
    state: Mapping[str, str] | None = None,
    fit: str = "",
) -> Turn:
    """The first offer of a conversation (or a repeat of it: earlier concessions are kept)."""
    rounds, floor = _read(state, account) if state else (0, Concessions())
    return _solve(account, limits, today, affordable_monthly, holiday_months, rounds, floor, fit)


def counter_offer(
    state: Mapping[str, str],
    account: AccountTerms,
    limits: Limits,
    today: date,
    affordable_monthly: Decimal | None,
    *,
    holiday_months: int = 0,
    fit: str = "",
) -> Turn:
    """Answer a counter-offer ("I can only do 150 a month"): one more round."""
    rounds, floor = _read(state, account)
    rounds += 1
    if rounds > limits.max_negotiation_rounds:
        return Turn(
            outcome=Outcome.ROUNDS_EXHAUSTED,
            result=None,
            state=_write(account, rounds, floor),
            rounds=rounds,
            rounds_left=0,
        )
    return _solve(account, limits, today, affordable_monthly, holiday_months, rounds, floor, fit)


def lowest_offer(
    state: Mapping[str, str] | None,
    account: AccountTerms,
    limits: Limits,
    today: date,
    *,
    holiday_months: int = 0,
    fit: str = "",
) -> Turn:
    """The plans at the lowest monthly payment the limits allow (most relief), not a round:
    for a stated figure below the minimum, or a request to reduce the interest."""
    rounds, floor = _read(state, account) if state else (0, Concessions())
    plans = lowest_plans(account, limits, today, floor, holiday_months=holiday_months, fit=fit)
    return _turn(account, limits, rounds, floor, plans)


def settlement_offer(
    state: Mapping[str, str] | None,
    account: AccountTerms,
    limits: Limits,
    today: date,
    *,
    counter: bool = False,
) -> Turn:
    """The next step of a negotiated settlement (a smaller discount first, then larger ones
    up to the limit); no options when the largest discount has been offered already."""
    rounds, floor = _read(state, account) if state else (0, Concessions())
    if counter:
        rounds += 1
        if rounds > limits.max_negotiation_rounds:
            return Turn(Outcome.ROUNDS_EXHAUSTED, None, _write(account, rounds, floor), rounds, 0)
    plan = settlement_step(account, limits, today, floor)
    return _turn(account, limits, rounds, floor, () if plan is None else (plan,))


def _turn(
    account: AccountTerms,
    limits: Limits,
    rounds: int,
    floor: Concessions,
    plans: tuple[Plan, ...],
) -> Turn:
    for plan in plans:
        floor = floor.merge(plan.concessions)
    result = OfferResult(account.reference, account.currency, account.balance, plans, None)
    return Turn(
        outcome=Outcome.OFFER if plans else Outcome.LIMITS_REACHED,
        result=result,
        state=_write(account, rounds, floor),
        rounds=rounds,
        rounds_left=max(0, limits.max_negotiation_rounds - rounds),
    )


def least_single_payment(
    account: AccountTerms,
    limits: Limits,
    today: date,
    state: Mapping[str, str] | None = None,
) -> Decimal | None:
    """The smallest one-off payment inside the limits (earlier concessions kept)."""
    _, floor = _read(state, account) if state else (0, Concessions())
    return least_one_off(account, limits, today, floor)


def _solve(
    account: AccountTerms,
    limits: Limits,
    today: date,
    affordable: Decimal | None,
    holiday_months: int,
    rounds: int,
    floor: Concessions,
    fit: str = "",
) -> Turn:
    result = choose_plans(
        account, limits, today, affordable, floor, holiday_months=holiday_months, fit=fit
    )
    for plan in result.options:
        floor = floor.merge(plan.concessions)
    outcome = Outcome.OFFER if result.options else Outcome.LIMITS_REACHED
    return Turn(
        outcome=outcome,
        result=result,
        state=_write(account, rounds, floor),
        rounds=rounds,
        rounds_left=max(0, limits.max_negotiation_rounds - rounds),
    )


def _write(account: AccountTerms, rounds: int, floor: Concessions) -> dict[str, str]:
    return {
        "version": _VERSION,
        "reference": account.reference,
        "currency": account.currency,
        "rounds": str(rounds),
        **floor.as_strings(),
    }


def _read(state: Mapping[str, str], account: AccountTerms) -> tuple[int, Concessions]:
    if state.get("version") != _VERSION:
        raise OfferError("The stored negotiation state has an unknown version.")
    if state.get("reference") != account.reference or state.get("currency") != account.currency:
        raise OfferError("The stored negotiation state belongs to another account.")
    rounds_text = state.get("rounds", "")
    if not rounds_text.isdigit() or len(rounds_text) > 3:
        raise OfferError("The stored negotiation state is malformed.")
    return int(rounds_text), Concessions.from_strings(state)
