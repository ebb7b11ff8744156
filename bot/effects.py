"""Apply a dialog step's effects to storage, inside the step's unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.storage.models import (
    Arrangement,
    ChannelIdentity,
    Conversation,
    Handoff,
    Instalment,
    Offer,
    pk,
)
from bot.storage.ports import UnitOfWork
from dialogs.model import (
    ArrangementAgreed,
    BindAccount,
    DisputeRecorded,
    Effect,
    HandoffPriorityRaised,
    HandoffRequested,
    LanguageChosen,
    Note,
    OfferMade,
    OptedIn,
    OptedOut,
    VerificationFailed,
    VerificationPassed,
)
from dialogs.states.verify import LOCK, MAX_FAILURES

# Failures count per account over this rolling window; this many lock for as long.
VERIFICATION_WINDOW = LOCK
MAX_VERIFICATION_FAILURES = MAX_FAILURES

# How long a debtor should wait at most for a person, by reason (seconds).
HANDOFF_TARGETS: Mapping[str, int] = {
    "self_harm": 120,
    "deceased": 4 * 3600,
    "bankruptcy": 4 * 3600,
    "attorney": 4 * 3600,
    "verification_locked": 4 * 3600,
    "approval_needed": 3600,
}
DEFAULT_TARGET = 900


class EffectWriter:
    def __init__(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        identity: ChannelIdentity,
        now: datetime,
        policy_version: int | None,
    ) -> None:
        self.uow = uow
        self.conversation = conversation
        self.identity = identity
        self.now = now
        self.policy_version = policy_version
        self.handoffs: tuple[str, ...] = ()

    def _audit(self, kind: str, data: Mapping[str, Any]) -> None:
        self.uow.audit.append(
            kind,
            "bot",
            data,
            account_id=self.conversation.account_id,
            conversation_id=self.conversation.id,
            policy_version=self.policy_version,
        )

    async def apply(self, effects: Sequence[Effect]) -> None:
        for effect in effects:
            await self._apply(effect)

    async def _apply(self, effect: Effect) -> None:
        match effect:
            case BindAccount(account_id):
                self.conversation.account_id = account_id
                if self.identity.account_id != account_id:
                    self.identity.account_id = account_id
                    self.identity.verified_at = None
                self._audit("conversation.bound", {"account_id": account_id})
            case VerificationFailed(account_id, locked_until):
                await self._verification_failed(account_id, locked_until)
            case VerificationPassed(account_id):
                account = await self.uow.accounts.get(account_id)
                if account is not None:
                    account.verification_failures = 0
                    account.verification_locked_until = None
                    account.updated_at = self.now
                await self.uow.verification_failures.clear(account_id)
                self.identity.account_id = account_id
                self.identity.verified_at = self.now
                self._audit("verification.passed", {})
            case OfferMade(plans, round_, expires_at):
                await self._offers(plans, round_, expires_at)
            case ArrangementAgreed(plan, payment_reference):
                await self._arrangement(plan, payment_reference)
            case HandoffRequested(reason, priority, summary):
                await self._handoff(reason, priority, summary)
            case HandoffPriorityRaised(reason, priority):
                await self._handoff(reason, priority, {})
            case OptedOut():
                self.identity.opted_out_at = self.now
                self._audit("contact.opted_out", {"channel": self.identity.channel})
            case OptedIn():
                self.identity.opted_out_at = None
                self.identity.opted_in_at = self.now
                self._audit("contact.opted_in", {"channel": self.identity.channel})
            case LanguageChosen(locale):
                self.conversation.language = locale
                self.conversation.language_chosen = True
                self._audit("conversation.language", {"locale": locale})
            case DisputeRecorded(account_id):
                account = await self.uow.accounts.get(account_id)
                if account is not None:
                    account.disputed = True
                    account.updated_at = self.now
                self._audit("account.disputed", {})
            case Note(kind, data):
                self._audit(kind, data)

    async def _verification_failed(self, account_id: int, locked_until: datetime | None) -> None:
        """Store the failure as a row and count the account's rolling window again.

        The engine read the account with its row locked, so the dialog counted every failure
        already stored on any chat; should the window hold the lock's number of failures
        without the dialog having locked (a count it could not see), the lock is set here.
        """
        account = await self.uow.accounts.get(account_id)
        if account is None:
            return
        channel = self.conversation.channel
        self.uow.verification_failures.record(account_id, self.conversation.id, channel, self.now)
        count = await self.uow.verification_failures.count_since(
            account_id, self.now - VERIFICATION_WINDOW
        )
        account.verification_failures = count
        running = account.verification_locked_until
        unlocked = running is None or running <= self.now
        if locked_until is None and count >= MAX_VERIFICATION_FAILURES and unlocked:
            locked_until = self.now + VERIFICATION_WINDOW
            await self._handoff("verification_locked", 3, {"failures": count})
        if locked_until is not None:
            account.verification_locked_until = locked_until
        account.updated_at = self.now
        self._audit(
            "verification.failed",
            {
                "locked_until": locked_until.isoformat() if locked_until else None,
                "failures_in_window": count,
            },
        )

    async def _offers(
        self, plans: Sequence[Mapping[str, Any]], round_: int, expires_at: datetime
    ) -> None:
        if self.conversation.account_id is None or self.policy_version is None:
            return
        await self.uow.offers.supersede(pk(self.conversation))
        for plan in plans:
            self.uow.offers.add(
                Offer(
                    conversation_id=pk(self.conversation),
                    account_id=self.conversation.account_id,
                    kind=str(plan["kind"]),
                    terms=dict(plan),
                    monthly=_monthly(plan),
                    total=Decimal(str(plan["total"])),
                    round=round_,
                    policy_version=self.policy_version,
                    expires_at=expires_at,
                    created_at=self.now,
                )
            )
        self._audit("offer.made", {"round": round_, "kinds": [p["kind"] for p in plans]})

    async def _arrangement(self, plan: Mapping[str, Any], payment_reference: str) -> None:
        account_id = self.conversation.account_id
        if account_id is None:
            return
        account = await self.uow.accounts.get(account_id)
        if account is None:
            return
        offer_id = None
        for offer in await self.uow.offers.for_conversation(pk(self.conversation)):
            if offer.status == "made" and offer.kind == plan["kind"]:
                offer.status = "accepted"
                offer_id = offer.id
        arrangement = Arrangement(
            account_id=account_id,
            conversation_id=pk(self.conversation),
            offer_id=offer_id,
            kind=str(plan["kind"]),
            currency=account.currency,
            total=Decimal(str(plan["total"])),
            payment_reference=payment_reference,
            policy_version=self.policy_version or 0,
            created_at=self.now,
        )
        instalments = [
            Instalment(
                arrangement_id=0,
                seq=index,
                due=date.fromisoformat(str(item["due"])),
                amount=Decimal(str(item["amount"])),
            )
            for index, item in enumerate(plan.get("instalments", []), start=1)
        ]
        await self.uow.arrangements.add(arrangement, instalments)
        self._audit(
            "arrangement.agreed",
            {
                "kind": plan["kind"],
                "total": str(plan["total"]),
                "reference": payment_reference,
                "instalments": len(instalments),
                "offer_id": offer_id,
                # a plan an agent sent and the debtor accepted names the agent
                **({"by": str(plan["by"])} if plan.get("by") else {}),
            },
        )

    async def _handoff(self, reason: str, priority: int, summary: Mapping[str, Any]) -> None:
        current = await self.uow.handoffs.open_for(pk(self.conversation))
        if current is not None:
            if priority < current.priority:
                current.priority = priority
                current.reason = reason
                self._audit("handoff.escalated", {"reason": reason, "priority": priority})
            return
        self.uow.handoffs.add(
            Handoff(
                conversation_id=pk(self.conversation),
                account_id=self.conversation.account_id,
                reason=reason,
                priority=priority,
                target_seconds=HANDOFF_TARGETS.get(reason, DEFAULT_TARGET),
                summary=dict(summary),
                created_at=self.now,
            )
        )
        self.conversation.mode = "agent"
        self.handoffs = (*self.handoffs, reason)
        self._audit("handoff.requested", {"reason": reason, "priority": priority})


def _monthly(plan: Mapping[str, Any]) -> Decimal:
    if "monthly" in plan and plan["monthly"] is not None:
        return Decimal(str(plan["monthly"]))
    instalments = plan.get("instalments") or []
    return Decimal(str(instalments[0]["amount"])) if instalments else Decimal(0)
