"""choose_plans: the relief ladder on known accounts, hand-checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bot.offers import (
    DEFAULT_LIMITS,
    AccountTerms,
    Concessions,
    OfferError,
    PlanKind,
    breaches,
    choose_plans,
)

TODAY = date(2025, 1, 31)
# Balance 4420.00 = 4000 principal + 300 interest + 120 fees, at 18.25%.
CARD = AccountTerms("A-1", "USD", Decimal(4000), Decimal(300), Decimal(120), Decimal("18.25"))


def _summary(monthly: str | None, holiday: int = 0) -> list[tuple[str, int, str, str, int]]:
    amount = None if monthly is None else Decimal(monthly)
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, amount, holiday_months=holiday)
    return [(p.kind.value, p.months, str(p.monthly), str(p.apr), p.level) for p in result.options]


# 12 payments at 18.25% on 4420: 4420*r/(1-(1+r)^-12), r = 0.0152083..., = 405.75.. -> 405.76.
# Largest relief: fees 120 and 25% of interest (75) waived, 0%: 4225/12 = 352.083 -> 352.09.
@pytest.mark.parametrize(
    ("monthly", "expected"),
    [
        (
            None,
            [("pay_in_full", 1, "4420.00", "18.25", 1), ("instalments", 12, "405.76", "18.25", 3)],
        ),
        (
            "5000",
            [("pay_in_full", 1, "4420.00", "18.25", 1), ("instalments", 2, "2260.55", "18.25", 3)],
        ),
        (
            "4400",
            [("pay_in_full", 1, "4400.00", "18.25", 2), ("instalments", 2, "2260.55", "18.25", 3)],
        ),
        ("900", [("instalments", 6, "776.38", "18.25", 3)]),
        ("405.76", [("instalments", 12, "405.76", "18.25", 3)]),
        ("400", [("instalments", 12, "400.00", "18.25", 4)]),
        ("380", [("instalments", 12, "379.99", "10.97", 5)]),
        ("358.34", [("instalments", 12, "358.34", "0.00", 5)]),
        ("358.33", [("instalments", 12, "358.33", "0.00", 6)]),
        ("352.09", [("instalments", 12, "352.09", "0.00", 6)]),
    ],
)
def test_the_ladder_on_a_card_account(
    monthly: str | None, expected: list[tuple[str, int, str, str, int]]
) -> None:
    assert _summary(monthly) == expected


@pytest.mark.parametrize(
    ("monthly", "code", "text"),
    [
        (
            "5000",
            "pay_in_full",
            "pay the full balance in one payment because 5000 can be paid now",
        ),
        (
            "4400",
            "pay_in_full_fees_waived",
            "fees of 20.00 waived for paying in one payment because 4400 can be paid now",
        ),
        ("400", "fees_waived", "fees of 62.66 waived because 400/month is affordable"),
        (
            "380",
            "rate_reduced",
            "fees of 120.00 waived and rate reduced to 10.97% because 380/month is affordable",
        ),
        (
            "358.34",
            "interest_frozen",
            "fees of 120.00 waived and interest frozen at 0% because 358.34/month is affordable",
        ),
    ],
)
def test_each_option_says_why(monthly: str, code: str, text: str) -> None:
    plan = choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal(monthly)).options[0]
    assert plan.reason.code == code
    assert plan.reason.text == text


def test_a_rate_reduction_reads_like_the_issue_example() -> None:
    account = AccountTerms("R-1", "USD", Decimal(5100), Decimal(0), Decimal(0), Decimal(24))
    plan = choose_plans(account, DEFAULT_LIMITS, TODAY, Decimal(450)).options[0]
    assert plan.reason.code == "rate_reduced"
    assert plan.reason.text == f"rate reduced to {plan.apr}% because 450/month is affordable"
    assert plan.monthly <= 450


def test_nothing_fits_reports_the_least_monthly_payment() -> None:
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal("352.08"))
    assert result.options == ()
    assert result.limits_reached is not None
    assert result.limits_reached.min_monthly == Decimal("352.09")
    assert result.as_json()["limits_reached"] == {"min_monthly": "352.09"}


def test_a_holiday_counts_inside_the_term_and_charges_no_interest_meanwhile() -> None:
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, None, holiday_months=5)
    holiday = [p for p in result.options if p.kind is PlanKind.HOLIDAY_THEN_INSTALMENTS]
    assert len(holiday) == 1
    plan = holiday[0]
    assert plan.holiday_months == 2  # cut to the policy's maximum
    assert plan.months == 10
    assert plan.instalments[0].due == date(2025, 4, 30)  # Feb and Mar are the holiday
    assert plan.last_due == date(2026, 1, 31)
    # Issue 13: "you save" is only the concessions (nothing is waived here), and what the
    # plan costs above today's balance is its own figure.
    assert plan.saving == plan.waived_fees + plan.waived_interest + plan.discount == 0
    assert plan.over_balance == plan.total - CARD.balance > 0


def test_a_settlement_only_when_paying_in_full_does_not_fit() -> None:
    limits = replace(
        DEFAULT_LIMITS,
        max_term_months=1,
        max_holiday_months=0,
        max_settlement_discount_pct=Decimal(50),
    )
    settled = choose_plans(CARD, limits, TODAY, Decimal(3000))
    assert [(p.kind, p.total, p.discount) for p in settled.options] == [
        (PlanKind.SETTLEMENT, Decimal("3000.00"), Decimal("1420.00"))
    ]
    assert settled.options[0].reason.text == (
        "settled for 3000.00, 1420.00 off the balance because 3000 can be paid now"
    )
    paid = choose_plans(CARD, limits, TODAY, Decimal(4420))
    assert [p.kind for p in paid.options] == [PlanKind.PAY_IN_FULL]


@pytest.mark.parametrize(
    ("currency", "principal", "monthly", "regular"),
    [
        # 523000 yen at 15%; the largest relief is 515000 over 12 = 42916.67 -> 42917.
        ("JPY", "500000", "42917", "42917"),
        # 1235.875 dinars at 15% over 12: pmt = 111.54799.. -> 111.548 (11 months: 120.95).
        ("KWD", "1200.500", "112", "111.548"),
    ],
)
def test_zero_and_three_digit_currencies(
    currency: str, principal: str, monthly: str, regular: str
) -> None:
    interest, fees = (
        (Decimal(20000), Decimal(3000))
        if currency == "JPY"
        else (
            Decimal("30.250"),
            Decimal("5.125"),
        )
    )
    account = AccountTerms("C-1", currency, Decimal(principal), interest, fees, Decimal(15))
    plan = choose_plans(account, DEFAULT_LIMITS, TODAY, Decimal(monthly)).options[0]
    assert str(plan.monthly) == regular
    assert sum((i.amount for i in plan.instalments), Decimal(0)) == plan.total
    assert breaches(plan, account, DEFAULT_LIMITS, TODAY) == []


def test_min_instalment_shortens_the_plan() -> None:
    small = AccountTerms("S-1", "USD", Decimal(100), Decimal(0), Decimal(0), Decimal(0))
    limits = replace(DEFAULT_LIMITS, min_instalment=Decimal(30))
    plans = choose_plans(small, limits, TODAY).options
    instalments = next(p for p in plans if p.kind is PlanKind.INSTALMENTS)
    assert instalments.months == 3  # 4 x 25 would fall below 30
    assert all(i.amount >= 30 for i in instalments.instalments)


def test_an_account_below_min_apr_keeps_its_own_rate() -> None:
    cheap = AccountTerms("Z-1", "USD", Decimal(1200), Decimal(0), Decimal(0), Decimal(2))
    limits = replace(DEFAULT_LIMITS, min_apr=Decimal(5))
    plans = choose_plans(cheap, limits, TODAY).options
    assert {p.apr for p in plans} == {Decimal(2)}


def test_a_floor_keeps_earlier_concessions() -> None:
    floor = Concessions(fee_waiver=Decimal(120), apr=Decimal(6))
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal(2000), floor)
    instalments = next(p for p in result.options if p.kind is PlanKind.INSTALMENTS)
    assert instalments.apr == Decimal(6)
    assert instalments.waived_fees == Decimal(120)
    assert instalments.months == 3  # the shortest term at those terms
    pay = [p for p in result.options if p.kind is PlanKind.PAY_IN_FULL]
    assert pay == []  # 4300 does not fit 2000


def test_json_shape_of_design_section_4() -> None:
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, None).as_json()
    assert result["reference"] == "A-1"
    assert result["currency"] == "USD"
    assert result["balance"] == "4420.00"
    assert result["limits_reached"] is None
    option = result["options"][1]
    assert option["kind"] == "instalments"
    assert option["apr"] == "18.25"
    assert option["waived"] == {"fees": "0.00", "interest": "0.00"}
    assert option["instalments"][0] == {"due": "2025-02-28", "amount": "405.76"}
    assert option["instalments"][1]["due"] == "2025-03-31"
    assert option["total"] == str(
        sum((Decimal(i["amount"]) for i in option["instalments"]), Decimal(0))
    )


@pytest.mark.parametrize(
    ("principal", "apr", "currency", "sentence"),
    [
        (Decimal(-1), Decimal(10), "USD", "negative"),
        (Decimal("NaN"), Decimal(10), "USD", "finite"),
        (Decimal("1e309"), Decimal(10), "USD", "too large"),
        (Decimal("10.001"), Decimal(10), "USD", "decimal places"),
        (Decimal(10), Decimal("NaN"), "USD", "rate"),
        (Decimal(10), Decimal(-3), "USD", "rate"),
        (Decimal(10), Decimal(10), "ZZZ", "ISO 4217"),
    ],
)
def test_hostile_accounts_are_refused(
    principal: Decimal, apr: Decimal, currency: str, sentence: str
) -> None:
    with pytest.raises(OfferError, match=sentence):
        AccountTerms("H-1", currency, principal, Decimal(0), Decimal(0), apr)


@pytest.mark.parametrize("monthly", [Decimal("NaN"), Decimal(-1), Decimal("-Infinity")])
def test_hostile_affordable_amounts_are_refused(monthly: Decimal) -> None:
    with pytest.raises(OfferError, match="affordable"):
        choose_plans(CARD, DEFAULT_LIMITS, TODAY, monthly)


def test_nothing_owed_is_refused() -> None:
    paid = AccountTerms("P-1", "USD", Decimal(0), Decimal(0), Decimal(0), Decimal(10))
    with pytest.raises(OfferError, match="owes nothing"):
        choose_plans(paid, DEFAULT_LIMITS, TODAY)


def test_a_huge_affordable_amount_is_just_pay_in_full_first() -> None:
    result = choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal("1e30"))
    assert result.options[0].kind is PlanKind.PAY_IN_FULL
    assert result.options[0].total == CARD.balance
