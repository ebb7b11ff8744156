"""agree: the chosen plan summarised, explicit consent, then the full schedule and a payment
reference. Nothing is agreed without a clear yes."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from dialogs import understand
from dialogs.model import AccountView, ArrangementAgreed, Money, Reply, State
from dialogs.states import offer
from dialogs.turn import Turn, button

YES = button("yes", "button.agree")
NO = button("no", "button.back")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def enter(turn: Turn, index: int) -> State:
    plans = offer.stored_plans(turn)
    if not 1 <= index <= len(plans):
        return offer.represent(turn, turn.state)
    turn.data["chosen"] = index
    return prompt(turn)


def prompt(turn: Turn) -> State:
    plan = _chosen(turn)
    if plan is None:
        return offer.represent(turn, State.OFFER)
    index = int(turn.data["chosen"])
    # The whole schedule is shown before consent (issue 13 item 1).
    parts = (
        offer.plan_line(turn, index, plan),
        Reply("agree.schedule", {"schedule": _schedule(turn, plan)}, states_debt=True),
        Reply("agree.ask_consent"),
    )
    turn.say("agree.summary", buttons=(YES, NO), debt=True, parts=parts)
    return State.AGREE


def handle(turn: Turn) -> State:
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    plan = _chosen(turn)
    if plan is None or offer.expired(turn):
        if plan is not None:
            turn.say("offer.expired")
        return offer.enter(turn, offer.last_amount(turn))
    answer = understand.yes_no(turn)
    said = understand.reading(turn)
    if answer == "no" and turn.text and not said.declines and said.intent == "other":
        answer = None  # a negation is not a decline ("I never thought I'd get here")
    if answer == "yes":
        return _agree(turn, plan)
    if answer == "no":
        turn.forget("chosen")
        turn.say("agree.declined")
        return offer.represent(turn, State.OFFER)
    taken = offer.take_sum(turn, counter=True)
    if taken is not None:
        return taken
    if understand.worried(turn):
        turn.say("kind.other")
    turn.say("agree.consent_again", buttons=(YES, NO))
    return State.AGREE


def _agree(turn: Turn, plan: dict[str, Any]) -> State:
    account = turn.account
    if account is None:
        return turn.prompt(State.GREET)
    reference = payment_reference(account, plan, turn.event.now.isoformat())
    turn.emit(ArrangementAgreed(plan, reference))
    # The plan is kept so that questions after the agreement are answered from it.
    turn.data["arrangement"] = {"reference": reference, "kind": plan.get("kind"), "plan": plan}
    schedule = _schedule(turn, plan)
    turn.forget("offer", "chosen", "pending_min")
    turn.say("agree.done", {"reference": reference, "schedule": schedule}, debt=True)
    return State.CLOSED


def _schedule(turn: Turn, plan: dict[str, Any]) -> tuple[tuple[date, Money], ...]:
    account = turn.account
    currency = str(plan.get("currency") or (account.currency if account else "USD"))
    return tuple(
        (date.fromisoformat(str(i["due"])), Money(Decimal(str(i["amount"])), currency))
        for i in plan["instalments"]
    )


def payment_reference(account: AccountView, plan: dict[str, Any], moment: str) -> str:
    """A deterministic reference: the account's, plus a short code from the plan and time."""
    first = plan["instalments"][0]["due"] if plan.get("instalments") else ""
    seed = f"{account.reference}|{plan.get('kind')}|{plan.get('total')}|{first}|{moment}"
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:5], "big")
    code = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    prefix = "".join(ch for ch in account.reference.upper() if ch.isascii() and ch.isalnum())
    return f"{prefix[:12] or 'P'}-{code}"


def _chosen(turn: Turn) -> dict[str, Any] | None:
    plans = offer.stored_plans(turn)
    index = turn.data.get("chosen")
    if isinstance(index, int) and 1 <= index <= len(plans):
        return plans[index - 1]
    return None
