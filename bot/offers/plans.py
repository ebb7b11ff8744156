"""Value objects of the offer engine: the account's terms, concessions, plans and results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.offers.money import MAX_AMOUNT, MoneyError, check_amount, minor_digits, plain
from bot.offers.schedule import MAX_APR

__all__ = [
    "AccountTerms",
    "Concessions",
    "Instalment",
    "LimitsReached",
    "OfferError",
    "OfferResult",
    "Plan",
    "PlanKind",
    "Reason",
]


class OfferError(ValueError):
    """Inputs the engine cannot work with; the message is one plain sentence."""


class PlanKind(StrEnum):
    PAY_IN_FULL = "pay_in_full"
    SETTLEMENT = "settlement"
    INSTALMENTS = "instalments"
    HOLIDAY_THEN_INSTALMENTS = "holiday_then_instalments"


@dataclass(frozen=True, slots=True)
class AccountTerms:
    """What the engine needs to know about one account; independent of storage."""

    reference: str
    currency: str
    principal: Decimal
    interest: Decimal
    fees: Decimal
    apr: Decimal  # annual percent, e.g. Decimal("18.25")
    days_past_due: int = 0
    time_barred: bool = False

    def __post_init__(self) -> None:
        try:
            minor_digits(self.currency)
            object.__setattr__(self, "currency", self.currency.strip().upper())
            for name in ("principal", "interest", "fees"):
                amount = check_amount(getattr(self, name), self.currency, what=f"The {name}")
                object.__setattr__(self, name, amount)
        except MoneyError as exc:
            raise OfferError(f"Account {self.reference[:40]}: {exc}") from None
        if not isinstance(self.apr, Decimal) or not self.apr.is_finite():
            raise OfferError(f"Account {self.reference[:40]}: the rate must be a finite decimal.")
        if not 0 <= self.apr <= MAX_APR:
            raise OfferError(
                f"Account {self.reference[:40]}: the rate must be from 0 to {MAX_APR} percent."
            )
        if self.days_past_due < 0:
            raise OfferError(f"Account {self.reference[:40]}: days past due cannot be negative.")

    @property
    def balance(self) -> Decimal:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True, slots=True)
class Concessions:
    """How far toward the debtor a conversation has gone; amounts in the account currency.

    `apr` is the highest rate still allowed (None: the account's own rate).
    """

    fee_waiver: Decimal = Decimal(0)
    interest_waiver: Decimal = Decimal(0)
    apr: Decimal | None = None
    holiday_months: int = 0
    settlement_discount: Decimal = Decimal(0)

    def merge(self, other: Concessions) -> Concessions:
        """The more generous of the two in every dimension."""
        rates = [r for r in (self.apr, other.apr) if r is not None]
        return Concessions(
            fee_waiver=max(self.fee_waiver, other.fee_waiver),
            interest_waiver=max(self.interest_waiver, other.interest_waiver),
            apr=min(rates) if rates else None,
            holiday_months=max(self.holiday_months, other.holiday_months),
            settlement_discount=max(self.settlement_discount, other.settlement_discount),
        )

    def as_strings(self) -> dict[str, str]:
        return {
            "fee_waiver": plain(self.fee_waiver),
            "interest_waiver": plain(self.interest_waiver),
            "apr": "" if self.apr is None else plain(self.apr),
            "holiday_months": str(self.holiday_months),
            "settlement_discount": plain(self.settlement_discount),
        }

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> Concessions:
        """Read back `as_strings()`; anything malformed is an OfferError."""
        try:
            apr_text = values.get("apr", "")
            out = cls(
                fee_waiver=Decimal(values.get("fee_waiver", "0")),
                interest_waiver=Decimal(values.get("interest_waiver", "0")),
                apr=Decimal(apr_text) if apr_text else None,
                holiday_months=int(values.get("holiday_months", "0")),
                settlement_discount=Decimal(values.get("settlement_discount", "0")),
            )
        except (ArithmeticError, ValueError, TypeError):
            raise OfferError("The stored negotiation state is malformed.") from None
        amounts = [out.fee_waiver, out.interest_waiver, out.settlement_discount]
        if out.apr is not None:
            amounts.append(out.apr)
        bad = any(not a.is_finite() or not 0 <= a <= MAX_AMOUNT for a in amounts)
        if bad or not 0 <= out.holiday_months <= 120:
            raise OfferError("The stored negotiation state is malformed.")
        return out


@dataclass(frozen=True, slots=True)
class Instalment:
    due: date
    amount: Decimal


_BECAUSE = {
    "affordable": "{head} because {affordable}/month is affordable",
    "affordable_now": "{head} because {affordable} can be paid now",
    "kept": "{head}, as offered earlier",
    "lowest": "{head}, the lowest monthly payment without relief",
    "recovery": "{head} because income should return before payments start",
    "lasting": "{head}: the longest term and most interest relief allowed, for a lasting loss",
    "floor": "{head}, the lowest monthly payment allowed",
    "": "{head}",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a plan looks the way it does: a code and parameters for the dialog, a text for logs.

    Codes, least relief first: pay_in_full, pay_in_full_fees_waived, pay_in_full_waived,
    standard_rate, fees_waived, rate_reduced, interest_frozen, interest_waived, holiday,
    settlement (the plan's largest concession). Params (all strings): months, apr,
    account_apr, waived_fees, waived_interest, discount, holiday_months, total, affordable,
    and because: `affordable` (the stated monthly amount fits), `affordable_now` (a one-off
    fits it), `kept` (concessions offered earlier in the conversation are kept), `lowest`
    (the lowest payment without relief), `recovery` (a holiday until income returns),
    `lasting` (a lasting loss: the longest term and most relief), `floor` (the lowest
    payment the limits allow) or empty.
    """

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """One English line for logs and the agent console, e.g.
        "rate reduced to 6% because 450/month is affordable"."""
        p = self.params
        if self.code == "settlement":
            head = f"settled for {p['total']}, {p['discount']} off the balance"
        elif self.code.startswith("pay_in_full"):
            head = "pay the full balance in one payment"
            waived = _concessions(p, rate=False)
            if waived:
                head = f"{waived} for paying in one payment"
        else:
            parts = _concessions(p, rate=True)
            if self.code == "holiday":
                pause = (
                    f"no payments for {p['holiday_months']} months, then {p['months']} payments"
                )
                head = f"{pause}, {parts}" if parts else pause
            else:
                standard = f"{_count(p['months'], 'payment')} at the account's rate of {p['apr']}%"
                head = parts or standard
        return _BECAUSE[p.get("because", "")].format(head=head, affordable=p.get("affordable"))


def _count(number: str, noun: str) -> str:
    return f"{number} {noun}" if number == "1" else f"{number} {noun}s"


def _concessions(p: Mapping[str, str], *, rate: bool) -> str:
    parts = []
    if Decimal(p.get("waived_fees", "0")):
        parts.append(f"fees of {p['waived_fees']} waived")
    if rate and p.get("apr") != p.get("account_apr"):
        frozen = not Decimal(p.get("apr", "0"))
        parts.append("interest frozen at 0%" if frozen else f"rate reduced to {p['apr']}%")
    if Decimal(p.get("waived_interest", "0")):
        parts.append(f"interest of {p['waived_interest']} waived")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """One option the bot may offer. Every amount has the currency's minor-unit digits."""

    kind: PlanKind
    currency: str
    instalments: tuple[Instalment, ...]
    apr: Decimal
    waived_fees: Decimal
    waived_interest: Decimal
    discount: Decimal
    holiday_months: int
    total: Decimal
    monthly: Decimal  # the regular payment; no instalment is larger
    saving: Decimal  # the concessions only: fees and interest waived plus any discount
    level: int  # relief rank, 1 (none) .. 8 (settlement); see choose.py
    reason: Reason
    valid_until: date
    over_balance: Decimal = Decimal(0)  # what the plan costs above today's balance

    @property
    def months(self) -> int:
        return len(self.instalments)

    @property
    def last_due(self) -> date:
        return self.instalments[-1].due

    @property
    def concessions(self) -> Concessions:
        instalment_kind = self.kind in {PlanKind.INSTALMENTS, PlanKind.HOLIDAY_THEN_INSTALMENTS}
        return Concessions(
            fee_waiver=self.waived_fees,
            interest_waiver=self.waived_interest,
            apr=self.apr if instalment_kind else None,
            holiday_months=self.holiday_months,
            settlement_discount=self.discount,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "instalments": [
                {"due": i.due.isoformat(), "amount": plain(i.amount)} for i in self.instalments
            ],
            "apr": plain(self.apr),
            "waived": {"fees": plain(self.waived_fees), "interest": plain(self.waived_interest)},
            "discount": plain(self.discount),
            "holiday_months": self.holiday_months,
            "total": plain(self.total),
            "monthly": plain(self.monthly),
            "saving": plain(self.saving),
            "over_balance": plain(self.over_balance),
            "valid_until": self.valid_until.isoformat(),
            "reason": {
                "code": self.reason.code,
                "text": self.reason.text,
                "because": self.reason.params.get("because", ""),
                "affordable": self.reason.params.get("affordable", ""),
            },
        }


@dataclass(frozen=True, slots=True)
class LimitsReached:
    """Nothing inside the limits fits; `min_monthly` is the least an in-limit plan needs
    (None only when a conversation's earlier concessions no longer fit the current policy)."""

    min_monthly: Decimal | None


@dataclass(frozen=True, slots=True)
class OfferResult:
    reference: str
    currency: str
    balance: Decimal
    options: tuple[Plan, ...]
    limits_reached: LimitsReached | None

    def as_json(self) -> dict[str, Any]:
        reached = self.limits_reached
        return {
            "reference": self.reference,
            "currency": self.currency,
            "balance": plain(self.balance),
            "options": [p.as_json() for p in self.options],
            "limits_reached": None
            if reached is None
            else {
                "min_monthly": None if reached.min_monthly is None else plain(reached.min_monthly)
            },
        }
