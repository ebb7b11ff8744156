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
    """Start the funnel, taking whatever the message that led here already says."""
    funnel: dict[str, Any] = {"step": "reason"}
    turn.data["situation"] = funnel
    new = _slots(turn, funnel)
    if reason in REASONS and "reason" not in new:
        funnel["reason"] = reason
        new.append("reason")
    if turn.text:
        _ack_before_sum(turn, funnel, new)
        taken = offer.take_sum(turn)
        if taken is not None:
            funnel.setdefault("reason", "other")
            if "recovery" not in funnel:
                funnel.update(recovery="unsure", holiday=0)
            funnel["step"] = "monthly"
            return taken
    if new:
        return _next(turn, funnel, new)
    if not turn.replies and understand.worried(turn):
        turn.say("kind.other")
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
    """Fill every slot the message gives (reason, recovery, payday, amount, in any order),
    then ask the first question still open. An answer the step cannot place is taken as
    "other" / "not sure"; worry or shame gets a kind line and the same question once."""
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    funnel = _funnel(turn)
    step = funnel.get("step")
    if step == "monthly" and (
        turn.button == NOT_SURE.id or understand.pick(turn, (NOT_SURE,)) == NOT_SURE.id
    ):
        return offer.enter(turn, None)
    new = _slots(turn, funnel)
    _ack_before_sum(turn, funnel, new)
    taken = offer.take_sum(turn)
    if taken is not None:
        funnel.setdefault("reason", "other")
        if "recovery" not in funnel:
            funnel.update(recovery="unsure", holiday=0)
        if taken is State.SITUATION:
            return taken  # asked "once, or per month?" or for the one-off figure
        funnel["step"] = "monthly"
        return taken
    if not turn.text and not new:
        return prompt(turn)
    if not new and understand.declines(turn):
        turn.say("disclose.later")  # "not now": the question stays for when they are ready
        return State.SITUATION
    if not new and understand.worried(turn) and not funnel.get("comforted"):
        funnel["comforted"] = True  # once: the funnel never blocks
        turn.say("kind.other")
        return prompt(turn)
    if step == "reason" and "reason" not in funnel:
        funnel["reason"] = "other"
        new.append("reason")
    elif step == "recovery" and "recovery" not in funnel:
        funnel.update(recovery="unsure", holiday=0)
        new.append("recovery")
    elif step == "monthly" and not new:
        if funnel.get("asked_again"):
            return offer.enter(turn, None)
        funnel["asked_again"] = True
        turn.say("situation.monthly_again", buttons=(NOT_SURE,))
        return State.SITUATION
    return _next(turn, funnel, new)


def _slots(turn: Turn, funnel: dict[str, Any]) -> list[str]:
    """Take the reason, recovery and payday the event gives; the names newly filled."""
    new: list[str] = []
    step = funnel.get("step")
    picked: str | None = None
    if turn.button:  # only the funnel's own buttons
        picked = understand.pick(turn, (*REASON_BUTTONS, *RECOVERY_BUTTONS))
    elif step == "reason":
        picked = understand.pick(turn, REASON_BUTTONS)
    elif step == "recovery":
        picked = understand.pick(turn, RECOVERY_BUTTONS)
    if picked is not None and picked.startswith("reason:"):
        funnel["reason"] = picked.split(":", 1)[1]
        new.append("reason")
    elif picked is not None and picked.startswith("recovery:"):
        recovery = picked.split(":", 1)[1]
        funnel.update(recovery=recovery, holiday=HOLIDAY.get(recovery, 0))
        new.append("recovery")
    if not turn.text:
        return new
    reason = understand.reason_said(turn)
    if reason in REASONS and "reason" not in new:
        funnel["reason"] = reason
        new.append("reason")
    said = understand.recovery_said(turn)
    if said is None and funnel.get("step") == "recovery" and "recovery" not in new:
        said = understand.recovery(turn) if _about_recovery(turn) else None
    if said is not None and "recovery" not in new:
        funnel.update(recovery=said[0], holiday=said[1])
        new.append("recovery")
    day = understand.payday(turn)
    if day is not None:
        funnel["payday"] = day
        new.append("payday")
    return new


def _ack_before_sum(turn: Turn, funnel: dict[str, Any], new: list[str]) -> None:
    """A reason given with a sum is acknowledged before the plans (or the sum question)."""
    if "reason" in new and (understand.sum_said(turn) is not None or understand.lump_sum(turn)):
        turn.say(f"situation.ack.{funnel['reason']}")


def _about_recovery(turn: Turn) -> bool:
    """At the recovery question, a message that is not worry or small talk answers it."""
    return understand.reading(turn).intent != "other"


def _next(turn: Turn, funnel: dict[str, Any], new: list[str]) -> State:
    """Acknowledge a reason just given, then ask the first question still open."""
    open_steps = [s for s in ("reason", "recovery") if s not in funnel]
    funnel["step"] = open_steps[0] if open_steps else "monthly"
    if "reason" in new:
        reason = str(funnel["reason"])
        if funnel["step"] == "recovery":
            turn.say(
                f"situation.ack.{reason}",
                buttons=RECOVERY_BUTTONS,
                parts=(Reply("situation.ask_recovery"),),
            )
        else:
            parts = (Reply("situation.ask_monthly"),)
            turn.say(f"situation.ack.{reason}", buttons=(NOT_SURE,), parts=parts)
        return State.SITUATION
    return prompt(turn)


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
