"""Jurisdiction profiles (DESIGN §7) and crisis lines, as data.

The "never" column of §7 is applied as a floor common to every profile: threats,
impersonating authorities, "blacklists", telling family or employer, and urging people to
borrow or sell to pay are unfair or unlawful wherever Parley runs, and the bot never needs
to say them. Statements of legal action are banned outright in GB and CN (the guard cannot
tell a real intention from a misstated one) and everywhere on a time-barred debt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

#: Content rules every profile applies (keys of [banned.*] in locales/*/guard/outbound.toml).
BASE_BANNED = frozenset(
    {"threat", "impersonation", "blacklist", "third_party_disclosure", "borrow_to_pay"}
)


@dataclass(frozen=True)
class ContactCap:
    """At most `limit` proactive messages in any rolling `window`."""

    limit: int
    window: timedelta

    def span(self) -> str:
        days = self.window.days
        return "day" if days == 1 else f"{days} days"

    def describe(self) -> str:
        return f"{self.limit} per {self.span()}"


@dataclass(frozen=True)
class JurisdictionProfile:
    code: str
    quiet_from: time  # proactive messages wait from this local time ...
    quiet_until: time  # ... until this one (the span may cross midnight)
    caps: tuple[ContactCap, ...]
    banned: frozenset[str]
    debt_collector_notice: bool = False  # first message that states the debt
    opt_out_notice: bool = False  # every proactive message
    time_barred_notice: bool = False  # "we will not sue you" on a time-barred debt
    validation_period: bool = False  # no overshadowing while validation runs
    debt_advice_notice: bool = False  # free debt advice once hardship is shown
    creditor_notice: bool = False  # who we are: proactive and first debt message

    def is_quiet(self, local: time) -> bool:
        if self.quiet_from <= self.quiet_until:
            return self.quiet_from <= local < self.quiet_until
        return local >= self.quiet_from or local < self.quiet_until


_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


def _us(code: str, weekly: int) -> JurisdictionProfile:
    return JurisdictionProfile(
        code=code,
        quiet_from=time(21),
        quiet_until=time(8),
        caps=(ContactCap(weekly, _WEEK), ContactCap(1, _DAY)),
        banned=BASE_BANNED,
        debt_collector_notice=True,
        opt_out_notice=True,
        time_barred_notice=True,
        validation_period=True,
    )


PROFILES: dict[str, JurisdictionProfile] = {
    "US": _us("US", 7),
    "US-MA": _us("US-MA", 2),
    "US-NY": _us("US-NY", 3),
    "GB": JurisdictionProfile(
        code="GB",
        quiet_from=time(21),
        quiet_until=time(8),
        caps=(ContactCap(1, _DAY),),
        banned=BASE_BANNED | {"legal_threat"},
        debt_advice_notice=True,
    ),
    "CN": JurisdictionProfile(
        code="CN",
        quiet_from=time(22),
        quiet_until=time(8),
        caps=(ContactCap(3, _DAY),),
        banned=BASE_BANNED | {"legal_threat"},
        creditor_notice=True,
    ),
}

_ALIASES = {"UK": "GB"}

#: Crisis lines by country (ISO 3166-1), for the self_harm reply. Unknown countries get
#: the emergency-services fallback.
CRISIS_LINES: dict[str, str] = {
    "US": "988",
    "GB": "Samaritans 116 123",
    "CN": "12356",
    "CA": "988",
    "IE": "Samaritans 116 123",
    "AU": "Lifeline 13 11 14",
    "NZ": "1737",
    "SG": "SOS 1767",
    "HK": "Samaritan Befrienders 2389 2222",
    "TW": "1925",
    "DE": "TelefonSeelsorge 0800 111 0 111",
}
CRISIS_FALLBACK = "your local emergency number"


def _canonical(code: str) -> str:
    upper = code.strip().upper().replace("_", "-")
    return _ALIASES.get(upper, upper)


def profile_for(jurisdiction: str) -> JurisdictionProfile:
    """The profile of a jurisdiction code; an unlisted US state falls back to "US"."""
    code = _canonical(jurisdiction)
    if code in PROFILES:
        return PROFILES[code]
    country = code.split("-")[0]
    if country == "US":
        return PROFILES["US"]
    known = ", ".join(PROFILES)
    raise ValueError(f"unknown jurisdiction {jurisdiction!r} (known: {known})")


def crisis_line(jurisdiction: str) -> str:
    """The crisis line to give someone in this jurisdiction (country part of the code)."""
    country = _canonical(jurisdiction).split("-")[0]
    return CRISIS_LINES.get(country, CRISIS_FALLBACK)
