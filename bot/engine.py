"""One step of a conversation: lock → load → guard → dialog → guard → persist → emit.

Channels turn platform updates into :class:`Inbound` values and call :meth:`Engine.handle`;
it returns the messages to deliver, already stored in the outbox in the same transaction as
the state change that produced them. The channel delivers them and reports back with
:meth:`Engine.delivered` / :meth:`Engine.delivery_failed`. Dialogs, guard rules and rendering
are injected, so this module knows no platform and no SQL.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from bot.effects import EffectWriter
from bot.identity import dob_hash, matches, phone_last4_hash
from bot.locks import ConversationLocks, LocalLocks
from bot.offers.policy import DEFAULT_LIMITS
from bot.storage.models import Account, ChannelIdentity, Conversation, Message, pk
from bot.storage.ports import UnitOfWork
from dialogs.model import (
    AccountView,
    Event,
    EventKind,
    GuardHit,
    Outcome,
    Reply,
    SealedVerify,
    Snapshot,
    State,
    StepContext,
    VerificationPassed,
)
from dialogs.states.verify import LOCK as VERIFY_WINDOW
from dialogs.states.waiting import WAITING_EVERY

MAX_TEXT = 4096  # characters of inbound text the engine keeps; the rest is cut
_REFERENCE = re.compile(r"\b[A-Za-z]{1,4}-?\d{3,10}\b")
ENGINE_KEY = "_engine"  # the engine's own bookkeeping inside the conversation context
EXPIRED_KEY = "button.expired"  # the reply to a button of an older message
# The dialog's line to a debtor who writes while waiting for a person (dialogs.states.waiting).
WAITING_KEYS = frozenset({"handoff.waiting", "handoff.waiting_urgent"})
HIDDEN_BEFORE = "hidden_before"  # engine data: disclosures before this message id are hidden
_DISCLOSED_STATES = frozenset({"disclose", "situation", "offer", "negotiate", "agree", "closed"})
_FORGET_ON_REVERIFY = ("verified", "dob", "dob_sealed")
# What the transcript keeps of a verification answer (DESIGN §6).
DOB_PLACEHOLDER = "[date of birth]"
PHONE_PLACEHOLDER = "[phone digits]"
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    "june|july|august|september|october|november|december"
)
_ANSWER_LIKE = re.compile(
    rf"[0-9０-９〇零一二两三四五六七八九十]|\b(?:{_MONTHS})\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Inbound:
    channel: str  # telegram | web | terminal
    chat_id: str  # the conversation's address on that channel
    kind: EventKind
    text: str = ""
    button: str | None = None
    start_ref: str | None = None
    platform_id: str | None = None  # update/message id: a repeat is processed once
    user_id: str | None = None  # the person on the channel (defaults to chat_id)
    client_language: str | None = None
    button_message: int | None = None  # the stored message whose button was pressed


@dataclass(frozen=True)
class Outgoing:
    message_id: int
    channel: str
    chat_id: str
    text: str
    buttons: tuple[tuple[str, str], ...]
    state: str
    handoff_reason: str | None = None


@dataclass(frozen=True)
class StepResult:
    duplicate: bool
    messages: tuple[Outgoing, ...] = ()
    state: str = ""
    handoffs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutboundFacts:
    text: str
    jurisdiction: str | None
    timezone: str | None
    now: datetime
    proactive: bool
    states_debt: bool
    first_debt_message: bool
    time_barred: bool
    validation_end: date | None
    hardship_shown: bool
    creditor_name: str
    debt_advice_signposted: bool = True
    prior_proactive: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...] = ()
    defer_until: datetime | None = None


class Rendered(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def buttons(self) -> tuple[tuple[str, str], ...]: ...


InboundGuard = Callable[[str, str], GuardHit]
OutboundGuard = Callable[[OutboundFacts], Decision]
Renderer = Callable[[Reply, str, str], Rendered]
Step = Callable[[Snapshot, Event, StepContext], Outcome]
LanguagePicker = Callable[[str | None, str], str]
UowFactory = Callable[[], UnitOfWork]


@dataclass
class Engine:
    uow: UowFactory
    key: bytes
    step: Step
    inbound_guard: InboundGuard
    outbound_guard: OutboundGuard
    render: Renderer
    client_locale: LanguagePicker
    creditor_name: str
    default_locale: str = "en"
    locks: ConversationLocks = field(default_factory=LocalLocks)
    # At most this many steps write at once (None: no bound). SQLite has one writer: steps
    # queued here wait in order instead of contending for its lock ("database is locked").
    writers: asyncio.Semaphore | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # A verified chat on these channels that has been idle this long must verify again
    # before anything more about the debt (a shared device: the web chat).
    reverify_after: Mapping[str, timedelta] = field(
        default_factory=lambda: {"web": timedelta(minutes=30)}
    )

    async def handle(self, inbound: Inbound) -> StepResult:
        """Process one inbound event; returns what to deliver (already in the outbox)."""
        text = inbound.text[:MAX_TEXT]
        key = f"{inbound.channel}:{inbound.chat_id}"
        async with self.locks(key), self._writing(), self.uow() as uow:
            now = self.clock()
            conversation = await self._conversation(uow, inbound, now)
            stored = await uow.messages.add_inbound(
                pk(conversation),
                inbound.channel,
                inbound.platform_id,
                stored_text(conversation, inbound.kind, text),
                _inbound_payload(inbound),
            )
            if stored is None:
                return StepResult(duplicate=True, state=conversation.state)
            result = await self._step(uow, conversation, replace(inbound, text=text), now, stored)
            await uow.commit()
            return result

    def reverify_due(self, conversation: Conversation, now: datetime) -> bool:
        """The chat verified, then went quiet for ``reverify_after`` on its channel (while
        the bot has it): its next message is asked to verify again."""
        limit = self.reverify_after.get(conversation.channel)
        last = conversation.last_inbound_at
        return (
            limit is not None
            and last is not None
            and conversation.mode == "bot"
            and conversation.state in _DISCLOSED_STATES
            and bool(conversation.context.get("verified"))
            and now - _aware(last) >= limit
        )

    def disclosure_hidden(self, conversation: Conversation, now: datetime) -> int | None:
        """While a chat must verify again, its disclosures stay hidden: the id of the first
        message shown again (messages before it, from the first that carried debt details,
        are hidden), or 0 when hidden from then on; None when nothing is hidden."""
        if self.reverify_due(conversation, now):
            return 0
        hidden = conversation.context.get(ENGINE_KEY, {}).get(HIDDEN_BEFORE)
        return hidden if isinstance(hidden, int) else None

    def _reverify(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        identity: ChannelIdentity,
        inbound_id: int,
    ) -> None:
        """Forget that this chat verified: back to the date of birth, disclosures hidden
        until it verifies again (the conversation and what was agreed stay)."""
        context = {k: v for k, v in conversation.context.items() if k not in _FORGET_ON_REVERIFY}
        context["verify_step"] = "dob"
        context[ENGINE_KEY] = {**context.get(ENGINE_KEY, {}), HIDDEN_BEFORE: inbound_id}
        uow.audit.append(
            "verification.expired_idle",
            "bot",
            {"state": conversation.state},
            account_id=conversation.account_id,
            conversation_id=conversation.id,
        )
        conversation.context = context
        conversation.state = State.VERIFY.value
        identity.verified_at = None

    async def _conversation(
        self, uow: UnitOfWork, inbound: Inbound, now: datetime
    ) -> Conversation:
        conversation = await uow.conversations.for_chat(inbound.channel, inbound.chat_id)
        if conversation is None:
            conversation = Conversation(
                channel=inbound.channel,
                chat_id=inbound.chat_id,
                language=self.client_locale(inbound.client_language, self.default_locale),
                created_at=now,
                updated_at=now,
            )
            uow.conversations.add(conversation)
            await uow.conversations.flush()
        return conversation

    async def _step(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        inbound: Inbound,
        now: datetime,
        inbound_id: int,
    ) -> StepResult:
        # The account's row stays locked to the end of the step: its steps on several chats
        # (verification failures count per account) run one after the other.
        account = (
            await uow.accounts.get_for_update(conversation.account_id)
            if conversation.account_id
            else None
        )
        failures = await self._failures(uow, account, now)
        identity = await self._identity(uow, inbound, now)
        if self.reverify_due(conversation, now):
            self._reverify(uow, conversation, identity, inbound_id)
        language = self._language(conversation, account, identity, inbound)
        guard = self.inbound_guard(inbound.text, language) if inbound.text else GuardHit()
        if guard.category != "none":
            uow.audit.append(
                "guard.inbound",
                "bot",
                {
                    "category": guard.category,
                    "categories": list(guard.categories),
                    "evidence": list(guard.evidence),
                    "state": conversation.state,
                },
                account_id=conversation.account_id,
                conversation_id=conversation.id,
            )
        event = Event(
            kind=inbound.kind,
            now=now,
            text=inbound.text,
            button=inbound.button,
            start_ref=inbound.start_ref,
            guard=guard,
            client_language=inbound.client_language,
        )
        context = await self._context(
            uow, conversation, account, identity, inbound, language, failures
        )
        engine_data = dict(conversation.context.get(ENGINE_KEY, {}))
        dialog_data = {k: v for k, v in conversation.context.items() if k != ENGINE_KEY}
        snapshot = Snapshot(State(conversation.state), dialog_data, conversation.tone)
        if _stale(inbound, snapshot.state, engine_data):
            # A button of an older message: the flow has moved on, so it does nothing.
            outcome = Outcome(
                snapshot.state, snapshot.data, (Reply(EXPIRED_KEY),), tone=snapshot.tone
            )
        else:
            outcome = self.step(snapshot, event, context)

        if snapshot.state is State.HANDOFF and any(r.key in WAITING_KEYS for r in outcome.replies):
            outcome = await self._while_claimed(uow, conversation, outcome)
        writer = EffectWriter(uow, conversation, identity, now, context.policy_version)
        await writer.apply(outcome.effects)
        if any(isinstance(effect, VerificationPassed) for effect in outcome.effects):
            engine_data.pop(HIDDEN_BEFORE, None)  # verified again: all of it may show
        account = (
            await uow.accounts.get(conversation.account_id) if conversation.account_id else None
        )
        language = self._language(conversation, account, identity, inbound)
        if guard.category == "hardship":
            engine_data["hardship_shown"] = True

        messages = await self._messages(
            conversation, account, outcome.replies, language, outcome.tone, engine_data, now, uow
        )
        conversation.state = outcome.state.value
        conversation.tone = outcome.tone
        conversation.language = language
        conversation.context = {**outcome.data, ENGINE_KEY: engine_data}
        conversation.step_count += 1
        conversation.last_inbound_at = now
        conversation.updated_at = now
        if outcome.state is State.HANDOFF:
            conversation.mode = "agent"
        await uow.conversations.flush()
        outgoing = tuple(
            Outgoing(
                message_id=pk(m),
                channel=m.channel,
                chat_id=conversation.chat_id,
                text=m.text,
                buttons=tuple((b["id"], b["label"]) for b in m.payload.get("buttons", [])),
                state=conversation.state,
            )
            for m in messages
        )
        return StepResult(False, outgoing, conversation.state, writer.handoffs)

    async def _while_claimed(
        self, uow: UnitOfWork, conversation: Conversation, outcome: Outcome
    ) -> Outcome:
        """The dialog's "the team has your message" is for a debtor still waiting: once an
        agent holds the handoff (and reads each message as it comes), or just after the
        desk's own waiting notice said how long it may take, it is not sent."""
        handoff = await uow.handoffs.open_for(pk(conversation))
        notified = handoff.notified_at if handoff is not None else None
        told = notified is not None and self.clock() - _aware(notified) < WAITING_EVERY
        if handoff is None or (handoff.status == "queued" and not told):
            return outcome
        kept = tuple(r for r in outcome.replies if r.key not in WAITING_KEYS)
        return replace(outcome, replies=kept)

    async def _messages(
        self,
        conversation: Conversation,
        account: Account | None,
        replies: Sequence[Reply],
        language: str,
        tone: str,
        engine_data: dict[str, Any],
        now: datetime,
        uow: UnitOfWork,
    ) -> list[Message]:
        """Render, guard and store the step's replies.

        Content rules are judged per message; required notices over the step's messages
        together (the notice may stand in the next message of the same reply).
        """
        rendered = [self.render(reply, language, tone) for reply in replies]
        base = OutboundFacts(
            text="",
            jurisdiction=account.jurisdiction if account else None,
            timezone=account.timezone if account else None,
            now=now,
            proactive=False,
            states_debt=False,
            first_debt_message=False,
            time_barred=account.time_barred if account else False,
            validation_end=account.validation_end if account else None,
            hardship_shown=False,
            debt_advice_signposted=True,
            creditor_name=self.creditor_name,
        )
        states_debt = any(reply.states_debt for reply in replies)
        hardship = bool(engine_data.get("hardship_shown"))
        notices = self.outbound_guard(
            replace(
                base,
                text="\n\n".join(r.text for r in rendered),
                states_debt=states_debt,
                first_debt_message=states_debt and not engine_data.get("debt_stated", False),
                hardship_shown=hardship,
                debt_advice_signposted=bool(engine_data.get("debt_advice_signposted")),
            )
        )
        stored: list[Message] = []
        for reply, text in zip(replies, rendered, strict=True):
            verdict = self.outbound_guard(replace(base, text=text.text))
            reasons = verdict.reasons
            if reply.states_debt and not notices.allowed:
                reasons += notices.reasons
            message = Message(
                conversation_id=pk(conversation),
                channel=conversation.channel,
                direction="out",
                sender="bot",
                text=text.text,
                payload={
                    "key": reply.key,
                    "buttons": [{"id": b, "label": label} for b, label in text.buttons],
                    **({"debt": True} if reply.states_debt else {}),
                },
                status="blocked" if reasons else "pending",
                next_attempt_at=now,
                created_at=now,
            )
            uow.messages.add(message)
            if reasons:
                uow.audit.append(
                    "guard.outbound.blocked",
                    "bot",
                    {"key": reply.key, "reasons": list(reasons)},
                    account_id=conversation.account_id,
                    conversation_id=conversation.id,
                )
                continue
            stored.append(message)
        with_buttons = [m for m in stored if m.payload["buttons"]]
        if with_buttons:
            # Every message of the latest reply that carries buttons stays live: one reply
            # may offer a person in one message and ask the next question in another.
            await uow.conversations.flush()
            engine_data["buttons_messages"] = [pk(m) for m in with_buttons]
        if stored and notices.allowed:
            if states_debt:
                engine_data["debt_stated"] = True
            if hardship:
                engine_data["debt_advice_signposted"] = True
        return stored

    async def _identity(self, uow: UnitOfWork, inbound: Inbound, now: datetime) -> ChannelIdentity:
        address = inbound.user_id or inbound.chat_id
        identity = await uow.identities.get(inbound.channel, address)
        if identity is None:
            identity = ChannelIdentity(channel=inbound.channel, address=address, created_at=now)
            uow.identities.add(identity)
        return identity

    def _language(
        self,
        conversation: Conversation,
        account: Account | None,
        identity: ChannelIdentity,
        inbound: Inbound,
    ) -> str:
        """DESIGN §6: a /language choice wins; after verification the account's locale;
        before it the chat client's language or the default."""
        if conversation.language_chosen:
            return conversation.language
        if account is not None and _verified(identity, account):
            return self.client_locale(account.locale, self.default_locale)
        if inbound.client_language:
            return self.client_locale(inbound.client_language, self.default_locale)
        return conversation.language or self.default_locale

    async def _context(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        account: Account | None,
        identity: ChannelIdentity,
        inbound: Inbound,
        language: str,
        failures: int,
    ) -> StepContext:
        candidates: dict[str, AccountView] = {}
        known: list[Account] = [account] if account is not None else []
        for reference in _references(inbound):
            found = await uow.accounts.by_reference(reference)
            if found is not None:
                counted = failures if account is not None and found.id == account.id else None
                if counted is None:
                    counted = await self._failures(uow, found, self.clock())
                candidates[found.reference] = account_view(found, counted)
                known.append(found)
        limits: Mapping[str, str] | None = None
        version: int | None = None
        if account is not None:
            policy = await uow.policies.latest(account.segment) or await uow.policies.latest(
                "default"
            )
            if policy is not None:
                limits, version = dict(policy.limits), policy.version
            else:  # a fresh database: the built-in default segment, shown as version 0
                limits, version = DEFAULT_LIMITS.as_strings(), 0
        return StepContext(
            creditor_name=self.creditor_name,
            language=language,
            language_chosen=conversation.language_chosen,
            account=account_view(account, failures) if account else None,
            candidates=candidates,
            verify=self._verifier(known),
            sealed=SealedVerify(seal=self._seal, verify=self._sealed_verifier(known)),
            limits=limits,
            policy_version=version,
            identity_verified=_verified(identity, account),
        )

    async def _failures(self, uow: UnitOfWork, account: Account | None, now: datetime) -> int:
        """The account's verification failures in the rolling window, on every channel."""
        if account is None or account.id is None:
            return 0
        return await uow.verification_failures.count_since(account.id, now - VERIFY_WINDOW)

    def _verifier(
        self, accounts: Sequence[Account]
    ) -> Callable[[AccountView, Sequence[date], str], bool]:
        hashes = {a.id: (a.dob_hash, a.phone_last4_hash) for a in accounts}

        def verify(account: AccountView, birth_dates: Sequence[date], last4: str) -> bool:
            """Both must match; which one failed is never revealed to the caller."""
            stored = hashes.get(account.id)
            if stored is None:
                return False
            dob_ok = any(matches(stored[0], dob_hash(self.key, born)) for born in birth_dates)
            phone_ok = matches(stored[1], phone_last4_hash(self.key, last4))
            return dob_ok and phone_ok

        return verify

    def _seal(self, born: date) -> str:
        return dob_hash(self.key, born)

    def _sealed_verifier(
        self, accounts: Sequence[Account]
    ) -> Callable[[AccountView, Sequence[str], str], bool]:
        hashes = {a.id: (a.dob_hash, a.phone_last4_hash) for a in accounts}

        def verify(account: AccountView, sealed: Sequence[str], last4: str) -> bool:
            """Both must match; which one failed is never revealed to the caller."""
            stored = hashes.get(account.id)
            if stored is None:
                return False
            dob_ok = any(matches(stored[0], candidate) for candidate in sealed)
            phone_ok = matches(stored[1], phone_last4_hash(self.key, last4))
            return dob_ok and phone_ok

        return verify

    async def close(self) -> None:
        """Release what the engine holds outside the database (a Redis connection)."""
        close = getattr(self.locks, "close", None)
        if close is not None:
            await close()

    async def pending(self, channel: str, now: datetime, limit: int = 1000) -> list[Outgoing]:
        """Stored replies not yet delivered on ``channel`` (after a restart), oldest first."""
        async with self.uow() as uow:
            rows = await uow.messages.pending(channel, now, limit)
        return [
            Outgoing(
                message_id=pk(message),
                channel=channel,
                chat_id=chat_id,
                text=message.text,
                buttons=tuple((b["id"], b["label"]) for b in message.payload.get("buttons", [])),
                state="",
            )
            for message, chat_id in rows
        ]

    def _writing(self) -> AbstractAsyncContextManager[object]:
        return self.writers if self.writers is not None else nullcontext()

    async def delivered(self, message_id: int, platform_message_id: str | None) -> None:
        await self.delivered_many([(message_id, platform_message_id)])

    async def delivered_many(self, items: Sequence[tuple[int, str | None]]) -> None:
        """Mark messages sent, in one transaction (a channel batches its confirmations)."""
        if not items:
            return
        async with self._writing(), self.uow() as uow:
            await uow.messages.mark_sent(items)
            await uow.commit()

    async def delivery_failed(
        self, message_id: int, error: str, *, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt; ``retry_at`` None means the platform refused for good."""
        async with self._writing(), self.uow() as uow:
            message = await uow.messages.get(message_id)
            if message is None or message.status == "sent":
                return
            message.attempts += 1
            message.error = error[:500]
            message.status = "pending" if retry_at is not None else "failed"
            message.next_attempt_at = retry_at
            await uow.commit()


def account_view(account: Account, failures: int | None = None) -> AccountView:
    """What the dialog may see; ``failures``: those in the rolling window (stored count when
    not given)."""
    return AccountView(
        id=pk(account),
        reference=account.reference,
        full_name=account.full_name,
        currency=account.currency,
        principal=Decimal(account.principal),
        interest=Decimal(account.interest),
        fees=Decimal(account.fees),
        apr=Decimal(account.apr),
        days_past_due=account.days_past_due,
        segment=account.segment,
        jurisdiction=account.jurisdiction,
        timezone=account.timezone,
        locale=account.locale,
        validation_end=account.validation_end,
        time_barred=account.time_barred,
        verification_failures=account.verification_failures if failures is None else failures,
        verification_locked_until=account.verification_locked_until,
        disputed=account.disputed,
    )


def stored_text(conversation: Conversation, kind: EventKind, text: str) -> str:
    """The inbound text as the transcript keeps it (DESIGN §6): an answer to a verification
    question becomes a placeholder.

    While a conversation is in ``verify`` (bound to an account, or to a reference that
    matches none) and not yet verified, a typed message that
    could carry the answer (any digit, a Chinese numeral, a month name) is stored as
    ``[date of birth]`` or ``[phone digits]``, by the question pending; the whole message,
    not just the figures, so that no date form the reader understands is kept by mistake.
    Other words (a question, "I need a person") are kept as typed. The guard and the dialog
    still read the real text; only the stored copy is redacted.
    """
    context = conversation.context
    if (
        kind is not EventKind.TEXT
        or conversation.state != State.VERIFY.value
        or (conversation.account_id is None and not context.get("unmatched"))
        or context.get("verified")
        or not _ANSWER_LIKE.search(text)
    ):
        return text
    return PHONE_PLACEHOLDER if context.get("verify_step") == "phone" else DOB_PLACEHOLDER


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _stale(inbound: Inbound, state: State, engine_data: Mapping[str, Any]) -> bool:
    if inbound.kind is not EventKind.BUTTON or inbound.button_message is None:
        return False
    if state in (State.STOPPED, State.HANDOFF):
        return False  # the dialog keeps these silent, old buttons included
    return inbound.button_message not in engine_data.get("buttons_messages", ())


def _verified(identity: ChannelIdentity, account: Account | None) -> bool:
    return bool(account and identity.account_id == account.id and identity.verified_at)


def _references(inbound: Inbound) -> list[str]:
    found = [inbound.start_ref] if inbound.start_ref else []
    found += [m.group(0).upper() for m in _REFERENCE.finditer(inbound.text[:512])]
    return list(dict.fromkeys(r for r in found if r))[:3]


def _inbound_payload(inbound: Inbound) -> dict[str, Any]:
    payload: dict[str, Any] = {"kind": inbound.kind.value}
    if inbound.button:
        payload["button"] = inbound.button[:64]
    if inbound.start_ref:
        payload["start_ref"] = inbound.start_ref[:64]
    return payload
