"""Changing a segment's offer limits from the admin page and the API.

Validation is the offer engine's own (:meth:`bot.offers.Limits.parse`, ranges and
consistency), and storing a change is :func:`bot.commands.policy.change_limits`, so the
page, the API and ``parley policy set`` accept and refuse exactly the same values.
Every change is a new version with who, when and old → new, and an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands.policy import (  # re-exported: the API's callers import them from here
    PolicyChange,
    PolicyChangeError,
    SegmentLimits,
    change_limits,
)
from bot.offers import DEFAULT_SEGMENT, Limits
from bot.storage.models import Policy

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
