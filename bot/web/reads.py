"""Read-only queries the web pages need and the repositories do not offer.

The repositories serve the engine's step; listing, searching and counting for people
reading (the web chat's delivery, the admin's dashboard and audit search, the API's lists)
lives here, on a session of its own that never writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from bot.storage.models import Account, AuditEvent, Conversation, Handoff, Message, Offer
from bot.storage.uow import SessionFactory

SHOWN_STATUSES = ("pending", "sent")  # outbound messages a debtor may see


async def outbound_after(
    factory: SessionFactory, conversation_id: int, after: int, limit: int = 100
) -> Sequence[Message]:
    """Outbound messages of a conversation newer than ``after`` that may be shown."""
    async with factory() as session:
        result = await session.execute(
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                col(Message.id) > after,
                Message.direction == "out",
                col(Message.status).in_(SHOWN_STATUSES),
            )
            .order_by(col(Message.id))
            .limit(limit)
        )
        return list(result.scalars())


async def account_segments(factory: SessionFactory) -> list[str]:
    """Segments that accounts belong to (some may have no policy of their own)."""
    async with factory() as session:
        result = await session.execute(select(Account.segment).distinct())
        return sorted(result.scalars())


@dataclass(frozen=True)
class AuditQuery:
    kind: str | None = None  # exact, or a dotted prefix: "guard" finds "guard.inbound"
    account_id: int | None = None
    conversation_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    before: int | None = None  # page backwards from this event id
    limit: int = 50


async def audit_events(factory: SessionFactory, query: AuditQuery) -> list[AuditEvent]:
    """Newest first."""
    statement = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(query.limit)
    if query.kind is not None:
        statement = statement.where(
            (col(AuditEvent.kind) == query.kind)
            | col(AuditEvent.kind).startswith(query.kind + ".", autoescape=True)
        )
    if query.account_id is not None:
        statement = statement.where(AuditEvent.account_id == query.account_id)
    if query.conversation_id is not None:
        statement = statement.where(AuditEvent.conversation_id == query.conversation_id)
    if query.since is not None:
        statement = statement.where(col(AuditEvent.at) >= query.since)
    if query.until is not None:
        statement = statement.where(col(AuditEvent.at) < query.until)
    if query.before is not None:
        statement = statement.where(col(AuditEvent.id) < query.before)
    async with factory() as session:
        return list((await session.execute(statement)).scalars())


async def references(factory: SessionFactory, account_ids: Collection[int]) -> dict[int, str]:
    if not account_ids:
        return {}
    async with factory() as session:
        result = await session.execute(
            select(Account.id, Account.reference).where(col(Account.id).in_(list(account_ids)))
        )
        return {int(i): str(r) for i, r in result.all()}


@dataclass(frozen=True)
class ConversationQuery:
    state: str | None = None
    mode: str | None = None
    channel: str | None = None
    account_id: int | None = None
    before: int | None = None  # page backwards from this conversation id
    limit: int = 50


async def conversations(
    factory: SessionFactory, query: ConversationQuery
) -> list[tuple[Conversation, Account | None]]:
    """Most recently started first, with the bound account."""
    statement = (
        select(Conversation, Account)
        .outerjoin(Account, col(Account.id) == col(Conversation.account_id))
        .order_by(col(Conversation.id).desc())
        .limit(query.limit)
    )
    for column, value in (
        (Conversation.state, query.state),
        (Conversation.mode, query.mode),
        (Conversation.channel, query.channel),
        (Conversation.account_id, query.account_id),
    ):
        if value is not None:
            statement = statement.where(col(column) == value)
    if query.before is not None:
        statement = statement.where(col(Conversation.id) < query.before)
    async with factory() as session:
        return [(c, a) for c, a in (await session.execute(statement)).all()]


async def account_conversations(factory: SessionFactory, account_id: int) -> list[Conversation]:
    async with factory() as session:
        result = await session.execute(
            select(Conversation)
            .where(Conversation.account_id == account_id)
            .order_by(col(Conversation.id))
        )
        return list(result.scalars())


async def conversation_offers(factory: SessionFactory, conversation_id: int) -> list[Offer]:
    async with factory() as session:
        result = await session.execute(
            select(Offer).where(Offer.conversation_id == conversation_id).order_by(col(Offer.id))
        )
        return list(result.scalars())


async def conversation_handoffs(factory: SessionFactory, conversation_id: int) -> list[Handoff]:
    async with factory() as session:
        result = await session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(col(Handoff.id))
        )
        return list(result.scalars())
