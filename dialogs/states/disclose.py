"""disclose: the balance split into principal, interest and fees, days past due, and the
disclosures the jurisdiction requires; then an invitation to look at options."""

from __future__ import annotations

from dialogs import understand
from dialogs.common import HUMAN, handoff, local_today, money, region, us
from dialogs.model import Param, Reply, State
from dialogs.states import offer, situation
from dialogs.turn import Turn, button

OPTIONS = button("options", "button.options")
LATER = button("later", "button.later")


def enter(turn: Turn) -> State:
    account = turn.account
    if account is None or not turn.verified:
        return turn.prompt(State.VERIFY if account is not None else State.GREET)
    if account.disputed:
        turn.say("disclose.paused")
        return handoff(turn, "dispute", 2, {"already_disputed": True})
    params: dict[str, Param] = {
        "balance": money(turn, account.balance),
        "principal": money(turn, account.principal),
        "interest": money(turn, account.interest),
        "fees": money(turn, account.fees),
        "days": account.days_past_due,
    }
    parts = (*notices(turn), Reply("disclose.ask_options"))
    turn.say("disclose.balance", params, buttons=(OPTIONS, LATER, HUMAN), debt=True, parts=parts)
    return State.DISCLOSE


def notices(turn: Turn) -> tuple[Reply, ...]:
    """The disclosures the account's jurisdiction requires with a debt message (DESIGN §7)."""
    account = turn.account
    if account is None:
        return ()
    out: list[Reply] = []
    if us(account):
        out.append(Reply("notice.us_collector"))
        if account.time_barred:
            out.append(Reply("notice.time_barred"))
        end = account.validation_end
        if end is not None and end >= local_today(turn):
            out.append(Reply("notice.validation", {"date": end}))
    if region(account) == "CN":
        out.append(Reply("notice.cn_who", {"creditor": turn.ctx.creditor_name}))
    advice = advice_signpost(turn)
    if advice is not None:
        out.append(advice)
    return tuple(out)


def advice_signpost(turn: Turn) -> Reply | None:
    """GB: free debt advice once hardship has been shown (once per conversation)."""
    if region(turn.account) != "GB" or not turn.data.get("hardship"):
        return None
    if turn.data.get("advised"):
        return None
    turn.data["advised"] = True
    return Reply("advice.GB")


def prompt(turn: Turn) -> State:
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    turn.say("disclose.ask_options", buttons=(OPTIONS, LATER, HUMAN))
    return State.DISCLOSE


def handle(turn: Turn) -> State:
    if not turn.verified:
        return turn.prompt(State.VERIFY)
    reason = understand.reason_said(turn)
    if reason is not None or turn.category == "hardship":
        return situation.enter(turn, reason)
    choice = understand.pick(turn, (OPTIONS, LATER))
    if choice == "later" or (choice is None and understand.declines(turn)):
        turn.say("disclose.later", buttons=(OPTIONS,))
        return State.DISCLOSE
    answer = understand.yes_no(turn)
    if choice == "options" or (choice is None and answer == "yes"):
        return situation.enter(turn)
    taken = offer.take_sum(turn)
    if taken is not None:
        return taken
    if understand.recovery_said(turn) is not None:
        return situation.enter(turn)
    if not turn.replies and understand.worried(turn):
        turn.say("kind.other")  # shame or worry: answered, and on we go
    return prompt(turn)
