"""The composition root: builds the engine from settings and storage, with the real dialog,
guard and renderer. Nothing below this module imports settings."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.commands.base import Storage
from bot.compliance import OutboundContext, check_outbound, detect
from bot.config import Settings
from bot.engine import Decision, Engine, OutboundFacts
from bot.i18n import client_locale, render
from bot.locks import LocalLocks, redis_locks
from dialogs import step
from dialogs.model import GuardHit


def inbound_guard(text: str, language: str) -> GuardHit:
    detection = detect(text, language)
    return GuardHit(
        category=detection.category.value,
        categories=tuple(c.value for c in detection.categories),
        evidence=detection.evidence,
    )


def outbound_guard(facts: OutboundFacts) -> Decision:
    if facts.proactive:
        return _outbound(facts)
    # A reply's verdict depends on its words and the account's facts, not on the hour: the
    # bot says the same sentences to many people, so judge each one once a day.
    return _reply_verdict(replace(facts, now=_local_noon(facts.now, facts.timezone)))


@lru_cache(maxsize=8192)
def _reply_verdict(facts: OutboundFacts) -> Decision:
    return _outbound(facts)


def _local_noon(now: datetime, timezone: str | None) -> datetime:
    """Noon of the debtor's own calendar day: dates (deadlines) are judged on that day."""
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ValueError, KeyError):
        zone = UTC
    return now.astimezone(zone).replace(hour=12, minute=0, second=0, microsecond=0)


def _outbound(facts: OutboundFacts) -> Decision:
    if facts.jurisdiction is None:
        # No account yet: nothing about a debt may be said, so only content rules apply;
        # the strictest profile's content rules are judged under the US profile's words.
        jurisdiction, states_debt = "US", False
    else:
        jurisdiction, states_debt = facts.jurisdiction, facts.states_debt
    verdict = check_outbound(
        facts.text,
        OutboundContext(
            jurisdiction=jurisdiction,
            now=facts.now,
            timezone=facts.timezone,
            proactive=facts.proactive,
            prior_proactive_contacts=facts.prior_proactive,
            states_debt=states_debt,
            is_first_debt_message=facts.first_debt_message and facts.jurisdiction is not None,
            time_barred=facts.time_barred,
            validation_end=facts.validation_end,
            hardship_shown=facts.hardship_shown,
            debt_advice_signposted=facts.debt_advice_signposted,
            creditor_name=facts.creditor_name,
        ),
    )
    return Decision(verdict.allowed, verdict.reasons, verdict.defer_until)


def build_engine(settings: Settings, storage: Storage) -> Engine:
    return Engine(
        uow=storage.uow,
        key=storage.key,
        step=step,
        inbound_guard=inbound_guard,
        outbound_guard=outbound_guard,
        render=render,
        client_locale=client_locale,
        creditor_name=settings.creditor_name,
        default_locale=settings.default_locale,
        locks=redis_locks(settings.redis_url) if settings.redis_url else LocalLocks(),
        writers=asyncio.Semaphore(1) if settings.is_sqlite else None,
    )
