"""SQL implementations of the repository Protocols in :mod:`bot.storage.ports`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from bot.storage.models import (
    Account,
    Approval,
    Arrangement,
    AuditEvent,
    ChannelIdentity,
    ContactLog,
    Conversation,
    Handoff,
    Instalment,
    Message,
    Offer,
    Policy,
    User,
    UserSession,
    VerificationFailure,
)
from bot.storage.types import utcnow

_CHUNK = 500  # rows per INSERT: under SQLite's bound-parameter limit for our widest table


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class SqlAccounts(_Repository):
    async def get(self, account_id: int) -> Account | None:
        return await self.session.get(Account, account_id)

    async def by_reference(self, reference: str) -> Account | None:
        result = await self.session.execute(select(Account).where(Account.reference == reference))
        return result.scalar_one_or_none()

    async def get_for_update(self, account_id: int) -> Account | None:
        # SQLite renders no FOR UPDATE: its single writer already runs steps in turn.
        result = await self.session.execute(
            select(Account)
            .where(Account.id == account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def existing_references(self, references: Collection[str]) -> set[str]:
        found: set[str] = set()
        refs = list(references)
        for start in range(0, len(refs), _CHUNK):
            chunk = refs[start : start + _CHUNK]
            result = await self.session.execute(
                select(Account.reference).where(col(Account.reference).in_(chunk))
            )
            found.update(result.scalars())
        return found

    async def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), _CHUNK):
            await self.session.execute(insert(Account), list(rows[start : start + _CHUNK]))

    async def update_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        now = utcnow()
        for row in rows:
            values = {k: v for k, v in row.items() if k != "reference"}
            values["updated_at"] = now
            await self.session.execute(
                update(Account).where(Account.reference == row["reference"]).values(**values)
            )

    def add(self, account: Account) -> None:
        self.session.add(account)


class SqlVerificationFailures(_Repository):
    def record(
        self, account_id: int, conversation_id: int | None, channel: str, at: datetime
    ) -> None:
        self.session.add(
            VerificationFailure(
                account_id=account_id, conversation_id=conversation_id, channel=channel, at=at
            )
        )

    async def count_since(self, account_id: int, since: datetime) -> int:
        await self.session.flush()
        result = await self.session.execute(
            select(func.count())
            .select_from(VerificationFailure)
            .where(
                VerificationFailure.account_id == account_id, col(VerificationFailure.at) > since
            )
        )
        return int(result.scalar_one())

    async def clear(self, account_id: int) -> None:
        await self.session.execute(
            delete(VerificationFailure).where(col(VerificationFailure.account_id) == account_id)
        )


class SqlIdentities(_Repository):
    async def get(self, channel: str, address: str) -> ChannelIdentity | None:
        result = await self.session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == channel, ChannelIdentity.address == address
            )
        )
        return result.scalar_one_or_none()

    async def for_account(self, account_id: int) -> list[ChannelIdentity]:
        result = await self.session.execute(
            select(ChannelIdentity).where(ChannelIdentity.account_id == account_id)
        )
        return list(result.scalars())

    def add(self, identity: ChannelIdentity) -> None:
        self.session.add(identity)


class SqlConversations(_Repository):
    async def get(self, conversation_id: int) -> Conversation | None:
        return await self.session.get(Conversation, conversation_id)

    async def for_chat(self, channel: str, chat_id: str) -> Conversation | None:
        result = await self.session.execute(
            select(Conversation).where(
                Conversation.channel == channel, Conversation.chat_id == chat_id
            )
        )
        return result.scalar_one_or_none()

    def add(self, conversation: Conversation) -> None:
        self.session.add(conversation)

    async def flush(self) -> None:
        await self.session.flush()


class SqlMessages(_Repository):
    async def add_inbound(
        self,
        conversation_id: int,
        channel: str,
        platform_id: str | None,
        text: str,
        payload: Mapping[str, Any],
    ) -> int | None:
        values = {
            "conversation_id": conversation_id,
            "channel": channel,
            "direction": "in",
            "sender": "debtor",
            "platform_id": platform_id,
            "text": text,
            "payload": dict(payload),
            "status": "stored",
            "attempts": 0,
            "created_at": utcnow(),
        }
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        builder = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            builder(Message)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["channel", "platform_id"])
            .returning(col(Message.id))
        )
        new_id: int | None = (await self.session.execute(statement)).scalar_one_or_none()
        return new_id

    def add(self, message: Message) -> None:
        self.session.add(message)

    async def get(self, message_id: int) -> Message | None:
        return await self.session.get(Message, message_id)

    async def mark_sent(self, items: Sequence[tuple[int, str | None]]) -> None:
        if not items:
            return
        # Core, so that the batch is one executemany round trip.
        table = SQLModel.metadata.tables["message"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("message_id"), table.c.status != "sent")
            .values(
                status="sent",
                delivered_id=bindparam("delivered"),
                attempts=table.c.attempts + 1,
                next_attempt_at=None,
            )
        )
        connection = await self.session.connection()
        await connection.execute(statement, [{"message_id": m, "delivered": d} for m, d in items])

    async def transcript(self, conversation_id: int, limit: int = 200) -> list[Message]:
        result = await self.session.execute(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(col(Message.id).desc())
            .limit(limit)
        )
        return list(reversed(result.scalars().all()))

    async def due_outbox(self, now: datetime, limit: int) -> list[Message]:
        result = await self.session.execute(
            select(Message)
            .where(
                Message.status == "pending",
                (col(Message.next_attempt_at).is_(None)) | (col(Message.next_attempt_at) <= now),
            )
            .order_by(col(Message.id))
            .limit(limit)
        )
        return list(result.scalars())

    async def pending(self, channel: str, now: datetime, limit: int) -> list[tuple[Message, str]]:
        result = await self.session.execute(
            select(Message, Conversation.chat_id)
            .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
            .where(
                Message.channel == channel,
                Message.status == "pending",
                (col(Message.next_attempt_at).is_(None)) | (col(Message.next_attempt_at) <= now),
            )
            .order_by(col(Message.id))
            .limit(limit)
        )
        return [(message, chat_id) for message, chat_id in result.all()]


class SqlOffers(_Repository):
    def add(self, offer: Offer) -> None:
        self.session.add(offer)

    async def for_conversation(self, conversation_id: int) -> list[Offer]:
        result = await self.session.execute(
            select(Offer).where(Offer.conversation_id == conversation_id).order_by(col(Offer.id))
        )
        return list(result.scalars())

    async def supersede(self, conversation_id: int) -> None:
        await self.session.execute(
            update(Offer)
            .where(col(Offer.conversation_id) == conversation_id, col(Offer.status) == "made")
            .values(status="superseded")
        )


class SqlArrangements(_Repository):
    async def add(self, arrangement: Arrangement, instalments: Sequence[Instalment]) -> None:
        self.session.add(arrangement)
        await self.session.flush()
        if arrangement.id is None:  # pragma: no cover - flush always assigns the key
            raise RuntimeError("arrangement has no id after flush")
        for instalment in instalments:
            instalment.arrangement_id = arrangement.id
            self.session.add(instalment)

    async def for_account(self, account_id: int) -> list[Arrangement]:
        result = await self.session.execute(
            select(Arrangement)
            .where(Arrangement.account_id == account_id)
            .order_by(col(Arrangement.id))
        )
        return list(result.scalars())

    async def instalments(self, arrangement_id: int) -> list[Instalment]:
        result = await self.session.execute(
            select(Instalment)
            .where(Instalment.arrangement_id == arrangement_id)
            .order_by(col(Instalment.seq))
        )
        return list(result.scalars())

    async def unreminded(self, first: date, last: date) -> list[tuple[Instalment, Arrangement]]:
        result = await self.session.execute(
            select(Instalment, Arrangement)
            .join(Arrangement, col(Arrangement.id) == col(Instalment.arrangement_id))
            .where(
                Arrangement.status == "active",
                col(Instalment.paid_at).is_(None),
                col(Instalment.reminded_at).is_(None),
                col(Instalment.due) >= first,
                col(Instalment.due) <= last,
            )
            .order_by(col(Instalment.due), col(Instalment.id))
        )
        return [(instalment, arrangement) for instalment, arrangement in result.all()]


class SqlHandoffs(_Repository):
    def add(self, handoff: Handoff) -> None:
        self.session.add(handoff)

    async def get(self, handoff_id: int) -> Handoff | None:
        return await self.session.get(Handoff, handoff_id)

    async def open_for(self, conversation_id: int) -> Handoff | None:
        result = await self.session.execute(
            select(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                col(Handoff.status).in_(("queued", "claimed")),
            )
            .order_by(col(Handoff.id).desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def by_agent_thread(self, thread_id: int) -> Handoff | None:
        result = await self.session.execute(
            select(Handoff)
            .where(Handoff.agent_thread == thread_id)
            .order_by(col(Handoff.id).desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def queue(self, limit: int = 100) -> list[Handoff]:
        result = await self.session.execute(
            select(Handoff)
            .where(col(Handoff.status).in_(("queued", "claimed")))
            .order_by(col(Handoff.priority), col(Handoff.created_at))
            .limit(limit)
        )
        return list(result.scalars())

    async def move(
        self,
        handoff_id: int,
        from_status: str,
        to_status: str,
        agent_id: int | None,
        now: datetime,
    ) -> bool:
        query = update(Handoff).where(
            col(Handoff.id) == handoff_id, col(Handoff.status) == from_status
        )
        if from_status == "claimed":
            query = query.where(col(Handoff.agent_id) == agent_id)
        values: dict[str, Any] = {"status": to_status}
        if to_status == "claimed":
            values.update(agent_id=agent_id, claimed_at=now)
        elif to_status == "queued":
            values.update(agent_id=None, claimed_at=None)
        else:
            values["ended_at"] = now
        result = await self.session.execute(
            query.values(**values).execution_options(synchronize_session=False)
        )
        moved = _rowcount(result) == 1
        if moved:  # the identity map may hold the row as it was: read it again
            cached = await self.session.get(Handoff, handoff_id)
            if cached is not None:
                await self.session.refresh(cached)
        return moved

    async def board(
        self, limit: int = 200
    ) -> list[tuple[Handoff, Conversation, Account | None, User | None]]:
        result = await self.session.execute(
            select(Handoff, Conversation, Account, User)
            .join(Conversation, col(Conversation.id) == col(Handoff.conversation_id))
            .outerjoin(Account, col(Account.id) == col(Handoff.account_id))
            .outerjoin(User, col(User.id) == col(Handoff.agent_id))
            .where(col(Handoff.status).in_(("queued", "claimed")))
            .order_by(col(Handoff.priority), col(Handoff.created_at), col(Handoff.id))
            .limit(limit)
        )
        return [(h, c, a, u) for h, c, a, u in result]

    async def unnotified(self, limit: int = 500) -> list[Handoff]:
        result = await self.session.execute(
            select(Handoff)
            .where(Handoff.status == "queued", col(Handoff.notified_at).is_(None))
            .order_by(col(Handoff.created_at))
            .limit(limit)
        )
        return list(result.scalars())

    async def claim_waits(self, since: datetime, limit: int = 1000) -> list[float]:
        result = await self.session.execute(
            select(Handoff.created_at, Handoff.claimed_at)
            .where(col(Handoff.claimed_at).is_not(None), col(Handoff.claimed_at) >= since)
            .order_by(col(Handoff.claimed_at).desc())
            .limit(limit)
        )
        return [
            (claimed - created).total_seconds()
            for created, claimed in result
            if claimed is not None
        ]

    async def for_conversation(self, conversation_id: int) -> list[Handoff]:
        result = await self.session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(col(Handoff.id))
        )
        return list(result.scalars())


def _rowcount(result: Any) -> int:
    """Rows an UPDATE matched (SQLAlchemy types execute() results without ``rowcount``)."""
    return int(getattr(result, "rowcount", 0) or 0)


class SqlApprovals(_Repository):
    def add(self, approval: Approval) -> None:
        self.session.add(approval)

    async def get(self, approval_id: int) -> Approval | None:
        return await self.session.get(Approval, approval_id)

    async def pending(self, limit: int = 100) -> list[Approval]:
        result = await self.session.execute(
            select(Approval)
            .where(Approval.status == "pending")
            .order_by(col(Approval.id))
            .limit(limit)
        )
        return list(result.scalars())

    async def for_handoff(self, handoff_id: int) -> list[Approval]:
        result = await self.session.execute(
            select(Approval).where(Approval.handoff_id == handoff_id).order_by(col(Approval.id))
        )
        return list(result.scalars())

    async def decide(
        self, approval_id: int, status: str, decided_by: int, note: str | None, now: datetime
    ) -> bool:
        result = await self.session.execute(
            update(Approval)
            .where(col(Approval.id) == approval_id, col(Approval.status) == "pending")
            .values(status=status, decided_by=decided_by, decided_at=now, decision_note=note)
            .execution_options(synchronize_session=False)
        )
        decided = _rowcount(result) == 1
        if decided:
            cached = await self.session.get(Approval, approval_id)
            if cached is not None:
                await self.session.refresh(cached)
        return decided


class SqlPolicies(_Repository):
    async def latest(self, segment: str) -> Policy | None:
        result = await self.session.execute(
            select(Policy)
            .where(Policy.segment == segment)
            .order_by(col(Policy.version).desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def history(self, segment: str) -> list[Policy]:
        result = await self.session.execute(
            select(Policy).where(Policy.segment == segment).order_by(col(Policy.version))
        )
        return list(result.scalars())

    async def segments(self) -> list[str]:
        result = await self.session.execute(
            select(Policy.segment).distinct().order_by(col(Policy.segment))
        )
        return list(result.scalars())

    async def add_version(
        self,
        segment: str,
        limits: Mapping[str, str],
        changes: Mapping[str, tuple[str | None, str]],
        created_by: str,
    ) -> Policy:
        current = await self.session.execute(
            select(func.max(col(Policy.version))).where(Policy.segment == segment)
        )
        version = (current.scalar_one_or_none() or 0) + 1
        policy = Policy(
            segment=segment,
            version=version,
            limits=dict(limits),
            changes={key: list(pair) for key, pair in changes.items()},
            created_by=created_by,
        )
        self.session.add(policy)
        await self.session.flush()
        return policy


class SqlAudit(_Repository):
    def append(
        self,
        kind: str,
        actor: str,
        data: Mapping[str, Any] | None = None,
        *,
        account_id: int | None = None,
        conversation_id: int | None = None,
        policy_version: int | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            kind=kind,
            actor=actor,
            data=dict(data or {}),
            account_id=account_id,
            conversation_id=conversation_id,
            policy_version=policy_version,
        )
        self.session.add(event)
        return event

    async def for_conversation(self, conversation_id: int) -> list[AuditEvent]:
        result = await self.session.execute(
            select(AuditEvent)
            .where(AuditEvent.conversation_id == conversation_id)
            .order_by(col(AuditEvent.id))
        )
        return list(result.scalars())

    async def recent(self, kind: str | None = None, limit: int = 100) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
        if kind is not None:
            query = query.where(AuditEvent.kind == kind)
        return list((await self.session.execute(query)).scalars())


class SqlContacts(_Repository):
    def record(self, account_id: int, channel: str, at: datetime, *, proactive: bool) -> None:
        self.session.add(
            ContactLog(account_id=account_id, channel=channel, at=at, proactive=proactive)
        )

    async def proactive_since(self, account_id: int, since: datetime) -> list[datetime]:
        result = await self.session.execute(
            select(ContactLog.at)
            .where(
                ContactLog.account_id == account_id,
                col(ContactLog.proactive).is_(True),
                col(ContactLog.at) >= since,
            )
            .order_by(col(ContactLog.at))
        )
        return list(result.scalars())


class SqlUsers(_Repository):
    def add(self, user: User) -> None:
        self.session.add(user)

    async def by_name(self, name: str) -> User | None:
        result = await self.session.execute(select(User).where(User.name == name))
        return result.scalar_one_or_none()

    async def by_token_hash(self, token_hash: str) -> User | None:
        result = await self.session.execute(select(User).where(User.token_hash == token_hash))
        return result.scalar_one_or_none()

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def everyone(self) -> list[User]:
        return list((await self.session.execute(select(User).order_by(col(User.name)))).scalars())

    def add_session(self, session: UserSession) -> None:
        self.session.add(session)

    async def find_session(self, session_hash: str) -> UserSession | None:
        return await self.session.get(UserSession, session_hash)

    async def end_sessions(self, user_id: int, session_hash: str | None = None) -> None:
        statement = (
            update(UserSession)
            .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
            .values(ended_at=utcnow())
        )
        if session_hash is not None:
            statement = statement.where(col(UserSession.id) == session_hash)
        await self.session.execute(statement)

    async def forget_sessions(self, now: datetime) -> None:
        await self.session.execute(
            delete(UserSession).where(
                (col(UserSession.expires_at) <= now) | col(UserSession.ended_at).is_not(None)
            )
        )
