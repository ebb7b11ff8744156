"""Judging and storing what the desk sends: the same outbound guard as the bot's.

Every message an agent writes, every approved plan, every waiting notice and callback
confirmation goes through :func:`judge` (the injected outbound guard, plus the opt-out the
guard cannot see) and is stored by :func:`store`: ``pending`` in the outbox when allowed,
``blocked`` with its reasons when not, so the transcript shows what was tried and why it was
stopped, and nothing blocked is ever delivered.

How a message is judged (DESIGN §7):

- it is a *reply* when the debtor wrote within :data:`REPLY_WINDOW` (allowed at any
  hour); otherwise it is *proactive*: quiet hours, the contact caps, the opt-out notice and
  (CN) the creditor's name apply, and a sent one is recorded in the contact log;
- content rules (threats, impersonation, legal threats on time-barred debt, deadlines
  inside a US validation period, ...) apply to every message;
- a free-text agent message cannot be known to talk about the debt, so it is judged as
  stating it only when it would be the first message about the debt to a verified debtor
  (then the US debt-collector notice is required); a plan always states the debt;
- nothing is sent to a debtor who stopped contact (STOP), whatever the guard says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.engine import ENGINE_KEY, Decision, OutboundFacts, OutboundGuard, Outgoing
from bot.storage.models import Account, ChannelIdentity, Conversation, Message, pk
from bot.storage.ports import UnitOfWork

REPLY_WINDOW = timedelta(hours=1)
CAP_WINDOW = timedelta(days=7)
OPTED_OUT = "opted_out: the debtor asked us to stop contacting them; nothing may be sent"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Everything the guard needs about the person a message goes to."""

    conversation: Conversation
    account: Account | None
    identity: ChannelIdentity | None

    @property
    def verified(self) -> bool:
        identity, account = self.identity, self.account
        return bool(
            identity and account and identity.account_id == account.id and identity.verified_at
        )

    @property
    def opted_out(self) -> bool:
        stopped = self.conversation.state == "stopped"
        return stopped or bool(self.identity and self.identity.opted_out_at is not None)

    @property
    def engine_data(self) -> dict[str, Any]:
        return dict(self.conversation.context.get(ENGINE_KEY, {}))


async def recipient(uow: UnitOfWork, conversation: Conversation) -> Recipient:
    account = await uow.accounts.get(conversation.account_id) if conversation.account_id else None
    identity = await uow.identities.get(conversation.channel, conversation.chat_id)
    return Recipient(conversation, account, identity)


@dataclass(frozen=True, slots=True)
class Judgement:
    decision: Decision
    proactive: bool
    first_debt_message: bool


async def judge(
    uow: UnitOfWork,
    guard: OutboundGuard,
    creditor_name: str,
    to: Recipient,
    text: str,
    now: datetime,
    *,
    states_debt: bool = False,
    proactive: bool | None = None,
) -> Judgement:
    """What the outbound rules say about sending ``text`` to ``to`` now; stores nothing."""
    conversation, account = to.conversation, to.account
    data = to.engine_data
    if proactive is None:
        last = conversation.last_inbound_at
        proactive = last is None or now - last > REPLY_WINDOW
    first = to.verified and not data.get("debt_stated", False)
    prior: list[datetime] = []
    if proactive and account is not None:
        prior = await uow.contacts.proactive_since(pk(account), now - CAP_WINDOW)
    facts = OutboundFacts(
        text=text,
        jurisdiction=account.jurisdiction if account else None,
        timezone=account.timezone if account else None,
        now=now,
        proactive=proactive,
        states_debt=states_debt or first,
        first_debt_message=first,
        time_barred=account.time_barred if account else False,
        validation_end=account.validation_end if account else None,
        hardship_shown=bool(data.get("hardship_shown")),
        creditor_name=creditor_name,
        debt_advice_signposted=bool(data.get("debt_advice_signposted")),
        prior_proactive=tuple(prior),
    )
    decision = guard(facts)
    if to.opted_out:
        decision = replace(
            decision, allowed=False, reasons=(OPTED_OUT, *decision.reasons), defer_until=None
        )
    return Judgement(decision, proactive, first)


async def store(
    uow: UnitOfWork,
    to: Recipient,
    text: str,
    judgement: Judgement,
    now: datetime,
    *,
    sender: str,
    actor: str,
    payload: dict[str, Any],
) -> Message:
    """Put the message in the outbox (or keep it ``blocked``) and audit the decision."""
    conversation, decision = to.conversation, judgement.decision
    message = Message(
        conversation_id=pk(conversation),
        channel=conversation.channel,
        direction="out",
        sender=sender,
        text=text,
        payload={**payload, "by": actor, "reasons": list(decision.reasons)},
        status="pending" if decision.allowed else "blocked",
        next_attempt_at=now,
        created_at=now,
    )
    uow.messages.add(message)
    await uow.conversations.flush()
    audit = {"message_id": pk(message), "sender": sender, "chars": len(text)}
    if not decision.allowed:
        audit["reasons"] = list(decision.reasons)
        audit["defer_until"] = decision.defer_until.isoformat() if decision.defer_until else None
        uow.audit.append(
            "guard.outbound.blocked",
            actor,
            audit,
            account_id=conversation.account_id,
            conversation_id=conversation.id,
        )
        return message
    uow.audit.append(
        f"{sender}.message",
        actor,
        {**audit, "proactive": judgement.proactive},
        account_id=conversation.account_id,
        conversation_id=conversation.id,
    )
    if judgement.proactive and to.account is not None:
        uow.contacts.record(pk(to.account), conversation.channel, now, proactive=True)
    data = to.engine_data
    if judgement.first_debt_message:
        data["debt_stated"] = True
    if data.get("hardship_shown"):
        data["debt_advice_signposted"] = True  # the guard let it through: the notice is in it
    conversation.context = {**conversation.context, ENGINE_KEY: data}
    return message


def outgoing(message: Message, conversation: Conversation) -> Outgoing:
    return Outgoing(
        message_id=pk(message),
        channel=message.channel,
        chat_id=conversation.chat_id,
        text=message.text,
        buttons=tuple((b["id"], b["label"]) for b in message.payload.get("buttons", [])),
        state=conversation.state,
    )
