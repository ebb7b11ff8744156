"""The compliance guard (DESIGN §7): pure functions over text, lexicons and profiles.

Inbound: `detect(text, lang) -> Detection`; `distress_cues(text, lang)` for the weak cues of
finality and farewell alone. Outbound: `check_outbound(text, context)
-> Verdict`. Jurisdiction data: `profile_for(code)`, `crisis_line(code)`.
"""

from bot.compliance.categories import ACTIONS, HANDOFF_PRIORITY, PRIORITY, Action, Category
from bot.compliance.inbound import (
    Detection,
    InboundGuard,
    detect,
    distress_cues,
    resolve_language,
)
from bot.compliance.outbound import (
    MAX_OUTBOUND_CHARS,
    OutboundContext,
    OutboundGuard,
    Verdict,
    check_outbound,
)
from bot.compliance.profiles import PROFILES, JurisdictionProfile, crisis_line, profile_for
from bot.compliance.text import MAX_SCAN_CHARS

__all__ = [
    "ACTIONS",
    "HANDOFF_PRIORITY",
    "MAX_OUTBOUND_CHARS",
    "MAX_SCAN_CHARS",
    "PRIORITY",
    "PROFILES",
    "Action",
    "Category",
    "Detection",
    "InboundGuard",
    "JurisdictionProfile",
    "OutboundContext",
    "OutboundGuard",
    "Verdict",
    "check_outbound",
    "crisis_line",
    "detect",
    "distress_cues",
    "profile_for",
    "resolve_language",
]
