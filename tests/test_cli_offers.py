"""``parley offers`` and ``parley policy show|set|history`` end to end (DESIGN §4, §8)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.demo import demo_policies
from bot.offers import DEFAULT_LIMITS, KEYS, Limits
from tests.conftest import Cli

HEADER = (
    "reference,full_name,date_of_birth,phone,currency,principal,interest,fees,apr,"
    "days_past_due,segment,jurisdiction,timezone,locale,validation_end,time_barred"
)
ROWS = (
    "U-1,Maria Lopez,1985-02-14,+12125550142,USD,4000.00,300.00,120.00,18.25,60,"
    "us-card-early,US,America/Chicago,en,,false",
    "J-1,Sato Yui,1990-07-01,+819012345678,JPY,500000,20000,3000,15,30,"
    "jp-card,US,Asia/Tokyo,en,,false",
    "K-1,Ali Hassan,1975-03-09,+96550012345,KWD,1200.500,30.250,5.125,9.5,30,"
    "kw-loan,US,Asia/Kuwait,en,,false",
)


@pytest.fixture
def accounts(cli: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "accounts.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    assert cli("import-accounts", str(path)).code == 0
    return cli


def _json(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli(*args)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert len(lines) == 1
    value: dict[str, Any] = json.loads(lines[0])
    return value


def _rows(cli: Cli, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(f"sqlite:///{cli.database}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def _digits(currency: str) -> int:
    return {"USD": 2, "JPY": 0, "KWD": 3}[currency]


def _check_amounts(out: dict[str, Any]) -> None:
    places = _digits(out["currency"])
    for option in out["options"]:
        amounts = [i["amount"] for i in option["instalments"]]
        for value in (*amounts, option["total"], *option["waived"].values()):
            assert isinstance(value, str)
            assert len(value.partition(".")[2]) == places
        assert sum(Decimal(a) for a in amounts) == Decimal(option["total"])
        assert Decimal(option["apr"]) >= 0


@pytest.mark.parametrize("reference", ["U-1", "J-1", "K-1"])
def test_offers_json_has_the_design_shape(accounts: Cli, reference: str) -> None:
    out = _json(accounts, "offers", reference, "--json")
    assert out["reference"] == reference
    assert out["limits_reached"] is None
    assert {"reference", "currency", "balance", "options", "limits_reached"} <= set(out)
    assert 1 <= len(out["options"]) <= 3
    for option in out["options"]:
        assert {"kind", "instalments", "apr", "waived", "total"} <= set(option)
        assert set(option["waived"]) == {"fees", "interest"}
        assert option["kind"] in {
            "pay_in_full",
            "settlement",
            "instalments",
            "holiday_then_instalments",
        }
    _check_amounts(out)


def test_balance_is_principal_interest_and_fees(accounts: Cli) -> None:
    assert _json(accounts, "offers", "U-1", "--json")["balance"] == "4420.00"
    assert _json(accounts, "offers", "J-1", "--json")["balance"] == "523000"
    assert _json(accounts, "offers", "K-1", "--json")["balance"] == "1235.875"


@pytest.mark.parametrize("monthly", ["5000", "900", "400.50", "380", "352.09"])
def test_monthly_lists_only_plans_that_fit(accounts: Cli, monthly: str) -> None:
    out = _json(accounts, "offers", "U-1", "--monthly", monthly, "--json")
    assert out["options"]
    for option in out["options"]:
        assert all(Decimal(i["amount"]) <= Decimal(monthly) for i in option["instalments"])
    _check_amounts(out)


def test_nothing_fits_gives_the_least_monthly_payment(accounts: Cli) -> None:
    out = _json(accounts, "offers", "U-1", "--monthly", "300", "--json")
    # Built-in default limits: 12 months, 0%, fees and 25% of interest waived: 4225/12.
    assert out["options"] == []
    assert out["limits_reached"] == {"min_monthly": "352.09"}
    text_out = accounts("offers", "U-1", "--monthly", "300")
    assert text_out.code == 0
    assert "352.09" in text_out.out


def test_offers_text_lists_each_option_with_its_reason(accounts: Cli) -> None:
    result = accounts("offers", "U-1", "--monthly", "380")
    assert result.code == 0
    assert "instalments: 12 × 379.99 USD" in result.out
    assert "rate reduced to 10.97% because 380.00/month is affordable" in result.out


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("offers", "NOPE"), "no account has the reference 'NOPE'."),
        (("offers", "U-1", "--monthly", "NaN"), "--monthly must be a finite number"),
        (("offers", "U-1", "--monthly", "-5"), "--monthly cannot be negative."),
        (("offers", "U-1", "--monthly", "1e309"), "without an exponent"),
        (("offers", "U-1", "--monthly", "12.345"), "USD amounts have at most 2 decimal"),
        (("offers", "J-1", "--monthly", "100.5"), "JPY amounts have no decimal places"),
        (("offers", "U-1", "--monthly", "9" * 30), "too large"),
        (("offers", "x" * 65), "REF must be 1–64 characters."),
    ],
)
def test_offers_refuses_bad_input_in_one_sentence(
    accounts: Cli, args: tuple[str, ...], sentence: str
) -> None:
    result = accounts(*args)
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("parley: ")
    assert sentence in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_policy_show_default_is_built_in_until_set(cli: Cli) -> None:
    out = _json(cli, "policy", "show", "default", "--json")
    assert out["segment"] == "default"
    assert out["version"] == 0
    assert list(out["limits"]) == list(KEYS)
    assert out["limits"]["max_term_months"] == 12
    assert Limits.parse({k: str(v) for k, v in out["limits"].items()}) == DEFAULT_LIMITS


def test_policy_set_stores_a_new_version_with_who_when_and_old_new(accounts: Cli) -> None:
    first = accounts("policy", "set", "default", "max_term_months=6", "--by", "alice")
    assert first.code == 0, first.err
    second = accounts(
        "policy", "set", "default", "max_term_months=9", "min_apr=4.5", "--by", "bob"
    )
    assert second.code == 0, second.err
    assert "max_term_months" in second.out
    assert "6 → 9" in second.out
    shown = _json(accounts, "policy", "show", "default", "--json")
    assert shown["version"] == 2
    assert shown["limits"]["max_term_months"] == 9
    assert shown["limits"]["min_apr"] == "4.5"
    history = accounts("policy", "history", "default", "--json")
    versions = [json.loads(line) for line in history.out.splitlines()]
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["created_by"] for v in versions] == ["alice", "bob"]
    assert versions[1]["changes"] == {"max_term_months": ["6", "9"], "min_apr": ["0", "4.5"]}
    assert versions[0]["changes"]["max_term_months"] == [None, "6"]
    assert all(v["created_at"] for v in versions)
    audit = _rows(
        accounts,
        "SELECT actor, policy_version, data FROM audit_event "
        "WHERE kind = 'policy.changed' ORDER BY id",
    )
    assert [(a[0], a[1]) for a in audit] == [("admin:alice", 1), ("admin:bob", 2)]
    data = json.loads(audit[1][2])
    assert data["segment"] == "default"
    assert data["changes"] == {"max_term_months": ["6", "9"], "min_apr": ["0", "4.5"]}
    text_history = accounts("policy", "history", "default")
    assert "version 2" in text_history.out
    assert "by bob" in text_history.out


def test_offers_follow_the_segments_policy(accounts: Cli) -> None:
    before = _json(accounts, "offers", "U-1", "--json")
    assert max(len(o["instalments"]) for o in before["options"]) == 12
    assert accounts("policy", "set", "us-card-early", "max_term_months=6", "--by", "a").code == 0
    after = _json(accounts, "offers", "U-1", "--json")
    assert max(len(o["instalments"]) for o in after["options"]) == 6
    assert after["policy"] == {"segment": "us-card-early", "version": 1}
    shown = _json(accounts, "policy", "show", "us-card-early", "--json")
    assert shown["limits"]["max_term_months"] == 6


@pytest.mark.parametrize(
    ("pairs", "sentence"),
    [
        (["max_term_months=0"], "max_term_months must be a whole number from 1 to 120"),
        (["max_term_months=121"], "from 1 to 120"),
        (["min_apr=NaN"], "min_apr must be a number from 0 to 100"),
        (["min_apr=1e309"], "min_apr must be a number from 0 to 100"),
        (["max_fee_waiver_pct=-1"], "max_fee_waiver_pct must be a number from 0 to 100"),
        (["max_holiday_months=7"], "from 0 to 6"),
        (["max_term_months=3", "max_holiday_months=3"], "must be less than max_term_months"),
        (["nonsense=1"], "unknown policy key 'nonsense'"),
        (["max_term_months"], "is not KEY=VALUE"),
        (["min_apr=1", "min_apr=2"], "min_apr is given twice"),
    ],
)
def test_policy_set_refuses_invalid_values_and_keeps_nothing(
    accounts: Cli, pairs: list[str], sentence: str
) -> None:
    result = accounts("policy", "set", "default", *pairs, "--by", "alice")
    assert result.code == 1
    assert sentence in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert _rows(accounts, "SELECT count(*) FROM policy") == [(0,)]
    assert _rows(accounts, "SELECT count(*) FROM audit_event WHERE kind = 'policy.changed'") == [
        (0,)
    ]


def test_policy_set_without_a_change_stores_nothing(accounts: Cli) -> None:
    assert accounts("policy", "set", "default", "min_apr=3", "--by", "a").code == 0
    again = accounts("policy", "set", "default", "min_apr=3.00", "--by", "a")
    assert again.code == 0
    assert "no change" in again.out
    assert _rows(accounts, "SELECT count(*) FROM policy") == [(1,)]


@pytest.mark.parametrize(
    "args",
    [
        ("policy", "show", "no-such-segment"),
        ("policy", "history", "no-such-segment"),
        ("policy", "show", "bad segment!"),
        ("policy", "set", "default", "min_apr=1", "--by", "not a name"),
    ],
)
def test_unknown_or_malformed_segments_are_refused(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == 1
    assert result.err.startswith("parley: ")
    assert len(result.err.strip().splitlines()) == 1


def test_policy_show_lists_every_segment_one_json_per_line(accounts: Cli) -> None:
    assert accounts("policy", "set", "jp-card", "min_instalment=5000", "--by", "a").code == 0
    result = accounts("policy", "show", "--json")
    segments = [json.loads(line)["segment"] for line in result.out.splitlines()]
    assert segments == ["default", "jp-card"]


def test_the_demo_policies_are_valid_limits() -> None:
    for segment, values in demo_policies().items():
        assert Limits.parse(values).as_strings() == values, segment
