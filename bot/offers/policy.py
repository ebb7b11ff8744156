"""Per-segment offer limits (DESIGN §8): parsing, range and consistency checks, diffs.

Storage keeps each version as the string form of `Limits.as_strings()`; this module only
knows what a valid set of limits is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, Final

from bot.offers.money import MoneyError, parse_decimal, plain

__all__ = ["DEFAULT_LIMITS", "DEFAULT_SEGMENT", "KEYS", "Limits", "PolicyError", "diff"]

DEFAULT_SEGMENT: Final = "default"


class PolicyError(ValueError):
    """Limits that cannot be used; the message names the key and its allowed range."""


@dataclass(frozen=True, slots=True)
class _Range:
    low: Decimal
    high: Decimal
    places: int  # 0 means a whole number
    meaning: str

    def sentence(self, key: str) -> str:
        if key == "min_instalment":
            bounds = "a number of at least 0"
        else:
            kind = "a whole number" if self.places == 0 else "a number"
            bounds = f"{kind} from {plain(self.low)} to {plain(self.high)}"
        if self.places:
            bounds += f", with at most {self.places} decimal places"
        return f"{key} must be {bounds} ({self.meaning})"


def _r(low: int, high: int | str, places: int, meaning: str) -> _Range:
    return _Range(Decimal(low), Decimal(high), places, meaning)


_RANGES: Final[dict[str, _Range]] = {
    "max_term_months": _r(1, 120, 0, "longest instalment plan, in months"),
    "min_instalment": _r(0, "999999999999", 3, "smallest monthly payment"),
    "min_apr": _r(0, 100, 2, "lowest annual rate a plan may carry, in percent"),
    "max_fee_waiver_pct": _r(0, 100, 2, "share of fees that may be waived, in percent"),
    "max_interest_waiver_pct": _r(0, 100, 2, "share of accrued interest that may be waived"),
    "max_settlement_discount_pct": _r(0, 100, 2, "discount on a one-off settlement, in percent"),
    "max_holiday_months": _r(0, 6, 0, "payment holiday before a plan starts, in months"),
    "max_negotiation_rounds": _r(1, 10, 0, "counter-offers before a person takes over"),
    "offer_validity_days": _r(1, 30, 0, "how long an offer stands, in days"),
}

KEYS: Final[tuple[str, ...]] = tuple(_RANGES)


@dataclass(frozen=True, slots=True)
class Limits:
    """The offer limits of one segment. Constructing one validates every key."""

    max_term_months: int
    min_instalment: Decimal
    min_apr: Decimal
    max_fee_waiver_pct: Decimal
    max_interest_waiver_pct: Decimal
    max_settlement_discount_pct: Decimal
    max_holiday_months: int
    max_negotiation_rounds: int
    offer_validity_days: int

    def __post_init__(self) -> None:
        for key, spec in _RANGES.items():
            _check_value(key, getattr(self, key), spec)
        # A holiday counts inside the plan's term, so a month must remain for paying.
        if self.max_holiday_months and self.max_holiday_months >= self.max_term_months:
            raise PolicyError(
                f"max_holiday_months ({self.max_holiday_months}) must be less than "
                f"max_term_months ({self.max_term_months}): the holiday counts inside the "
                "plan's term, so at least one month must remain for payments."
            )

    @classmethod
    def parse(cls, values: Mapping[str, str], base: Limits | None = None) -> Limits:
        """Limits from KEY -> text; keys missing from `values` come from `base`.

        Without `base`, all nine keys are required.
        """
        unknown = sorted(k for k in values if k not in _RANGES)
        if unknown:
            raise PolicyError(
                f"unknown policy key '{unknown[0][:40]}'; the keys are {', '.join(KEYS)}."
            )
        if base is None:
            missing = [k for k in KEYS if k not in values]
            if missing:
                raise PolicyError(f"missing policy keys: {', '.join(missing)}.")
        parsed: dict[str, Any] = {}
        for key, text in values.items():
            parsed[key] = _parse_value(key, text, _RANGES[key])
        if base is None:
            return cls(**parsed)
        return replace(base, **parsed)

    def as_strings(self) -> dict[str, str]:
        """Canonical text of every key, in §8 order (what storage keeps)."""
        return {key: _text(getattr(self, key)) for key in KEYS}

    def as_json(self) -> dict[str, int | str]:
        """Whole numbers as JSON numbers, decimals as decimal strings."""
        out: dict[str, int | str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value if isinstance(value, int) else plain(value.normalize())
        return out

    def max_fee_waiver(self, fees: Decimal) -> Decimal:
        """Exact (unrounded) fee waiver cap for an amount of fees."""
        return fees * self.max_fee_waiver_pct / 100

    def max_interest_waiver(self, interest: Decimal) -> Decimal:
        return interest * self.max_interest_waiver_pct / 100

    def max_settlement_discount(self, balance: Decimal) -> Decimal:
        return balance * self.max_settlement_discount_pct / 100


def diff(old: Limits, new: Limits) -> dict[str, tuple[str, str]]:
    """KEY -> (old text, new text) for every key whose value changed, in §8 order."""
    before, after = old.as_strings(), new.as_strings()
    return {k: (before[k], after[k]) for k in KEYS if before[k] != after[k]}


def _text(value: int | Decimal) -> str:
    return str(value) if isinstance(value, int) else plain(value.normalize())


def _parse_value(key: str, text: str, spec: _Range) -> int | Decimal:
    shown = str(text).strip()[:40]
    try:
        if not isinstance(text, str):
            raise MoneyError("not text")
        value = parse_decimal(text, what=key, places=spec.places, low=spec.low, high=spec.high)
    except MoneyError:
        raise PolicyError(f"{spec.sentence(key)}; got '{shown}'.") from None
    return int(value) if spec.places == 0 else value


def _check_value(key: str, value: object, spec: _Range) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        ok = False
    elif spec.places == 0:
        ok = isinstance(value, int) and spec.low <= value <= spec.high
    elif isinstance(value, Decimal) and value.is_finite() and spec.low <= value <= spec.high:
        ok = value == value.quantize(Decimal(1).scaleb(-spec.places))
    else:
        ok = False
    if not ok:
        raise PolicyError(f"{spec.sentence(key)}; got {value!r}.")


DEFAULT_LIMITS: Final = Limits(
    max_term_months=12,
    min_instalment=Decimal("10"),
    min_apr=Decimal("0"),
    max_fee_waiver_pct=Decimal("100"),
    max_interest_waiver_pct=Decimal("25"),
    max_settlement_discount_pct=Decimal("20"),
    max_holiday_months=2,
    max_negotiation_rounds=3,
    offer_validity_days=14,
)
