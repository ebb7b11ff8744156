"""Properties of choose_plans over random policies and accounts (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.offers import AccountTerms, Limits, OfferResult, Plan, PlanKind, breaches, choose_plans
from bot.offers.money import minor_unit
from bot.offers.schedule import regular_payment

TODAY = date(2024, 1, 31)
CURRENCIES = ("JPY", "USD", "CNY", "GBP", "KWD")


def _decimal(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def limits(draw: st.DrawFn) -> Limits:
    term = draw(st.integers(1, 120))
    return Limits(
        max_term_months=term,
        min_instalment=draw(
            st.sampled_from([Decimal(0), Decimal(10), Decimal("49.5")]) | _decimal(0, 2000, 2)
        ),
        min_apr=draw(st.sampled_from([Decimal(0), Decimal(5)]) | _decimal(0, 40, 2)),
        max_fee_waiver_pct=draw(_decimal(0, 100, 2)),
        max_interest_waiver_pct=draw(_decimal(0, 100, 2)),
        max_settlement_discount_pct=draw(_decimal(0, 100, 2)),
        max_holiday_months=draw(st.integers(0, min(6, term - 1))),
        max_negotiation_rounds=draw(st.integers(1, 10)),
        offer_validity_days=draw(st.integers(1, 30)),
    )


@st.composite
def accounts(draw: st.DrawFn) -> AccountTerms:
    currency = draw(st.sampled_from(CURRENCIES))
    unit = minor_unit(currency)
    principal = draw(st.integers(0, 10**9)) * unit
    interest = draw(st.integers(0, 10**7)) * unit
    fees = draw(st.integers(0 if principal + interest else 1, 10**6)) * unit
    apr = draw(st.sampled_from([Decimal(0), Decimal("18.25")]) | _decimal(0, 400, 2))
    return AccountTerms("P-1", currency, principal, interest, fees, apr)


def _affordable(account: AccountTerms) -> st.SearchStrategy[Decimal]:
    unit = minor_unit(account.currency)
    top = int(account.balance / unit) * 2 + 10
    return st.integers(0, top).map(lambda n: n * unit)


def _digits_ok(plan: Plan) -> bool:
    exponent = minor_unit(plan.currency).as_tuple().exponent
    amounts = [i.amount for i in plan.instalments]
    amounts += [plan.total, plan.monthly, plan.waived_fees, plan.waived_interest]
    amounts += [plan.discount, plan.saving]
    return all(a.as_tuple().exponent == exponent for a in amounts)


def _check_result(result: OfferResult, account: AccountTerms, policy: Limits) -> None:
    assert len(result.options) <= 3
    assert [p.level for p in result.options] == sorted(p.level for p in result.options)
    assert len({p.kind for p in result.options}) == len(result.options)
    for plan in result.options:
        assert breaches(plan, account, policy, TODAY) == []
        assert _digits_ok(plan)
        assert sum((i.amount for i in plan.instalments), Decimal(0)) == plan.total
    assert (result.limits_reached is None) == bool(result.options)


@settings(max_examples=200, deadline=None)
@given(policy=limits(), account=accounts(), data=st.data(), holiday=st.integers(0, 8))
def test_no_option_ever_breaks_a_limit(
    policy: Limits, account: AccountTerms, data: st.DataObject, holiday: int
) -> None:
    affordable = data.draw(st.none() | _affordable(account))
    result = choose_plans(account, policy, TODAY, affordable, holiday_months=holiday)
    _check_result(result, account, policy)
    if affordable is None:
        assert result.options, "without a stated amount, paying in full is always possible"
        return
    assert all(p.monthly <= affordable for p in result.options)
    assert all(max(i.amount for i in p.instalments) <= affordable for p in result.options)


@settings(max_examples=200, deadline=None)
@given(policy=limits(), account=accounts(), data=st.data())
def test_limits_reached_names_exactly_the_least_monthly_payment(
    policy: Limits, account: AccountTerms, data: st.DataObject
) -> None:
    affordable = data.draw(_affordable(account))
    result = choose_plans(account, policy, TODAY, affordable)
    if result.limits_reached is None:
        return
    least = result.limits_reached.min_monthly
    assert least is not None
    assert least > affordable
    assert choose_plans(account, policy, TODAY, least).options, "the least must be enough"
    unit = minor_unit(account.currency)
    below = choose_plans(account, policy, TODAY, least - unit)
    assert below.options == (), "and anything less must not be"


@settings(max_examples=200, deadline=None)
@given(policy=limits(), account=accounts(), data=st.data(), holiday=st.integers(0, 6))
def test_a_larger_affordable_amount_never_yields_a_worse_plan(
    policy: Limits, account: AccountTerms, data: st.DataObject, holiday: int
) -> None:
    """What "worse" means here (see bot/offers/choose.py): a larger stated amount never
    turns an offer into a refusal, never keeps the debtor paying for more months within a
    kind of plan, and never yields *more* relief than a smaller one (relief is
    means-tested, which is why a total can rise with the amount: that is not "worse")."""
    low = data.draw(_affordable(account))
    high = low + data.draw(_affordable(account))
    small = choose_plans(account, policy, TODAY, low, holiday_months=holiday)
    large = choose_plans(account, policy, TODAY, high, holiday_months=holiday)
    if small.options:
        assert large.options, "a larger amount turned an offer into limits reached"
        assert large.options[0].level <= small.options[0].level
    by_kind = {p.kind: p for p in small.options}
    for plan in large.options:
        before = by_kind.get(plan.kind)
        if before is None:
            continue
        assert plan.months + plan.holiday_months <= before.months + before.holiday_months
        assert plan.level <= before.level
        assert plan.waived_fees <= before.waived_fees
        assert plan.waived_interest <= before.waived_interest
        assert plan.discount <= before.discount
        assert plan.apr >= before.apr


def _standard_fits(account: AccountTerms, policy: Limits, months: int, cap: Decimal) -> bool:
    """Whether `months` payments at the account's rate with nothing waived fit `cap`, by the
    engine's documented rule (the regular payment leaves room for the last one)."""
    unit = minor_unit(account.currency)
    regular = regular_payment(account.balance, account.apr, months, account.currency)
    return regular <= cap and regular >= max(policy.min_instalment, unit) + unit * months


@settings(max_examples=200, deadline=None)
@given(policy=limits(), account=accounts(), data=st.data())
def test_relief_is_no_more_than_the_stated_amount_needs(
    policy: Limits, account: AccountTerms, data: st.DataObject
) -> None:
    affordable = data.draw(_affordable(account))
    result = choose_plans(account, policy, TODAY, affordable)
    for plan in result.options:
        if plan.kind is PlanKind.PAY_IN_FULL and plan.level == 2:
            assert plan.total == affordable  # waived exactly what was missing
        elif plan.kind is PlanKind.SETTLEMENT:
            assert plan.total == affordable
        elif plan.kind is PlanKind.INSTALMENTS and plan.level == 3 and plan.months > 2:
            assert not _standard_fits(account, policy, plan.months - 1, affordable)
        elif plan.kind is PlanKind.INSTALMENTS and plan.level > 3:
            longest = policy.max_term_months
            assert not _standard_fits(account, policy, longest, affordable)
