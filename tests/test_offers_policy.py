"""Policy limits: the nine keys of DESIGN §8, their ranges, consistency and diffs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.offers.policy import DEFAULT_LIMITS, KEYS, Limits, PolicyError, diff

SECTION_8_KEYS = (
    "max_term_months",
    "min_instalment",
    "min_apr",
    "max_fee_waiver_pct",
    "max_interest_waiver_pct",
    "max_settlement_discount_pct",
    "max_holiday_months",
    "max_negotiation_rounds",
    "offer_validity_days",
)


def test_keys_are_those_of_design_section_8() -> None:
    assert KEYS == SECTION_8_KEYS
    assert tuple(DEFAULT_LIMITS.as_strings()) == SECTION_8_KEYS


def test_strings_round_trip_without_a_base() -> None:
    again = Limits.parse(DEFAULT_LIMITS.as_strings())
    assert again == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("max_term_months", "3", 3),
        ("max_term_months", "120", 120),
        ("min_instalment", "0", Decimal("0")),
        ("min_instalment", "25.5", Decimal("25.5")),
        ("min_instalment", "0.125", Decimal("0.125")),
        ("min_apr", "0", Decimal("0")),
        ("min_apr", "100", Decimal("100")),
        ("min_apr", "6.25", Decimal("6.25")),
        ("max_fee_waiver_pct", "100", Decimal("100")),
        ("max_interest_waiver_pct", "12.5", Decimal("12.5")),
        ("max_settlement_discount_pct", "0", Decimal("0")),
        ("max_holiday_months", "0", 0),
        ("max_negotiation_rounds", "10", 10),
        ("offer_validity_days", "30", 30),
        ("offer_validity_days", " 7 ", 7),
    ],
)
def test_values_inside_the_ranges_are_accepted(key: str, text: str, value: object) -> None:
    limits = Limits.parse({key: text}, DEFAULT_LIMITS)
    assert getattr(limits, key) == value


@pytest.mark.parametrize(
    ("key", "text", "allowed"),
    [
        ("max_term_months", "0", "from 1 to 120"),
        ("max_term_months", "121", "from 1 to 120"),
        ("max_term_months", "12.5", "whole number from 1 to 120"),
        ("max_term_months", "99999999999999999999", "from 1 to 120"),
        ("min_instalment", "-1", "at least 0"),
        ("min_instalment", "NaN", "at least 0"),
        ("min_instalment", "0.0001", "at most 3 decimal places"),
        ("min_apr", "100.01", "from 0 to 100"),
        ("min_apr", "1e309", "from 0 to 100"),
        ("min_apr", "Infinity", "from 0 to 100"),
        ("max_fee_waiver_pct", "101", "from 0 to 100"),
        ("max_interest_waiver_pct", "-5", "from 0 to 100"),
        ("max_settlement_discount_pct", "abc", "from 0 to 100"),
        ("max_holiday_months", "7", "from 0 to 6"),
        ("max_negotiation_rounds", "0", "from 1 to 10"),
        ("max_negotiation_rounds", "11", "from 1 to 10"),
        ("offer_validity_days", "31", "from 1 to 30"),
        ("offer_validity_days", "", "from 1 to 30"),
    ],
)
def test_values_outside_the_ranges_name_key_and_range(key: str, text: str, allowed: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Limits.parse({key: text}, DEFAULT_LIMITS)
    message = str(caught.value)
    assert message.startswith(f"{key} must be")
    assert allowed in message
    assert message.endswith(".")


def test_unknown_key_is_named_with_the_known_keys() -> None:
    with pytest.raises(PolicyError, match=r"unknown policy key 'max_terms'.*max_term_months"):
        Limits.parse({"max_terms": "12"}, DEFAULT_LIMITS)


def test_without_a_base_every_key_is_required() -> None:
    values = DEFAULT_LIMITS.as_strings()
    del values["min_apr"]
    with pytest.raises(PolicyError, match="missing policy keys: min_apr"):
        Limits.parse(values)


@pytest.mark.parametrize(
    ("values", "fine"),
    [
        ({"max_term_months": "3", "max_holiday_months": "3"}, False),
        ({"max_term_months": "3", "max_holiday_months": "4"}, False),
        ({"max_term_months": "1", "max_holiday_months": "1"}, False),
        ({"max_term_months": "4", "max_holiday_months": "3"}, True),
        ({"max_term_months": "1", "max_holiday_months": "0"}, True),
    ],
)
def test_a_holiday_as_long_as_the_term_is_inconsistent(values: dict[str, str], fine: bool) -> None:
    if fine:
        assert Limits.parse(values, DEFAULT_LIMITS).max_term_months == int(
            values["max_term_months"]
        )
        return
    with pytest.raises(PolicyError, match=r"max_holiday_months .* less than max_term_months"):
        Limits.parse(values, DEFAULT_LIMITS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_term_months", True),
        ("max_term_months", 12.0),
        ("min_apr", Decimal("NaN")),
        ("min_apr", 5),
        ("min_instalment", Decimal("-1")),
        ("max_fee_waiver_pct", Decimal("1.001")),
    ],
)
def test_constructing_limits_directly_is_validated_too(field: str, value: object) -> None:
    with pytest.raises(PolicyError, match=field):
        replace(DEFAULT_LIMITS, **{field: value})


def test_as_json_keeps_whole_numbers_as_numbers_and_decimals_as_strings() -> None:
    limits = Limits.parse({"min_apr": "6.50", "min_instalment": "25"}, DEFAULT_LIMITS)
    shown = limits.as_json()
    assert shown["max_term_months"] == 12
    assert shown["min_apr"] == "6.5"
    assert shown["min_instalment"] == "25"
    assert shown["max_fee_waiver_pct"] == "100"


def test_diff_lists_only_changed_keys_in_section_order() -> None:
    new = Limits.parse({"min_apr": "6", "max_term_months": "24"}, DEFAULT_LIMITS)
    assert diff(DEFAULT_LIMITS, new) == {"max_term_months": ("12", "24"), "min_apr": ("0", "6")}
    assert list(diff(DEFAULT_LIMITS, new)) == ["max_term_months", "min_apr"]
    assert diff(new, new) == {}


def test_equal_values_written_differently_are_no_change() -> None:
    new = Limits.parse({"min_apr": "0.00", "min_instalment": "10.000"}, DEFAULT_LIMITS)
    assert diff(DEFAULT_LIMITS, new) == {}
