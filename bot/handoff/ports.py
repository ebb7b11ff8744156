"""What the handoff desk shows and what it needs from the outside, as values and Protocols.

A :class:`Ticket` is one handoff as the queue, the console and observers see it.
:class:`Delivery` is the hook a channel registers so that an agent's message, a hand-back
or a waiting notice is pushed at once instead of waiting for the channel's outbox sweep.
:class:`HandoffObserver` is told about every handoff event (the console's live hub is one;
the Telegram agent group, which mirrors each handoff into a forum topic, is another).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.engine import Outgoing


class Actor(Protocol):
    """A signed-in agent or admin (``bot.web.auth.Principal`` is one)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...


def actor_name(actor: Actor) -> str:
    """How the audit log names a person: ``agent:NAME`` or ``admin:NAME``."""
    return f"{actor.role}:{actor.name}"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One open or finished handoff, with what an agent needs to pick from the queue."""

    handoff_id: int
    conversation_id: int
    channel: str
    chat_id: str
    reference: str | None
    reason: str
    priority: int  # 0 is most urgent
    status: str  # queued | claimed | returned | closed
    agent: str | None  # the name of the agent holding it
    agent_id: int | None
    created_at: datetime
    waited_seconds: int  # until now, or until claimed
    target_seconds: int
    callback_at: datetime | None
    notified_at: datetime | None
    state: str  # the conversation's dialog state
    language: str
    tone: str

    @property
    def overdue(self) -> bool:
        return self.status == "queued" and self.waited_seconds > self.target_seconds

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.handoff_id,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "reference": self.reference,
            "reason": self.reason,
            "priority": self.priority,
            "status": self.status,
            "agent": self.agent,
            "created_at": self.created_at.isoformat(),
            "waited_seconds": self.waited_seconds,
            "target_seconds": self.target_seconds,
            "overdue": self.overdue,
            "callback_at": self.callback_at.isoformat() if self.callback_at else None,
            "notified_at": self.notified_at.isoformat() if self.notified_at else None,
            "state": self.state,
            "language": self.language,
            "tone": self.tone,
        }


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
    """What became of a plan: sent, refused (with reasons), pending_approval, denied."""

    status: str
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


class Delivery(Protocol):
    """A channel's immediate sender. ``push`` sends what it can and reports each message
    with ``Engine.delivered`` / ``Engine.delivery_failed``; it must not raise for platform
    errors. Whatever it does not send stays ``pending`` in the outbox for the sweep."""

    async def push(self, messages: Sequence[Outgoing]) -> None: ...


class HandoffObserver(Protocol):
    """Told after each change has been committed. A failing observer is logged and
    skipped: it never undoes or blocks the change."""

    async def opened(self, ticket: Ticket, summary: Mapping[str, Any]) -> None:
        """A new handoff is queued; ``summary`` is the dialog's context for the agent."""

    async def debtor_message(self, ticket: Ticket, text: str) -> None:
        """The debtor wrote while the conversation is handed off."""

    async def agent_message(self, ticket: Ticket, agent: str, text: str) -> None:
        """An agent's message passed the outbound guard and is in the outbox."""

    async def changed(self, ticket: Ticket, event: str) -> None:
        """claimed, released, escalated, notified, callback, refused, approval.*"""

    async def closed(self, ticket: Ticket, outcome: str) -> None:
        """The handoff ended: ``returned`` to the bot or ``closed``."""


class BaseObserver:
    """An observer that ignores everything: subclass it and override what you need."""

    async def opened(self, ticket: Ticket, summary: Mapping[str, Any]) -> None:
        return None

    async def debtor_message(self, ticket: Ticket, text: str) -> None:
        return None

    async def agent_message(self, ticket: Ticket, agent: str, text: str) -> None:
        return None

    async def changed(self, ticket: Ticket, event: str) -> None:
        return None

    async def closed(self, ticket: Ticket, outcome: str) -> None:
        return None
