"""The admin dashboard's figures over a period of whole UTC days.

Each figure is one narrow query (timestamps and a label, never message text); the days are
counted here, so the same code serves SQLite and PostgreSQL without date functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select

from bot.offers import plain
from bot.offers.money import quantize
from bot.storage.models import Arrangement, AuditEvent, Conversation, Handoff, Instalment, Offer
from bot.storage.uow import SessionFactory

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


async def figures(factory: SessionFactory, period: Period, today: date) -> dict[str, Any]:
    async with factory() as session:

        async def rows(*columns: Any, where: Iterable[ColumnElement[bool]]) -> list[Any]:
            statement = select(*columns)
            for condition in where:
                statement = statement.where(condition)
            return [tuple(row) for row in (await session.execute(statement)).all()]

        def within(column: Any) -> list[ColumnElement[bool]]:
            return [col(column) >= period.start, col(column) < period.end]

        started = await rows(Conversation.created_at, where=within(Conversation.created_at))
        verified = await rows(
            AuditEvent.at,
            AuditEvent.conversation_id,
            where=[col(AuditEvent.kind) == "verification.passed", *within(AuditEvent.at)],
        )
        offered = await rows(
            AuditEvent.at,
            AuditEvent.conversation_id,
            where=[col(AuditEvent.kind) == "offer.made", *within(AuditEvent.at)],
        )
        plans = await rows(Offer.kind, Offer.status, where=within(Offer.created_at))
        agreed = await rows(
            Arrangement.created_at,
            Arrangement.kind,
            Arrangement.currency,
            Arrangement.total,
            where=within(Arrangement.created_at),
        )
        handed = await rows(Handoff.created_at, Handoff.reason, where=within(Handoff.created_at))
        due = await rows(
            Instalment.due,
            Instalment.paid_at,
            where=[col(Instalment.due) >= period.first, col(Instalment.due) <= period.last],
        )

    def per_day(stamps: Iterable[datetime]) -> Counter[date]:
        return Counter(stamp.astimezone(UTC).date() for stamp in stamps)

    days = {
        "conversations": per_day(r[0] for r in started),
        "verified": per_day(at for at, _ in _first_per_conversation(verified)),
        "offered": per_day(at for at, _ in _first_per_conversation(offered)),
        "arrangements": per_day(r[0] for r in agreed),
        "handoffs": per_day(r[0] for r in handed),
    }
    totals: dict[str, Decimal] = {}
    for _, _, currency, total in agreed:
        totals[currency] = totals.get(currency, Decimal(0)) + Decimal(total)
    kept = sum(1 for d, paid in due if paid is not None)
    missed = sum(1 for d, paid in due if paid is None and d < today)
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "conversations": len(started),
        "verified": len(_first_per_conversation(verified)),
        "offers": {
            "rounds": len(offered),
            "conversations": len(_first_per_conversation(offered)),
            "plans": len(plans),
            "accepted": sum(1 for _, status in plans if status == "accepted"),
            "by_kind": dict(sorted(Counter(kind for kind, _ in plans).items())),
        },
        "arrangements": {
            "count": len(agreed),
            "by_kind": dict(sorted(Counter(r[1] for r in agreed).items())),
            "totals": {c: plain(quantize(v, c)) for c, v in sorted(totals.items())},
        },
        "handoffs": {
            "count": len(handed),
            "by_reason": dict(sorted(Counter(r[1] for r in handed).items())),
        },
        "instalments": {
            "due": len(due),
            "kept": kept,
            "missed": missed,
            "upcoming": len(due) - kept - missed,
            "kept_rate": None if kept + missed == 0 else round(kept / (kept + missed), 4),
        },
        "days": [
            {"date": day.isoformat(), **{name: counts[day] for name, counts in days.items()}}
            for day in period.days()
        ],
    }


def _first_per_conversation(events: Iterable[tuple[datetime, int | None]]) -> list[Any]:
    """The first event of each conversation (events without one count on their own)."""
    first: dict[object, tuple[datetime, int | None]] = {}
    for index, (at, conversation) in enumerate(sorted(events, key=lambda e: e[0])):
        key: object = conversation if conversation is not None else ("event", index)
        first.setdefault(key, (at, conversation))
    return list(first.values())
