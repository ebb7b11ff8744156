"""The values that cross the boundary between the engine and the dialog.

The engine builds an :class:`Event` and a :class:`StepContext`, calls
``dialogs.step(snapshot, event, ctx)`` and gets an :class:`Outcome` back: the new state and
dialog data, the replies to render (message keys with parameters and buttons, no text and no
platform types), and the effects the engine must store. The dialog does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class State(StrEnum):
    GREET = "greet"
    VERIFY = "verify"
    DISCLOSE = "disclose"
    SITUATION = "situation"
    OFFER = "offer"
    NEGOTIATE = "negotiate"
    AGREE = "agree"
    HANDOFF = "handoff"
    CLOSED = "closed"
    STOPPED = "stopped"


class EventKind(StrEnum):
    START = "start"  # /start [REF] or START: a deep link, or opting back in
    TEXT = "text"  # free text
    BUTTON = "button"  # a button press: ``button`` holds the id
    HELP = "help"  # /help
    HUMAN = "human"  # /human
    LANGUAGE = "language"  # /language [LL]
    RESUME = "resume"  # an agent handed the conversation back (``text`` = state to resume)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


# Parameter values a reply may carry; the renderer formats each per locale.
Param = str | int | Decimal | date | Money | tuple["Param", ...]


@dataclass(frozen=True)
class Button:
    id: str
    key: str  # message key of the label
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    key: str  # message key; the renderer picks the variant for the tone and translates it
    params: Mapping[str, Param] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    states_debt: bool = False  # the reply says something about the debt (for outbound rules)
    # Further lines of the same message, rendered after this one (e.g. one line per plan).
    parts: tuple[Reply, ...] = ()


@dataclass(frozen=True)
class GuardHit:
    """What the inbound guard saw in this message (category "none" when nothing)."""

    category: str = "none"
    categories: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    kind: EventKind
    now: datetime
    text: str = ""
    button: str | None = None
    start_ref: str | None = None
    guard: GuardHit = GuardHit()
    client_language: str | None = None


@dataclass(frozen=True)
class AccountView:
    """An account as the dialog may see it. Verification hashes stay with the engine."""

    id: int
    reference: str
    full_name: str
    currency: str
    principal: Decimal
    interest: Decimal
    fees: Decimal
    apr: Decimal
    days_past_due: int
    segment: str
    jurisdiction: str
    timezone: str
    locale: str
    validation_end: date | None
    time_barred: bool
    verification_failures: int
    verification_locked_until: datetime | None
    disputed: bool

    @property
    def balance(self) -> Decimal:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True)
class StepContext:
    creditor_name: str
    language: str  # the locale replies will be rendered in
    language_chosen: bool
    account: AccountView | None  # the account bound to this conversation, if any
    # Accounts whose references appear in this event's text or deep link, resolved by the
    # engine so that the dialog can bind one without I/O.
    candidates: Mapping[str, AccountView]
    # verify(account, birth_date_candidates, last4) -> True when both match (keyed hashes).
    verify: Callable[[AccountView, Sequence[date], str], bool]
    limits: Mapping[str, str] | None  # the account's segment policy (DESIGN §8 keys)
    policy_version: int | None
    identity_verified: bool  # this chat user has verified for ``account`` before
    # The engine's keyed hashing of verification answers (DESIGN §5): with it, the birth
    # dates a debtor typed are kept between the two questions only as keyed hashes. None in
    # a dialog run without the engine (tests), which keeps ISO dates and calls ``verify``.
    sealed: SealedVerify | None = None


@dataclass(frozen=True)
class SealedVerify:
    # seal(born) -> the keyed hash of a birth date (HMAC with the secret key).
    seal: Callable[[date], str]
    # verify(account, sealed_birth_dates, last4) -> True when both match.
    verify: Callable[[AccountView, Sequence[str], str], bool]


@dataclass(frozen=True)
class Snapshot:
    state: State
    data: Mapping[str, Any]  # the dialog's own JSON-serialisable data
    tone: str = "neutral"


# --- effects: what the engine must store ---------------------------------------------------


@dataclass(frozen=True)
class BindAccount:
    account_id: int


@dataclass(frozen=True)
class VerificationFailed:
    account_id: int
    locked_until: datetime | None  # set on the failure that locks verification


@dataclass(frozen=True)
class VerificationPassed:
    account_id: int


@dataclass(frozen=True)
class OfferMade:
    """Plans proposed to the debtor, as JSON-ready dicts (the ``offers --json`` option shape)."""

    plans: tuple[Mapping[str, Any], ...]
    round: int
    expires_at: datetime


@dataclass(frozen=True)
class ArrangementAgreed:
    plan: Mapping[str, Any]  # the accepted option, ``offers --json`` option shape
    payment_reference: str


@dataclass(frozen=True)
class HandoffRequested:
    reason: str  # a guard category, human_requested, limits_reached, verification_locked,
    # approval_needed
    priority: int  # 0 is most urgent
    summary: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HandoffPriorityRaised:
    reason: str
    priority: int


@dataclass(frozen=True)
class OptedOut:
    pass


@dataclass(frozen=True)
class OptedIn:
    pass


@dataclass(frozen=True)
class LanguageChosen:
    locale: str


@dataclass(frozen=True)
class DisputeRecorded:
    account_id: int


@dataclass(frozen=True)
class Note:
    """Anything else worth an audit event (kind is dotted, e.g. ``dialog.situation``)."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


Effect = (
    BindAccount
    | VerificationFailed
    | VerificationPassed
    | OfferMade
    | ArrangementAgreed
    | HandoffRequested
    | HandoffPriorityRaised
    | OptedOut
    | OptedIn
    | LanguageChosen
    | DisputeRecorded
    | Note
)


@dataclass(frozen=True)
class Outcome:
    state: State
    data: Mapping[str, Any]
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
    tone: str = "neutral"
