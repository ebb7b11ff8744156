"""The debtor's temperament, inferred from what they have written so far (DESIGN §6).

Each of the last `RECENT_MESSAGES` messages adds points to the four temperaments: lexicon
cues (words, phrases, emoji) with their weights, skipping negated ones ("not worried",
"别担心"), plus the shape of the message (CAPITALS, "?!", "!", and "..." unless the
message is already cheerful). One message adds
at most `MAX_POINTS_PER_MESSAGE` to a temperament, so one outburst does not settle it.
The tone is the temperament with the most points if it has at least `MIN_EVIDENCE` and
leads every other one; otherwise NEUTRAL. The same messages always give the same tone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.nlu import lexicon
from bot.nlu.phrases import PhraseMatcher, is_negated
from bot.nlu.text import MAX_INPUT_CHARS, normalize

RECENT_MESSAGES = 10
MIN_EVIDENCE = 2
MAX_POINTS_PER_MESSAGE = 3
_SHOUTING_LETTERS = 6
_SHOUTING_SHARE = 0.7


class Tone(StrEnum):
    SANGUINE = "sanguine"  # encourage
    CHOLERIC = "choleric"  # be direct
    PHLEGMATIC = "phlegmatic"  # be patient, guide step by step
    MELANCHOLIC = "melancholic"  # show care first
    NEUTRAL = "neutral"


TEMPERAMENTS = (Tone.SANGUINE, Tone.CHOLERIC, Tone.PHLEGMATIC, Tone.MELANCHOLIC)


@dataclass(frozen=True)
class _Lexicon:
    cues: dict[str, tuple[Tone, int]]
    matcher: PhraseMatcher
    negators: PhraseMatcher
    signals: dict[str, int]


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "tone")
    cues: dict[str, tuple[Tone, int]] = {}
    for phrase in lexicon.strings(found, "blockers"):
        cues.setdefault(phrase, (Tone.NEUTRAL, 0))
    for tone in TEMPERAMENTS:
        for phrase, weight in lexicon.numbers(found, f"cues.{tone.value}").items():
            cues.setdefault(phrase, (tone, weight))
    return _Lexicon(
        cues=cues,
        matcher=PhraseMatcher(cues),
        negators=PhraseMatcher(lexicon.strings(found, "negators")),
        signals=lexicon.numbers(found, "signals"),
    )


def infer_tone(messages: Sequence[str], locale: str) -> Tone:
    """The temperament shown by the debtor's messages so far (oldest first), or NEUTRAL."""
    lex = _lexicon(lexicon.locale_parts(locale)[0])
    totals = dict.fromkeys(TEMPERAMENTS, 0)
    for message in messages[max(0, len(messages) - RECENT_MESSAGES) :]:
        for tone, points in _points(message, lex).items():
            totals[tone] += min(points, MAX_POINTS_PER_MESSAGE)
    ranked = sorted(totals.values(), reverse=True)
    best = max(TEMPERAMENTS, key=lambda t: totals[t])
    if ranked[0] < MIN_EVIDENCE or ranked[0] == ranked[1]:
        return Tone.NEUTRAL
    return best


def _points(message: str, lex: _Lexicon) -> Counter[Tone]:
    """Points one message gives each temperament."""
    cased = normalize(message[:MAX_INPUT_CHARS], fold_case=False)
    text = cased.casefold()
    points: Counter[Tone] = Counter()
    for found in lex.matcher.find(text):
        tone, weight = lex.cues[found.phrase]
        if weight and not is_negated(text, found.start, lex.negators):
            points[tone] += weight
    letters = [ch for ch in cased if ch.isascii() and ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    shouting = len(letters) >= _SHOUTING_LETTERS and upper >= _SHOUTING_SHARE * len(letters)
    if shouting:
        points[Tone.CHOLERIC] += lex.signals.get("shouting", 0)
    if "?!" in text or "!?" in text:
        points[Tone.CHOLERIC] += lex.signals.get("interrobang", 0)
    elif "!" in text:
        excited = Tone.CHOLERIC if points[Tone.CHOLERIC] or shouting else Tone.SANGUINE
        points[excited] += lex.signals.get("exclamation", 0)
    if "..." in text and not points[Tone.SANGUINE]:
        # a trailing "…" in a cheerful message ("好啊好啊…") is no hesitation
        points[Tone.PHLEGMATIC] += lex.signals.get("ellipsis", 0)
    return points
