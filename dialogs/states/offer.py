"""offer and negotiate: plans from the offer engine (bot.offers), counter-offers solved
again inside the limits, and a kind hand-off when the limits are reached.

The dialog computes no money: it passes the account, the segment's limits and what the
debtor says they can pay, and words what comes back. Offers carry their real expiry (the
fair, factual pressure of DESIGN §6), extended to the end of a running US validation
period so that no deadline falls inside it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from bot.offers import (
    AccountTerms,
    Limits,
    MoneyError,
    OfferError,
    Plan,
    PolicyError,
    ScheduleError,
    counter_offer,
    open_offer,
)
from bot.offers import Outcome as Solved
from bot.offers import Turn as Solve
from dialogs import understand
from dialogs.common import HUMAN, handoff, local_today, money, us, zone
from dialogs.model import Button, Money, OfferMade, Reply, State
from dialogs.states import agree, situation
from dialogs.turn import Turn, button

NONE_FIT = button("none", "button.none_fit")
MIN_ACCEPT = button("min", "button.min_accept")
_UNSOLVABLE = (OfferError, PolicyError, ScheduleError, MoneyError, ArithmeticError)


def enter(
    turn: Turn, amount: Decimal | None, *, counter: bool = False, lead: str | None = None
) -> State:
    """Solve for ``amount`` a month (None: no stated amount) and present what comes back.

    ``counter`` counts the answer as a negotiation round.
    """
    inputs = _inputs(turn)
    if inputs is None:
        turn.say("handoff.approval_needed")
        return handoff(turn, "approval_needed", 2, {"why": "no usable policy or account terms"})
    terms, limits = inputs
    nego = turn.data.get("nego") if isinstance(turn.data.get("nego"), dict) else None
    try:
        solved = _solve(turn, terms, limits, amount, nego, counter)
    except _UNSOLVABLE:
        turn.say("handoff.approval_needed")
        return handoff(turn, "approval_needed", 2, {"why": "the offer engine refused"})
    turn.data["nego"] = dict(solved.state)
    turn.forget("pending_min")
    result = solved.result
    negotiating = counter or turn.state in (State.NEGOTIATE, State.AGREE)
    if solved.outcome is Solved.OFFER and result is not None and result.options:
        key = lead or (
            "negotiate.counter" if negotiating and amount is not None else "offer.present"
        )
        _offer(turn, result.options, key, amount, solved.rounds)
        return State.NEGOTIATE if negotiating else State.OFFER
    least = None
    if result is not None and result.limits_reached is not None:
        least = result.limits_reached.min_monthly
    if solved.outcome is Solved.ROUNDS_EXHAUSTED:
        least = _least(turn, terms, limits, nego)
    elif least is not None:
        turn.data["pending_min"] = str(least)
        said = int(turn.data.get("below_min_said") or 0)
        turn.data["below_min_said"] = said + 1
        key = "negotiate.below_min_again" if said else "negotiate.below_min"
        params = {"min_monthly": money(turn, least)}
        turn.say(key, params, buttons=(MIN_ACCEPT, HUMAN), debt=True)
        return State.NEGOTIATE
    return _limits_reached(turn, least, amount, solved.rounds)


def prompt(turn: Turn) -> State:
    return represent(turn, State.OFFER)


def prompt_negotiate(turn: Turn) -> State:
    return represent(turn, State.NEGOTIATE)


def represent(turn: Turn, state: State) -> State:
    """Show the plans on the table again (solving afresh when they have expired)."""
    offer = _table(turn)
    pending = turn.data.get("pending_min")
    if offer is None and pending is not None:
        params = {"min_monthly": money(turn, Decimal(str(pending)))}
        turn.say("negotiate.below_min", params, buttons=(MIN_ACCEPT, HUMAN), debt=True)
        return State.NEGOTIATE
    if offer is None or expired(turn):
        if offer is not None:
            turn.say("offer.expired")
        return enter(turn, last_amount(turn))
    key = "offer.present"
    _say_plans(turn, key, offer["plans"], date.fromisoformat(offer["expires"]), None)
    return state


def handle(turn: Turn) -> State:
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    offer = _table(turn)
    if offer is not None and expired(turn):
        turn.say("offer.expired")
        return enter(turn, last_amount(turn))
    count = len(offer["plans"]) if offer is not None else 0
    pending = turn.data.get("pending_min")
    # Only plans are picked by position ("2", "the second one"); other buttons by id.
    picked = understand.pick(turn, plan_buttons(count)) if count else None
    picked = picked or turn.button or None
    index = _plan_index(picked)
    if index is not None:
        return agree.enter(turn, index)
    if picked == NONE_FIT.id:
        turn.say("offer.ask_amount")
        return State.NEGOTIATE
    answer = understand.yes_no(turn) if picked is None else None
    if pending is not None and (picked == MIN_ACCEPT.id or answer == "yes"):
        return enter(turn, Decimal(str(pending)), lead="negotiate.counter")
    amount = understand.amount(turn)
    if amount is not None:
        return enter(turn, amount, counter=True)
    if answer == "no":
        turn.forget("pending_min")
        turn.say("offer.ask_amount")
        return State.NEGOTIATE
    if answer == "yes" and count == 1:
        return agree.enter(turn, 1)
    if turn.state is State.NEGOTIATE and offer is None:
        turn.say("negotiate.amount_again")
        return State.NEGOTIATE
    return represent(turn, turn.state)


# --- plans on the table ----------------------------------------------------------------


def _plan_index(picked: str | None) -> int | None:
    """The option number of a ``plan:N`` button id, or None."""
    number = picked.removeprefix("plan:") if picked and picked.startswith("plan:") else ""
    return int(number) if number.isascii() and number.isdigit() and len(number) <= 2 else None


def plan_buttons(count: int) -> tuple[Button, ...]:
    return tuple(button(f"plan:{n}", "button.option", {"n": n}) for n in range(1, count + 1))


def stored_plans(turn: Turn) -> list[dict[str, Any]]:
    offer = _table(turn)
    return list(offer["plans"]) if offer is not None else []


def expired(turn: Turn) -> bool:
    offer = _table(turn)
    return offer is not None and date.fromisoformat(offer["expires"]) < local_today(turn)


def last_amount(turn: Turn) -> Decimal | None:
    offer = _table(turn)
    text = offer.get("amount") if offer is not None else None
    if text is None:
        funnel = turn.data.get("situation")
        text = funnel.get("monthly") if isinstance(funnel, dict) else None
    return Decimal(str(text)) if text is not None else None


def plan_line(turn: Turn, n: int, plan: dict[str, Any]) -> Reply:
    """One plan, worded truthfully: monthly amount, number of payments, total, saving."""
    kind = str(plan["kind"])
    currency = str(plan.get("currency") or _currency(turn))
    saving = Decimal(str(plan["saving"]))
    params: dict[str, Any] = {
        "n": n,
        "total": Money(Decimal(str(plan["total"])), currency),
        "monthly": Money(Decimal(str(plan["monthly"])), currency),
        "saved": Money(saving, currency),
        "count": len(plan["instalments"]),
    }
    saves = saving > 0
    if kind == "pay_in_full":
        key = "plan.pay_in_full" if saves else "plan.pay_in_full_plain"
    elif kind == "settlement":
        key = "plan.settlement"
    elif kind == "holiday_then_instalments":
        key = "plan.holiday_saving" if saves else "plan.holiday"
        params["first_due"] = date.fromisoformat(str(plan["instalments"][0]["due"]))
    else:
        key = "plan.instalments_saving" if saves else "plan.instalments"
    return Reply(key, params, states_debt=True)


def _offer(
    turn: Turn, plans: tuple[Plan, ...], key: str, amount: Decimal | None, rounds: int
) -> None:
    expires = _expiry(turn, plans[0].valid_until)
    shaped = []
    for plan in plans:
        shape = plan.as_json()
        shape["currency"] = plan.currency
        shape["valid_until"] = expires.isoformat()
        shaped.append(shape)
    turn.data["offer"] = {
        "plans": shaped,
        "expires": expires.isoformat(),
        "amount": None if amount is None else str(amount),
    }
    until = datetime.combine(
        expires, time(23, 59, 59), tzinfo=zone(turn.account) or turn.event.now.tzinfo
    )
    turn.emit(OfferMade(tuple(shaped), rounds, until))
    _say_plans(turn, key, shaped, expires, amount)


def _say_plans(
    turn: Turn, key: str, plans: list[dict[str, Any]], expires: date, amount: Decimal | None
) -> None:
    params: dict[str, Any] = {"expires": expires}
    if amount is not None:
        params["amount"] = money(turn, amount)
    lines = tuple(plan_line(turn, n, plan) for n, plan in enumerate(plans, 1))
    buttons = (*plan_buttons(len(plans)), NONE_FIT, HUMAN)
    turn.say(key, params, buttons=buttons, debt=True, parts=(*lines, Reply("offer.pick")))


def _expiry(turn: Turn, valid_until: date) -> date:
    """The offer's real expiry; never inside a running US validation period."""
    account = turn.account
    end = account.validation_end if account is not None and us(account) else None
    if end is not None and end >= local_today(turn):
        return max(valid_until, end)
    return valid_until


def _table(turn: Turn) -> dict[str, Any] | None:
    offer = turn.data.get("offer")
    if isinstance(offer, dict) and offer.get("plans") and offer.get("expires"):
        return offer
    return None


def _currency(turn: Turn) -> str:
    return turn.account.currency if turn.account is not None else "USD"


def _inputs(turn: Turn) -> tuple[AccountTerms, Limits] | None:
    account, raw = turn.account, turn.ctx.limits
    if account is None or raw is None:
        return None
    try:
        terms = AccountTerms(
            reference=account.reference,
            currency=account.currency,
            principal=account.principal,
            interest=account.interest,
            fees=account.fees,
            apr=account.apr,
            days_past_due=account.days_past_due,
            time_barred=account.time_barred,
        )
        return terms, Limits.parse(raw)
    except _UNSOLVABLE:
        return None


def _solve(
    turn: Turn,
    terms: AccountTerms,
    limits: Limits,
    amount: Decimal | None,
    nego: dict[str, str] | None,
    counter: bool,
) -> Solve:
    today = local_today(turn)
    holiday = situation.holiday_months(turn)
    if counter and nego is not None:
        return counter_offer(nego, terms, limits, today, amount, holiday_months=holiday)
    return open_offer(terms, limits, today, amount, holiday_months=holiday, state=nego)


def _least(
    turn: Turn, terms: AccountTerms, limits: Limits, nego: dict[str, str] | None
) -> Decimal | None:
    """The smallest monthly payment a plan inside the limits needs (for the agent)."""
    try:
        solved = _solve(turn, terms, limits, Decimal(0), nego, counter=False)
    except _UNSOLVABLE:
        return None
    reached = solved.result.limits_reached if solved.result is not None else None
    return reached.min_monthly if reached is not None else None


def _limits_reached(
    turn: Turn, least: Decimal | None, amount: Decimal | None, rounds: int
) -> State:
    summary = {
        "min_monthly": None if least is None else str(least),
        "offered_monthly": None if amount is None else str(amount),
        "rounds": rounds,
    }
    if least is None:
        turn.say("negotiate.limits_reached_none")
    else:
        turn.say("negotiate.limits_reached", {"min_monthly": money(turn, least)}, debt=True)
    return handoff(turn, "limits_reached", 3, summary)
