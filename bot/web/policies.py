"""Changing a segment's offer limits from the admin page and the API.

Validation is the offer engine's own (:meth:`bot.offers.Limits.parse`, ranges and
consistency), and what is in force comes from :func:`bot.commands.policy.limits_for`, so
the page, the API and ``parley policy set`` accept and refuse exactly the same values.
Every change is a new version with who, when and old → new, and an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.commands.policy import SegmentLimits, limits_for
from bot.offers import DEFAULT_SEGMENT, Limits, PolicyError, diff
from bot.storage.models import Policy
from bot.storage.ports import UnitOfWork

# What each key means, for people editing them (DESIGN §8).
MEANINGS: Mapping[str, str] = {
    "max_term_months": "longest instalment plan, in months (1–120)",
    "min_instalment": "smallest monthly payment, in the account's currency (≥ 0)",
    "min_apr": "lowest annual rate a plan may carry, in percent; 0 allows a freeze (0–100)",
    "max_fee_waiver_pct": "share of fees that may be waived, in percent (0–100)",
    "max_interest_waiver_pct": "share of accrued interest that may be waived (0–100)",
    "max_settlement_discount_pct": "discount on a one-off settlement, in percent (0–100)",
    "max_holiday_months": "payment holiday before a plan starts, in months (0–6)",
    "max_negotiation_rounds": "counter-offers before a person takes over (1–10)",
    "offer_validity_days": "how long an offer stands, in days (1–30)",
}


class PolicyChangeError(Exception):
    """Refused; ``status`` is the HTTP status that fits (409 or 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PolicyChange:
    segment: str
    version: int
    changes: Mapping[str, tuple[str | None, str]]  # empty: nothing changed
    limits: Limits


async def change_limits(
    uow: UnitOfWork, segment: str, values: Mapping[str, str], author: str, actor: str
) -> PolicyChange:
    """Store a new version of ``segment``'s limits in the caller's transaction.

    Keys not given keep their current values (a segment's first version starts from the
    ``default`` segment's). Nothing is stored when no value changes.
    """
    before = await limits_for(uow, segment)
    try:
        after = Limits.parse(values, before.limits)
    except PolicyError as exc:
        raise PolicyChangeError(422, f"{str(exc).rstrip('.')}; nothing was changed.") from None
    first = before.segment != segment or before.version == 0
    changes: dict[str, tuple[str | None, str]]
    if first:  # a segment's first version records every value, as the CLI and demo do
        changes = {k: (None, v) for k, v in after.as_strings().items()}
    else:
        changes = dict(diff(before.limits, after))
    if not changes:
        return PolicyChange(segment, before.version, {}, before.limits)
    try:
        row = await uow.policies.add_version(segment, after.as_strings(), changes, author)
    except IntegrityError:
        raise PolicyChangeError(
            409,
            f"segment {segment!r} was changed by someone else at the same time; "
            "nothing was changed, try again.",
        ) from None
    uow.audit.append(
        "policy.changed",
        actor,
        {
            "segment": segment,
            "by": author,
            "changes": {k: [old, new] for k, (old, new) in changes.items()},
        },
        policy_version=row.version,
    )
    return PolicyChange(segment, row.version, changes, after)


def limits_json(item: SegmentLimits, asked: str) -> dict[str, Any]:
    """The limits in force for ``asked``, saying when they are the default's."""
    return {
        **item.as_json(),
        "segment": asked,
        "source": item.segment,
        "own": item.segment == asked,
    }


def version_json(row: Policy) -> dict[str, Any]:
    return {
        "segment": row.segment,
        "version": row.version,
        "limits": Limits.parse({k: str(v) for k, v in row.limits.items()}).as_json(),
        "changes": {k: list(v) for k, v in row.changes.items()},
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


__all__ = [
    "DEFAULT_SEGMENT",
    "MEANINGS",
    "PolicyChange",
    "PolicyChangeError",
    "change_limits",
    "limits_json",
    "version_json",
]
