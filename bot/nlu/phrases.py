"""Finding lexicon phrases in normalised text, longest first, whole words for Latin script.

Chinese has no spaces, so a Han phrase matches anywhere; the longest phrase at a position
wins, which is how "不好意思" (sorry) beats "好" (yes) and "没问题" beats "没".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.nlu.text import is_word_char

#: Sentence and clause breaks: negation does not reach across them.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]]|\bbut\b|但是|可是|不过")
_UNIT = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


def _guarded(phrase: str) -> str:
    body = re.escape(phrase)
    if is_word_char(phrase[0]):
        body = r"(?<![a-z0-9])" + body
    if is_word_char(phrase[-1]):
        body += r"(?![a-z0-9])"
    return body


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternative of the phrases, longest first; `(?!)` (never) when empty."""
    unique = sorted(set(p for p in phrases if p), key=lambda p: (-len(p), p))
    return "|".join(_guarded(p) for p in unique) or "(?!)"


@dataclass(frozen=True)
class Found:
    phrase: str
    start: int
    end: int


class PhraseMatcher:
    """Non-overlapping occurrences of a fixed set of phrases."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._regex = re.compile(alternation(phrases))
        self._at = re.compile(r"[\s-]*(?:" + self._regex.pattern + ")")
        self._before = re.compile("(?:" + self._regex.pattern + r")[\s-]*$")

    def find(self, text: str) -> Iterator[Found]:
        for match in self._regex.finditer(text):
            yield Found(match.group(), match.start(), match.end())

    def search(self, text: str) -> bool:
        return self._regex.search(text) is not None

    def at(self, text: str, pos: int) -> Found | None:
        """The phrase starting at `pos`, after spaces or hyphens, if any."""
        match = self._at.match(text, pos)
        if not match:
            return None
        phrase = match.group().lstrip(" -")
        return Found(phrase, match.end() - len(phrase), match.end())

    def ends_at(self, text: str, pos: int, reach: int = 24) -> Found | None:
        """The phrase ending at `pos`, before spaces or hyphens, if any."""
        offset = max(0, pos - reach)
        match = self._before.search(text, offset, pos)
        if not match:
            return None
        phrase = match.group().rstrip(" -")
        return Found(phrase, match.start(), match.start() + len(phrase))

    def mask(self, text: str) -> str:
        """`text` with every occurrence blanked out, positions kept."""
        return self._regex.sub(lambda m: " " * len(m.group()), text)


def clause_before(text: str, pos: int, units: int = 3) -> str:
    """The last few words (Latin) or characters (Han) before `pos`, within its clause."""
    head = text[:pos]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    if breaks:
        head = head[breaks[-1].end() :]
    starts = [m.start() for m in _UNIT.finditer(head)]
    return head[starts[-units] :] if len(starts) >= units else head


def is_negated(text: str, start: int, negators: PhraseMatcher, units: int = 3) -> bool:
    """Whether a negator ("not", "没有", …) comes just before `start` in the same clause."""
    return negators.search(clause_before(text, start, units))
