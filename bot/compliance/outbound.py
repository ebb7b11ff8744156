"""Outbound rules (DESIGN §7): what may be sent to a debtor, when, and what it must say.

Every message the bot or an agent sends passes `check_outbound` first. The verdict's
reasons are strings "<code>: <explanation>"; the code before the colon is stable and meant
for machines (audit log, console), the rest for people. Codes:

    too_long, empty                          the text itself
    timezone_unknown, opted_out              proactive messages held
    quiet_hours, contact_cap                 proactive messages deferred (defer_until set)
    notice_missing.<notice>                  debt_collector, opt_out, no_suit,
                                             debt_advice, creditor_identity
    banned.<rule>                            threat, impersonation, blacklist,
                                             third_party_disclosure, borrow_to_pay,
                                             legal_threat, validation_deadline,
                                             dispute_payment_hint
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.compliance.deadlines import find_deadlines
from bot.compliance.lexicon import DEFAULT_LOCALES, Lexicon, load_lexicons
from bot.compliance.profiles import JurisdictionProfile, profile_for
from bot.compliance.text import light_normalise, normalise, readings

#: Longest message that may be sent: Telegram's limit for one message. Longer text is
#: refused, never cut: a cut could drop a required notice.
MAX_OUTBOUND_CHARS = 4096

#: Codes of reasons that only postpone a message; anything else means it must be rewritten.
TIMING_CODES = frozenset({"quiet_hours", "contact_cap"})

_BANNED_TEXT = {
    "threat": "threatens arrest, jail, police or violence",
    "impersonation": "presents us as a court, the police or another authority",
    "blacklist": "threatens a blacklist",
    "third_party_disclosure": "threatens to tell family, employer or others about the debt",
    "borrow_to_pay": "urges borrowing or selling things to pay",
    "legal_threat": "states or threatens legal action",
    "dispute_payment_hint": "suggests paying is needed to keep the right to dispute",
}
_NOTICE_TEXT = {
    "debt_collector": "the first message about the debt must say it is from a debt collector",
    "opt_out": "a proactive message must say how to opt out",
    "no_suit": "a message about a time-barred debt must say we will not sue for it",
    "debt_advice": "hardship was shown: signpost free debt advice",
    "creditor_identity": "say who we are: name the creditor",
}


@dataclass(frozen=True)
class OutboundContext:
    """What the rules need to know about one message about to be sent.

    `now` must be timezone-aware. `prior_proactive_contacts` are the times of earlier
    proactive messages to this debtor (from the contact log); `timezone` is the debtor's
    IANA zone, None when unknown.
    """

    jurisdiction: str
    now: datetime
    timezone: str | None = None
    proactive: bool = False
    prior_proactive_contacts: tuple[datetime, ...] = ()
    states_debt: bool = False
    is_first_debt_message: bool = False
    time_barred: bool = False
    validation_end: date | None = None
    hardship_shown: bool = False
    debt_advice_signposted: bool = False
    creditor_name: str = ""
    opted_out: bool = False

    def __post_init__(self) -> None:
        naive = [t for t in (self.now, *self.prior_proactive_contacts) if t.utcoffset() is None]
        if naive:
            raise ValueError("OutboundContext datetimes must be timezone-aware")


@dataclass(frozen=True)
class Verdict:
    """Whether a message may go now; why not; and when it may go if only timing stops it."""

    allowed: bool
    reasons: tuple[str, ...] = ()
    defer_until: datetime | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.split(":", 1)[0] for reason in self.reasons)

    def to_json(self) -> dict[str, object]:
        """The `guard outbound --json` shape of DESIGN §4."""
        return {
            "allowed": self.allowed,
            "reasons": list(self.reasons),
            "defer_until": self.defer_until.isoformat() if self.defer_until else None,
        }


@dataclass
class _Findings:
    reasons: list[str] = field(default_factory=list)

    def add(self, code: str, text: str) -> None:
        reason = f"{code}: {text}"
        if reason not in self.reasons:
            self.reasons.append(reason)


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class OutboundGuard:
    """Applies the outbound rules with every installed lexicon (messages may mix languages)."""

    def __init__(self, lexicons: tuple[Lexicon, ...]) -> None:
        self.lexicons = lexicons

    @classmethod
    def from_locales(cls, locales: Path = DEFAULT_LOCALES) -> OutboundGuard:
        return cls(load_lexicons(locales))

    def check(self, text: str, context: OutboundContext) -> Verdict:
        profile = profile_for(context.jurisdiction)
        findings = _Findings()
        if len(text) > MAX_OUTBOUND_CHARS:
            findings.add("too_long", f"{len(text)} characters; at most {MAX_OUTBOUND_CHARS}")
        elif not normalise(text):
            findings.add("empty", "nothing to send")
        else:
            self._content(text, context, profile, findings)
        zone = _zone(context.timezone)
        defer_until = None
        if context.proactive:
            defer_until = self._timing(context, profile, zone, findings)
        reasons = tuple(findings.reasons)
        only_timing = all(r.split(":", 1)[0] in TIMING_CODES for r in reasons)
        return Verdict(
            allowed=not reasons,
            reasons=reasons,
            defer_until=defer_until if reasons and only_timing else None,
        )

    # -- content ---------------------------------------------------------------------

    def _content(
        self,
        text: str,
        context: OutboundContext,
        profile: JurisdictionProfile,
        findings: _Findings,
    ) -> None:
        banned = set(profile.banned)
        if context.time_barred:
            banned.add("legal_threat")
        today = self._today(context)
        validation_running = (
            profile.validation_period
            and context.validation_end is not None
            and today <= context.validation_end
        )
        if validation_running:
            banned.add("dispute_payment_hint")
        present: set[str] = set()
        for normalised in readings(text):
            for lexicon in self.lexicons:
                canonical = lexicon.language.canonical(normalised)
                for name in sorted(banned):
                    rule = lexicon.banned.get(name)
                    if rule and (evidence := rule.evidence(canonical, lexicon.language)):
                        quoted = ", ".join(f'"{e}"' for e in evidence)
                        explained = _BANNED_TEXT.get(name, name)
                        findings.add(f"banned.{name}", f"{explained} ({quoted})")
                for name, rule in lexicon.notices.items():
                    if rule.match is not None and rule.match.search(canonical):
                        present.add(name)
        normalised = normalise(text)
        if validation_running and context.validation_end is not None:
            self._validation(text, context.validation_end, today, findings)
        self._notices(normalised, context, profile, present, findings)

    def _validation(self, text: str, end: date, today: date, findings: _Findings) -> None:
        light = light_normalise(text)
        for lexicon in self.lexicons:
            if lexicon.deadlines is None:
                continue
            for phrase, when in find_deadlines(light, lexicon.deadlines, today):
                if when < end:
                    findings.add(
                        "banned.validation_deadline",
                        f'deadline "{phrase}" ({when.isoformat()}) falls before the '
                        f"validation period ends ({end.isoformat()})",
                    )

    @staticmethod
    def _notices(
        normalised: str,
        context: OutboundContext,
        profile: JurisdictionProfile,
        present: set[str],
        findings: _Findings,
    ) -> None:
        required: list[str] = []
        if profile.debt_collector_notice and context.is_first_debt_message:
            required.append("debt_collector")
        if profile.opt_out_notice and context.proactive:
            required.append("opt_out")
        if profile.time_barred_notice and context.time_barred and context.states_debt:
            required.append("no_suit")
        if (
            profile.debt_advice_notice
            and context.hardship_shown
            and not context.debt_advice_signposted
        ):
            required.append("debt_advice")
        for name in required:
            if name not in present:
                findings.add(f"notice_missing.{name}", _NOTICE_TEXT[name])
        if profile.creditor_notice and (context.proactive or context.is_first_debt_message):
            creditor = normalise(context.creditor_name)
            if not creditor or creditor not in normalised:
                findings.add("notice_missing.creditor_identity", _NOTICE_TEXT["creditor_identity"])

    @staticmethod
    def _today(context: OutboundContext) -> date:
        zone = _zone(context.timezone)
        return context.now.astimezone(zone).date() if zone else context.now.date()

    # -- timing (proactive messages only) --------------------------------------------

    def _timing(
        self,
        context: OutboundContext,
        profile: JurisdictionProfile,
        zone: ZoneInfo | None,
        findings: _Findings,
    ) -> datetime | None:
        if context.opted_out:
            findings.add("opted_out", "the debtor opted out: no proactive messages")
            return None
        if zone is None:
            known = f"time zone {context.timezone!r} is not known" if context.timezone else None
            findings.add(
                "timezone_unknown",
                f"{known or 'the debtor has no time zone'}: proactive messages are held",
            )
            return None
        local = context.now.astimezone(zone)
        if profile.is_quiet(local.time()):
            findings.add(
                "quiet_hours",
                f"it is {local:%H:%M} in {zone.key}; {profile.code} quiet hours run "
                f"{profile.quiet_from:%H:%M}-{profile.quiet_until:%H:%M}",
            )
        for cap in profile.caps:
            recent = _within(context.prior_proactive_contacts, context.now, cap.window)
            if len(recent) >= cap.limit:
                findings.add(
                    "contact_cap",
                    f"{len(recent)} proactive messages in the last {cap.span()}; "
                    f"{profile.code} allows {cap.describe()}",
                )
        return _next_allowed(context, profile, zone)


def _within(times: tuple[datetime, ...], now: datetime, window: timedelta) -> list[datetime]:
    """Contacts in the rolling window (now - window, now], in UTC. Windows are absolute
    time: aware arithmetic in a local zone is wall-clock and would stretch a "day" to 25
    hours across a daylight-saving change."""
    cutoff = now.astimezone(UTC) - window
    return sorted(t.astimezone(UTC) for t in times if t > cutoff)


def _quiet_end(local: datetime, profile: JurisdictionProfile, zone: ZoneInfo) -> datetime:
    day = local.date()
    if profile.quiet_from > profile.quiet_until and local.time() >= profile.quiet_from:
        day += timedelta(days=1)
    return datetime.combine(day, profile.quiet_until, tzinfo=zone)


def _next_allowed(
    context: OutboundContext, profile: JurisdictionProfile, zone: ZoneInfo
) -> datetime:
    """The earliest moment, from now, outside quiet hours and under every cap."""
    when = context.now.astimezone(UTC)
    for _ in range(64):  # each pass moves forward; a handful always suffices
        moved = False
        local = when.astimezone(zone)
        if profile.is_quiet(local.time()):
            when, moved = _quiet_end(local, profile, zone).astimezone(UTC), True
        for cap in profile.caps:
            recent = _within(context.prior_proactive_contacts, when, cap.window)
            if len(recent) >= cap.limit:
                release = recent[len(recent) - cap.limit] + cap.window
                if release > when:
                    when, moved = release, True
        if not moved:
            return when.astimezone(zone)
    return when.astimezone(zone)


@cache
def default_outbound_guard() -> OutboundGuard:
    """The outbound guard over the repository's `locales/`, built once."""
    return OutboundGuard.from_locales()


def check_outbound(text: str, context: OutboundContext) -> Verdict:
    """`default_outbound_guard().check(text, context)`."""
    return default_outbound_guard().check(text, context)
