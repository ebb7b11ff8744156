"""The desk's plan side: the calculator, plans an agent offers, and admins' approvals.

A plan inside the segment's limits goes to the debtor at once (after the outbound guard)
and is stored as the conversation's offer. A plan beyond them becomes a pending
:class:`~bot.storage.models.Approval` and reaches the debtor only when an admin approves
it, when it passes the guard again; denied, expired (its first due date has passed) or
withdrawn (the handoff ended) plans never do.
"""

from __future__ import annotations

from typing import Any

from bot.compliance.outbound import TIMING_CODES
from bot.handoff.base import DeskBase
from bot.handoff.calculator import Calculation, PlanRequest, calculate
from bot.handoff.context import local_today, terms
from bot.handoff.errors import Conflict, HandoffError, NotFound, NotYours
from bot.handoff.outbox import Recipient, judge, outgoing, recipient
from bot.handoff.plans import (
    accept_button,
    first_due,
    keep_agent_plan,
    plan_json,
    plan_text,
    record_offer,
)
from bot.handoff.ports import Actor, PlanOutcome, actor_name
from bot.handoff.queue import load, ticket_for
from bot.storage.models import Approval, Conversation, pk
from bot.storage.ports import UnitOfWork

MAX_NOTE = 2000


class NotVerified(Conflict):
    """The conversation has not passed the checks: a plan states the debt (409)."""


def verified(to: Recipient) -> bool:
    """This chat passed the checks for the account: its identity is verified and the
    dialog holds it verified (not forgotten for a third party, not asked again)."""
    return to.verified and bool(to.conversation.context.get("verified"))


def _require_verified(to: Recipient) -> None:
    if not verified(to):
        raise NotVerified(
            "This chat is not verified: verify the debtor by other means before a plan."
        )


class PlanDesk(DeskBase):
    async def calculate(self, handoff_id: int, request: PlanRequest) -> Calculation:
        async with self.uow() as uow:
            _, conversation = await load(uow, handoff_id)
            account, policy = await self._terms(uow, await recipient(uow, conversation))
            today = local_today(account, self.now())
            return calculate(terms(account), policy.limits, today, request)

    async def offer_plan(
        self, handoff_id: int, actor: Actor, request: PlanRequest, option: int, note: str = ""
    ) -> PlanOutcome:
        """Send a calculated plan; one beyond the limits waits for an admin's approval."""
        now, note = self.now(), note[:MAX_NOTE]
        async with self.uow() as uow:
            _, conversation = await self._holding(uow, handoff_id, actor)
            to = await recipient(uow, conversation)
            _require_verified(to)
            account, policy = await self._terms(uow, to)
            calc = calculate(terms(account), policy.limits, local_today(account, now), request)
            if not 0 <= option < len(calc.options):
                raise HandoffError("Pick one of the calculated plans.")
            chosen = calc.options[option]
            plan = plan_json(chosen.plan.as_json(), account.currency)
            if chosen.breaches:
                approval = Approval(
                    handoff_id=handoff_id,
                    conversation_id=pk(conversation),
                    account_id=pk(account),
                    requested_by=actor.id,
                    plan=plan,
                    request={**request.as_json(), "option": option},
                    breaches=list(chosen.breaches),
                    note=note,
                    created_at=now,
                )
                return await self._ask(uow, approval, actor, conversation)
            words = plan_text(plan, note, conversation.language, conversation.tone)
            message, decision = await self._send(
                uow,
                to,
                words,
                now,
                sender="agent",
                actor=actor_name(actor),
                payload={
                    "kind": "plan",
                    "agent": actor.name,
                    "plan": plan,
                    "buttons": accept_button(conversation),
                },
                states_debt=True,
            )
            if decision.allowed:
                by = actor_name(actor)
                await record_offer(uow, conversation, account, plan, policy.version, by, now)
                keep_agent_plan(conversation, plan, by)
                self._audit(uow, "offer.made", by, conversation, _offer_audit(plan, True))
            tk = await ticket_for(uow, handoff_id, now)
            await uow.commit()
        if not decision.allowed:
            await self._tell("changed", tk, "refused")
            return PlanOutcome("refused", message_id=pk(message), reasons=decision.reasons)
        await self.push([outgoing(message, conversation)])
        await self._tell("agent_message", tk, actor.name, words)
        return PlanOutcome("sent", message_id=pk(message))

    async def _ask(
        self, uow: UnitOfWork, approval: Approval, actor: Actor, conversation: Conversation
    ) -> PlanOutcome:
        """Store the approval request, unless the words could never be sent anyway."""
        now = self.now()
        to = await recipient(uow, conversation)
        words = plan_text(approval.plan, approval.note, conversation.language, conversation.tone)
        guard = self.guard or self.engine.outbound_guard
        judged = await judge(  # a dry run: nothing is stored
            uow, guard, self.engine.creditor_name, to, words, now, states_debt=True
        )
        lasting = [r for r in judged.decision.reasons if r.split(":", 1)[0] not in TIMING_CODES]
        if lasting:  # an admin cannot approve words the guard will always refuse
            return PlanOutcome("refused", reasons=tuple(lasting))
        uow.approvals.add(approval)
        await uow.conversations.flush()
        data = {
            "approval_id": approval.id,
            "kind": approval.plan["kind"],
            "monthly": approval.plan["monthly"],
            "breaches": approval.breaches,
        }
        self._audit(uow, "approval.requested", actor_name(actor), conversation, data)
        tk = await ticket_for(uow, approval.handoff_id, now)
        await uow.commit()
        await self._tell("changed", tk, "approval.requested")
        return PlanOutcome("pending_approval", approval_id=pk(approval))

    async def approvals(self) -> list[dict[str, Any]]:
        """Pending approvals, oldest first, for admins."""
        async with self.uow() as uow:
            out = []
            for approval in await uow.approvals.pending():
                requester = await uow.users.get(approval.requested_by)
                account = await uow.accounts.get(approval.account_id)
                out.append(
                    {
                        "id": approval.id,
                        "handoff_id": approval.handoff_id,
                        "reference": account.reference if account else None,
                        "requested_by": requester.name if requester else None,
                        "plan": approval.plan,
                        "breaches": approval.breaches,
                        "note": approval.note,
                        "created_at": approval.created_at.isoformat(),
                    }
                )
            return out

    async def approve(self, approval_id: int, admin: Actor, note: str = "") -> PlanOutcome:
        """An admin lets a plan beyond the limits go; it passes the outbound guard now."""
        _admin_only(admin)
        now, note = self.now(), note[:MAX_NOTE]
        async with self.uow() as uow:
            approval = await _pending(uow, approval_id)
            handoff, conversation = await load(uow, approval.handoff_id)
            to = await recipient(uow, conversation)
            _require_verified(to)  # it stays pending: the checks may still be passed
            account, policy = await self._terms(uow, to)
            if first_due(approval.plan) < local_today(account, now):
                await uow.approvals.decide(approval_id, "expired", admin.id, note, now)
                expired = {"approval_id": approval_id}
                self._audit(uow, "approval.expired", actor_name(admin), conversation, expired)
                await uow.commit()
                raise Conflict("The plan's first payment date has passed; calculate it again.")
            if not await uow.approvals.decide(approval_id, "approved", admin.id, note, now):
                raise Conflict(f"Approval {approval_id} was decided meanwhile.")
            data: dict[str, Any] = {"approval_id": approval_id, "breaches": approval.breaches}
            self._audit(uow, "approval.approved", actor_name(admin), conversation, data)
            requester = await uow.users.get(approval.requested_by)
            by = f"agent:{requester.name}" if requester else actor_name(admin)
            words = plan_text(
                approval.plan, approval.note, conversation.language, conversation.tone
            )
            message, decision = await self._send(
                uow,
                to,
                words,
                now,
                sender="agent",
                actor=by,
                payload={
                    "kind": "plan",
                    "plan": approval.plan,
                    "approved_by": admin.name,
                    "buttons": accept_button(conversation),
                },
                states_debt=True,
            )
            approval.message_id = pk(message)
            approval.status = "sent" if decision.allowed else "refused"
            if decision.allowed:
                await record_offer(
                    uow, conversation, account, approval.plan, policy.version, by, now
                )
                keep_agent_plan(conversation, approval.plan, by)
                data = {**_offer_audit(approval.plan, False), "approval_id": approval_id}
                self._audit(uow, "offer.made", by, conversation, data)
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        if decision.allowed:
            await self.push([outgoing(message, conversation)])
            await self._tell("agent_message", tk, by.split(":", 1)[1], words)
        await self._tell("changed", tk, "approval.approved")
        status = "sent" if decision.allowed else "refused"
        return PlanOutcome(status, approval_id, pk(message), decision.reasons)

    async def deny(self, approval_id: int, admin: Actor, note: str = "") -> PlanOutcome:
        _admin_only(admin)
        now, note = self.now(), note[:MAX_NOTE]
        async with self.uow() as uow:
            approval = await _pending(uow, approval_id)
            if not await uow.approvals.decide(approval_id, "denied", admin.id, note, now):
                raise Conflict(f"Approval {approval_id} was decided meanwhile.")
            handoff, conversation = await load(uow, approval.handoff_id)
            data = {"approval_id": approval_id, "note": note[:500]}
            self._audit(uow, "approval.denied", actor_name(admin), conversation, data)
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        await self._tell("changed", tk, "approval.denied")
        return PlanOutcome("denied", approval_id)


def _admin_only(actor: Actor) -> None:
    if actor.role != "admin":
        raise NotYours("Only an admin may decide an approval.")


async def _pending(uow: UnitOfWork, approval_id: int) -> Approval:
    approval = await uow.approvals.get(approval_id)
    if approval is None:
        raise NotFound(f"There is no approval {approval_id}.")
    if approval.status != "pending":
        raise Conflict(f"Approval {approval_id} is {approval.status}, not pending.")
    return approval


def _offer_audit(plan: dict[str, Any], within_limits: bool) -> dict[str, Any]:
    reason = plan.get("reason")
    return {
        "kind": plan["kind"],
        "monthly": plan["monthly"],
        "total": plan["total"],
        "months": len(plan.get("instalments") or []),
        "reason": reason.get("text") if isinstance(reason, dict) else None,
        "within_limits": within_limits,
    }
