"""Small pieces every state uses: the debtor's local clock, money, binding, handing off."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialogs.model import AccountView, BindAccount, HandoffRequested, Money, State
from dialogs.turn import Turn, button

# What a new account binding keeps from the conversation so far; everything else is reset.
_KEPT_ON_BIND = ("tone_window", "gentle", "abuse", "hardship", "language", "greeted")


def zone(account: AccountView | None) -> tzinfo | None:
    if account is None:
        return None
    try:
        return ZoneInfo(account.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def aware(moment: datetime) -> datetime:
    """A stored time without a zone is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_now(turn: Turn) -> datetime:
    """The event's time in the debtor's own time zone (UTC-based when it is unknown)."""
    tz = zone(turn.account)
    return turn.event.now.astimezone(tz) if tz is not None else turn.event.now


def local_today(turn: Turn) -> date:
    return local_now(turn).date()


def money(turn: Turn, amount: Decimal) -> Money:
    currency = turn.account.currency if turn.account is not None else "USD"
    return Money(amount, currency)


def us(account: AccountView | None) -> bool:
    return account is not None and account.jurisdiction.upper().startswith("US")


def region(account: AccountView | None) -> str:
    """The jurisdiction family: ``US`` for ``US-MA``, ``GB``, ``CN``; empty when unknown."""
    if account is None:
        return ""
    return account.jurisdiction.upper().split("-")[0]


def bind(turn: Turn, account: AccountView) -> None:
    """Bind the conversation to ``account``; a different account starts afresh."""
    if turn.account is not None and turn.account.id == account.id:
        turn.data["account_id"] = account.id
        return
    kept = {k: turn.data[k] for k in _KEPT_ON_BIND if k in turn.data}
    turn.data.clear()
    turn.data.update(kept)
    turn.data["account_id"] = account.id
    turn.account = account
    turn.emit(BindAccount(account.id))


def handoff(
    turn: Turn,
    reason: str,
    priority: int,
    summary: Mapping[str, Any] | None = None,
) -> State:
    """Request a person; the conversation waits in HANDOFF until it is handed back."""
    facts: dict[str, Any] = {
        "state": turn.state.value,
        "reference": turn.account.reference if turn.account is not None else None,
        "verified": turn.verified,
    }
    facts.update(summary or {})
    if turn.state is not State.HANDOFF:
        turn.data["before_handoff"] = turn.state.value
    turn.emit(HandoffRequested(reason, priority, facts))
    return State.HANDOFF


HUMAN = button("human", "button.human")
