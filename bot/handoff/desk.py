"""The handoff desk: the queue, claims, agent replies, plans and approvals, hand-back.

One object per process, built at the composition root from the engine::

    desk = HandoffDesk(engine)                 # the engine's outbound guard and clock
    desk.deliveries["telegram"] = delivery     # a channel's immediate sender (optional)
    desk.observers.append(observer)            # the console hub, the Telegram agent group

Channels hand inbound events to :meth:`HandoffDesk.handle` instead of ``Engine.handle``
(same signature and result): it runs the engine step, then tells observers about a new
handoff or a debtor's message while handed off, and reads a callback time the debtor
leaves after a waiting notice (its confirmation is added to the result's messages).

Every state change is one conditional UPDATE, so two agents can never hold one handoff;
every claim, message, refusal, plan, approval and return is an audit event. Messages go to
the outbox through :mod:`bot.handoff.outbox` (the same outbound guard as the bot's) and
are pushed at once through the channel's :class:`~bot.handoff.ports.Delivery`, if any.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.policy import SegmentLimits
from bot.compliance import crisis_line
from bot.compliance.outbound import TIMING_CODES
from bot.engine import Engine, Inbound, OutboundGuard, Outgoing, StepResult
from bot.handoff.calculator import Calculation, PlanRequest, calculate
from bot.handoff.context import local_today, panel, segment_limits, terms
from bot.handoff.errors import Conflict, HandoffError, NotFound, NotYours
from bot.handoff.outbox import Recipient, judge, outgoing, recipient, store
from bot.handoff.plans import first_due, plan_json, plan_text, record_offer
from bot.handoff.ports import Actor, Delivery, HandoffObserver, Ticket, actor_name
from bot.handoff.queue import board, load, ticket_for
from bot.handoff.waiting import (
    HISTORY,
    NO_CALLBACK_REASONS,
    callback_noted,
    estimate,
    parse_callback,
    wait_notice,
)
from bot.storage.models import Account, Approval, Conversation, Handoff, pk
from bot.storage.ports import UnitOfWork
from dialogs.model import EventKind

log = logging.getLogger(__name__)

#: States an agent may hand a conversation back at (``closed`` is :meth:`close`).
RESUMABLE = ("offer", "negotiate", "situation", "disclose", "agree", "verify", "greet")
OPEN = ("queued", "claimed")
MAX_AGENT_TEXT = 16_000  # longer is refused outright; the guard refuses above 4,096 anyway


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of an agent's message: sent, or refused with the guard's reasons."""

    sent: bool
    message_id: int | None
    reasons: tuple[str, ...] = ()
    defer_until: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "message_id": self.message_id,
            "reasons": list(self.reasons),
            "defer_until": self.defer_until.isoformat() if self.defer_until else None,
        }


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    status: str  # sent | refused | pending_approval | denied
    approval_id: int | None = None
    message_id: int | None = None
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "approval_id": self.approval_id,
            "message_id": self.message_id,
            "reasons": list(self.reasons),
        }


@dataclass
class HandoffDesk:
    engine: Engine
    guard: OutboundGuard | None = None  # default: the engine's
    observers: list[HandoffObserver] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    clock: Callable[[], datetime] | None = None  # default: the engine's

    def now(self) -> datetime:
        return (self.clock or self.engine.clock)()

    def uow(self) -> UnitOfWork:
        return self.engine.uow()

    @property
    def _guard(self) -> OutboundGuard:
        return self.guard or self.engine.outbound_guard

    # --- the debtor's side ------------------------------------------------------------

    async def handle(self, inbound: Inbound) -> StepResult:
        """``Engine.handle``, then the handoff's own follow-up (see the module doc)."""
        result = await self.engine.handle(inbound)
        if result.duplicate or not (result.handoffs or result.state in ("handoff", "stopped")):
            return result
        now = self.now()
        extra: list[Outgoing] = []
        async with self.uow() as uow:
            conversation = await uow.conversations.for_chat(inbound.channel, inbound.chat_id)
            handoff = await uow.handoffs.open_for(pk(conversation)) if conversation else None
            if conversation is None or handoff is None:
                return result
            if not result.handoffs and inbound.kind is EventKind.TEXT:
                confirmation = await self._callback(uow, handoff, conversation, inbound.text, now)
                extra += [confirmation] if confirmation else []
            summary = dict(handoff.summary)
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        if result.handoffs:
            await self._tell("opened", tk, summary)
        else:
            await self._tell("debtor_message", tk, inbound.text)
        return replace(result, messages=(*result.messages, *extra))

    async def _callback(
        self,
        uow: UnitOfWork,
        handoff: Handoff,
        conversation: Conversation,
        text: str,
        now: datetime,
    ) -> Outgoing | None:
        waiting = handoff.status == "queued" and handoff.notified_at is not None
        if not waiting or handoff.callback_at is not None or handoff.reason in NO_CALLBACK_REASONS:
            return None
        to = await recipient(uow, conversation)
        zone = _zone(to.account.timezone if to.account else None)
        when = parse_callback(text, now, zone) if zone else None
        if when is None:
            return None
        handoff.callback_at = when.astimezone(UTC)
        uow.audit.append(
            "handoff.callback",
            "system",
            {"handoff_id": handoff.id, "at": handoff.callback_at.isoformat()},
            account_id=conversation.account_id,
            conversation_id=conversation.id,
        )
        words = callback_noted(conversation.language, when)
        judged = await judge(uow, self._guard, self.engine.creditor_name, to, words, now)
        message = await store(
            uow,
            to,
            words,
            judged,
            now,
            sender="system",
            actor="system",
            payload={"kind": "handoff.callback"},
        )
        return outgoing(message, conversation) if judged.decision.allowed else None

    async def overdue(self) -> list[Outgoing]:
        """Tell each debtor whose handoff passed its target unclaimed how long it may take."""
        now = self.now()
        sent: list[tuple[Outgoing, int]] = []
        async with self.uow() as uow:
            waits = await uow.handoffs.claim_waits(now - HISTORY)
            for handoff in await uow.handoffs.unnotified():
                if (now - handoff.created_at).total_seconds() < handoff.target_seconds:
                    continue
                notice = await self._notice(uow, handoff, waits, now)
                if notice is not None:
                    sent.append((notice, pk(handoff)))
            tickets = [await ticket_for(uow, handoff_id, now) for _, handoff_id in sent]
            await uow.commit()
        await self.push([notice for notice, _ in sent])
        for tk in tickets:
            await self._tell("changed", tk, "notified")
        return [notice for notice, _ in sent]

    async def _notice(
        self, uow: UnitOfWork, handoff: Handoff, waits: Sequence[float], now: datetime
    ) -> Outgoing | None:
        _, conversation = await load(uow, pk(handoff))
        to = await recipient(uow, conversation)
        handoff.notified_at = now
        last = conversation.last_inbound_at
        gone = last is None or now - last > timedelta(seconds=handoff.target_seconds, hours=1)
        if to.opted_out or gone:
            why = "opted_out" if to.opted_out else "debtor_not_waiting"
            self._audit(uow, "handoff.notice_skipped", "system", conversation, {"why": why})
            return None
        account = to.account
        wait = estimate(handoff.target_seconds, waits)
        words = wait_notice(
            conversation.language,
            wait,
            reason=handoff.reason,
            invite_callback=account is not None and _zone(account.timezone) is not None,
            crisis_line=crisis_line(account.jurisdiction if account else ""),
        )
        judged = await judge(
            uow, self._guard, self.engine.creditor_name, to, words, now, proactive=False
        )
        message = await store(
            uow,
            to,
            words,
            judged,
            now,
            sender="system",
            actor="system",
            payload={"kind": "handoff.wait"},
        )
        self._audit(
            uow,
            "handoff.notified",
            "system",
            conversation,
            {"handoff_id": handoff.id, "estimate_seconds": int(wait.total_seconds())},
        )
        return outgoing(message, conversation) if judged.decision.allowed else None

    async def run(self, interval: float = 30.0) -> None:
        """Run :meth:`overdue` every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.overdue()
            except Exception as error:  # keep checking; one bad round must not stop it
                log.warning("handoff overdue check failed: %s", type(error).__name__)
            await asyncio.sleep(interval)

    # --- the agent's side ---------------------------------------------------------------

    async def queue(self) -> list[Ticket]:
        async with self.uow() as uow:
            return await board(uow, self.now())

    async def ticket(self, handoff_id: int) -> Ticket:
        async with self.uow() as uow:
            return await ticket_for(uow, handoff_id, self.now())

    async def context(self, handoff_id: int) -> dict[str, Any]:
        async with self.uow() as uow:
            return await panel(uow, handoff_id, self.now())

    async def claim(self, handoff_id: int, actor: Actor) -> Ticket:
        now = self.now()
        async with self.uow() as uow:
            # The conditional UPDATE comes first: it is the one place a race is decided.
            if not await uow.handoffs.move(handoff_id, "queued", "claimed", actor.id, now):
                handoff, _ = await load(uow, handoff_id)
                if handoff.status == "claimed" and handoff.agent_id == actor.id:
                    return await ticket_for(uow, handoff_id, now)
                raise await self._why_not(uow, handoff, actor)
            tk = await ticket_for(uow, handoff_id, now)
            handoff, conversation = await load(uow, handoff_id)
            self._audit(
                uow,
                "handoff.claimed",
                actor_name(actor),
                conversation,
                {"handoff_id": handoff_id, "waited_seconds": tk.waited_seconds},
            )
            await uow.commit()
        await self._tell("changed", tk, "claimed")
        return tk

    async def release(self, handoff_id: int, actor: Actor) -> Ticket:
        """Put a claimed handoff back in the queue for someone else."""
        now = self.now()
        async with self.uow() as uow:
            if not await uow.handoffs.move(handoff_id, "claimed", "queued", actor.id, now):
                handoff, _ = await load(uow, handoff_id)
                raise await self._why_not(uow, handoff, actor)
            _, conversation = await load(uow, handoff_id)
            self._audit(
                uow,
                "handoff.released",
                actor_name(actor),
                conversation,
                {"handoff_id": handoff_id},
            )
            tk = await ticket_for(uow, handoff_id, now)
            await uow.commit()
        await self._tell("changed", tk, "released")
        return tk

    async def reply(self, handoff_id: int, actor: Actor, text: str) -> Sent:
        """Send the agent's words after the outbound guard; a refused one is not sent."""
        text = text.strip()
        if not text:
            raise HandoffError("Write a message first.")
        if len(text) > MAX_AGENT_TEXT:
            raise HandoffError(f"A message may be at most {MAX_AGENT_TEXT} characters.")
        now = self.now()
        async with self.uow() as uow:
            _, conversation = await self._holding(uow, handoff_id, actor)
            to = await recipient(uow, conversation)
            judged = await judge(uow, self._guard, self.engine.creditor_name, to, text, now)
            message = await store(
                uow,
                to,
                text,
                judged,
                now,
                sender="agent",
                actor=actor_name(actor),
                payload={"kind": "agent", "agent": actor.name},
            )
            tk = await ticket_for(uow, handoff_id, now)
            await uow.commit()
        decision = judged.decision
        if decision.allowed:
            await self.push([outgoing(message, conversation)])
            await self._tell("agent_message", tk, actor.name, text)
        else:
            await self._tell("changed", tk, "refused")
        return Sent(decision.allowed, pk(message), decision.reasons, decision.defer_until)

    async def calculate(self, handoff_id: int, request: PlanRequest) -> Calculation:
        async with self.uow() as uow:
            _, conversation = await load(uow, handoff_id)
            to = await recipient(uow, conversation)
            account, policy = await self._terms(uow, to)
            return calculate(
                terms(account), policy.limits, local_today(account, self.now()), request
            )

    async def offer_plan(
        self, handoff_id: int, actor: Actor, request: PlanRequest, option: int, note: str = ""
    ) -> PlanOutcome:
        """Send a calculated plan; one beyond the limits waits for an admin's approval."""
        now = self.now()
        async with self.uow() as uow:
            _, conversation = await self._holding(uow, handoff_id, actor)
            to = await recipient(uow, conversation)
            account, policy = await self._terms(uow, to)
            calc = calculate(terms(account), policy.limits, local_today(account, now), request)
            if not 0 <= option < len(calc.options):
                raise HandoffError("Pick one of the calculated plans.")
            chosen = calc.options[option]
            plan = plan_json(chosen.plan.as_json(), account.currency)
            words = plan_text(plan, note[:2000], conversation.language, conversation.tone)
            judged = await judge(
                uow, self._guard, self.engine.creditor_name, to, words, now, states_debt=True
            )
            reasons = judged.decision.reasons
            needs_rewrite = any(r.split(":", 1)[0] not in TIMING_CODES for r in reasons)
            if chosen.breaches and not needs_rewrite:
                approval = Approval(
                    handoff_id=handoff_id,
                    conversation_id=pk(conversation),
                    account_id=pk(account),
                    requested_by=actor.id,
                    plan=plan,
                    request={**request.as_json(), "option": option},
                    breaches=list(chosen.breaches),
                    note=note[:2000],
                    created_at=now,
                )
                uow.approvals.add(approval)
                await uow.conversations.flush()
                self._audit(
                    uow,
                    "approval.requested",
                    actor_name(actor),
                    conversation,
                    {
                        "approval_id": approval.id,
                        "kind": plan["kind"],
                        "monthly": plan["monthly"],
                        "breaches": list(chosen.breaches),
                    },
                )
                tk = await ticket_for(uow, handoff_id, now)
                await uow.commit()
                await self._tell("changed", tk, "approval.requested")
                return PlanOutcome("pending_approval", approval_id=pk(approval))
            message = await store(
                uow,
                to,
                words,
                judged,
                now,
                sender="agent",
                actor=actor_name(actor),
                payload={"kind": "plan", "agent": actor.name, "plan": plan},
            )
            if judged.decision.allowed:
                await record_offer(
                    uow, conversation, account, plan, policy.version, actor_name(actor), now
                )
                self._audit(
                    uow,
                    "offer.made",
                    actor_name(actor),
                    conversation,
                    _offer_audit(plan, within_limits=True),
                )
            tk = await ticket_for(uow, handoff_id, now)
            await uow.commit()
        if not judged.decision.allowed:
            await self._tell("changed", tk, "refused")
            return PlanOutcome("refused", message_id=pk(message), reasons=reasons)
        await self.push([outgoing(message, conversation)])
        await self._tell("agent_message", tk, actor.name, words)
        return PlanOutcome("sent", message_id=pk(message))

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
        now = self.now()
        async with self.uow() as uow:
            approval = await self._pending(uow, approval_id)
            handoff, conversation = await load(uow, approval.handoff_id)
            to = await recipient(uow, conversation)
            account, policy = await self._terms(uow, to)
            if first_due(approval.plan) < local_today(account, now):
                await uow.approvals.decide(approval_id, "expired", admin.id, note[:2000], now)
                self._audit(
                    uow,
                    "approval.expired",
                    actor_name(admin),
                    conversation,
                    {"approval_id": approval_id},
                )
                await uow.commit()
                raise Conflict("The plan's first payment date has passed; calculate it again.")
            if not await uow.approvals.decide(approval_id, "approved", admin.id, note[:2000], now):
                raise Conflict(f"Approval {approval_id} was decided meanwhile.")
            self._audit(
                uow,
                "approval.approved",
                actor_name(admin),
                conversation,
                {"approval_id": approval_id, "breaches": approval.breaches},
            )
            requester = await uow.users.get(approval.requested_by)
            by = f"agent:{requester.name}" if requester else actor_name(admin)
            words = plan_text(
                approval.plan, approval.note, conversation.language, conversation.tone
            )
            judged = await judge(
                uow, self._guard, self.engine.creditor_name, to, words, now, states_debt=True
            )
            message = await store(
                uow,
                to,
                words,
                judged,
                now,
                sender="agent",
                actor=by,
                payload={"kind": "plan", "plan": approval.plan, "approved_by": admin.name},
            )
            approval.message_id = pk(message)
            approval.status = "sent" if judged.decision.allowed else "refused"
            if judged.decision.allowed:
                await record_offer(
                    uow, conversation, account, approval.plan, policy.version, by, now
                )
                self._audit(
                    uow,
                    "offer.made",
                    by,
                    conversation,
                    {
                        **_offer_audit(approval.plan, within_limits=False),
                        "approval_id": approval_id,
                        "approved_by": admin.name,
                    },
                )
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        decision = judged.decision
        if decision.allowed:
            await self.push([outgoing(message, conversation)])
            await self._tell("agent_message", tk, by.split(":", 1)[1], words)
        await self._tell("changed", tk, "approval.approved")
        status = "sent" if decision.allowed else "refused"
        return PlanOutcome(status, approval_id, pk(message), decision.reasons)

    async def deny(self, approval_id: int, admin: Actor, note: str = "") -> PlanOutcome:
        _admin_only(admin)
        now = self.now()
        async with self.uow() as uow:
            approval = await self._pending(uow, approval_id)
            if not await uow.approvals.decide(approval_id, "denied", admin.id, note[:2000], now):
                raise Conflict(f"Approval {approval_id} was decided meanwhile.")
            handoff, conversation = await load(uow, approval.handoff_id)
            self._audit(
                uow,
                "approval.denied",
                actor_name(admin),
                conversation,
                {"approval_id": approval_id, "note": note[:500]},
            )
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        await self._tell("changed", tk, "approval.denied")
        return PlanOutcome("denied", approval_id)

    async def return_to_bot(self, handoff_id: int, actor: Actor, state: str = "offer") -> str:
        """Hand the conversation back; the dialog resumes at ``state`` with a short hand-back
        line (or asks to verify first if the debtor never has). Returns the state reached."""
        if state not in RESUMABLE:
            raise HandoffError(f"Return to one of: {', '.join(RESUMABLE)}.")
        return await self._finish(handoff_id, actor, "returned", state, "")

    async def close(self, handoff_id: int, actor: Actor, note: str = "") -> str:
        """End the handoff and the conversation (nothing is sent to the debtor)."""
        return await self._finish(handoff_id, actor, "closed", "closed", note)

    async def _finish(
        self, handoff_id: int, actor: Actor, outcome: str, state: str, note: str
    ) -> str:
        now = self.now()
        async with self.uow() as uow:
            handoff, conversation = await self._holding(uow, handoff_id, actor, admin=True)
            was, holder = handoff.status, handoff.agent_id
            if not await uow.handoffs.move(handoff_id, was, outcome, holder, now):
                raise Conflict(f"Handoff {handoff_id} changed meanwhile; look again.")
            conversation.mode = "bot"
            for approval in await uow.approvals.for_handoff(handoff_id):
                if approval.status == "pending":
                    approval.status = "withdrawn"
            self._audit(
                uow,
                f"handoff.{outcome}",
                actor_name(actor),
                conversation,
                {"handoff_id": handoff_id, "state": state, "note": note[:500]},
            )
            channel, chat_id = conversation.channel, conversation.chat_id
            await uow.commit()
        resume = Inbound(
            channel, chat_id, EventKind.RESUME, text=state, platform_id=f"resume:{handoff_id}"
        )
        try:
            result = await self.engine.handle(resume)
        except Exception:
            await self._reopen(handoff_id, was, holder, actor)
            raise
        async with self.uow() as uow:
            tk = await ticket_for(uow, handoff_id, self.now())
            fresh = await uow.handoffs.open_for(tk.conversation_id) if result.handoffs else None
            opened = await ticket_for(uow, pk(fresh), self.now()) if fresh else None
            summary = dict(fresh.summary) if fresh else {}
        await self.push(result.messages)
        await self._tell("closed", tk, outcome)
        if opened is not None:
            await self._tell("opened", opened, summary)
        return result.state

    async def _reopen(self, handoff_id: int, was: str, holder: int | None, actor: Actor) -> None:
        """The resume step failed: give the handoff back to whoever held it."""
        async with self.uow() as uow:
            handoff, conversation = await load(uow, handoff_id)
            await uow.handoffs.move(handoff_id, handoff.status, was, holder, self.now())
            conversation.mode = "agent"
            self._audit(
                uow,
                "handoff.reopened",
                actor_name(actor),
                conversation,
                {"handoff_id": handoff_id, "why": "resume failed"},
            )
            await uow.commit()

    # --- helpers ------------------------------------------------------------------------

    async def _holding(
        self, uow: UnitOfWork, handoff_id: int, actor: Actor, *, admin: bool = False
    ) -> tuple[Handoff, Conversation]:
        """The handoff and conversation if ``actor`` holds the claim (an admin, with
        ``admin``, may act on any open one); else the reason why not."""
        handoff, conversation = await load(uow, handoff_id)
        if handoff.status == "claimed" and handoff.agent_id == actor.id:
            return handoff, conversation
        if admin and actor.role == "admin" and handoff.status in OPEN:
            return handoff, conversation
        raise await self._why_not(uow, handoff, actor)

    async def _why_not(self, uow: UnitOfWork, handoff: Handoff, actor: Actor) -> HandoffError:
        if handoff.status == "queued":
            return Conflict(f"Claim handoff {handoff.id} first.")
        if handoff.status == "claimed" and handoff.agent_id != actor.id:
            holder = await uow.users.get(handoff.agent_id) if handoff.agent_id else None
            name = holder.name if holder else "another agent"
            return NotYours(f"Handoff {handoff.id} is held by {name}.")
        return Conflict(f"Handoff {handoff.id} has ended ({handoff.status}).")

    async def _terms(self, uow: UnitOfWork, to: Recipient) -> tuple[Account, SegmentLimits]:
        if to.account is None:
            raise Conflict("No account is bound to this conversation yet.")
        policy = await segment_limits(uow, to.account)
        if policy is None:
            raise Conflict("The segment's stored policy is invalid; ask an admin to fix it.")
        return to.account, policy

    async def _pending(self, uow: UnitOfWork, approval_id: int) -> Approval:
        approval = await uow.approvals.get(approval_id)
        if approval is None:
            raise NotFound(f"There is no approval {approval_id}.")
        if approval.status != "pending":
            raise Conflict(f"Approval {approval_id} is {approval.status}, not pending.")
        return approval

    @staticmethod
    def _audit(
        uow: UnitOfWork, kind: str, actor: str, conversation: Conversation, data: dict[str, Any]
    ) -> None:
        uow.audit.append(
            kind, actor, data, account_id=conversation.account_id, conversation_id=conversation.id
        )

    async def push(self, messages: Sequence[Outgoing]) -> None:
        """Hand messages to their channels' immediate senders; the rest wait in the outbox."""
        by_channel: dict[str, list[Outgoing]] = {}
        for message in messages:
            by_channel.setdefault(message.channel, []).append(message)
        for channel, batch in by_channel.items():
            delivery = self.deliveries.get(channel)
            if delivery is None:
                continue
            try:
                await delivery.push(batch)
            except Exception as error:  # the outbox sweep will retry
                log.warning("push to %s failed: %s", channel, type(error).__name__)

    async def _tell(self, event: str, *args: Any) -> None:
        for observer in list(self.observers):
            try:
                await getattr(observer, event)(*args)
            except Exception as error:  # an observer never undoes a committed change
                log.warning(
                    "handoff observer %s failed on %s: %s",
                    type(observer).__name__,
                    event,
                    type(error).__name__,
                )


def _admin_only(actor: Actor) -> None:
    if actor.role != "admin":
        raise NotYours("Only an admin may decide an approval.")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offer_audit(plan: dict[str, Any], *, within_limits: bool) -> dict[str, Any]:
    reason = plan.get("reason")
    return {
        "kind": plan["kind"],
        "monthly": plan["monthly"],
        "total": plan["total"],
        "months": len(plan.get("instalments") or []),
        "reason": reason.get("text") if isinstance(reason, dict) else None,
        "within_limits": within_limits,
    }
