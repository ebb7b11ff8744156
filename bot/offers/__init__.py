"""The offer engine (pure): exact money, policy limits, schedules, plans and negotiation.

Nothing here does I/O or knows about storage, channels or the dialog; callers pass an
`AccountTerms` and the segment's `Limits` and get value objects back.
"""

from bot.offers.checks import breaches
from bot.offers.choose import MAX_OPTIONS, choose_plans
from bot.offers.money import MoneyError, minor_digits, parse_amount, plain, quantize
from bot.offers.negotiation import (
    HANDOFF_REASON,
    Outcome,
    Turn,
    counter_offer,
    least_single_payment,
    lowest_offer,
    open_offer,
    settlement_offer,
)
from bot.offers.plans import (
    AccountTerms,
    Concessions,
    Instalment,
    LimitsReached,
    OfferError,
    OfferResult,
    Plan,
    PlanKind,
    Reason,
)
from bot.offers.policy import DEFAULT_LIMITS, DEFAULT_SEGMENT, KEYS, Limits, PolicyError, diff
from bot.offers.schedule import Schedule, ScheduleError, add_months, due_dates, level_schedule

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_SEGMENT",
    "HANDOFF_REASON",
    "KEYS",
    "MAX_OPTIONS",
    "AccountTerms",
    "Concessions",
    "Instalment",
    "Limits",
    "LimitsReached",
    "MoneyError",
    "OfferError",
    "OfferResult",
    "Outcome",
    "Plan",
    "PlanKind",
    "PolicyError",
    "Reason",
    "Schedule",
    "ScheduleError",
    "Turn",
    "add_months",
    "breaches",
    "choose_plans",
    "counter_offer",
    "diff",
    "due_dates",
    "least_single_payment",
    "level_schedule",
    "lowest_offer",
    "minor_digits",
    "open_offer",
    "parse_amount",
    "plain",
    "quantize",
    "settlement_offer",
]
