"""The notices a jurisdiction requires in a step's messages (DESIGN §7), added when missing.

The engine's outbound guard refuses a message that lacks them; the dialog makes sure they
are there, as further lines of the step's last message:

- US: the debt-collector notice in the first message of a conversation that states the
  debt; "we will not sue you for it" in every step that states a time-barred debt, with
  the step's first statement of the debt and before any plan (its own message when the
  step's first debt message is a list of plans);
- CN: who we are (the creditor's name) in the first message that states the debt;
- GB: free debt advice once hardship has been shown (once per conversation).
"""

from __future__ import annotations

from dataclasses import replace

from dialogs.common import region, us
from dialogs.model import Reply
from dialogs.turn import Turn


def add_required(turn: Turn) -> None:
    account = turn.account
    replies = [*turn.replies, *turn.closing]
    if account is None or not replies:
        return
    said = {key for reply in replies for key in _keys(reply)}
    debt = any(reply.states_debt for reply in replies)
    missing: list[Reply] = []
    if debt and us(account):
        if not turn.data.get("told_collector") and "notice.us_collector" not in said:
            missing.append(Reply("notice.us_collector"))
        if account.time_barred and "notice.time_barred" not in said:
            _before_first_debt(turn, Reply("notice.time_barred", states_debt=True))
        turn.data["told_collector"] = True
    if debt and region(account) == "CN":
        if not turn.data.get("told_creditor") and "notice.cn_who" not in said:
            missing.append(Reply("notice.cn_who", {"creditor": turn.ctx.creditor_name}))
        turn.data["told_creditor"] = True
    hardship = turn.verified and turn.data.get("hardship")  # before it, nothing implies a debt
    if region(account) == "GB" and hardship and not turn.data.get("advised"):
        if "advice.GB" not in said:
            missing.append(Reply("advice.GB"))
        turn.data["advised"] = True
    if missing:
        _append(turn, tuple(missing))


def _append(turn: Turn, lines: tuple[Reply, ...]) -> None:
    """As further lines of the step's last debt message (else of its last message)."""
    places = [(turn.replies, i) for i in range(len(turn.replies))]
    places += [(turn.closing, i) for i in range(len(turn.closing))]
    debt = [(where, i) for where, i in places if where[i].states_debt]
    where, index = (debt or places)[-1]
    last = where[index]
    where[index] = replace(last, parts=(*last.parts, *lines))


def _before_first_debt(turn: Turn, notice: Reply) -> None:
    """As its own message just before the step's first debt message (never after plans)."""
    for where in (turn.replies, turn.closing):
        for index, reply in enumerate(where):
            if reply.states_debt:
                where.insert(index, notice)
                return


def _keys(reply: Reply) -> list[str]:
    return [reply.key, *(k for part in reply.parts for k in _keys(part))]
