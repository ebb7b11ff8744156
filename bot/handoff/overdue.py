"""The desk's waiting side: notices for handoffs past their target, and callback times.

See :mod:`bot.handoff.waiting` for the estimate, the texts and how a time is read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.compliance import crisis_line
from bot.engine import Outgoing
from bot.handoff.base import DeskBase, log, zone
from bot.handoff.outbox import outgoing, recipient
from bot.handoff.queue import load, ticket_for
from bot.handoff.waiting import (
    HISTORY,
    NO_CALLBACK_REASONS,
    callback_noted,
    estimate,
    parse_callback,
    wait_notice,
)
from bot.storage.models import Conversation, Handoff, pk
from bot.storage.ports import UnitOfWork

#: A debtor who has not written for this long after the target is not waiting in the chat.
GONE_AFTER = timedelta(hours=1)


class WaitingDesk(DeskBase):
    async def overdue(self) -> list[Outgoing]:
        """Tell each debtor whose handoff passed its target unclaimed how long it may take
        (once per handoff); returns the notices, already pushed to their channels."""
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
        notices = [notice for notice, _ in sent]
        await self.push(notices)
        for tk in tickets:
            await self._tell("changed", tk, "notified")
        return notices

    async def _notice(
        self, uow: UnitOfWork, handoff: Handoff, waits: Sequence[float], now: datetime
    ) -> Outgoing | None:
        _, conversation = await load(uow, pk(handoff))
        to = await recipient(uow, conversation)
        handoff.notified_at = now
        last = conversation.last_inbound_at
        target = timedelta(seconds=handoff.target_seconds)
        if to.opted_out or last is None or now - last > target + GONE_AFTER:
            why = "opted_out" if to.opted_out else "debtor_not_waiting"
            self._audit(uow, "handoff.notice_skipped", "system", conversation, {"why": why})
            return None
        account = to.account
        wait = estimate(handoff.target_seconds, waits)
        words = wait_notice(
            conversation.language,
            wait,
            reason=handoff.reason,
            invite_callback=account is not None and zone(account.timezone) is not None,
            crisis_line=crisis_line(account.jurisdiction if account else ""),
        )
        # The notice answers the debtor's own request for a person: a reply, not proactive.
        message, decision = await self._send(
            uow,
            to,
            words,
            now,
            sender="system",
            actor="system",
            payload={"kind": "handoff.wait"},
            proactive=False,
        )
        data = {"handoff_id": handoff.id, "estimate_seconds": int(wait.total_seconds())}
        self._audit(uow, "handoff.notified", "system", conversation, data)
        return outgoing(message, conversation) if decision.allowed else None

    async def _callback(
        self,
        uow: UnitOfWork,
        handoff: Handoff,
        conversation: Conversation,
        text: str,
        now: datetime,
    ) -> Outgoing | None:
        """Read a callback time from the debtor's message after a waiting notice."""
        waiting = handoff.status == "queued" and handoff.notified_at is not None
        if not waiting or handoff.callback_at is not None or handoff.reason in NO_CALLBACK_REASONS:
            return None
        to = await recipient(uow, conversation)
        where = zone(to.account.timezone if to.account else None)
        when = parse_callback(text, now, where) if where else None
        if when is None:
            return None
        handoff.callback_at = when.astimezone(UTC)
        data = {"handoff_id": handoff.id, "at": handoff.callback_at.isoformat()}
        self._audit(uow, "handoff.callback", "system", conversation, data)
        message, decision = await self._send(
            uow,
            to,
            callback_noted(conversation.language, when),
            now,
            sender="system",
            actor="system",
            payload={"kind": "handoff.callback"},
        )
        return outgoing(message, conversation) if decision.allowed else None

    async def run(self, interval: float = 30.0) -> None:
        """Run :meth:`overdue` every ``interval`` seconds until cancelled (when no console
        is mounted to do it)."""
        while True:
            try:
                await self.overdue()
            except Exception as error:  # keep checking; one bad round must not stop it
                log.warning("handoff overdue check failed: %s", type(error).__name__)
            await asyncio.sleep(interval)
