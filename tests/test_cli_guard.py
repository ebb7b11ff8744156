"""``parley guard inbound|outbound`` end to end, with the JSON shapes of DESIGN §4."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.conftest import Cli


def _json(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1
    value: dict[str, Any] = json.loads(lines[0])
    return value


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["my lawyer will call you, stop texting me"],
            {
                "category": "attorney",
                "categories": ["attorney", "cease_contact"],
                "evidence": ["my lawyer", "stop texting"],
                "action": "request_representative",
            },
        ),
        (
            ["退订", "--lang", "zh_CN"],
            {
                "category": "cease_contact",
                "categories": ["cease_contact"],
                "evidence": ["退订"],
                "action": "confirm_opt_out",
            },
        ),
        (
            ["I can pay 200 a month", "--lang", "en"],
            {"category": "none", "categories": [], "evidence": [], "action": "continue"},
        ),
        (
            ["I'm not disputing it, I just want the balance"],
            {"category": "none", "categories": [], "evidence": [], "action": "continue"},
        ),
    ],
)
def test_inbound_json(cli: Cli, args: list[str], expected: dict[str, Any]) -> None:
    assert _json(cli, "guard", "inbound", *args) == expected


def test_inbound_text_output(cli: Cli) -> None:
    result = cli("guard", "inbound", "I want to die, stop calling me")
    assert result.code == 0
    assert result.out.splitlines() == [
        "self_harm (action: crisis_support)",
        "also: cease_contact",
        'evidence: "want to die", "stop calling"',
    ]


def test_inbound_reads_standard_input(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x" * 200_000 + " STOP texting me"))
    assert _json(cli, "guard", "inbound", "-")["category"] == "cease_contact"


def test_issue11_inbound_stdin_gives_one_json_line_per_message(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["退订", "", "I can pay 200 a month", "this game is killing me lol", "I want to die"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    result = cli("guard", "inbound", "-", "--json")
    assert result.code == 0, result.err
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [o["category"] for o in out] == [
        "cease_contact",
        "none",
        "none",
        "none",
        "self_harm",
    ]
    assert out[0]["evidence"] == ["退订"]
    assert all(set(o) == {"category", "categories", "evidence", "action"} for o in out)


def test_issue11_inbound_stdin_text_output_and_crlf(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("stop texting me\r\nI can pay 50\r\n"))
    result = cli("guard", "inbound", "-", "--lang", "en")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "cease_contact (action: confirm_opt_out)",
        'evidence: "stop texting"',
        "none (action: continue)",
    ]


def test_issue11_inbound_stdin_huge_line_is_bounded(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.commands.guard.MAX_STDIN_CHARS", 1_000)
    huge = "x" * 5_000 + " STOP texting me"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{huge}\nstop texting me\n"))
    result = cli("guard", "inbound", "-", "--json")
    out = [json.loads(line) for line in result.out.splitlines()]
    # the first line is read as its first 1,000 characters; the next line is still its own
    assert [o["category"] for o in out] == ["none", "cease_contact"]


def test_issue11_inbound_stdin_unknown_language_fails_before_reading(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n"))
    result = cli("guard", "inbound", "-", "--lang", "xx", "--json")
    assert result.code == 1
    assert result.out == ""
    assert result.err.strip() == "parley: no guard lexicon for language 'xx'."


def test_inbound_unknown_language_is_an_error(cli: Cli) -> None:
    result = cli("guard", "inbound", "hello", "--lang", "xx")
    assert result.code == 1
    assert result.out == ""
    assert result.err.strip() == "parley: no guard lexicon for language 'xx'."


QUIET = ["--timezone", "America/New_York", "--at", "2026-06-10T21:00:00-04:00", "--proactive"]
TEXT = "A reminder from Parley Demo Lending. Reply STOP to opt out."


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["Thanks, here are your options.", "--jurisdiction", "US"],
            {"allowed": True, "reasons": [], "defer_until": None},
        ),
        (
            [TEXT, "--jurisdiction", "US", *QUIET],
            {
                "allowed": False,
                "reasons": [
                    "quiet_hours: it is 21:00 in America/New_York; US quiet hours run 21:00-08:00"
                ],
                "defer_until": "2026-06-11T08:00:00-04:00",
            },
        ),
        (
            [TEXT, "--jurisdiction", "US", "--proactive", "--at", "2026-06-10T16:00:00Z"],
            {
                "allowed": False,
                "reasons": [
                    "timezone_unknown: the debtor has no time zone: proactive messages are held"
                ],
                "defer_until": None,
            },
        ),
        (
            ["不还钱就让你坐牢", "--jurisdiction", "CN"],
            {
                "allowed": False,
                "reasons": ['banned.threat: threatens arrest, jail, police or violence ("坐牢")'],
                "defer_until": None,
            },
        ),
        (
            ["您好，提醒您还款。", "--jurisdiction", "CN", "--first-debt-message"],
            {
                "allowed": False,
                "reasons": ["notice_missing.creditor_identity: say who we are: name the creditor"],
                "defer_until": None,
            },
        ),
        (
            [
                "您好，Acme 提醒您还款。",
                "--jurisdiction",
                "CN",
                "--first-debt-message",
                "--creditor",
                "Acme",
            ],
            {"allowed": True, "reasons": [], "defer_until": None},
        ),
    ],
)
def test_outbound_json(cli: Cli, args: list[str], expected: dict[str, Any]) -> None:
    assert _json(cli, "guard", "outbound", *args) == expected


def test_outbound_caps_from_prior_contacts(cli: Cli) -> None:
    args = [TEXT, "--jurisdiction", "US-MA", "--timezone", "America/New_York", "--proactive"]
    args += ["--at", "2026-06-10T12:00:00-04:00"]
    priors = ["--prior", "2026-06-05T12:00:00-04:00", "--prior", "2026-06-08T12:00:00-04:00"]
    refused = _json(cli, "guard", "outbound", *args, *priors)
    assert refused["allowed"] is False
    assert refused["reasons"][0].startswith("contact_cap:")
    assert refused["defer_until"] == "2026-06-12T12:00:00-04:00"
    assert _json(cli, "guard", "outbound", *args, *priors[:2])["allowed"] is True


def test_outbound_default_creditor_comes_from_the_settings(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_CREDITOR_NAME", "Acme Credit")
    args = ["guard", "outbound", "Acme Credit 提醒您还款。", "--jurisdiction", "CN"]
    assert _json(cli, *args, "--first-debt-message")["allowed"] is True


def test_outbound_text_output(cli: Cli) -> None:
    result = cli("guard", "outbound", TEXT, "--jurisdiction", "US", *QUIET)
    assert result.code == 0
    assert result.out.splitlines() == [
        "not allowed",
        "- quiet_hours: it is 21:00 in America/New_York; US quiet hours run 21:00-08:00",
        "may go at 2026-06-11T08:00:00-04:00",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jurisdiction", "FR"], "unknown jurisdiction 'FR'"),
        (["--jurisdiction", "US", "--at", "2026-06-10T12:00"], "--at needs a UTC offset"),
        (["--jurisdiction", "US", "--at", "tomorrow"], "--at must be an ISO 8601"),
        (["--jurisdiction", "US", "--prior", "2026-06-10"], "--prior needs a UTC offset"),
        (["--jurisdiction", "US", "--validation-end", "soon"], "--validation-end must be a date"),
    ],
)
def test_outbound_errors_are_one_sentence_on_stderr(
    cli: Cli, args: list[str], message: str
) -> None:
    result = cli("guard", "outbound", "hello", *args)
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith(f"parley: {message}")
    assert len(result.err.strip().splitlines()) == 1


def test_outbound_requires_a_jurisdiction(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("guard", "outbound", "hello")
    assert exited.value.code == 2
