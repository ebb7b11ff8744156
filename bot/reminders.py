"""Proactive reminders ahead of each instalment (``parley reminders run``).

A reminder is a proactive message, so every outbound rule applies: quiet hours in the
debtor's local time, the rolling contact caps from the contact log, the opt-out notice, and
no message at all to an address that opted out. A reminder the rules hold back now is left
for a later run (the command is meant for cron, e.g. every 15 minutes); one they refuse for
good is recorded and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.engine import Decision, Engine, OutboundFacts
from bot.storage.models import Account, Arrangement, Conversation, Instalment, Message, pk
from bot.storage.ports import UnitOfWork
from dialogs.model import Money, Reply

LEAD_DAYS = 3  # remind up to this many days before the due date (debtor's local calendar)
CAP_WINDOW = timedelta(days=7)  # the longest rolling window of any contact cap
UNDELIVERABLE = ("terminal",)  # channels with nobody listening between sessions


@dataclass(frozen=True)
class Result:
    reference: str
    due: date
    outcome: str  # sent | deferred | refused | skipped
    reasons: tuple[str, ...] = ()
    defer_until: datetime | None = None


async def run_reminders(engine: Engine, now: datetime) -> list[Result]:
    """Queue every reminder the rules allow now; returns what happened to each candidate."""
    results: list[Result] = []
    async with engine.uow() as uow:
        # Local dates differ by at most a day from UTC's: widen, then judge per debtor.
        first, last = now.date() - timedelta(days=1), now.date() + timedelta(days=LEAD_DAYS + 1)
        for instalment, arrangement in await uow.arrangements.unreminded(first, last):
            result = await _remind(engine, uow, instalment, arrangement, now)
            if result is not None:
                results.append(result)
        await uow.commit()
    return results


async def _remind(
    engine: Engine,
    uow: UnitOfWork,
    instalment: Instalment,
    arrangement: Arrangement,
    now: datetime,
) -> Result | None:
    account = await uow.accounts.get(arrangement.account_id)
    if account is None or arrangement.conversation_id is None:
        return None
    today = _local_today(account, now)
    if today is not None and not 0 <= (instalment.due - today).days <= LEAD_DAYS:
        return None  # not in this debtor's window yet (or already due)
    conversation = await uow.conversations.get(arrangement.conversation_id)
    if conversation is None:
        return None

    def result(outcome: str, decision: Decision | None = None, *why: str) -> Result:
        reasons = tuple(why) + (decision.reasons if decision else ())
        defer = decision.defer_until if decision else None
        return Result(account.reference, instalment.due, outcome, reasons, defer)

    if conversation.channel in UNDELIVERABLE:
        return result("skipped", None, f"the {conversation.channel} channel cannot be reached")
    identity = await uow.identities.get(conversation.channel, conversation.chat_id)
    if identity is not None and identity.opted_out_at is not None:
        return result("skipped", None, "opted_out: the debtor asked us to stop")
    prior = await uow.contacts.proactive_since(pk(account), now - CAP_WINDOW)
    reply = _reply(engine, account, arrangement, instalment)
    rendered = engine.render(reply, conversation.language, "neutral")
    decision = engine.outbound_guard(
        OutboundFacts(
            text=rendered.text,
            jurisdiction=account.jurisdiction,
            timezone=account.timezone,
            now=now,
            proactive=True,
            states_debt=True,
            first_debt_message=False,
            time_barred=account.time_barred,
            validation_end=account.validation_end,
            hardship_shown=False,
            creditor_name=engine.creditor_name,
            prior_proactive=tuple(prior),
        )
    )
    audit = {"arrangement": arrangement.payment_reference, "seq": instalment.seq}
    if not decision.allowed:
        outcome = "deferred" if decision.defer_until is not None else "refused"
        uow.audit.append(
            f"reminder.{outcome}",
            "system",
            {**audit, "reasons": list(decision.reasons)},
            account_id=pk(account),
            conversation_id=pk(conversation),
        )
        if outcome == "refused":
            instalment.reminded_at = now  # a rule refused it for good: do not retry forever
        return result(outcome, decision)
    _queue(uow, conversation, rendered.text, reply.key, now)
    uow.contacts.record(pk(account), conversation.channel, now, proactive=True)
    instalment.reminded_at = now
    uow.audit.append(
        "reminder.sent", "system", audit, account_id=pk(account), conversation_id=pk(conversation)
    )
    return result("sent")


def _reply(
    engine: Engine, account: Account, arrangement: Arrangement, instalment: Instalment
) -> Reply:
    return Reply(
        "reminder.instalment",
        {
            "creditor": engine.creditor_name,
            "number": instalment.seq,
            "amount": Money(instalment.amount, arrangement.currency),
            "due": instalment.due,
            "reference": arrangement.payment_reference,
        },
        states_debt=True,
    )


def _queue(
    uow: UnitOfWork, conversation: Conversation, text: str, key: str, now: datetime
) -> None:
    uow.messages.add(
        Message(
            conversation_id=pk(conversation),
            channel=conversation.channel,
            direction="out",
            sender="system",
            text=text,
            payload={"key": key, "buttons": [], "proactive": True},
            status="pending",
            next_attempt_at=now,
            created_at=now,
        )
    )


def _local_today(account: Account, now: datetime) -> date | None:
    try:
        return now.astimezone(ZoneInfo(account.timezone)).date()
    except (ValueError, KeyError):
        return None
