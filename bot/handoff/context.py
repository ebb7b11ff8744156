"""What an agent sees beside the transcript: the whole story of why the bot gave up.

Verified or not, the account, the situation answers, the inferred tone, every offer made
(terms and reasons), the guard's triggers, the segment's limits and the smallest monthly
payment a plan inside them needs, pending approvals, and the transcript itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.base import CommandError
from bot.commands.policy import SegmentLimits, limits_for
from bot.handoff.calculator import smallest_monthly
from bot.handoff.outbox import recipient
from bot.handoff.queue import load, ticket
from bot.offers import AccountTerms, OfferError, plain
from bot.storage.models import Account, Approval, AuditEvent, Message, Offer
from bot.storage.ports import UnitOfWork

TRANSCRIPT_LIMIT = 300
# Issue 13: what is left after essential outgoings and the suggested figure too.
_SITUATION_KEYS = ("reason", "recovery", "holiday", "monthly", "left", "suggested")


def terms(account: Account) -> AccountTerms:
    return AccountTerms(
        reference=account.reference,
        currency=account.currency,
        principal=Decimal(account.principal),
        interest=Decimal(account.interest),
        fees=Decimal(account.fees),
        apr=Decimal(account.apr),
        days_past_due=account.days_past_due,
        time_barred=account.time_barred,
    )


def local_today(account: Account, now: datetime) -> date:
    try:
        zone = ZoneInfo(account.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


async def segment_limits(uow: UnitOfWork, account: Account) -> SegmentLimits | None:
    try:
        return await limits_for(uow, account.segment)
    except CommandError:  # a stored policy that no longer parses: show none, offer none
        return None


async def panel(uow: UnitOfWork, handoff_id: int, now: datetime) -> dict[str, Any]:
    handoff, conversation = await load(uow, handoff_id)
    to = await recipient(uow, conversation)
    account = to.account
    agent = await uow.users.get(handoff.agent_id) if handoff.agent_id else None
    data = {k: v for k, v in conversation.context.items() if not k.startswith("_")}
    funnel = data.get("situation")
    situation = (
        {k: funnel.get(k) for k in _SITUATION_KEYS if funnel.get(k) is not None}
        if isinstance(funnel, dict)
        else {}
    )
    body: dict[str, Any] = {
        "handoff": ticket(handoff, conversation, account, agent, now).as_json(),
        "summary": handoff.summary,
        # As plans are allowed (bot.handoff.approvals.verified): the identity and the dialog.
        "verified": to.verified and bool(data.get("verified")),
        "opted_out": to.opted_out,
        "tone": conversation.tone,
        "situation": situation,
        "account": _account(account) if account else None,
        "offers": [_offer(o) for o in await uow.offers.for_conversation(handoff.conversation_id)],
        "guard": [_guard(e) for e in await uow.audit.for_conversation(handoff.conversation_id)],
        "limits": None,
        "min_monthly": None,
        "approvals": [_approval(a) for a in await uow.approvals.for_handoff(handoff_id)],
        "transcript": [
            _message(m)
            for m in await uow.messages.transcript(handoff.conversation_id, TRANSCRIPT_LIMIT)
        ],
    }
    body["guard"] = [g for g in body["guard"] if g is not None]
    if account is not None:
        policy = await segment_limits(uow, account)
        if policy is not None:
            body["limits"] = policy.as_json()
            try:
                least = smallest_monthly(terms(account), policy.limits, local_today(account, now))
            except OfferError:
                least = None
            body["min_monthly"] = None if least is None else plain(least)
    return body


def _account(account: Account) -> dict[str, Any]:
    balance = Decimal(account.principal) + Decimal(account.interest) + Decimal(account.fees)
    return {
        "reference": account.reference,
        "full_name": account.full_name,
        "currency": account.currency,
        "balance": plain(balance),
        "principal": plain(Decimal(account.principal)),
        "interest": plain(Decimal(account.interest)),
        "fees": plain(Decimal(account.fees)),
        "apr": plain(Decimal(account.apr)),
        "days_past_due": account.days_past_due,
        "segment": account.segment,
        "jurisdiction": account.jurisdiction,
        "timezone": account.timezone,
        "locale": account.locale,
        "disputed": account.disputed,
        "time_barred": account.time_barred,
        "validation_end": account.validation_end.isoformat() if account.validation_end else None,
    }


def _offer(offer: Offer) -> dict[str, Any]:
    reason = offer.terms.get("reason")
    return {
        "id": offer.id,
        "kind": offer.kind,
        "monthly": plain(Decimal(offer.monthly)),
        "total": plain(Decimal(offer.total)),
        "apr": offer.terms.get("apr"),
        "months": len(offer.terms.get("instalments") or []),
        "waived": offer.terms.get("waived"),
        "discount": offer.terms.get("discount"),
        "holiday_months": offer.terms.get("holiday_months"),
        "reason": reason.get("text") if isinstance(reason, dict) else None,
        "status": offer.status,
        "round": offer.round,
        "policy_version": offer.policy_version,
        "by": offer.terms.get("by", "bot"),
        "expires_at": offer.expires_at.isoformat(),
        "created_at": offer.created_at.isoformat(),
    }


def _guard(event: AuditEvent) -> dict[str, Any] | None:
    if not event.kind.startswith("guard.") and not event.kind.startswith("handoff."):
        return None
    data = event.data
    return {
        "at": event.at.astimezone(UTC).isoformat(),
        "kind": event.kind,
        "actor": event.actor,
        "category": data.get("category") or data.get("reason"),
        "reasons": data.get("reasons", []),
        "state": data.get("state"),
    }


def _approval(approval: Approval) -> dict[str, Any]:
    return {
        "id": approval.id,
        "status": approval.status,
        "plan": approval.plan,
        "breaches": approval.breaches,
        "note": approval.note,
        "decision_note": approval.decision_note,
        "created_at": approval.created_at.isoformat(),
        "decided_at": approval.decided_at.isoformat() if approval.decided_at else None,
    }


def _message(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    return {
        "id": message.id,
        "direction": message.direction,
        "sender": message.sender,
        "kind": payload.get("kind"),
        "text": message.text,
        "status": message.status,
        "by": payload.get("by"),
        "reasons": payload.get("reasons", []),
        "buttons": [b.get("label") for b in payload.get("buttons", []) if isinstance(b, dict)],
        "at": message.created_at.isoformat(),
    }
