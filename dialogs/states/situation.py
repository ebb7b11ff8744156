"""situation: the funnel — what made paying hard, whether and when income may recover,
roughly how much could be paid a month. Buttons and free text both work; the funnel never
blocks: an answer it cannot place is taken as "other" / "not sure"."""

from __future__ import annotations

from typing import Any

from dialogs import understand
from dialogs.model import Reply, State
from dialogs.states import offer
from dialogs.turn import Turn, button

REASONS = ("job_loss", "illness", "family_emergency", "business_trouble", "other")
REASON_BUTTONS = tuple(button(f"reason:{r}", f"button.reason.{r}") for r in REASONS)
RECOVERY_BUTTONS = (
    button("recovery:soon", "button.recovery.soon"),
    button("recovery:months", "button.recovery.months"),
    button("recovery:unsure", "button.recovery.unsure"),
)
NOT_SURE = button("monthly:unsure", "button.not_sure")
#: Months of payment holiday each recovery button asks the offer engine for.
HOLIDAY = {"soon": 1, "months": 3, "unsure": 0}


def enter(turn: Turn, reason: str | None = None) -> State:
    funnel: dict[str, Any] = {"step": "reason"}
    turn.data["situation"] = funnel
    if reason in REASONS:
        return _take_reason(turn, funnel, reason)
    return prompt(turn)


def prompt(turn: Turn) -> State:
    funnel = _funnel(turn)
    step = funnel.get("step")
    if step == "recovery":
        turn.say("situation.ask_recovery", buttons=RECOVERY_BUTTONS)
    elif step == "monthly":
        turn.say("situation.ask_monthly", buttons=(NOT_SURE,))
    else:
        from dialogs.states.disclose import advice_signpost  # disclose imports this module

        advice = advice_signpost(turn)
        parts = (advice,) if advice is not None else ()
        turn.say("situation.ask_reason", buttons=REASON_BUTTONS, parts=parts)
    return State.SITUATION


def handle(turn: Turn) -> State:
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    funnel = _funnel(turn)
    step = funnel.get("step")
    if step == "recovery":
        return _take_recovery(turn, funnel)
    if step == "monthly":
        return _take_monthly(turn, funnel)
    picked = understand.pick(turn, REASON_BUTTONS)
    reason = picked.split(":", 1)[1] if picked else understand.reason(turn)
    if reason is None:
        amount = understand.amount(turn)
        if amount is not None:  # straight to what they can pay: skip the funnel
            funnel.update(reason="other", recovery="unsure", holiday=0, monthly=str(amount))
            return offer.enter(turn, amount)
        if not turn.text:
            return prompt(turn)
        reason = "other"
    return _take_reason(turn, funnel, reason)


def _take_reason(turn: Turn, funnel: dict[str, Any], reason: str) -> State:
    funnel.update(reason=reason, step="recovery")
    turn.say(
        f"situation.ack.{reason}",
        buttons=RECOVERY_BUTTONS,
        parts=(Reply("situation.ask_recovery"),),
    )
    return State.SITUATION


def _take_recovery(turn: Turn, funnel: dict[str, Any]) -> State:
    picked = understand.pick(turn, RECOVERY_BUTTONS)
    if picked is not None:
        recovery = picked.split(":", 1)[1]
        months = HOLIDAY.get(recovery, 0)
    elif not turn.text:
        return prompt(turn)
    else:
        recovery, months = understand.recovery(turn)
    funnel.update(recovery=recovery, holiday=months, step="monthly")
    amount = understand.amount(turn)
    if amount is not None:
        funnel["monthly"] = str(amount)
        return offer.enter(turn, amount)
    turn.say("situation.ask_monthly", buttons=(NOT_SURE,))
    return State.SITUATION


def _take_monthly(turn: Turn, funnel: dict[str, Any]) -> State:
    if turn.button == NOT_SURE.id or understand.pick(turn, (NOT_SURE,)) == NOT_SURE.id:
        return offer.enter(turn, None)
    amount = understand.amount(turn)
    if amount is None:
        if funnel.get("asked_again") or not turn.text:
            return offer.enter(turn, None) if turn.text else prompt(turn)
        funnel["asked_again"] = True
        turn.say("situation.monthly_again", buttons=(NOT_SURE,))
        return State.SITUATION
    funnel["monthly"] = str(amount)
    return offer.enter(turn, amount)


def _funnel(turn: Turn) -> dict[str, Any]:
    funnel = turn.data.get("situation")
    if not isinstance(funnel, dict):
        funnel = {"step": "reason"}
        turn.data["situation"] = funnel
    return funnel


def holiday_months(turn: Turn) -> int:
    """The payment holiday to ask the offer engine for (it caps it at the policy's)."""
    funnel = turn.data.get("situation")
    months = funnel.get("holiday") if isinstance(funnel, dict) else None
    return months if isinstance(months, int) and 0 <= months <= 120 else 0
