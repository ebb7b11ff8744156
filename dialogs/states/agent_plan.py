"""A plan an agent sent while holding the chat (console or Telegram topic), agreed.

The desk keeps the plan it sent in the conversation's data (``AGENT_PLAN``, the
``offers --json`` option shape with its currency) and puts an "accept" button on its
message. While the conversation is handed off, the debtor's press of that button, or an
explicit acceptance in words ("I accept", "deal", "同意这个方案"), agrees it exactly as a
bot plan is agreed (agree.done: the payment reference and the schedule; the arrangement,
its instalments and reminders stored by the engine, and audited). A plan whose offer has
lapsed is not agreed: the debtor is told so and the agent decides. The chat stays with the
agent, who closes it or hands it back.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from dialogs import understand
from dialogs.common import local_today
from dialogs.model import ArrangementAgreed, Money, Note, State
from dialogs.states import agree
from dialogs.turn import Turn, button

AGENT_PLAN = "agent_plan"
ACCEPT = button("agent_plan:accept", "button.accept_plan")
_ACCEPT_WORDS = re.compile(
    r"\b(?:i\s+accept|accept(?:ed)?\s+(?:it|this|that|the\s+(?:plan|offer))|i\s+agree|"
    r"agreed|(?:it'?s\s+a\s+)?deal|i'?ll\s+take\s+it|let'?s\s+do\s+(?:it|that|this)|"
    r"go\s+ahead\s+with\s+(?:it|this|that|the\s+plan))\b"
    r"|同意|接受|就按这个|就这个方案|就这么定|成交",
    re.IGNORECASE,
)


def accepted(turn: Turn) -> State | None:
    """The agreement of the agent's plan, when the debtor accepts it now; else None."""
    plan = turn.data.get(AGENT_PLAN)
    account = turn.account
    if not isinstance(plan, dict) or account is None or not turn.verified:
        return None
    if not (turn.button == ACCEPT.id or _accepts(turn)):
        return None
    if _lapsed(turn, plan):
        turn.forget(AGENT_PLAN)
        turn.say("agent_plan.lapsed")
        turn.emit(Note("offer.agent_plan_lapsed", {"kind": str(plan.get("kind"))}))
        return State.HANDOFF
    reference = agree.payment_reference(account, plan, turn.event.now.isoformat())
    turn.emit(
        ArrangementAgreed(plan, reference),
        Note("arrangement.agent_plan", {"by": str(plan.get("by") or "agent"), "ref": reference}),
    )
    turn.data["arrangement"] = {"reference": reference, "kind": plan.get("kind"), "plan": plan}
    turn.forget(AGENT_PLAN, "offer", "chosen", "pending_min")
    currency = str(plan.get("currency") or account.currency)
    schedule = tuple(
        (date.fromisoformat(str(i["due"])), Money(Decimal(str(i["amount"])), currency))
        for i in plan["instalments"]
    )
    turn.say("agree.done", {"reference": reference, "schedule": schedule}, debt=True)
    return State.HANDOFF


def _accepts(turn: Turn) -> bool:
    text = turn.text.strip()
    if not text or _ACCEPT_WORDS.search(text[:300]) is None:
        return False
    said = understand.reading(turn)
    return understand.yes_no(turn) != "no" and not said.declines


def _lapsed(turn: Turn, plan: dict[str, Any]) -> bool:
    today = local_today(turn)
    try:
        valid = date.fromisoformat(str(plan.get("valid_until")))
        first = date.fromisoformat(str(plan["instalments"][0]["due"]))
    except (KeyError, IndexError, TypeError, ValueError):
        return True
    return valid < today or first < today
