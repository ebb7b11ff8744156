"""Pure language understanding for the negotiation dialog: amounts (figures, words and
Chinese numerals), dates of birth, yes/no and menu choices, situation reasons, tone.

Every function takes free text as a debtor typed it, never raises on any string, and
returns None (or a neutral value) when it is not sure. Word lists live in
`locales/<lang>/nlu/*.toml`; no function here does any other I/O.
"""

from bot.nlu.amounts import MAX_AMOUNT, parse_amount
from bot.nlu.choices import YesNo, match_choice, parse_yes_no
from bot.nlu.dates import birth_date_candidates, parse_birth_date, parse_phone_last4
from bot.nlu.intents import Reading, read
from bot.nlu.situation import (
    MAX_RECOVERY_MONTHS,
    Outlook,
    Reason,
    Recovery,
    classify_reason,
    classify_recovery,
)
from bot.nlu.text import MAX_INPUT_CHARS
from bot.nlu.tone import MIN_EVIDENCE, RECENT_MESSAGES, Tone, infer_tone

__all__ = [
    "MAX_AMOUNT",
    "MAX_INPUT_CHARS",
    "MAX_RECOVERY_MONTHS",
    "MIN_EVIDENCE",
    "RECENT_MESSAGES",
    "Outlook",
    "Reading",
    "Reason",
    "Recovery",
    "Tone",
    "YesNo",
    "birth_date_candidates",
    "classify_reason",
    "classify_recovery",
    "infer_tone",
    "match_choice",
    "parse_amount",
    "parse_birth_date",
    "parse_phone_last4",
    "parse_yes_no",
    "read",
]
