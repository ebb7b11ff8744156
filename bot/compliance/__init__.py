"""The compliance guard (DESIGN §7): pure functions over text, lexicons and profiles.

Inbound: `detect(text, lang) -> Detection`. Outbound: `check_outbound(text, context)
-> Verdict`. Jurisdiction data: `profile_for(code)`, `crisis_line(code)`.
"""

from bot.compliance.categories import ACTIONS, HANDOFF_PRIORITY, PRIORITY, Action, Category
from bot.compliance.inbound import Detection, InboundGuard, detect, resolve_language
from bot.compliance.text import MAX_SCAN_CHARS

__all__ = [
    "ACTIONS",
    "HANDOFF_PRIORITY",
    "MAX_SCAN_CHARS",
    "PRIORITY",
    "Action",
    "Category",
    "Detection",
    "InboundGuard",
    "detect",
    "resolve_language",
]
