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

from dataclasses import replace
from typing import Any

from bot.engine import Inbound, Outgoing, StepResult
from bot.handoff.approvals import PlanDesk
from bot.handoff.context import panel
from bot.handoff.errors import Conflict, HandoffError
from bot.handoff.outbox import outgoing, recipient
from bot.handoff.overdue import WaitingDesk
from bot.handoff.ports import Actor, Sent, Ticket, actor_name
from bot.handoff.queue import board, load, ticket_for
from bot.storage.models import pk
from dialogs.model import EventKind
from dialogs.states.agent_plan import AGENT_PLAN

#: States an agent may hand a conversation back at (``closed`` is :meth:`close`).
RESUMABLE = ("offer", "negotiate", "situation", "disclose", "agree", "verify", "greet")
MAX_AGENT_TEXT = 16_000  # longer is refused outright; the guard refuses above 4,096 anyway


class HandoffDesk(PlanDesk, WaitingDesk):
    """The queue and its handoffs; plans and approvals come from :class:`PlanDesk`,
    waiting notices and callback times from :class:`WaitingDesk`."""

    # --- the debtor's side ------------------------------------------------------------

    async def handle(self, inbound: Inbound) -> StepResult:
        """``Engine.handle``, then the handoff's own follow-up (see the module doc).

        When the debtor accepts a plan an agent sent, the agents are told the arrangement's
        payment reference (``changed``: ``arrangement.agreed REF``)."""
        waiting_plan = await self._agent_plan_waiting(inbound)
        result = await self.engine.handle(inbound)
        if result.duplicate or not (result.handoffs or result.state in ("handoff", "stopped")):
            return result
        now = self.now()
        extra: list[Outgoing] = []
        agreed: str | None = None
        async with self.uow() as uow:
            conversation = await uow.conversations.for_chat(inbound.channel, inbound.chat_id)
            handoff = await uow.handoffs.open_for(pk(conversation)) if conversation else None
            if conversation is None or handoff is None:
                return result
            if not result.handoffs and inbound.kind is EventKind.TEXT:
                confirmation = await self._callback(uow, handoff, conversation, inbound.text, now)
                extra += [confirmation] if confirmation else []
            if waiting_plan and AGENT_PLAN not in conversation.context:
                arrangement = conversation.context.get("arrangement")
                if isinstance(arrangement, dict) and arrangement.get("reference"):
                    agreed = str(arrangement["reference"])
            summary = dict(handoff.summary)
            tk = await ticket_for(uow, pk(handoff), now)
            await uow.commit()
        if result.handoffs:
            await self._tell("opened", tk, summary)
        else:
            said = inbound.text or (f"[{inbound.button}]" if inbound.button else "")
            await self._tell("debtor_message", tk, said)
        if agreed is not None:
            await self._tell("changed", tk, f"arrangement.agreed {agreed}")
        return replace(result, messages=(*result.messages, *extra))

    async def _agent_plan_waiting(self, inbound: Inbound) -> bool:
        """Whether this chat holds a plan an agent sent, not yet accepted."""
        if inbound.kind not in (EventKind.TEXT, EventKind.BUTTON):
            return False
        async with self.uow() as uow:
            conversation = await uow.conversations.for_chat(inbound.channel, inbound.chat_id)
        return conversation is not None and AGENT_PLAN in conversation.context

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
            message, decision = await self._send(
                uow,
                to,
                text,
                now,
                sender="agent",
                actor=actor_name(actor),
                payload={"kind": "agent", "agent": actor.name},
            )
            tk = await ticket_for(uow, handoff_id, now)
            await uow.commit()
        if decision.allowed:
            await self.push([outgoing(message, conversation)])
            await self._tell("agent_message", tk, actor.name, text)
        else:
            await self._tell("changed", tk, "refused")
        return Sent(decision.allowed, pk(message), decision.reasons, decision.defer_until)

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
