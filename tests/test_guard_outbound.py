"""Outbound rules of DESIGN §7: quiet hours, caps, notices, banned content, hostile text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compliance import (
    MAX_OUTBOUND_CHARS,
    OutboundContext,
    Verdict,
    check_outbound,
    profile_for,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SHANGHAI = ZoneInfo("Asia/Shanghai")
ZONES = {"US": "America/New_York", "US-MA": "America/New_York", "US-NY": "America/New_York"}
ZONES |= {"GB": "Europe/London", "CN": "Asia/Shanghai"}
CLEAN = {
    "US": "Hi, a reminder from Parley Demo Lending. Reply STOP to opt out.",
    "GB": "Hi, a reminder from Parley Demo Lending about your plan.",
    "CN": "您好，Parley Demo Lending 提醒您本期还款。回复TD退订",
}
CLEAN |= {"US-MA": CLEAN["US"], "US-NY": CLEAN["US"]}


def context(jurisdiction: str = "US", **fields: object) -> OutboundContext:
    defaults: dict[str, object] = {
        "jurisdiction": jurisdiction,
        "timezone": ZONES[jurisdiction],
        "now": datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo(ZONES[jurisdiction])),
        "creditor_name": "Parley Demo Lending",
    }
    return OutboundContext(**(defaults | fields))  # type: ignore[arg-type]


def proactive_at(jurisdiction: str, local: datetime, **fields: object) -> Verdict:
    ctx = context(jurisdiction, now=local, proactive=True, **fields)
    return check_outbound(CLEAN[jurisdiction], ctx)


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


# -- quiet hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "when", "allowed"),
    [
        ("US", local(NEW_YORK, 2026, 6, 10, 20, 59, 59), True),
        ("US", local(NEW_YORK, 2026, 6, 10, 21, 0, 0), False),
        ("US", local(NEW_YORK, 2026, 6, 10, 7, 59), False),
        ("US", local(NEW_YORK, 2026, 6, 10, 8, 0), True),
        ("US-MA", local(NEW_YORK, 2026, 6, 10, 21, 0), False),
        ("US-NY", local(NEW_YORK, 2026, 6, 10, 7, 59, 59), False),
        ("GB", local(LONDON, 2026, 6, 10, 20, 59, 59), True),
        ("GB", local(LONDON, 2026, 6, 10, 21, 0), False),
        ("GB", local(LONDON, 2026, 6, 10, 8, 0), True),
        ("CN", local(SHANGHAI, 2026, 6, 10, 21, 59, 59), True),
        ("CN", local(SHANGHAI, 2026, 6, 10, 22, 0), False),
        ("CN", local(SHANGHAI, 2026, 6, 10, 7, 59), False),
        ("CN", local(SHANGHAI, 2026, 6, 10, 8, 0), True),
    ],
)
def test_quiet_hours_edges_in_local_time(jurisdiction: str, when: datetime, allowed: bool) -> None:
    verdict = proactive_at(jurisdiction, when.astimezone(UTC))
    assert verdict.allowed is allowed, verdict.reasons
    if not allowed:
        assert verdict.codes == ("quiet_hours",)
        assert verdict.defer_until is not None
        assert verdict.defer_until.astimezone(when.tzinfo).hour == 8
        assert verdict.defer_until > when


@pytest.mark.parametrize(
    ("jurisdiction", "utc_now", "allowed", "defer_until_utc"),
    [
        # New York: EDT ends 2026-11-01. 12:30Z is 07:30 EST that day, 08:30 EDT the day before.
        ("US", datetime(2026, 10, 31, 12, 30, tzinfo=UTC), True, None),
        (
            "US",
            datetime(2026, 11, 1, 12, 30, tzinfo=UTC),
            False,
            datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
        ),
        # New York: EDT starts 2026-03-08. 12:30Z is 08:30 EDT that day, 07:30 EST the day before.
        ("US", datetime(2026, 3, 8, 12, 30, tzinfo=UTC), True, None),
        (
            "US",
            datetime(2026, 3, 7, 12, 30, tzinfo=UTC),
            False,
            datetime(2026, 3, 7, 13, 0, tzinfo=UTC),
        ),
        # London: BST starts 2026-03-29 and ends 2026-10-25.
        ("GB", datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True, None),
        (
            "GB",
            datetime(2026, 3, 28, 7, 30, tzinfo=UTC),
            False,
            datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        ),
        ("GB", datetime(2026, 10, 25, 20, 30, tzinfo=UTC), True, None),
        (
            "GB",
            datetime(2026, 10, 24, 20, 30, tzinfo=UTC),
            False,
            datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_on_daylight_saving_change_days(
    jurisdiction: str, utc_now: datetime, allowed: bool, defer_until_utc: datetime | None
) -> None:
    verdict = proactive_at(jurisdiction, utc_now)
    assert verdict.allowed is allowed, verdict.reasons
    assert verdict.defer_until == defer_until_utc


@pytest.mark.parametrize("jurisdiction", ["US", "GB", "CN"])
def test_a_reply_to_a_debtor_who_just_wrote_goes_at_any_hour(jurisdiction: str) -> None:
    three_am = datetime(2026, 6, 10, 3, 0, tzinfo=ZoneInfo(ZONES[jurisdiction]))
    many = tuple(three_am - timedelta(hours=h) for h in range(1, 10))
    ctx = context(jurisdiction, now=three_am, prior_proactive_contacts=many)
    assert check_outbound("Thanks, here are your options.", ctx) == Verdict(True, (), None)


@pytest.mark.parametrize("zone", [None, "", "Mars/Olympus_Mons", "../../etc/passwd"])
def test_an_unknown_time_zone_holds_proactive_messages(zone: str | None) -> None:
    ctx = context("US", timezone=zone, proactive=True, now=datetime(2026, 6, 10, 16, tzinfo=UTC))
    verdict = check_outbound(CLEAN["US"], ctx)
    assert not verdict.allowed
    assert verdict.codes == ("timezone_unknown",)
    assert verdict.defer_until is None
    assert check_outbound("Thanks.", replace(ctx, proactive=False)).allowed


# -- rolling caps ------------------------------------------------------------------------

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=NEW_YORK)


def _days_ago(*days: float) -> tuple[float, ...]:
    return days


@pytest.mark.parametrize(
    ("jurisdiction", "days_ago", "allowed"),
    [
        ("US", _days_ago(1.1, 2, 3, 4, 5, 6), True),  # 7th in 7 days
        ("US", _days_ago(1.1, 2, 3, 4, 5, 6, 6.9), False),  # 8th in 7 days
        ("US", _days_ago(1.1, 2, 3, 4, 5, 6, 7), True),  # the oldest just left the window
        ("US", _days_ago(0.5), False),  # 2nd in a day
        ("US-MA", _days_ago(3), True),  # 2nd in 7 days
        ("US-MA", _days_ago(3, 6), False),  # 3rd in 7 days
        ("US-NY", _days_ago(2, 4), True),  # 3rd in 7 days
        ("US-NY", _days_ago(2, 4, 6), False),  # 4th in 7 days
        ("GB", _days_ago(0.25), False),  # 2nd in a day
        ("GB", _days_ago(1.01), True),
        ("CN", _days_ago(0.1, 0.2), True),  # 3rd in a day
        ("CN", _days_ago(0.1, 0.2, 0.3), False),  # 4th in a day
        ("CN", _days_ago(0.1, 0.2, 1.0), True),  # exactly 24 h ago is outside the window
    ],
)
def test_rolling_contact_caps(
    jurisdiction: str, days_ago: tuple[float, ...], allowed: bool
) -> None:
    noon = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo(ZONES[jurisdiction]))
    prior = tuple(noon - timedelta(days=d) for d in days_ago)
    verdict = proactive_at(jurisdiction, noon, prior_proactive_contacts=prior)
    assert verdict.allowed is allowed, verdict.reasons
    if not allowed:
        assert set(verdict.codes) == {"contact_cap"}
        assert verdict.defer_until is not None
        later = proactive_at(jurisdiction, verdict.defer_until, prior_proactive_contacts=prior)
        assert later.allowed, later.reasons


def test_a_deferral_by_cap_also_respects_quiet_hours() -> None:
    prior = (datetime(2026, 6, 9, 22, 30, tzinfo=LONDON) - timedelta(hours=2),)  # 20:30 local
    verdict = proactive_at(
        "GB", datetime(2026, 6, 10, 12, tzinfo=LONDON), prior_proactive_contacts=prior
    )
    assert verdict.codes == ("contact_cap",)
    assert verdict.defer_until == datetime(2026, 6, 10, 20, 30, tzinfo=LONDON)
    late_prior = (datetime(2026, 6, 9, 20, 59, 59, tzinfo=LONDON) + timedelta(hours=0),)
    at_night = datetime(2026, 6, 10, 20, 0, tzinfo=LONDON)
    verdict = proactive_at("GB", at_night, prior_proactive_contacts=late_prior)
    assert verdict.defer_until == datetime(2026, 6, 10, 20, 59, 59, tzinfo=LONDON)


def test_cap_release_inside_quiet_hours_moves_to_the_morning() -> None:
    prior = (datetime(2026, 6, 9, 23, 30, tzinfo=SHANGHAI) - timedelta(hours=1, minutes=30),)
    prior = (*prior, prior[0] + timedelta(minutes=1), prior[0] + timedelta(minutes=2))
    verdict = proactive_at(
        "CN", datetime(2026, 6, 10, 21, 0, tzinfo=SHANGHAI), prior_proactive_contacts=prior
    )
    assert verdict.codes == ("contact_cap",)
    assert verdict.defer_until == datetime(2026, 6, 11, 8, 0, tzinfo=SHANGHAI)


def test_an_opted_out_debtor_gets_no_proactive_message() -> None:
    verdict = proactive_at("US", NOON, opted_out=True)
    assert verdict.codes == ("opted_out",)
    assert verdict.defer_until is None


# -- required notices --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "text", "fields", "missing"),
    [
        (
            "US",
            "You owe $1,200.",
            {"is_first_debt_message": True, "states_debt": True},
            "debt_collector",
        ),
        (
            "US",
            "This is a communication from a debt collector. You owe $1,200.",
            {"is_first_debt_message": True, "states_debt": True},
            None,
        ),
        (
            "US",
            "您欠款 1200 美元。这是债务催收机构的信息。",
            {"is_first_debt_message": True, "states_debt": True},
            None,
        ),
        ("US", "You owe $1,200.", {"states_debt": True}, None),
        ("US", "Hi, a reminder about your plan.", {"proactive": True}, "opt_out"),
        ("US", "Hi, a reminder. Text STOP to unsubscribe.", {"proactive": True}, None),
        ("US-NY", "Hi, a reminder about your plan.", {"proactive": True}, "opt_out"),
        ("US", "The balance is $300.", {"time_barred": True, "states_debt": True}, "no_suit"),
        (
            "US",
            "The balance is $300. Because of its age, we will not sue you for it.",
            {"time_barred": True, "states_debt": True},
            None,
        ),
        ("GB", "Here are some options.", {"hardship_shown": True}, "debt_advice"),
        (
            "GB",
            "Free debt advice is available from StepChange or MoneyHelper.",
            {"hardship_shown": True},
            None,
        ),
        (
            "GB",
            "Here are some options.",
            {"hardship_shown": True, "debt_advice_signposted": True},
            None,
        ),
        ("GB", "Hi, a reminder about your plan.", {"proactive": True}, None),
        ("CN", "您好，提醒您本期还款。", {"proactive": True}, "creditor_identity"),
        ("CN", "您好，Parley Demo Lending 提醒您本期还款。", {"proactive": True}, None),
        (
            "CN",
            "您的欠款为 12000 元。",
            {"is_first_debt_message": True, "states_debt": True},
            "creditor_identity",
        ),
        ("CN", "您的欠款为 12000 元。", {"states_debt": True}, None),
    ],
)
def test_required_notices(
    jurisdiction: str, text: str, fields: dict[str, object], missing: str | None
) -> None:
    verdict = check_outbound(text, context(jurisdiction, **fields))
    if missing is None:
        assert verdict.allowed, verdict.reasons
    else:
        assert verdict.codes == (f"notice_missing.{missing}",)
        assert verdict.defer_until is None


def test_cn_without_a_creditor_name_cannot_say_who_we_are() -> None:
    verdict = check_outbound("您好。", context("CN", proactive=True, creditor_name=""))
    assert "notice_missing.creditor_identity" in verdict.codes


# -- banned content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "text", "code"),
    [
        ("US", "If you don't pay you will be arrested.", "threat"),
        ("US", "You could go to jail for this.", "threat"),
        ("US", "We will send the police to your house.", "threat"),
        ("GB", "We know where you live.", "threat"),
        ("CN", "不还钱就让你坐牢", "threat"),
        ("CN", "再不还警察会上门抓你", "threat"),
        ("US", "This is the court. Pay now.", "impersonation"),
        ("CN", "我们是法院执行局，请立即还款", "impersonation"),
        ("CN", "不还款会被列入黑名单", "blacklist"),
        ("CN", "你将成为失信被执行人", "blacklist"),
        ("US", "We will put you on a blacklist.", "blacklist"),
        ("US", "We will tell your employer about this debt.", "third_party_disclosure"),
        ("CN", "我们会通知你的家人和单位", "third_party_disclosure"),
        ("CN", "再不还就爆通讯录", "third_party_disclosure"),
        ("GB", "You could take out a payday loan to clear this.", "borrow_to_pay"),
        ("GB", "Maybe sell your car to pay this off.", "borrow_to_pay"),
        ("CN", "你可以先借网贷来还", "borrow_to_pay"),
        ("CN", "找亲戚朋友借钱还上", "borrow_to_pay"),
        ("GB", "We will take legal action next week.", "legal_threat"),
        ("CN", "我们将起诉你", "legal_threat"),
    ],
)
def test_banned_content(jurisdiction: str, text: str, code: str) -> None:
    verdict = check_outbound(text, context(jurisdiction))
    assert f"banned.{code}" in verdict.codes, verdict.reasons
    assert not verdict.allowed
    assert verdict.defer_until is None


@pytest.mark.parametrize(
    ("jurisdiction", "text"),
    [
        ("US", "You will not be arrested. Nobody goes to jail over a debt like this."),
        ("US", "We will never contact your employer or family."),
        ("CN", "我们不会联系您的家人或单位。"),
        ("CN", "欠款不会让您坐牢。"),
        ("US", "We may take legal action."),  # lawful in the US on a debt that is not time-barred
        ("US", "Thanks. Your first payment of $120.00 is on 2026-07-01."),
        ("GB", "Thanks, that plan is set up."),
    ],
)
def test_reassurance_and_ordinary_messages_pass(jurisdiction: str, text: str) -> None:
    verdict = check_outbound(text, context(jurisdiction))
    assert verdict.allowed, verdict.reasons


def test_suit_on_a_time_barred_debt_is_banned_but_the_promise_not_to_sue_is_not() -> None:
    barred = context("US", time_barred=True)
    assert check_outbound("We may sue you for this.", barred).codes == ("banned.legal_threat",)
    assert check_outbound("We will not sue you for it.", barred).allowed


VALIDATION = {"validation_end": date(2026, 6, 30)}


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("Please pay by June 20.", False),
        ("Please pay by 2026-06-29.", False),
        ("Please pay by 6/25.", False),
        ("Please pay within 7 days.", False),
        ("Please pay today.", False),
        ("This offer expires tomorrow.", False),
        ("请在6月20日前还款", False),
        ("请于3天内还款", False),
        ("You must pay now to keep your right to dispute.", False),
        ("Please pay by June 30.", True),
        ("Please pay by July 15, 2026.", True),
        ("This offer stands until 2026-07-10.", True),
        ("You can dispute the debt until 2026-06-30.", True),
        ("Here are three plans you could choose from.", True),
    ],
)
def test_no_deadline_before_a_running_validation_period_ends(text: str, allowed: bool) -> None:
    verdict = check_outbound(text, context("US", **VALIDATION))
    assert verdict.allowed is allowed, verdict.reasons
    if not allowed:
        assert set(verdict.codes) <= {"banned.validation_deadline", "banned.dispute_payment_hint"}


def test_deadlines_are_free_once_the_validation_period_has_ended() -> None:
    after = datetime(2026, 7, 1, 12, tzinfo=NEW_YORK)
    assert check_outbound("Please pay by July 3.", context("US", now=after, **VALIDATION)).allowed
    ended = context("GB", validation_end=date(2026, 6, 30))  # no validation period in GB
    assert check_outbound("Please pay by June 20.", ended).allowed


# -- hostile text and input checks ---------------------------------------------------------


def test_a_100_kb_message_is_refused_not_cut() -> None:
    verdict = check_outbound("a" * 100_000, context("US"))
    assert verdict.codes == ("too_long",)
    assert check_outbound("a" * MAX_OUTBOUND_CHARS, context("US")).allowed


@pytest.mark.parametrize(
    "text",
    [
        "You will be arr\u200best\u200ded",
        "You will be ARRESTED\x00\x1b[31m",
        "\u202eYou will be arrested\u202c",
        "You will be ａｒｒｅｓｔｅｄ",
        "\u200fYou will be \u200farrested",
    ],
)
def test_invisible_and_control_characters_do_not_hide_banned_words(text: str) -> None:
    assert "banned.threat" in check_outbound(text, context("US")).codes


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200f", "😀"])
def test_an_empty_message_is_refused(text: str) -> None:
    assert check_outbound(text, context("US")).codes == ("empty",)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OutboundContext(jurisdiction="US", now=datetime(2026, 6, 10, 12))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        OutboundContext(
            jurisdiction="US",
            now=NOON,
            prior_proactive_contacts=(datetime(2026, 6, 9, 12),),  # noqa: DTZ001
        )


@pytest.mark.parametrize(("code", "profile"), [("us-ca", "US"), ("UK", "GB"), ("cn", "CN")])
def test_jurisdiction_codes(code: str, profile: str) -> None:
    assert profile_for(code).code == profile


def test_an_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown jurisdiction"):
        check_outbound("hi", replace(context("US"), jurisdiction="FR"))


def test_verdict_json_shape() -> None:
    night = datetime(2026, 6, 10, 23, 0, tzinfo=NEW_YORK)
    verdict = proactive_at("US", night)
    assert verdict.to_json() == {
        "allowed": False,
        "reasons": [
            "quiet_hours: it is 23:00 in America/New_York; US quiet hours run 21:00-08:00"
        ],
        "defer_until": "2026-06-11T08:00:00-04:00",
    }
    assert Verdict(True).to_json() == {"allowed": True, "reasons": [], "defer_until": None}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["US", "US-MA", "US-NY", "GB", "CN"]),
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.lists(st.integers(min_value=1, max_value=10 * 24 * 60), max_size=12),
)
def test_a_deferred_message_may_go_at_its_defer_time(
    jurisdiction: str, now: datetime, minutes_ago: list[int]
) -> None:
    prior = tuple(now - timedelta(minutes=m) for m in minutes_ago)
    verdict = proactive_at(jurisdiction, now, prior_proactive_contacts=prior)
    if verdict.allowed:
        assert verdict.defer_until is None
        return
    assert verdict.defer_until is not None
    assert verdict.defer_until > now
    assert proactive_at(jurisdiction, verdict.defer_until, prior_proactive_contacts=prior).allowed


def test_a_day_is_24_hours_across_a_daylight_saving_change() -> None:
    # Found by hypothesis: wall-clock arithmetic made the 1-per-day window 25 hours long.
    now = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # 20:00 EDT, the eve of the change
    prior = (now - timedelta(minutes=1),)
    verdict = proactive_at("US", now, prior_proactive_contacts=prior)
    assert verdict.defer_until == datetime(2026, 11, 1, 23, 59, tzinfo=UTC)
    assert proactive_at("US", verdict.defer_until, prior_proactive_contacts=prior).allowed
