"""situation: the funnel — what made paying hard, whether and when income may recover,
roughly how much could be paid a month. Buttons and free text both work; the funnel never
blocks: an answer it cannot place is taken as "other" / "not sure".

Affordability in layers (问): at the monthly question the debtor may ask for help working
it out ("Help me work it out", or in words). Then the bot asks lightly what comes in and
what goes on essentials (housing, food and bills, transport, childcare, other debts), each
in any frequency (weekly, fortnightly, monthly; several figures are added up, each with
its own frequency), states them back a month at a time, works out what is left and
suggests a figure from it. "Rather not say" always works and goes back to the monthly
question. The funnel keeps ``left`` (money left a month after essentials) and
``suggested`` (the figure suggested), as strings of decimals, for the offer's turn.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from bot.nlu.intents import read
from dialogs import tone, understand
from dialogs.common import local_today, money
from dialogs.model import Button, Reply, State
from dialogs.states import offer
from dialogs.turn import Turn, button

REASONS = ("job_loss", "illness", "family_emergency", "business_trouble", "other")
REASON_BUTTONS = tuple(button(f"reason:{r}", f"button.reason.{r}") for r in REASONS)
# Phlegmatic: every question has a "not sure" choice (taken as "other").
REASON_UNSURE = button("reason:unsure", "button.not_sure")
RECOVERY_BUTTONS = (
    button("recovery:soon", "button.recovery.soon"),
    button("recovery:months", "button.recovery.months"),
    button("recovery:unsure", "button.recovery.unsure"),
    button("recovery:lasting", "button.recovery.lasting"),  # the longest term, most relief
)
HARDSHIP_REASONS = frozenset(REASONS) - {"other"}
NOT_SURE = button("monthly:unsure", "button.not_sure")
BUDGET = button("budget:start", "button.budget")
RATHER_NOT = button("budget:skip", "button.rather_not_say")
MONTHLY_BUTTONS = (BUDGET, NOT_SURE)
BUDGET_STEPS = ("income", "outgoings", "suggest")
# Words asking for help with the figure, at the monthly question.
_HELP_WORK_OUT = re.compile(
    r"\b(?:work(?:ing)?\s+(?:it\s+)?out|help\s+me\s+(?:figure|work|calculate|decide)|"
    r"budget|figure\s+(?:it\s+)?out|how\s+much\s+can\s+i\s+afford)\b"
    r"|帮我算|算一算|算算|帮我看看能还多少|不知道能还多少",
    re.IGNORECASE,
)
_RATHER_NOT = re.compile(
    r"\b(?:rather\s+not|prefer\s+not|skip|pass|none\s+of\s+your)\b|不想说|不方便说|跳过|算了",
    re.IGNORECASE,
)
_PIECES = re.compile(r"[,;，；、\n+]|\band\b|\bplus\b|和|加上|还有|另外")
#: Months of payment holiday each recovery button asks the offer engine for.
HOLIDAY = {"soon": 1, "months": 3, "unsure": 0, "lasting": 0}


def enter(turn: Turn, reason: str | None = None) -> State:
    """Start the funnel, taking whatever the message that led here already says."""
    funnel: dict[str, Any] = {"step": "reason"}
    turn.data["situation"] = funnel
    new = _slots(turn, funnel)
    if reason in REASONS and "reason" not in new:
        funnel["reason"] = reason
        new.append("reason")
        _hardship_known(turn, funnel)
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
        turn.say("situation.ask_monthly", buttons=MONTHLY_BUTTONS)
    elif step == "income":
        turn.say("situation.ask_income", buttons=(RATHER_NOT,))
    elif step == "outgoings":
        turn.say("situation.ask_outgoings", buttons=(RATHER_NOT,))
    elif step == "suggest" and _decimal(funnel.get("suggested")) is not None:
        _say_suggestion(turn, funnel)
    else:
        from dialogs.states.disclose import advice_signpost  # disclose imports this module

        advice = advice_signpost(turn)
        parts = (advice,) if advice is not None else ()
        turn.say("situation.ask_reason", buttons=_reason_buttons(turn), parts=parts)
    return State.SITUATION


def _reason_buttons(turn: Turn) -> tuple[Button, ...]:
    if tone.now(turn) == "phlegmatic":
        return (*REASON_BUTTONS, REASON_UNSURE)
    return REASON_BUTTONS


def handle(turn: Turn) -> State:
    """Fill every slot the message gives (reason, recovery, payday, amount, in any order),
    then ask the first question still open. An answer the step cannot place is taken as
    "other" / "not sure"; worry or shame gets a kind line and the same question once."""
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    funnel = _funnel(turn)
    step = funnel.get("step")
    if step in BUDGET_STEPS:
        budgeted = _budget(turn, funnel, str(step))
        if budgeted is not None:
            return budgeted
        step = funnel.get("step")
    if step == "monthly" and (turn.button == BUDGET.id or _wants_budget(turn)):
        funnel["step"] = "income"
        return prompt(turn)
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
        turn.say("situation.monthly_again", buttons=MONTHLY_BUTTONS)
        return State.SITUATION
    return _next(turn, funnel, new)


def _slots(turn: Turn, funnel: dict[str, Any]) -> list[str]:
    """Take the reason, recovery and payday the event gives; the names newly filled."""
    new: list[str] = []
    step = funnel.get("step")
    picked: str | None = None
    if turn.button:  # only the funnel's own buttons
        picked = understand.pick(turn, (*REASON_BUTTONS, REASON_UNSURE, *RECOVERY_BUTTONS))
    elif step == "reason":
        picked = understand.pick(turn, REASON_BUTTONS)
    if picked == REASON_UNSURE.id:
        picked = "reason:other"
    elif step == "recovery":
        picked = understand.pick(turn, RECOVERY_BUTTONS)
    if picked is not None and picked.startswith("reason:"):
        funnel["reason"] = picked.split(":", 1)[1]
        new.append("reason")
        _hardship_known(turn, funnel)
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
        _hardship_known(turn, funnel)
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


def _hardship_known(turn: Turn, funnel: dict[str, Any]) -> None:
    """A hardship reason, pressed or written, is hardship shown (GB: free debt advice is
    signposted with this step's reply, dialogs.notices)."""
    if funnel.get("reason") in HARDSHIP_REASONS:
        turn.data["hardship"] = True


def _ack_before_sum(turn: Turn, funnel: dict[str, Any], new: list[str]) -> None:
    """A reason given with a sum is acknowledged before the plans (or the sum question);
    not to a choleric debtor, who gets the figures first."""
    if tone.now(turn) == "choleric":
        return
    if "reason" in new and (understand.sum_said(turn) is not None or understand.lump_sum(turn)):
        turn.say(f"situation.ack.{funnel['reason']}")


def _about_recovery(turn: Turn) -> bool:
    """At the recovery question, a message that is not worry or small talk answers it."""
    return understand.reading(turn).intent != "other"


def _next(turn: Turn, funnel: dict[str, Any], new: list[str]) -> State:
    """Acknowledge a reason just given, then ask the first question still open."""
    open_steps = [s for s in ("reason", "recovery") if s not in funnel]
    funnel["step"] = open_steps[0] if open_steps else "monthly"
    if "reason" in new and tone.now(turn) != "choleric":  # choleric: the question, no preamble
        reason = str(funnel["reason"])
        if funnel["step"] == "recovery":
            turn.say(
                f"situation.ack.{reason}",
                buttons=RECOVERY_BUTTONS,
                parts=(Reply("situation.ask_recovery"),),
            )
        else:
            parts = (Reply("situation.ask_monthly"),)
            turn.say(f"situation.ack.{reason}", buttons=MONTHLY_BUTTONS, parts=parts)
        return State.SITUATION
    return prompt(turn)


# --- affordability in layers ---------------------------------------------------------------


def _wants_budget(turn: Turn) -> bool:
    return bool(turn.text) and _HELP_WORK_OUT.search(turn.text[:300]) is not None


def _budget(turn: Turn, funnel: dict[str, Any], step: str) -> State | None:
    """One answer of the budget questions; None to let the funnel read the message (a
    figure typed at the suggestion is the debtor's own monthly figure)."""
    unsure = turn.button == NOT_SURE.id or (
        understand.pick(turn, (NOT_SURE,)) == NOT_SURE.id and understand.amount(turn) is None
    )
    if turn.button == RATHER_NOT.id or (
        step != "suggest" and (unsure or understand.declines(turn) or _rather_not(turn))
    ):
        return _back_to_monthly(turn, funnel, "situation.budget_skipped")
    if step == "suggest":
        return _suggestion_answer(turn, funnel)
    figure = _monthly_total(turn)
    if figure is None:
        if turn.button or not turn.text:
            return prompt(turn)
        if funnel.get("budget_again") == step:
            return _back_to_monthly(turn, funnel, "situation.budget_skipped")
        funnel["budget_again"] = step
        turn.say("situation.budget_figure_again")
        return prompt(turn)
    funnel.pop("budget_again", None)
    if step == "income":
        funnel["income"] = str(figure)
        funnel["step"] = "outgoings"
        params = {"monthly": money(turn, figure)}
        parts = (Reply("situation.ask_outgoings"),)
        turn.say("situation.income_noted", params, buttons=(RATHER_NOT,), parts=parts)
        return State.SITUATION
    income = _decimal(funnel.get("income")) or Decimal(0)
    funnel["outgoings"] = str(figure)
    left = max(income - figure, Decimal(0)).quantize(Decimal("0.01"))
    funnel["left"] = str(left)
    suggested = _suggest(left)
    if suggested <= 0:
        funnel.pop("suggested", None)
        params = {"outgoings": money(turn, figure)}
        turn.say("situation.budget_tight", params)
        return _back_to_monthly(turn, funnel, None)
    funnel["suggested"] = str(suggested)
    funnel["step"] = "suggest"
    _say_suggestion(turn, funnel)
    return State.SITUATION


def _say_suggestion(turn: Turn, funnel: dict[str, Any]) -> None:
    left = _decimal(funnel.get("left")) or Decimal(0)
    suggested = _decimal(funnel.get("suggested")) or Decimal(0)
    use = button("budget:use", "button.budget_use", {"amount": money(turn, suggested)})
    params = {
        "outgoings": money(turn, _decimal(funnel.get("outgoings")) or Decimal(0)),
        "left": money(turn, left),
        "suggested": money(turn, suggested),
    }
    turn.say("situation.budget_left", params, buttons=(use, NOT_SURE))


def _suggestion_answer(turn: Turn, funnel: dict[str, Any]) -> State | None:
    suggested = _decimal(funnel.get("suggested"))
    if suggested is None:
        return _back_to_monthly(turn, funnel, None)
    if turn.button == NOT_SURE.id or understand.pick(turn, (NOT_SURE,)) == NOT_SURE.id:
        funnel["step"] = "monthly"
        return offer.enter(turn, None)
    if understand.sum_said(turn) is not None:
        funnel["step"] = "monthly"
        return None  # their own figure: the funnel takes it as the monthly amount
    answer = understand.yes_no(turn)
    if turn.button == "budget:use" or (answer == "yes" and not turn.button):
        funnel["step"] = "monthly"
        funnel["monthly"] = str(suggested)
        return offer.enter(turn, suggested)
    if answer == "no":
        return _back_to_monthly(turn, funnel, None)
    _say_suggestion(turn, funnel)
    return State.SITUATION


def _back_to_monthly(turn: Turn, funnel: dict[str, Any], lead: str | None) -> State:
    funnel["step"] = "monthly"
    funnel.pop("budget_again", None)
    if lead is not None:
        turn.say(lead)
    turn.say("situation.ask_monthly", buttons=(NOT_SURE,))
    return State.SITUATION


def _rather_not(turn: Turn) -> bool:
    return bool(turn.text) and _RATHER_NOT.search(turn.text[:300]) is not None


def _monthly_total(turn: Turn) -> Decimal | None:
    """The monthly sum of the figures typed, each with its own frequency ("rent 800, food 60
    a week": a figure said without one counts as monthly)."""
    whole = understand.reading(turn)
    pieces = [p for p in _PIECES.split(turn.text[:500]) if p and p.strip()]
    total = Decimal(0)
    found = False
    for piece in pieces:
        said = read(piece, turn.locale, today=local_today(turn), use_model=False)
        if said.amount is None or said.lump_sum:
            continue
        found = True
        total += said.monthly if said.monthly is not None else said.amount
    if not found:
        total_said = whole.monthly if whole.monthly is not None else whole.amount
        if total_said is None:
            return None
        total = total_said
    return total.quantize(Decimal("0.01")) if total >= 0 else None


def _suggest(left: Decimal) -> Decimal:
    """About half of what is left, rounded down to a friendly figure: room to spare."""
    half = left / 2
    unit = Decimal(5) if half < 200 else Decimal(10) if half < 2000 else Decimal(50)
    return ((half / unit).to_integral_value(rounding=ROUND_DOWN) * unit).quantize(Decimal("0.01"))


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


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
