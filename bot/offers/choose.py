"""Choosing plans inside a segment's limits, by least relief asked of the creditor.

The relief ladder (level, least relief first). A creditor prefers money now to money
later (a plan can break; a payment made cannot), a waived fee to forgone interest, and
any of them to forgiving the balance itself:

    1 pay_in_full                     the balance in one payment, nothing waived
    2 pay_in_full + fee waiver        only as much waived as the stated amount needs
    3 instalments at the account rate the shortest term that fits
    4   + fee waiver                  at the longest term, only as much as needed
    5   + reduced rate                the highest rate that fits, down to min_apr (0 = freeze)
    6   + interest waiver             at min_apr, only as much as needed
    7 holiday_then_instalments        when the debtor expects income to recover
    8 settlement                      the smallest discount that fits; offered only when
                                      paying in full does not fit

Each kind is a `Path` (see path.py) walked from the top of its ladder; the first point
whose regular payment fits the stated amount is that kind's option. Options are ranked by
level and at most three are returned.

Monotonicity, exactly (tested in tests/test_offers_properties.py): for a larger stated
amount, (a) an offer is never replaced by "limits reached"; (b) the first option's relief
level never rises, and no kind's option gets more relief; (c) no kind's option gets more
months. What cannot hold is "the total never rises": relief is means-tested, so a
debtor who can pay 330 instead of 300 may get the account's rate instead of a freeze and
pay more in total over the same months. A larger amount never buys less time or a refusal.

Without a stated amount, nothing needs relief: the options are paying in full and the
account-rate plan with the lowest regular payment (the longest term min_instalment allows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from bot.offers.checks import breaches
from bot.offers.money import minor_unit, plain, quantize, round_down, round_up
from bot.offers.path import AmountStage, Path, Point, RateStage, Stage, TermStage, first_index
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
from bot.offers.policy import Limits
from bot.offers.schedule import due_dates, level_schedule, regular_payment

__all__ = [
    "FITS",
    "MAX_OPTIONS",
    "SETTLEMENT_STEPS",
    "choose_plans",
    "least_one_off",
    "lowest_plans",
    "settlement_step",
]

MAX_OPTIONS = 3
#: What the debtor said about their income: back soon (a holiday until then) or a lasting
#: loss (the longest term and the most interest relief); "" when nothing is known.
FITS = ("", "recovering", "lasting")
#: A settlement is negotiated: the share of max_settlement_discount_pct each step offers.
SETTLEMENT_STEPS = (Decimal("0.5"), Decimal("0.75"), Decimal(1))


def choose_plans(
    account: AccountTerms,
    limits: Limits,
    today: date,
    affordable_monthly: Decimal | None = None,
    floor: Concessions | None = None,
    *,
    holiday_months: int = 0,
    fit: str = "",
) -> OfferResult:
    """Up to three plans inside every limit, least relief first, or a limits-reached answer.

    `fit` orders them by what the debtor said (see FITS): recovering puts the holiday plan
    first; lasting adds and puts first the longest plan with the most interest relief.

    `affordable_monthly` is what the debtor says they can pay a month: every option's
    instalments are at most that. `floor` holds concessions already offered in this
    conversation: no option gives less. `holiday_months` is the pause the debtor asks for
    (income should recover); it is cut to the policy's maximum.
    """
    if account.balance <= 0:
        raise OfferError(f"Account {account.reference[:40]} owes nothing; there is no plan.")
    if affordable_monthly is not None and (
        not affordable_monthly.is_finite() or affordable_monthly < 0
    ):
        raise OfferError("The affordable amount must be a finite amount of at least 0.")
    ctx = _Context(account, limits, today, affordable_monthly, floor or Concessions())
    families = ctx.families(holiday_months)
    pay_fits = False
    options: list[Plan] = []
    for family in families:
        if family.kind is PlanKind.SETTLEMENT and pay_fits and ctx.floor.settlement_discount <= 0:
            continue  # a settlement only when paying in full does not fit
        point = family.choose(affordable_monthly)
        if point is None:
            continue
        pay_fits = pay_fits or family.kind is PlanKind.PAY_IN_FULL
        because = "recovery" if family.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS else None
        options.append(ctx.plan(point, because if fit == "recovering" else None))
    if fit == "lasting" and options:
        longest = _most_relief(ctx, families, affordable_monthly)
        if longest is not None and all(
            (o.months, o.apr, o.waived_interest)
            != (longest.months, longest.apr, longest.waived_interest)
            or o.kind is not longest.kind
            for o in options
        ):
            options.append(longest)
    options.sort(key=lambda p: (_fit_rank(p, fit), p.level, p.saving, p.months))
    options = options[:MAX_OPTIONS]
    for plan in options:
        problems = breaches(plan, account, limits, today)
        if problems:  # a bug, never a policy outcome: refuse rather than offer it
            raise OfferError(f"Internal error: a plan broke a limit ({problems[0]}).")
    reached = None
    if not options:
        lows = [m for f in families if (m := f.min_monthly()) is not None]
        reached = LimitsReached(min(lows) if lows else None)
    return OfferResult(
        reference=account.reference,
        currency=account.currency,
        balance=account.balance,
        options=tuple(options),
        limits_reached=reached,
    )


def lowest_plans(
    account: AccountTerms,
    limits: Limits,
    today: date,
    floor: Concessions | None = None,
    *,
    holiday_months: int = 0,
    fit: str = "",
) -> tuple[Plan, ...]:
    """The instalment plans at the lowest monthly payment the limits allow (the longest
    term, the lowest rate, the most waived), a holiday first when income should recover."""
    ctx = _Context(account, limits, today, None, floor or Concessions())
    out: list[Plan] = []
    for family in ctx.families(holiday_months):
        if family.kind not in (PlanKind.INSTALMENTS, PlanKind.HOLIDAY_THEN_INSTALMENTS):
            continue
        last = family.last_valid()
        if last is None:
            continue
        holiday = family.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS
        because = "recovery" if holiday else ("lasting" if fit == "lasting" else "floor")
        out.append(ctx.plan(family.path.at(last), because))
    first = PlanKind.HOLIDAY_THEN_INSTALMENTS if fit == "recovering" else PlanKind.INSTALMENTS
    out.sort(key=lambda p: (p.kind is not first, p.monthly))
    for plan in out:
        problems = breaches(plan, account, limits, today)
        if problems:
            raise OfferError(f"Internal error: a plan broke a limit ({problems[0]}).")
    return tuple(out[:MAX_OPTIONS])


def settlement_step(
    account: AccountTerms, limits: Limits, today: date, floor: Concessions | None = None
) -> Plan | None:
    """The next settlement of a negotiation: the first step of SETTLEMENT_STEPS (shares of
    the largest discount allowed) above the discount already offered; None at the limit."""
    ctx = _Context(account, limits, today, None, floor or Concessions())
    _, _, cap = ctx._caps()
    given = ctx.floor.settlement_discount
    for share in SETTLEMENT_STEPS:
        discount = round_down(cap * share, account.currency)
        if discount > given and discount >= ctx.unit:
            zero = Decimal(0)
            point = Point(
                PlanKind.SETTLEMENT, 1, 0, _rate(account.apr), zero, zero, discount, "discount"
            )
            if ctx.regular(point) < ctx.unit:
                return None
            plan = ctx.plan(point)
            problems = breaches(plan, account, limits, today)
            if problems:
                raise OfferError(f"Internal error: a plan broke a limit ({problems[0]}).")
            return plan
    return None


def _fit_rank(plan: Plan, fit: str) -> int:
    if fit == "recovering":
        return 0 if plan.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS else 1
    if fit == "lasting":
        return 0 if plan.reason.params.get("because") == "lasting" else 1
    return 0


def _most_relief(
    ctx: _Context, families: list[_Family], affordable: Decimal | None
) -> Plan | None:
    """The plain instalment plan at its longest term and most relief (a lasting loss)."""
    for family in families:
        if family.kind is PlanKind.INSTALMENTS:
            last = family.last_valid()
            if last is None:
                return None
            return ctx.plan(family.path.at(last), "lasting")
    return None


def least_one_off(
    account: AccountTerms, limits: Limits, today: date, floor: Concessions | None = None
) -> Decimal | None:
    """The smallest single payment a plan inside the limits accepts (paying in full with
    the most fees waived, or a settlement at the largest discount); None when none can."""
    ctx = _Context(account, limits, today, None, floor or Concessions())
    families = (ctx._pay_in_full(), ctx._settlement())
    lows = [m for f in families if f is not None and (m := f.min_monthly()) is not None]
    return min(lows) if lows else None


class _Family:
    """One plan kind: its path, how to price a point, and which point to choose."""

    def __init__(self, ctx: _Context, kind: PlanKind, path: Path, default_end: int) -> None:
        self.ctx, self.kind, self.path = ctx, kind, path
        self._default_end = default_end  # the point chosen without a stated amount
        self._memo: dict[int, Decimal] = {}
        self._points: dict[int, Point] = {}

    def point(self, index: int) -> Point:
        found = self._points.get(index)
        if found is None:
            found = self._points[index] = self.path.at(index)
        return found

    def regular(self, index: int) -> Decimal:
        if index not in self._memo:
            self._memo[index] = self.ctx.regular(self.point(index))
        return self._memo[index]

    def valid(self, index: int) -> bool:
        return self.ctx.valid(self.point(index), self.regular(index))

    def last_valid(self) -> int | None:
        first_bad = first_index(self.path.size, lambda i: not self.valid(i))
        return first_bad - 1 if first_bad > 0 else None

    def min_monthly(self) -> Decimal | None:
        last = self.last_valid()
        return None if last is None else self.regular(last)

    def choose(self, affordable: Decimal | None) -> Point | None:
        if affordable is None:
            last = self.last_valid()
            if last is None:
                return None
            index = min(last, self._default_end)
        else:
            index = first_index(self.path.size, lambda i: self.regular(i) <= affordable)
            if index >= self.path.size or not self.valid(index):
                return None
        return self.path.at(index)


@dataclass(frozen=True, slots=True)
class _Context:
    account: AccountTerms
    limits: Limits
    today: date
    affordable: Decimal | None
    floor: Concessions

    @property
    def unit(self) -> Decimal:
        return minor_unit(self.account.currency)

    def _floor_amount(self, value: Decimal) -> Decimal:
        return round_up(max(value, Decimal(0)), self.account.currency)

    def families(self, holiday_request: int) -> list[_Family]:
        out = [self._pay_in_full(), self._instalments(0)]
        holiday = max(
            min(holiday_request, self.limits.max_holiday_months), self.floor.holiday_months
        )
        if holiday > 0:
            out.append(self._instalments(holiday))
        out.append(self._settlement())
        return [f for f in out if f is not None]

    def _caps(self) -> tuple[Decimal, Decimal, Decimal]:
        cur, acc, lim = self.account.currency, self.account, self.limits
        return (
            round_down(lim.max_fee_waiver(acc.fees), cur),
            round_down(lim.max_interest_waiver(acc.interest), cur),
            round_down(lim.max_settlement_discount(acc.balance), cur),
        )

    def _pay_in_full(self) -> _Family | None:
        fee_cap, interest_cap, _ = self._caps()
        fee, interest = (
            self._floor_amount(self.floor.fee_waiver),
            self._floor_amount(self.floor.interest_waiver),
        )
        if fee > fee_cap or interest > interest_cap:
            return None
        base = Point(
            PlanKind.PAY_IN_FULL, 1, 0, _rate(self.account.apr), fee, interest, Decimal(0), ""
        )
        stages: list[Stage] = [
            TermStage(base, 1, 1),
            AmountStage(base, "fee", fee + self.unit, fee_cap, self.unit),
        ]
        return _Family(self, PlanKind.PAY_IN_FULL, Path(stages), 0)

    def _settlement(self) -> _Family | None:
        _, _, discount_cap = self._caps()
        start = max(self._floor_amount(self.floor.settlement_discount), self.unit)
        if start > discount_cap:
            return None
        zero = Decimal(0)
        base = Point(
            PlanKind.SETTLEMENT, 1, 0, _rate(self.account.apr), zero, zero, start, "discount"
        )
        path = Path([AmountStage(base, "discount", start, discount_cap, self.unit)])
        return _Family(self, PlanKind.SETTLEMENT, path, 0)

    def _instalments(self, holiday: int) -> _Family | None:
        acc, lim, unit = self.account, self.limits, self.unit
        fee_cap, interest_cap, _ = self._caps()
        fee = self._floor_amount(self.floor.fee_waiver)
        interest = self._floor_amount(self.floor.interest_waiver)
        low = _rate(min(lim.min_apr, acc.apr))
        cap = _rate(acc.apr if self.floor.apr is None else min(self.floor.apr, acc.apr))
        first = 1 if holiday else 2
        longest = lim.max_term_months - holiday
        if fee > fee_cap or interest > interest_cap or cap < low or longest < first:
            return None
        kind = PlanKind.HOLIDAY_THEN_INSTALMENTS if holiday else PlanKind.INSTALMENTS
        base = Point(kind, first, holiday, cap, fee, interest, Decimal(0), "terms")
        terms = TermStage(base, first, longest)
        end = terms.at(terms.size - 1)
        fees = AmountStage(end, "fee", fee + unit, fee_cap, unit)
        end = replace(end, fee=fee_cap)
        rate = RateStage(end, cap, low)
        end = replace(end, apr=low)
        waiver = AmountStage(end, "interest", interest + unit, interest_cap, unit)
        return _Family(self, kind, Path([terms, fees, rate, waiver]), terms.size - 1)

    def regular(self, p: Point) -> Decimal:
        """The most the plan asks in any month (for a one-off, its only payment)."""
        acc = self.account
        payable = acc.principal + acc.interest + acc.fees - p.fee - p.interest - p.discount
        if p.one_off or payable <= 0:
            return max(payable, Decimal(0))
        return regular_payment(payable, p.apr, p.months, self.account.currency)

    def valid(self, p: Point, regular: Decimal) -> bool:
        """A one-off must be positive. An instalment plan's regular payment must leave room
        for the last instalment, which is at most `months` minor units smaller, to meet
        min_instalment too."""
        if p.one_off:
            return regular >= self.unit
        return regular >= max(self.limits.min_instalment, self.unit) + self.unit * p.months

    def plan(self, p: Point, because: str | None = None) -> Plan:
        acc, cur = self.account, self.account.currency
        valid_until = self.today + timedelta(days=self.limits.offer_validity_days)
        payable = acc.balance - p.fee - p.interest - p.discount
        if p.one_off:
            instalments: tuple[Instalment, ...] = (Instalment(valid_until, payable),)
            total = monthly = payable
        else:
            sched = level_schedule(payable, p.apr, p.months, cur)
            dates = due_dates(self.today, p.months, first=p.holiday + 1)
            instalments = tuple(
                Instalment(d, a) for d, a in zip(dates, sched.amounts, strict=True)
            )
            total, monthly = sched.total, sched.regular
        # "You save" is the concessions only, measured from today's balance (DESIGN §6).
        saving = quantize(p.fee, cur) + quantize(p.interest, cur) + quantize(p.discount, cur)
        code, level = _code_and_level(p, acc.apr)
        return Plan(
            kind=p.kind,
            currency=cur,
            instalments=instalments,
            apr=p.apr,
            waived_fees=quantize(p.fee, cur),
            waived_interest=quantize(p.interest, cur),
            discount=quantize(p.discount, cur),
            holiday_months=p.holiday,
            total=total,
            monthly=monthly,
            saving=saving,
            level=level,
            reason=self._reason(p, code, total, because),
            valid_until=valid_until,
            over_balance=max(total - acc.balance, Decimal(0)),
        )

    def _reason(self, p: Point, code: str, total: Decimal, chosen: str | None) -> Reason:
        cur = self.account.currency
        if chosen is not None:
            because = chosen
        elif self.affordable is not None:
            because = "affordable_now" if p.one_off else "affordable"
        elif code in {"pay_in_full", "holiday"}:
            because = ""
        elif code == "standard_rate":
            because = "lowest"
        else:
            because = "kept"
        params = {
            "months": str(p.months),
            "apr": plain(p.apr.normalize()),
            "account_apr": plain(self.account.apr.normalize()),
            "waived_fees": plain(quantize(p.fee, cur)),
            "waived_interest": plain(quantize(p.interest, cur)),
            "discount": plain(quantize(p.discount, cur)),
            "holiday_months": str(p.holiday),
            "total": plain(total),
            "affordable": "" if self.affordable is None else plain(self.affordable),
            "because": because,
        }
        return Reason(code, params)


def _rate(apr: Decimal) -> Decimal:
    """A rate with at least two decimals, so '0.00' and '6.50' read alike everywhere."""
    exponent = apr.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return apr
    return apr.quantize(Decimal("0.01"))


def _code_and_level(p: Point, account_apr: Decimal) -> tuple[str, int]:
    if p.kind is PlanKind.SETTLEMENT:
        return "settlement", 8
    if p.kind is PlanKind.PAY_IN_FULL:
        if p.interest > 0:
            return "pay_in_full_waived", 2
        return ("pay_in_full_fees_waived", 2) if p.fee > 0 else ("pay_in_full", 1)
    if p.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS:
        return "holiday", 7
    if p.interest > 0:
        return "interest_waived", 6
    if p.apr < account_apr:
        return ("interest_frozen", 5) if p.apr == 0 else ("rate_reduced", 5)
    if p.fee > 0:
        return "fees_waived", 4
    return "standard_rate", 3
