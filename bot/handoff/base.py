"""What every part of the desk shares: its wiring, who holds a handoff, sending, telling."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.policy import SegmentLimits
from bot.engine import Decision, Engine, OutboundGuard, Outgoing
from bot.handoff.context import segment_limits
from bot.handoff.errors import Conflict, HandoffError, NotYours
from bot.handoff.outbox import Recipient, judge, store
from bot.handoff.ports import Actor, Delivery, HandoffObserver
from bot.handoff.queue import load
from bot.storage.models import Account, Conversation, Handoff, Message
from bot.storage.ports import UnitOfWork

log = logging.getLogger("bot.handoff")

OPEN = ("queued", "claimed")


@dataclass
class DeskBase:
    engine: Engine
    guard: OutboundGuard | None = None  # default: the engine's
    observers: list[HandoffObserver] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    clock: Callable[[], datetime] | None = None  # default: the engine's

    def now(self) -> datetime:
        return (self.clock or self.engine.clock)()

    def uow(self) -> UnitOfWork:
        return self.engine.uow()

    async def _send(
        self,
        uow: UnitOfWork,
        to: Recipient,
        text: str,
        now: datetime,
        *,
        sender: str,
        actor: str,
        payload: dict[str, Any],
        states_debt: bool = False,
        proactive: bool | None = None,
    ) -> tuple[Message, Decision]:
        """Judge ``text`` with the outbound guard and store it: pending, or blocked."""
        guard = self.guard or self.engine.outbound_guard
        judged = await judge(
            uow,
            guard,
            self.engine.creditor_name,
            to,
            text,
            now,
            states_debt=states_debt,
            proactive=proactive,
        )
        message = await store(
            uow, to, text, judged, now, sender=sender, actor=actor, payload=payload
        )
        return message, judged.decision

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

    @staticmethod
    async def _why_not(uow: UnitOfWork, handoff: Handoff, actor: Actor) -> HandoffError:
        if handoff.status == "queued":
            return Conflict(f"Claim handoff {handoff.id} first.")
        if handoff.status == "claimed" and handoff.agent_id != actor.id:
            holder = await uow.users.get(handoff.agent_id) if handoff.agent_id else None
            name = holder.name if holder else "another agent"
            return NotYours(f"Handoff {handoff.id} is held by {name}.")
        return Conflict(f"Handoff {handoff.id} has ended ({handoff.status}).")

    @staticmethod
    async def _terms(uow: UnitOfWork, to: Recipient) -> tuple[Account, SegmentLimits]:
        if to.account is None:
            raise Conflict("No account is bound to this conversation yet.")
        policy = await segment_limits(uow, to.account)
        if policy is None:
            raise Conflict("The segment's stored policy is invalid; ask an admin to fix it.")
        return to.account, policy

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


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
