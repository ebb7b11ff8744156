"""The queue: open handoffs by priority, then age, with how long each has waited."""

from __future__ import annotations

from datetime import datetime

from bot.handoff.errors import NotFound
from bot.handoff.ports import Ticket
from bot.storage.models import Account, Conversation, Handoff, User, pk
from bot.storage.ports import UnitOfWork


def ticket(
    handoff: Handoff,
    conversation: Conversation,
    account: Account | None,
    agent: User | None,
    now: datetime,
) -> Ticket:
    waited_until = handoff.claimed_at or handoff.ended_at or now
    return Ticket(
        handoff_id=pk(handoff),
        conversation_id=pk(conversation),
        channel=conversation.channel,
        chat_id=conversation.chat_id,
        reference=account.reference if account else None,
        reason=handoff.reason,
        priority=handoff.priority,
        status=handoff.status,
        agent=agent.name if agent else None,
        agent_id=handoff.agent_id,
        created_at=handoff.created_at,
        waited_seconds=max(0, int((waited_until - handoff.created_at).total_seconds())),
        target_seconds=handoff.target_seconds,
        callback_at=handoff.callback_at,
        notified_at=handoff.notified_at,
        state=conversation.state,
        language=conversation.language,
        tone=conversation.tone,
    )


async def board(uow: UnitOfWork, now: datetime, limit: int = 200) -> list[Ticket]:
    """Queued and claimed handoffs, most urgent first, then oldest first."""
    rows = await uow.handoffs.board(limit)
    return [ticket(h, c, a, u, now) for h, c, a, u in rows]


async def load(uow: UnitOfWork, handoff_id: int) -> tuple[Handoff, Conversation]:
    handoff = await uow.handoffs.get(handoff_id)
    if handoff is None:
        raise NotFound(f"There is no handoff {handoff_id}.")
    conversation = await uow.conversations.get(handoff.conversation_id)
    if conversation is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound(f"Handoff {handoff_id} has no conversation.")
    return handoff, conversation


async def ticket_for(uow: UnitOfWork, handoff_id: int, now: datetime) -> Ticket:
    handoff, conversation = await load(uow, handoff_id)
    account = await uow.accounts.get(conversation.account_id) if conversation.account_id else None
    agent = await uow.users.get(handoff.agent_id) if handoff.agent_id else None
    return ticket(handoff, conversation, account, agent, now)
