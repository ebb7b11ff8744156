"""A plan an agent offers: its words to the debtor, and its record as an offer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import render
from bot.storage.models import Account, Conversation, Offer, pk
from bot.storage.ports import UnitOfWork
from dialogs.model import Money, Reply
from dialogs.states.agent_plan import ACCEPT, AGENT_PLAN


def plan_key(plan: Mapping[str, Any]) -> str:
    saves = Decimal(str(plan.get("saving", "0"))) > 0
    kind = plan["kind"]
    if kind == "pay_in_full":
        return "plan.pay_in_full" if saves else "plan.pay_in_full_plain"
    if kind == "settlement":
        return "plan.settlement"
    if kind == "holiday_then_instalments":
        return "plan.holiday_saving" if saves else "plan.holiday"
    return "plan.instalments_saving" if saves else "plan.instalments"


def plan_text(plan: Mapping[str, Any], note: str, language: str, tone: str) -> str:
    """The agent's note, then the plan worded as the bot words its own offers."""
    currency = str(plan["currency"])
    instalments = list(plan["instalments"])
    params: dict[str, Any] = {
        "n": 1,
        "total": Money(Decimal(str(plan["total"])), currency),
        "monthly": Money(Decimal(str(plan["monthly"])), currency),
        "saved": Money(Decimal(str(plan.get("saving", "0"))), currency),
        "count": len(instalments),
        "first_due": date.fromisoformat(str(instalments[0]["due"])),
    }
    header = Reply("offer.present", {"expires": date.fromisoformat(str(plan["valid_until"]))})
    body = "\n".join(
        (
            render(header, language, tone).text,
            render(Reply(plan_key(plan), params), language, tone).text,
        )
    )
    return f"{note.strip()}\n\n{body}" if note.strip() else body


def plan_json(plan: Mapping[str, Any], currency: str) -> dict[str, Any]:
    return {**plan, "currency": currency}


def first_due(plan: Mapping[str, Any]) -> date:
    return date.fromisoformat(str(plan["instalments"][0]["due"]))


async def record_offer(
    uow: UnitOfWork,
    conversation: Conversation,
    account: Account,
    plan: Mapping[str, Any],
    policy_version: int,
    actor: str,
    now: datetime,
) -> Offer:
    """Store the plan as the conversation's current offer (earlier ones are superseded)."""
    for previous in await uow.offers.for_conversation(pk(conversation)):
        if previous.status == "made":
            previous.status = "superseded"
    try:
        zone = ZoneInfo(account.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    expires = datetime.combine(
        date.fromisoformat(str(plan["valid_until"])), time(23, 59, 59), zone
    )
    offer = Offer(
        conversation_id=pk(conversation),
        account_id=pk(account),
        kind=str(plan["kind"]),
        terms={**plan, "by": actor},
        monthly=Decimal(str(plan["monthly"])),
        total=Decimal(str(plan["total"])),
        round=0,
        policy_version=policy_version,
        expires_at=expires,
        created_at=now,
    )
    uow.offers.add(offer)
    return offer


def accept_button(conversation: Conversation) -> list[dict[str, str]]:
    """The "accept this plan" button of a plan an agent sends, in the chat's language."""
    label = render(Reply(ACCEPT.key), conversation.language, conversation.tone).text
    return [{"id": ACCEPT.id, "label": label}]


def keep_agent_plan(conversation: Conversation, plan: Mapping[str, Any], by: str) -> None:
    """Keep the plan sent in the dialog's data: the debtor's acceptance agrees it
    (dialogs.states.agent_plan), stored as an arrangement like a bot plan."""
    conversation.context = {**conversation.context, AGENT_PLAN: {**plan, "by": by}}
