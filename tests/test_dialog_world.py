"""A tiny pure driver for the dialog, and the accounts it talks about.

The driver feeds events to ``dialogs.step`` and keeps nothing but the snapshot: the
account a conversation is bound to and the language it chose are read back from the
snapshot's own data, as the engine would load them. No engine, no storage, no I/O
beyond reading the demo policy file. Other dialog tests import from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import render
from dialogs import step
from dialogs.model import (
    AccountView,
    Event,
    EventKind,
    GuardHit,
    Outcome,
    Reply,
    Snapshot,
    State,
    StepContext,
)

CREDITOR = "Parley Demo Lending"
NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
POLICIES: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).resolve().parents[1] / "bot" / "demo" / "policies.json").read_text()
)


@dataclass(frozen=True)
class Person:
    account: AccountView
    born: date
    last4: str


def _account(id: int, reference: str, **values: object) -> AccountView:
    base: dict[str, object] = {
        "id": id,
        "reference": reference,
        "full_name": "Test Person",
        "currency": "CNY",
        "principal": Decimal("12000.00"),
        "interest": Decimal("860.50"),
        "fees": Decimal("200.00"),
        "apr": Decimal("18.25"),
        "days_past_due": 45,
        "segment": "cn-card-early",
        "jurisdiction": "CN",
        "timezone": "Asia/Shanghai",
        "locale": "zh_CN",
        "validation_end": None,
        "time_barred": False,
        "verification_failures": 0,
        "verification_locked_until": None,
        "disputed": False,
    }
    base.update(values)
    return AccountView(**base)  # type: ignore[arg-type]


_US = {
    "currency": "USD",
    "principal": Decimal("4200.00"),
    "interest": Decimal("380.25"),
    "fees": Decimal("75.00"),
    "apr": Decimal("24.99"),
    "segment": "us-card-early",
    "jurisdiction": "US",
    "timezone": "America/Chicago",
    "locale": "en",
}

PEOPLE: dict[str, Person] = {
    p.account.reference: p
    for p in (
        Person(_account(1, "A-10001"), date(1988, 4, 2), "8000"),
        Person(_account(2, "A-20001", **_US), date(1985, 2, 14), "0142"),
        Person(
            _account(3, "A-20002", **{**_US, "segment": "us-card-late", "time_barred": True}),
            date(1970, 9, 30),
            "0199",
        ),
        Person(
            _account(
                4,
                "A-20004",
                **{**_US, "jurisdiction": "US-NY", "validation_end": date(2026, 3, 20)},
            ),
            date(1983, 6, 21),
            "0177",
        ),
        Person(
            _account(
                5,
                "A-30001",
                currency="GBP",
                principal=Decimal("2500.00"),
                interest=Decimal("310.40"),
                fees=Decimal("60.00"),
                apr=Decimal("29.90"),
                segment="gb-loan",
                jurisdiction="GB",
                timezone="Europe/London",
                locale="en",
            ),
            date(1990, 3, 8),
            "0123",
        ),
        Person(_account(6, "A-40001", disputed=True), date(1979, 11, 23), "5678"),
        Person(
            _account(
                7,
                "A-50001",
                verification_failures=3,
                verification_locked_until=NOW + timedelta(hours=5),
            ),
            date(1995, 7, 15),
            "2222",
        ),
        # Distinctive amounts for the property test: none of them looks like a date.
        Person(
            _account(
                8,
                "A-60001",
                principal=Decimal("7431.17"),
                interest=Decimal("649.83"),
                fees=Decimal("95.40"),
            ),
            date(1977, 5, 19),
            "4321",
        ),
    )
}
BY_ID = {p.account.id: p for p in PEOPLE.values()}


def verify(account: AccountView, born: Sequence[date], last4: str) -> bool:
    person = BY_ID[account.id]
    return person.born in born and last4 == person.last4


@dataclass
class Chat:
    """One conversation: events in, outcomes out, only the snapshot carried over."""

    language: str = "en"
    snapshot: Snapshot = field(default_factory=lambda: Snapshot(State.GREET, {}))
    now: datetime = NOW
    identity_verified: bool = False
    limits: Mapping[str, str] | None = None  # overrides the segment's policy
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def state(self) -> State:
        return self.snapshot.state

    @property
    def account(self) -> AccountView | None:
        person = BY_ID.get(self.snapshot.data.get("account_id", -1))
        return person.account if person is not None else None

    @property
    def locale(self) -> str:
        return str(self.snapshot.data.get("language") or self.language)

    def send(
        self,
        kind: EventKind,
        text: str = "",
        *,
        button: str | None = None,
        ref: str | None = None,
        guard: str = "none",
        minutes: float = 1,
    ) -> Outcome:
        self.now += timedelta(minutes=minutes)
        account = self.account
        wanted = text.casefold()
        candidates = {
            r: p.account
            for r, p in PEOPLE.items()
            if r.casefold() in wanted or (ref is not None and r.casefold() == ref.casefold())
        }
        limits = self.limits
        if limits is None and account is not None:
            limits = POLICIES.get(account.segment, POLICIES["default"])
        ctx = StepContext(
            creditor_name=CREDITOR,
            language=self.locale,
            language_chosen="language" in self.snapshot.data,
            account=account,
            candidates=candidates,
            verify=verify,
            limits=limits,
            policy_version=1 if limits is not None else None,
            identity_verified=self.identity_verified,
        )
        # "self_harm,cease_contact": every category the guard saw, the highest first.
        seen = tuple(category for category in guard.split(",") if category != "none")
        hit = GuardHit(seen[0] if seen else "none", seen)
        event = Event(kind, self.now, text, button, ref, hit)
        outcome = step(self.snapshot, event, ctx)
        self.snapshot = Snapshot(outcome.state, outcome.data, outcome.tone)
        self.outcomes.append(outcome)
        return outcome

    def say(self, text: str, guard: str = "none", minutes: float = 1) -> Outcome:
        return self.send(EventKind.TEXT, text, guard=guard, minutes=minutes)

    def tap(self, button: str) -> Outcome:
        return self.send(EventKind.BUTTON, button=button)

    def start(self, ref: str | None = None) -> Outcome:
        return self.send(EventKind.START, ref=ref)

    def texts(self, outcome: Outcome) -> list[str]:
        return [render(r, self.locale, outcome.tone).text for r in outcome.replies]

    def text(self, outcome: Outcome) -> str:
        return "\n".join(self.texts(outcome))


def keys(outcome: Outcome) -> list[str]:
    """Every message key of the outcome, parts included."""

    def walk(reply: Reply) -> list[str]:
        return [reply.key, *(k for part in reply.parts for k in walk(part))]

    return [k for reply in outcome.replies for k in walk(reply)]


def effects(outcome: Outcome) -> list[str]:
    return [type(e).__name__ for e in outcome.effects]


DOB_AND_PHONE = {
    ref: (p.born.isoformat(), p.last4) for ref, p in PEOPLE.items()
}  # typed as the debtor would


def verified(ref: str = "A-10001", language: str = "en", **chat: object) -> Chat:
    """A chat at DISCLOSE: started with the reference and verified."""
    conversation = Chat(language=language, **chat)  # type: ignore[arg-type]
    conversation.start(ref)
    born, last4 = DOB_AND_PHONE[ref]
    conversation.say(born)
    conversation.say(last4)
    assert conversation.state is State.DISCLOSE, conversation.outcomes[-1]
    return conversation


def at_offer(ref: str = "A-10001", language: str = "en", monthly: str = "2500") -> Chat:
    """A chat at OFFER: through the situation funnel with a monthly amount."""
    conversation = verified(ref, language)
    conversation.tap("options")
    conversation.tap("reason:job_loss")
    conversation.tap("recovery:unsure")
    conversation.say(monthly)
    assert conversation.state is State.OFFER, conversation.outcomes[-1]
    return conversation


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_driver_reaches_an_offer(language: str) -> None:
    conversation = at_offer(language=language)
    assert "OfferMade" in effects(conversation.outcomes[-1])


def test_step_does_not_change_the_snapshot_it_is_given() -> None:
    conversation = at_offer()
    before = json.dumps(conversation.snapshot.data, sort_keys=True)
    snapshot = conversation.snapshot
    conversation.say("I can only do 1500 a month")
    assert json.dumps(snapshot.data, sort_keys=True) == before
    assert conversation.snapshot.data != snapshot.data


def test_the_same_events_give_the_same_outcomes() -> None:
    def run() -> list[Outcome]:
        conversation = at_offer()
        conversation.say("I can only do 1500 a month")
        conversation.tap("plan:1")
        conversation.say("yes")
        return conversation.outcomes

    assert run() == run()
