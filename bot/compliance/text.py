"""Text normalisation shared by every lexicon, and the input size cap."""

from __future__ import annotations

import re
import unicodedata

#: Longest text the guard reads. Longer text is read as its first and last half of this
#: many characters: a trigger at either end (a "STOP" after a pasted essay) is still seen,
#: and a 100 KB paste costs no more than a long message.
MAX_SCAN_CHARS = 16_000

#: Marks that end a clause; negation never reaches across them.
CLAUSE_MARKS = ".,;:!?。、…"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "＇": "'"})
_REPEATS = re.compile(r"([a-z])\1{2,}")
_MARK_RUNS = re.compile(
    r"([" + re.escape(CLAUSE_MARKS) + r"])[\s" + re.escape(CLAUSE_MARKS) + r"]*"
)
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
# Marks NFKC leaves uncomposed on Latin text are decoration (s̶t̶o̶p̶), not spelling.
_STRAY_MARK = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)


def clip(text: str) -> str:
    """Apply MAX_SCAN_CHARS: keep the head and tail, joined by a clause break."""
    if len(text) <= MAX_SCAN_CHARS:
        return text
    half = MAX_SCAN_CHARS // 2
    return f"{text[:half]}\n{text[-half:]}"


# Laughing faces read as the word "lol": "im dead 😂" is a joke, and lexicons can say so.
# (Only idioms are cancelled by it; "kms 😂" still reads "kill myself".)
_LAUGHS = frozenset("\U0001f602\U0001f923\U0001f606\U0001f639\U0001f605")


def _char(ch: str) -> str:
    if ch in "\n\r\u2028\u2029":
        return "."
    if ch in _LAUGHS:
        return " lol "
    category = unicodedata.category(ch)
    if category in ("Cf", "Me") or _STRAY_MARK.match(ch):
        return ""  # zero-width and bidi marks, variation selectors, keycaps, zalgo
    if category.startswith(("L", "N")) or ch in CLAUSE_MARKS or ch == "'":
        return ch
    return " "  # emoji, symbols, controls, other punctuation separate words


def readings(text: str) -> tuple[str, ...]:
    """The normalised text, and a second reading when zero-width spaces make it ambiguous:
    one may separate words ("stop\u200btexting") or hide a word ("arr\u200bested")."""
    if "\u200b" not in text:
        return (normalise(text),)
    return normalise(text.replace("\u200b", " ")), normalise(text)


def normalise(text: str) -> str:
    """NFKC, casefold, drop marks and emoji, unify punctuation and spacing.

    Clause punctuation is kept (one mark per run) because negation stops at it.
    """
    text = unicodedata.normalize("NFKC", clip(text)).casefold().translate(_APOSTROPHES)
    text = "".join(_char(ch) for ch in text)
    text = _REPEATS.sub(r"\1", text)
    text = _MARK_RUNS.sub(r"\1 ", text)
    text = _CJK_GAP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def normalise_pattern(pattern: str) -> str:
    """A lexicon pattern in the case, width and punctuation of normalised text; the
    pattern syntax characters are kept."""
    text = unicodedata.normalize("NFKC", pattern).casefold().translate(_APOSTROPHES)
    return "".join(ch if ch in _SYNTAX else _char(ch) for ch in text)


_SYNTAX = frozenset("()|~^$*")


def light_normalise(text: str) -> str:
    """NFKC, casefold, invisible marks dropped, spaces collapsed; punctuation kept
    (dates such as 2026-12-01 and 12/01 need their separators)."""
    text = unicodedata.normalize("NFKC", clip(text)).casefold().translate(_APOSTROPHES)
    text = "".join(
        "" if unicodedata.category(ch) in ("Cf", "Me") or _STRAY_MARK.match(ch) else ch
        for ch in text
    )
    return _SPACES.sub(" ", text).strip()
