"""Prometheus text exposition (format 0.0.4), written by hand: no client library needed.

Two sources. What only this process sees — how long each engine step took — is kept in
memory. Everything the database already records — messages, handoffs, offers,
arrangements, guard decisions — is counted there at scrape time, so the figures are the
same whichever process or channel did the work, and survive restarts. Those counts are
cached briefly so a burst of scrapes costs one set of queries.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.engine import Inbound, StepResult
from bot.storage.models import (
    Arrangement,
    AuditEvent,
    Conversation,
    Handoff,
    Instalment,
    Message,
    Offer,
)
from bot.storage.uow import SessionFactory

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
STEP_BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Labels = tuple[tuple[str, str], ...]


class InboundHandler(Protocol):
    """``Engine`` or ``HandoffDesk``: what a channel hands an inbound event to."""

    async def handle(self, inbound: Inbound) -> StepResult: ...


@dataclass(frozen=True)
class Family:
    """One metric family: its samples are (name suffix, labels, value)."""

    name: str
    kind: str  # counter | gauge | histogram
    help: str
    samples: tuple[tuple[str, Labels, float], ...] = ()


@dataclass
class Histogram:
    buckets: tuple[float, ...] = STEP_BUCKETS
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        index = bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.count += 1

    def samples(self, labels: Labels) -> list[tuple[str, Labels, float]]:
        out: list[tuple[str, Labels, float]] = []
        running = 0
        for bound, count in zip(self.buckets, self.counts, strict=True):
            running += count
            out.append(("_bucket", (*labels, ("le", _number(bound))), running))
        out.append(("_bucket", (*labels, ("le", "+Inf")), self.count))
        out.append(("_sum", labels, self.total))
        out.append(("_count", labels, self.count))
        return out


@dataclass
class Metrics:
    """In-process figures, plus the database's counts at scrape time."""

    clock: Callable[[], float] = time.perf_counter
    cache_seconds: float = 5.0
    _steps: dict[str, Histogram] = field(default_factory=dict)
    _counters: dict[tuple[str, Labels], float] = field(default_factory=dict)
    _help: dict[str, str] = field(default_factory=dict)
    _cached: tuple[float, tuple[Family, ...]] | None = None

    async def handle(self, handler: InboundHandler, inbound: Inbound) -> StepResult:
        """``handler.handle`` timed, for any channel."""
        started = self.clock()
        outcome = "error"
        try:
            result = await handler.handle(inbound)
            outcome = "duplicate" if result.duplicate else "handled"
            return result
        finally:
            elapsed = self.clock() - started
            if outcome == "handled":
                self._steps.setdefault(inbound.channel, Histogram()).observe(elapsed)
            self.count(
                "parley_steps_total",
                "Engine steps in this process, by channel and outcome.",
                channel=inbound.channel,
                outcome=outcome,
            )

    def count(self, name: str, help: str, by: float = 1, **labels: str) -> None:
        """Add to an in-process counter (``name`` ends in ``_total``)."""
        self._help[name] = help
        key = (name, tuple(sorted(labels.items())))
        self._counters[key] = self._counters.get(key, 0) + by

    def local_families(self) -> list[Family]:
        families = [
            Family(
                "parley_step_seconds",
                "histogram",
                "Time to handle one inbound event (lock, guard, dialog, persist), by channel.",
                tuple(
                    sample
                    for channel, histogram in sorted(self._steps.items())
                    for sample in histogram.samples((("channel", channel),))
                ),
            )
        ]
        by_name: dict[str, list[tuple[str, Labels, float]]] = {}
        for (name, labels), value in sorted(self._counters.items()):
            by_name.setdefault(name, []).append(("", labels, value))
        for name, samples in by_name.items():
            families.append(Family(name, "counter", self._help[name], tuple(samples)))
        return families

    async def exposition(self, factory: SessionFactory) -> str:
        now = self.clock()
        if self._cached is None or now - self._cached[0] > self.cache_seconds:
            async with factory() as session:
                self._cached = (now, tuple(await database_families(session)))
        return render([*self.local_families(), *self._cached[1]])


async def database_families(session: AsyncSession) -> list[Family]:
    """What the database records, as counters and gauges (one grouped query each)."""

    async def grouped(*columns: Any, where: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        query = select(*columns, func.count()).group_by(*columns)
        for condition in where:
            query = query.where(condition)
        return [tuple(row) for row in (await session.execute(query)).all()]

    messages = await grouped(Message.channel, Message.direction, Message.sender, Message.status)
    stored_in = _tally(messages, lambda c, d, s, st: (("channel", c),) if d == "in" else None)
    stored_out = _tally(
        messages, lambda c, d, s, st: (("channel", c), ("sender", s)) if d == "out" else None
    )
    outbox = _tally(messages, lambda c, d, s, st: (("channel", c),) if st == "pending" else None)
    blocked = _tally(
        messages, lambda c, d, s, st: (("sender", s),) if d == "out" and st == "blocked" else None
    )
    inbound_guard = await grouped(
        col(AuditEvent.data)["category"].as_string(), where=[AuditEvent.kind == "guard.inbound"]
    )
    handoffs = await grouped(Handoff.reason)
    queue = await grouped(Handoff.status, where=[col(Handoff.status).in_(("queued", "claimed"))])
    offers = await grouped(Offer.kind, Offer.status)
    arrangements = await grouped(Arrangement.kind)
    conversations = await grouped(Conversation.channel)
    kept = await grouped(col(Instalment.paid_at).is_not(None))

    def family(name: str, kind: str, help: str, rows: Iterable[tuple[Labels, float]]) -> Family:
        return Family(name, kind, help, tuple(("", labels, value) for labels, value in rows))

    return [
        family(
            "parley_messages_in_total",
            "counter",
            "Messages received from debtors, by channel.",
            stored_in,
        ),
        family(
            "parley_messages_out_total",
            "counter",
            "Messages written to debtors (bot, agent), by channel; blocked ones included.",
            stored_out,
        ),
        family(
            "parley_outbox_pending",
            "gauge",
            "Outbound messages waiting to be delivered, by channel.",
            outbox,
        ),
        family(
            "parley_guard_refusals_total",
            "counter",
            "Outbound messages the compliance guard refused to send, by sender.",
            blocked,
        ),
        family(
            "parley_guard_inbound_total",
            "counter",
            "Inbound messages in which the guard detected a category, by category.",
            [((("category", str(c or "unknown")),), n) for c, n in inbound_guard],
        ),
        family(
            "parley_handoffs_total",
            "counter",
            "Conversations handed to a person, by reason.",
            [((("reason", r),), n) for r, n in handoffs],
        ),
        family(
            "parley_handoff_queue",
            "gauge",
            "Handoffs not yet finished, by status (queued, claimed).",
            [((("status", s),), n) for s, n in queue],
        ),
        family(
            "parley_offers_total",
            "counter",
            "Plans offered to debtors, by kind.",
            _tally(offers, lambda kind, _status: (("kind", kind),)),
        ),
        family(
            "parley_offers_accepted_total",
            "counter",
            "Offered plans a debtor accepted, by kind.",
            [((("kind", k),), n) for k, status, n in offers if status == "accepted"],
        ),
        family(
            "parley_arrangements_total",
            "counter",
            "Repayment arrangements agreed, by plan kind.",
            [((("kind", k),), n) for k, n in arrangements],
        ),
        family(
            "parley_conversations_total",
            "counter",
            "Conversations started, by channel.",
            [((("channel", c),), n) for c, n in conversations],
        ),
        family(
            "parley_instalments_paid_total",
            "counter",
            "Instalments recorded as paid.",
            [((), n) for paid, n in kept if paid],
        ),
    ]


def _tally(
    rows: Iterable[tuple[Any, ...]], pick: Callable[..., Labels | None]
) -> list[tuple[Labels, float]]:
    """Sum grouped counts (the last column) under the labels ``pick`` gives each row."""
    totals: dict[Labels, float] = {}
    for *values, n in rows:
        labels = pick(*values)
        if labels is not None:
            totals[labels] = totals.get(labels, 0) + n
    return sorted(totals.items())


def render(families: Iterable[Family]) -> str:
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for suffix, labels, value in family.samples:
            lines.append(f"{family.name}{suffix}{_labels(labels)} {_number(value)}")
    return "\n".join(lines) + "\n"


def _labels(labels: Labels | Mapping[str, str]) -> str:
    pairs = labels.items() if isinstance(labels, Mapping) else labels
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape_value(v)}"' for k, v in pairs) + "}"


def _escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
