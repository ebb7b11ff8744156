"""offer and negotiate: plans from the offer engine (bot.offers), counter-offers solved
again inside the limits, and a kind hand-off when the limits are reached.

The dialog computes no money: it passes the account, the segment's limits and what the
debtor says they can pay, and words what comes back. Offers carry their real expiry (the
fair, factual pressure of DESIGN §6), extended to the end of a running US validation
period so that no deadline falls inside it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from bot.offers import (
    AccountTerms,
    Limits,
    MoneyError,
    OfferError,
    Plan,
    PlanKind,
    PolicyError,
    ScheduleError,
    counter_offer,
    least_single_payment,
    lowest_offer,
    open_offer,
    settlement_offer,
)
from bot.offers import Outcome as Solved
from bot.offers import Turn as Solve
from dialogs import tone, understand
from dialogs.common import HUMAN, handoff, local_today, money, us, zone
from dialogs.model import Button, Money, OfferMade, Param, Reply, State
from dialogs.states import agree, situation
from dialogs.turn import Turn, button

NONE_FIT = button("none", "button.none_fit")
MIN_ACCEPT = button("min", "button.min_accept")
LUMP_ACCEPT_ID = "lump"
SUM_ONCE = button("sum:once", "button.sum_once")
SUM_MONTHLY = button("sum:monthly", "button.sum_monthly")
MONTHLY_PLAN = button("none", "button.monthly_plan")
UNSURE = button("offer:unsure", "button.not_sure")
_ONE_OFF = (PlanKind.PAY_IN_FULL, PlanKind.SETTLEMENT)
_FREQUENCY_SAID = {"weekly": "amount.weekly", "fortnightly": "amount.fortnightly"}
# A figure with no frequency that is half the balance or more may be one payment: ask.
_UNCLEAR_SHARE = Decimal(2)
# A smallest one-off (or monthly plan) more than twice the debtor's sum is not asked of them.
_FAR_BELOW = Decimal(2)
# Asking for less interest ("can you drop the interest?", "利息能不能减免一点?").
_RELIEF = re.compile(
    r"\b(drop|reduce|lower|cut|waive|freeze|remove|knock off|less)\b[\w\s']{0,20}?"
    r"\b(interest|rate|apr)\b"
    r"|\b(interest|rate|apr)\b[\w\s']{0,20}?\b(dropped|reduced|lowered|cut|frozen|"
    r"removed|lower|less)\b"
    r"|(减免|减少|降低|降一?点|免掉|免除|少收|打折|优惠).{0,6}(利息|利率)"
    r"|(利息|利率).{0,8}(减免|减少|降低|降一?点|降|免掉|免除|少一点|少点|少收|优惠|打折)",
    re.IGNORECASE,
)
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
    if counter and amount is not None and _same_figure(turn, amount):
        # The same figure again is no new round, and gets no identical sentence (issue 13).
        table = _table(turn) or {}
        count = len(stored_plans(turn))
        other = UNSURE if table.get("lowest") else NONE_FIT
        buttons = (*plan_buttons(count), other, HUMAN)
        turn.say("negotiate.same_figure", {"amount": money(turn, amount)}, buttons=buttons)
        return turn.state
    try:
        solved = _solve(turn, terms, limits, amount, nego, counter)
    except _UNSOLVABLE:
        turn.say("handoff.approval_needed")
        return handoff(turn, "approval_needed", 2, {"why": "the offer engine refused"})
    turn.data["nego"] = dict(solved.state)
    turn.forget("pending_min", "pending_lump", "pending_sum", "ask_lump")
    result = solved.result
    negotiating = counter or turn.state in (State.NEGOTIATE, State.AGREE)
    if solved.outcome is not Solved.OFFER and amount is not None:
        least_now = result.limits_reached.min_monthly if result and result.limits_reached else None
        if solved.outcome is Solved.ROUNDS_EXHAUSTED:
            least_now = _least(turn, terms, limits, nego)
        if least_now is not None:
            affordable = _affordable(turn, amount)
            asked = lead == "offer.what_if"  # a question about a figure hands nothing off
            if least_now > affordable * _FAR_BELOW and not asked:
                return _unaffordable(turn, least_now, amount, affordable, solved.rounds)
            if solved.outcome is Solved.LIMITS_REACHED:
                return _lowest(turn, terms, limits, amount, least_now, solved.rounds)
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
    lump = turn.data.get("pending_lump")
    if offer is None and lump is not None:
        _say_lump_below(turn, None, Decimal(str(lump)))
        return State.NEGOTIATE
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
    if picked == UNSURE.id and offer is not None and not offer.get("lowest"):
        # Phlegmatic: one question at a time — the option that fits best, yes or no.
        turn.say("offer.unsure", buttons=(*plan_buttons(1), NONE_FIT, HUMAN))
        return turn.state
    if picked == UNSURE.id and offer is not None:
        # "Not sure" at the lowest plans: a person looks at other options.
        least = min(Decimal(str(p["monthly"])) for p in offer["plans"])
        said = offer.get("amount")
        return _limits_reached(turn, least, None if said is None else Decimal(str(said)), 0)
    if picked == NONE_FIT.id:
        turn.forget("pending_lump", "pending_sum", "ask_lump")
        turn.say("offer.ask_amount")
        return State.NEGOTIATE
    answer = understand.yes_no(turn) if picked is None else None
    if understand.declines(turn):
        answer = "no"
    elif answer == "no" and turn.text and understand.reading(turn).intent == "other":
        answer = None  # a negation is not a decline ("I never meant…")
    lump = turn.data.get("pending_lump")
    if lump is not None and (picked == LUMP_ACCEPT_ID or answer == "yes"):
        return enter_lump(turn, Decimal(str(lump)))
    if pending is not None and (picked == MIN_ACCEPT.id or answer == "yes"):
        return enter(turn, Decimal(str(pending)), lead="negotiate.counter")
    taken = take_sum(turn, counter=True)
    if taken is not None:
        return taken
    if answer == "no":
        turn.forget("pending_min")
        turn.say("offer.ask_amount")
        return State.NEGOTIATE
    if answer == "yes" and count == 1:
        return agree.enter(turn, 1)
    if turn.state is State.NEGOTIATE and offer is None:
        turn.say("negotiate.amount_again")
        return State.NEGOTIATE
    if understand.worried(turn):
        turn.say("kind.other")
        return reask(turn)
    return represent(turn, turn.state)


def reask(turn: Turn) -> State:
    """Ask the pending question of OFFER or NEGOTIATE again, briefly (after an answer)."""
    if reask_pending(turn):
        return turn.state
    offer = _table(turn)
    if offer is None or expired(turn) or turn.state not in (State.OFFER, State.NEGOTIATE):
        return turn.prompt(turn.state)
    count = len(offer["plans"])
    if offer.get("lowest"):
        turn.say("negotiate.lowest_pick", buttons=(*plan_buttons(count), UNSURE, HUMAN))
        return turn.state
    turn.say("offer.pick", buttons=(*plan_buttons(count), NONE_FIT, HUMAN))
    return turn.state


def what_if(turn: Turn, monthly: Decimal) -> State:
    """A question about a monthly figure ("what's the total at 200 a month?"): the plans for
    it, solved as a first offer is, so the question is never a negotiation round."""
    funnel = turn.data.get("situation")
    if isinstance(funnel, dict) and turn.state in (State.SITUATION, State.DISCLOSE):
        funnel["monthly"] = str(monthly)
    return enter(turn, monthly, lead="offer.what_if")


def reask_pending(turn: Turn) -> bool:
    """Ask again a question about a sum that is still open, in any state; False if none."""
    pending_sum = turn.data.get("pending_sum")
    if pending_sum is not None:
        params = {"amount": money(turn, Decimal(str(pending_sum)))}
        turn.say("amount.once_or_monthly", params, buttons=(SUM_ONCE, SUM_MONTHLY))
        return True
    if turn.data.get("ask_lump"):
        turn.say("offer.ask_lump")
        return True
    if turn.state not in (State.OFFER, State.NEGOTIATE):
        return False
    lump = turn.data.get("pending_lump")
    if lump is not None:
        _say_lump_below(turn, None, Decimal(str(lump)))
        return True
    least = turn.data.get("pending_min")
    if least is not None:
        params = {"min_monthly": money(turn, Decimal(str(least)))}
        turn.say("negotiate.below_min", params, buttons=(MIN_ACCEPT, HUMAN), debt=True)
        return True
    return False


# --- sums: monthly, one payment, or unclear ---------------------------------------------


def take_sum(turn: Turn, *, counter: bool = False) -> State | None:
    """Act on a sum the debtor said, or answered to "once, or per month?"; None if none.

    A one-off sum takes the settlement path (never a monthly figure); a weekly or
    fortnightly one is stated back as its monthly equivalent; a bare figure large for a
    monthly payment is asked about ("£2,000 once, or per month?")."""
    pending = turn.data.get("pending_sum")
    picked = understand.pick(turn, (SUM_ONCE, SUM_MONTHLY)) if pending is not None else None
    if pending is not None and picked is not None:
        value = Decimal(str(pending))
        turn.forget("pending_sum")
        if picked == SUM_ONCE.id:
            return enter_lump(turn, value, counter=counter)
        return _monthly(turn, value, counter)
    said = understand.sum_said(turn)
    if said is None:
        if pending is not None and turn.text:
            return _answer_to_pending(turn, Decimal(str(pending)), counter)
        if understand.lump_sum(turn):
            turn.data["ask_lump"] = True
            turn.say("offer.ask_lump")
            return turn.state
        return None
    turn.forget("pending_sum")
    if said.once or (said.frequency is None and turn.data.get("ask_lump")):
        return enter_lump(turn, said.amount, counter=counter)
    if said.frequency is None and _unclear(turn, said.amount):
        turn.data["pending_sum"] = str(said.amount)
        params = {"amount": money(turn, said.amount)}
        turn.say("amount.once_or_monthly", params, buttons=(SUM_ONCE, SUM_MONTHLY))
        return turn.state
    monthly = said.monthly if said.monthly is not None else said.amount
    key = _FREQUENCY_SAID.get(said.frequency or "")
    if key is not None:
        turn.say(key, {"amount": money(turn, said.amount), "monthly": money(turn, monthly)})
    return _monthly(turn, monthly, counter)


def _answer_to_pending(turn: Turn, value: Decimal, counter: bool) -> State | None:
    said = understand.reading(turn)
    if said.lump_sum or said.frequency == "once":
        turn.forget("pending_sum")
        return enter_lump(turn, value, counter=counter)
    if said.frequency == "monthly":
        turn.forget("pending_sum")
        return _monthly(turn, value, counter)
    return None


def _monthly(turn: Turn, monthly: Decimal, counter: bool) -> State:
    funnel = turn.data.get("situation")
    if isinstance(funnel, dict) and turn.state in (State.SITUATION, State.DISCLOSE):
        funnel["monthly"] = str(monthly)
    return enter(turn, monthly, counter=counter and turn.state is not State.DISCLOSE)


def _unclear(turn: Turn, value: Decimal) -> bool:
    account = turn.account
    return account is not None and value * _UNCLEAR_SHARE >= account.balance


def enter_lump(turn: Turn, amount: Decimal, *, counter: bool = False) -> State:
    """One payment of ``amount``: paying in full or a settlement, never a monthly plan."""
    inputs = _inputs(turn)
    if inputs is None:
        turn.say("handoff.approval_needed")
        return handoff(turn, "approval_needed", 2, {"why": "no usable policy or account terms"})
    terms, limits = inputs
    nego = turn.data.get("nego") if isinstance(turn.data.get("nego"), dict) else None
    if (
        turn.data.get("lump_said") == str(amount)
        and _table(turn) is not None
        and not expired(turn)
        and turn.state in (State.OFFER, State.NEGOTIATE)
    ):
        # The same one-off again: no new round, no identical sentence (issue 13).
        count = len(stored_plans(turn))
        turn.say(
            "negotiate.same_lump",
            {"amount": money(turn, amount)},
            buttons=(*plan_buttons(count), MONTHLY_PLAN, HUMAN),
        )
        return turn.state
    try:
        solved = _solve(turn, terms, limits, amount, nego, counter and nego is not None)
        least = least_single_payment(terms, limits, engine_today(turn), nego)
    except _UNSOLVABLE:
        turn.say("handoff.approval_needed")
        return handoff(turn, "approval_needed", 2, {"why": "the offer engine refused"})
    turn.data["nego"] = dict(solved.state)
    turn.forget("pending_min", "pending_lump", "pending_sum", "ask_lump")
    if solved.outcome is Solved.ROUNDS_EXHAUSTED:
        return _limits_reached(turn, _least(turn, terms, limits, nego), None, solved.rounds)
    result = solved.result
    plans = tuple(p for p in result.options if p.kind in _ONE_OFF) if result else ()
    negotiating = counter or turn.state in (State.NEGOTIATE, State.AGREE)
    if plans:
        _offer(turn, plans, "offer.lump_sum", amount, solved.rounds, once=True)
        return State.NEGOTIATE if negotiating else State.OFFER
    if least is None:
        turn.say("negotiate.lump_none", {"amount": money(turn, amount)}, buttons=(HUMAN,))
        return handoff(
            turn, "limits_reached", 3, {"one_off": str(amount), "rounds": solved.rounds}
        )
    if least > amount * _FAR_BELOW:
        # Never "could you manage that?" of what is far beyond their sum (DESIGN §6).
        params = {"amount": money(turn, amount), "least": money(turn, least)}
        turn.say("negotiate.lump_far_below", params, buttons=(MONTHLY_PLAN, HUMAN), debt=True)
        return State.NEGOTIATE
    stepped = _settle_step(turn, terms, limits, amount)
    if stepped is not None:
        return stepped
    turn.data["pending_lump"] = str(least)
    _say_lump_below(turn, amount, least)
    return State.NEGOTIATE


def _settle_step(turn: Turn, terms: AccountTerms, limits: Limits, amount: Decimal) -> State | None:
    """A one-off below the floor: the settlement is negotiated (issue 13 item 4) — a
    smaller discount first, larger ones in steps up to the limit, each with its pay-by
    date; None once the largest has been offered (the floor itself is then asked)."""
    # The round, if any, was counted by enter_lump's solve: this step counts none.
    nego = turn.data.get("nego") if isinstance(turn.data.get("nego"), dict) else None
    try:
        solved = settlement_offer(nego, terms, limits, engine_today(turn))
    except _UNSOLVABLE:
        return None
    if solved.outcome is Solved.ROUNDS_EXHAUSTED:
        turn.data["nego"] = dict(solved.state)
        return _limits_reached(turn, None, None, solved.rounds)
    plans = solved.result.options if solved.result is not None else ()
    if not plans:
        return None
    turn.data["nego"] = dict(solved.state)
    turn.data["lump_said"] = str(amount)
    expires, shaped = _store(turn, plans, None, solved.rounds)
    plan = plans[0]
    params: dict[str, Param] = {
        "amount": money(turn, amount),
        "total": money(turn, plan.total),
        "pay_by": expires,
        "discount": money(turn, plan.discount),
    }
    lines = tuple(plan_line(turn, n, p) for n, p in enumerate(shaped, 1))
    buttons = (*plan_buttons(len(plans)), MONTHLY_PLAN, HUMAN)
    turn.say(
        "negotiate.lump_counter",
        params,
        buttons=buttons,
        debt=True,
        parts=(*lines, Reply("offer.pick")),
    )
    return State.NEGOTIATE


def _say_lump_below(turn: Turn, amount: Decimal | None, least: Decimal) -> None:
    accept = button(LUMP_ACCEPT_ID, "button.lump_accept", {"amount": money(turn, least)})
    params: dict[str, Any] = {"least": money(turn, least)}
    key = "negotiate.lump_below_min_again"
    if amount is not None:
        params["amount"] = money(turn, amount)
        key = "negotiate.lump_below_min"
    turn.say(key, params, buttons=(accept, MONTHLY_PLAN, HUMAN), debt=True)


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
    """One plan a person can check (issue 13): the instalment, how many, the first due
    date, the total, the rate or "interest-free"; then what it saves (only the concessions,
    from today's balance), what it costs above the balance and why, and its reason."""
    kind = str(plan["kind"])
    currency = str(plan.get("currency") or _currency(turn))
    waived = plan.get("waived") or {}

    def cash(value: object) -> Money:
        return Money(Decimal(str(value if value is not None else "0")), currency)

    apr = Decimal(str(plan.get("apr", "0")))
    first_due = date.fromisoformat(str(plan["instalments"][0]["due"]))
    params: dict[str, Any] = {
        "n": n,
        "total": cash(plan["total"]),
        "monthly": cash(plan["monthly"]),
        "count": len(plan["instalments"]),
        "first_due": first_due,
        "apr": apr.normalize(),
    }
    one_off = kind in ("pay_in_full", "settlement")
    if one_off:
        key = f"plan.line.{kind}"
    else:
        base = "holiday" if kind == "holiday_then_instalments" else "instalments"
        key = f"plan.line.{base}_free" if apr == 0 else f"plan.line.{base}"
    fees, interest = cash(waived.get("fees")), cash(waived.get("interest"))
    discount = cash(plan.get("discount"))
    saved = Money(fees.amount + interest.amount + discount.amount, currency)
    parts: list[Reply] = []
    values: dict[str, Param] = {
        "saved": saved,
        "fees": fees,
        "interest": interest,
        "discount": discount,
    }
    if discount.amount > 0:
        parts.append(Reply("plan.saves.discount", values))
    elif fees.amount > 0 and interest.amount > 0:
        parts.append(Reply("plan.saves.fees_interest", values))
    elif fees.amount > 0:
        parts.append(Reply("plan.saves.fees", values))
    elif interest.amount > 0:
        parts.append(Reply("plan.saves.interest", values))
    over = cash(plan.get("over_balance"))
    if over.amount > 0 and not one_off:
        parts.append(Reply("plan.over", {"over": over, "apr": apr.normalize()}))
    reason = plan.get("reason") or {}
    because = _because(reason)
    if because and tone.now(turn) != "choleric":  # choleric: the figures, no more
        why: dict[str, Param] = {
            "first_due": first_due,
            "affordable": cash(_affordable_of(reason)),
        }
        parts.append(Reply(f"plan.why.{because}", why))
    return Reply(key, params, states_debt=True, parts=tuple(parts))


_WHY = ("recovery", "lasting", "affordable", "affordable_now", "floor", "lowest")


def _because(reason: dict[str, Any]) -> str:
    text = str(reason.get("because") or "")
    return text if text in _WHY else ""


def _affordable_of(reason: dict[str, Any]) -> str:
    value = str(reason.get("affordable") or "0")
    return value if value.replace(".", "", 1).isdigit() else "0"


def _offer(
    turn: Turn,
    plans: tuple[Plan, ...],
    key: str,
    amount: Decimal | None,
    rounds: int,
    *,
    once: bool = False,
) -> None:
    expires, shaped = _store(turn, plans, None if once else amount, rounds)
    _say_plans(turn, key, shaped, expires, amount)


def _store(
    turn: Turn, plans: tuple[Plan, ...], amount: Decimal | None, rounds: int
) -> tuple[date, list[dict[str, Any]]]:
    """Put ``plans`` on the table (with their real expiry) and record the offer."""
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
    return expires, shaped


def _say_plans(
    turn: Turn, key: str, plans: list[dict[str, Any]], expires: date, amount: Decimal | None
) -> None:
    params: dict[str, Any] = {"expires": expires}
    if amount is not None:
        params["amount"] = money(turn, amount)
    lines = tuple(plan_line(turn, n, plan) for n, plan in enumerate(plans, 1))
    table = _table(turn)
    if table is not None and table.get("lowest"):  # the lowest plans keep their buttons
        buttons = (*plan_buttons(len(plans)), UNSURE, HUMAN)
        pick = Reply("negotiate.lowest_pick")
    elif tone.now(turn) == "phlegmatic":  # one question at a time, with a "not sure"
        buttons = (*plan_buttons(len(plans)), UNSURE, NONE_FIT, HUMAN)
        pick = Reply("offer.pick")
    else:
        buttons = (*plan_buttons(len(plans)), NONE_FIT, HUMAN)
        pick = Reply("offer.pick")
    turn.say(key, params, buttons=buttons, debt=True, parts=(*lines, pick))


def engine_today(turn: Turn) -> date:
    """The day plans are counted from. In a running US validation period it is moved so
    that no payment falls due, and no offer ends, before the period does (DESIGN §7: no
    deadline inside it); the debtor only gains time."""
    today = local_today(turn)
    account = turn.account
    end = account.validation_end if account is not None and us(account) else None
    raw = turn.ctx.limits
    if end is None or end < today or raw is None:
        return today
    try:
        validity = Limits.parse(raw).offer_validity_days
    except _UNSOLVABLE:
        return today
    # A month is at least 28 days: the first instalment then falls on or after the end.
    return max(today, end - timedelta(days=min(validity, 28)))


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
    today = engine_today(turn)
    holiday = situation.holiday_months(turn)
    fit = _fit(turn)
    if counter and nego is not None:
        return counter_offer(nego, terms, limits, today, amount, holiday_months=holiday, fit=fit)
    return open_offer(terms, limits, today, amount, holiday_months=holiday, state=nego, fit=fit)


def _fit(turn: Turn) -> str:
    """What the debtor said about their income, for ordering the options (issue 13)."""
    funnel = turn.data.get("situation")
    if not isinstance(funnel, dict):
        return ""
    if situation.holiday_months(turn) > 0:
        return "recovering"
    if funnel.get("recovery") == "lasting" or funnel.get("outlook") == "permanent":
        return "lasting"
    return ""


def _affordable(turn: Turn, stated: Decimal) -> Decimal:
    """The stated monthly figure, or what is left after essential outgoings when smaller."""
    funnel = turn.data.get("situation")
    left = funnel.get("left") if isinstance(funnel, dict) else None
    try:
        value = Decimal(str(left)) if left is not None else None
    except ArithmeticError:
        value = None
    if value is not None and value.is_finite() and 0 <= value < stated:
        return value
    return stated


def _same_figure(turn: Turn, amount: Decimal) -> bool:
    offer = _table(turn)
    said = offer.get("amount") if offer is not None else None
    return (
        said is not None
        and turn.state in (State.OFFER, State.NEGOTIATE)
        and not expired(turn)
        and Decimal(str(said)) == amount
    )


def _unaffordable(
    turn: Turn, least: Decimal, amount: Decimal, affordable: Decimal, rounds: int
) -> State:
    """Never "could that work?" of a plan more than twice what they can afford (issue 13
    item 5): the lowest said plainly, other options named, and a person takes over."""
    funnel = turn.data.get("situation")
    left = funnel.get("left") if isinstance(funnel, dict) else None
    summary = {
        "min_monthly": str(least),
        "offered_monthly": str(amount),
        "stated": str(amount),
        "left": None if left is None else str(left),
        "gap": str(least - affordable),
        "rounds": rounds,
    }
    params = {"min_monthly": money(turn, least), "amount": money(turn, affordable)}
    turn.say("negotiate.unaffordable", params, debt=True)
    return handoff(turn, "limits_reached", 3, summary)


def _lowest(
    turn: Turn, terms: AccountTerms, limits: Limits, amount: Decimal, least: Decimal, rounds: int
) -> State:
    """A figure a little below the minimum: the plans at the floor, a holiday first when
    income should return, with all their facts (never a bare figure)."""
    solved = _solve_lowest(turn, terms, limits)
    if solved is None or solved.result is None or not solved.result.options:
        return _limits_reached(turn, least, amount, rounds)
    turn.data["nego"] = dict(solved.state)
    plans = solved.result.options
    _, shaped = _store(turn, plans, amount, rounds)
    turn.data["offer"]["lowest"] = True  # asked again with the same buttons
    params = {"amount": money(turn, amount), "min_monthly": money(turn, least)}
    lines = tuple(plan_line(turn, n, plan) for n, plan in enumerate(shaped, 1))
    buttons = (*plan_buttons(len(plans)), UNSURE, HUMAN)
    parts = (*lines, Reply("negotiate.lowest_pick"))
    turn.say("negotiate.below_min_plans", params, buttons=buttons, debt=True, parts=parts)
    return State.NEGOTIATE


def _solve_lowest(turn: Turn, terms: AccountTerms, limits: Limits) -> Solve | None:
    """The plans at the floor of the limits, fitted to the debtor's situation (None when
    the engine finds none)."""
    nego = turn.data.get("nego") if isinstance(turn.data.get("nego"), dict) else None
    try:
        return lowest_offer(
            nego,
            terms,
            limits,
            engine_today(turn),
            holiday_months=situation.holiday_months(turn),
            fit=_fit(turn),
        )
    except _UNSOLVABLE:
        return None


def asks_relief(turn: Turn) -> bool:
    """A request to reduce the interest ("can you drop the interest?")."""
    return bool(turn.text) and _RELIEF.search(turn.text[:500]) is not None


def relief(turn: Turn) -> State:
    """A request for less interest gets a real answer: the relief the limits allow (the
    lowest plans), or plainly that the rate is already the lowest allowed."""
    inputs = _inputs(turn)
    if inputs is None:
        return turn.prompt(turn.state)
    terms, limits = inputs
    solved = _solve_lowest(turn, terms, limits)
    if solved is None:
        return turn.prompt(turn.state)
    plans = solved.result.options if solved.result is not None else ()
    current = stored_plans(turn)
    apr_now = min((Decimal(str(p["apr"])) for p in current), default=terms.apr)
    waived_now = max(
        (Decimal(str((p.get("waived") or {}).get("interest", "0"))) for p in current),
        default=Decimal(0),
    )
    apr = min((p.apr for p in plans), default=terms.apr)
    waived = max((p.waived_interest for p in plans), default=Decimal(0))
    if not plans or (apr >= apr_now and waived <= waived_now):
        turn.say("negotiate.relief_none", {"apr": apr_now}, buttons=(HUMAN,), debt=True)
        return reask(turn)
    turn.data["nego"] = dict(solved.state)
    if apr == 0:
        key = "negotiate.relief_free"
    elif waived > 0:
        key = "negotiate.relief"
    else:
        key = "negotiate.relief_rate"
    _, shaped = _store(turn, plans, last_amount(turn), solved.rounds)
    params: dict[str, Param] = {"apr": apr.normalize(), "waived": money(turn, waived)}
    lines = tuple(plan_line(turn, n, plan) for n, plan in enumerate(shaped, 1))
    buttons = (*plan_buttons(len(plans)), NONE_FIT, HUMAN)
    turn.say(key, params, buttons=buttons, debt=True, parts=(*lines, Reply("offer.pick")))
    return State.NEGOTIATE


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
