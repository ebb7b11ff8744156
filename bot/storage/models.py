"""The tables. Amounts are :class:`Money` (exact), times are aware UTC.

Every lookup the bot makes per message has an index: conversation by (channel, chat),
inbound dedup by (channel, platform_id), identity by (channel, address), account by reference,
latest policy by (segment, version), open handoff by conversation, contacts by account and time,
pending outbox by (status, next_attempt_at).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import Money, UTCDateTime, utcnow


def _money(**kw: Any) -> Any:
    return Field(sa_type=Money, **kw)


def _time(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(sa_type=Text)
    dob_hash: str = Field(max_length=64)
    phone_last4_hash: str = Field(max_length=64)
    currency: str = Field(max_length=3)
    principal: Decimal = _money()
    interest: Decimal = _money()
    fees: Decimal = _money()
    apr: Decimal = _money()
    days_past_due: int
    segment: str = Field(max_length=64)
    jurisdiction: str = Field(max_length=16)
    timezone: str = Field(max_length=64)
    locale: str = Field(max_length=16)
    validation_end: date | None = None
    time_barred: bool = False
    # What is learned in conversation belongs to the account and holds on every channel.
    verification_failures: int = 0
    verification_locked_until: datetime | None = _time(default=None)
    disputed: bool = False
    created_at: datetime = _created()
    updated_at: datetime = _created()


class VerificationFailure(SQLModel, table=True):
    """One readable wrong pair of verification answers, on any channel (DESIGN §6).

    Failures count per account over a rolling window: the rows of the last 24 hours.
    """

    __tablename__ = "verification_failure"
    __table_args__ = (Index("ix_verification_failure_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    channel: str = Field(max_length=16)
    at: datetime = _created()


class ChannelIdentity(SQLModel, table=True):
    """A chat user on one channel, bound to an account once verified."""

    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_identity_address"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    verified_at: datetime | None = _time(default=None)
    opted_out_at: datetime | None = _time(default=None)
    opted_in_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


class Conversation(SQLModel, table=True):
    """One chat on one channel. ``context`` holds the dialog's own JSON state."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_conversation_chat"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    state: str = Field(default="greet", max_length=32)
    context: dict[str, Any] = _json()
    tone: str = Field(default="neutral", max_length=16)
    language: str = Field(default="en", max_length=16)
    language_chosen: bool = False
    mode: str = Field(default="bot", max_length=8)  # bot | agent
    step_count: int = 0
    last_inbound_at: datetime | None = _time(default=None)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Message(SQLModel, table=True):
    """The transcript, inbound and outbound; outbound rows double as the delivery outbox."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id", name="uq_message_platform_id"),
        Index("ix_message_conversation", "conversation_id", "id"),
        Index("ix_message_outbox", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=3)  # in | out
    sender: str = Field(default="debtor", max_length=16)  # debtor | bot | agent | system
    # Inbound: the platform's update/message id (dedup key). Outbound: null until delivered.
    platform_id: str | None = Field(default=None, max_length=64)
    text: str = Field(sa_type=Text)
    payload: dict[str, Any] = _json()  # buttons, message key, parameters
    status: str = Field(default="stored", max_length=12)  # stored | pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime | None = _time(default=None)
    delivered_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=500)
    policy_version: int | None = None
    created_at: datetime = _created()


class Offer(SQLModel, table=True):
    __tablename__ = "offer"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=32)
    terms: dict[str, Any] = _json()  # instalments, apr, waived, total, reason
    monthly: Decimal = _money()
    total: Decimal = _money()
    round: int = 0
    status: str = Field(default="made", max_length=12)  # made | accepted | superseded
    policy_version: int
    expires_at: datetime = _time()
    created_at: datetime = _created()


class Arrangement(SQLModel, table=True):
    __tablename__ = "arrangement"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    kind: str = Field(max_length=32)
    currency: str = Field(max_length=3)
    total: Decimal = _money()
    payment_reference: str = Field(max_length=32, unique=True)
    status: str = Field(default="active", max_length=12)  # active | kept | broken | cancelled
    policy_version: int
    created_at: datetime = _created()


class Instalment(SQLModel, table=True):
    __tablename__ = "instalment"
    __table_args__ = (UniqueConstraint("arrangement_id", "seq", name="uq_instalment_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    arrangement_id: int = Field(foreign_key="arrangement.id")
    seq: int
    due: date = Field(index=True)
    amount: Decimal = _money()
    paid_at: datetime | None = _time(default=None)
    reminded_at: datetime | None = _time(default=None)


class Handoff(SQLModel, table=True):
    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_queue", "status", "priority", "created_at"),
        Index("ix_handoff_conversation", "conversation_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    reason: str = Field(max_length=32)
    priority: int = 5
    status: str = Field(default="queued", max_length=12)  # queued | claimed | returned | closed
    agent_id: int | None = Field(default=None, foreign_key="app_user.id")
    target_seconds: int = 900
    callback_at: datetime | None = _time(default=None)
    summary: dict[str, Any] = _json()
    created_at: datetime = _created()
    claimed_at: datetime | None = _time(default=None)
    ended_at: datetime | None = _time(default=None)
    # When the debtor was told how long the wait may be (the target passed unclaimed).
    notified_at: datetime | None = _time(default=None)
    # The Telegram agent group's forum topic mirroring this handoff, if any.
    agent_thread: int | None = Field(default=None, sa_type=BigInteger, index=True)


class Approval(SQLModel, table=True):
    """A plan beyond the segment's limits that an agent wants to offer; an admin decides.

    The plan reaches the debtor only once approved (status pending -> approved | denied;
    ``sent`` once the approved message is in the outbox, ``refused`` when the outbound guard
    stopped it at that moment).
    """

    __tablename__ = "approval"
    __table_args__ = (Index("ix_approval_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    account_id: int = Field(foreign_key="account.id")
    requested_by: int = Field(foreign_key="app_user.id")
    plan: dict[str, Any] = _json()  # the ``offers --json`` option shape
    request: dict[str, Any] = _json()  # calculator input: monthly, holiday, overrides, option
    breaches: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_type=Text)  # the agent's words to the debtor
    status: str = Field(default="pending", max_length=12)
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = _time(default=None)
    decision_note: str | None = Field(default=None, sa_type=Text)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = _created()


class Policy(SQLModel, table=True):
    """One version of a segment's offer limits; a change adds a row, never edits one."""

    __tablename__ = "policy"
    __table_args__ = (UniqueConstraint("segment", "version", name="uq_policy_version"),)

    id: int | None = Field(default=None, primary_key=True)
    segment: str = Field(max_length=64)
    version: int
    limits: dict[str, Any] = _json()  # key -> decimal string
    changes: dict[str, Any] = _json()  # key -> [old, new]
    created_by: str = Field(max_length=64)
    created_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_conversation", "conversation_id", "id"),
        Index("ix_audit_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    kind: str = Field(max_length=48)
    actor: str = Field(max_length=64)  # bot | agent:NAME | admin:NAME | cli | system
    account_id: int | None = None
    conversation_id: int | None = None
    policy_version: int | None = None
    data: dict[str, Any] = _json()


class ContactLog(SQLModel, table=True):
    """Every message we started (proactive) or sent, for the frequency caps."""

    __tablename__ = "contact_log"
    __table_args__ = (Index("ix_contact_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    channel: str = Field(max_length=16)
    at: datetime = _created()
    proactive: bool = True
    kind: str = Field(default="message", max_length=32)


class User(SQLModel, table=True):
    """An agent or admin; only a hash of the token is kept."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=8)  # agent | admin
    token_hash: str = Field(max_length=64, unique=True, index=True)
    disabled: bool = False
    created_at: datetime = _created()


class UserSession(SQLModel, table=True):
    """A console or admin sign-in. The cookie carries a random id; only its SHA-256 is kept.
    Logging out ends it; disabling the user or rotating their token ends them all."""

    __tablename__ = "app_session"

    id: str = Field(primary_key=True, max_length=64)  # sha256 hex of the cookie's session id
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = _created()
    expires_at: datetime = _time()
    ended_at: datetime | None = _time(default=None)


metadata = SQLModel.metadata


def pk(
    row: Account | Conversation | Message | Offer | Arrangement | Handoff | User | Approval,
) -> int:
    """The primary key of a row that has been flushed (sqlmodel types it as optional)."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no primary key yet; flush first")
    return row.id
