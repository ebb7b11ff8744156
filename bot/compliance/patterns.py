"""The small pattern language lexicons are written in, compiled to regular expressions.

    stop (texting|calling) me   words in order
    disput*                     a word that begins with "disput"
    *'s                         any word in the possessive ("maria's wife": names vary)
    (the|)                      one of several phrases; an empty one makes the group optional
    ~                           up to `gap` other words (characters, in unspaced scripts)
    ^  $                        the start / end of the message, punctuation around ignored

Between two words (or groups) of a pattern's top level, a language may allow a few filler
words ("what is even the point", "不想再活"): see `filler_slot` and `[fillers]` in each
`language.toml`. Inside a group, and next to `^`, `$` and `~`, words follow each other
as written.

A pattern that could match the empty string is refused when compiled.

Words are matched whole: "stop" does not match inside "stopped". In unspaced scripts
(Chinese) spaces in a pattern are only for the reader and characters match anywhere, but
Latin words inside them are still matched whole ("sb" is not found in "sbc").
Every pattern is normalised like the text it is matched against (text.normalise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.compliance.text import CLAUSE_MARKS, normalise

_MARKS = re.escape(CLAUSE_MARKS)
# A Latin letter or digit: what a whole word must not touch. Kept inside Latin-1 because
# Python compiles a wider class slowly and it appears once per word of every pattern; a
# language in another spaced script would widen it (and pay at load time).
WORDCLASS = "0-9a-z\u00df-\u00f6\u00f8-\u00ff"
WORDCHAR = f"[{WORDCLASS}]"
WORDCHAR_RE = re.compile(WORDCHAR)
_PIECES = re.compile(r"[()|]|[^\s()|]+")
_POSSESSIVE = "*'s"


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled."""


def _word(atom: str) -> str:
    prefix = atom.endswith("*") and len(atom) > 1
    literal = normalise(atom[:-1] if prefix else atom).replace(" ", "")
    if not literal:
        raise PatternError(f"empty word in pattern: {atom!r}")
    body = re.escape(literal)
    if WORDCHAR_RE.match(literal[0]):
        # "Not after a letter", checked after the first character so that every pattern
        # still starts with a literal: the regex engine then skips ahead by first character
        # (a leading lookbehind made a 16 KB scan several times slower).
        first = re.escape(literal[0])
        body = rf"{first}(?<![{WORDCLASS}']{first}){re.escape(literal[1:])}"
    if prefix:
        body += rf"(?:{WORDCHAR}|')*"
    if WORDCHAR_RE.match(literal[-1]) or prefix:
        body += rf"(?!{WORDCHAR})"
    return body


def filler_slot(words: Sequence[str], most: int, *, spaced: bool) -> str:
    """Regex source for up to `most` filler words between two pattern words; "" for none.

    Fillers are whole words in spaced scripts ("just" is not the start of "justice"); in
    unspaced ones they are strings of characters (再, 真的).
    """
    fillers = sorted({normalise(w) for w in words if normalise(w)}, key=len, reverse=True)
    if not fillers or most <= 0:
        return ""
    body = "|".join(re.escape(f) for f in fillers)
    # No "not after a letter" check is needed: the slot follows a whole word and spaces.
    return rf"(?:(?:{body})\s{'+' if spaced else '*'}){{0,{most}}}"


class _Parser:
    """Recursive descent over the pattern's pieces. Every method returns the regex source
    and whether it can match the empty string (so no pattern is compiled twice to check)."""

    def __init__(self, pattern: str, gap: int, spaced: bool, filler: str) -> None:
        self.pattern = pattern
        self.pieces = _PIECES.findall(pattern)
        self.pos = 0
        self.gap = gap
        self.spaced = spaced
        self.filler = filler
        self.depth = 0

    def parse(self) -> tuple[str, bool]:
        regex, empty = self._alternatives()
        if self.pos != len(self.pieces):
            raise PatternError(f"unbalanced ')' in pattern: {self.pattern!r}")
        return regex, empty

    def _alternatives(self) -> tuple[str, bool]:
        options = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            options.append(self._sequence())
        empty = any(e for _, e in options)
        if len(options) == 1:
            return options[0][0], empty
        return "(?:" + "|".join(r for r, _ in options) + ")", empty

    def _sequence(self) -> tuple[str, bool]:
        source = ""
        empty = True
        wordlike = False  # the previous piece was a word or a group
        while (piece := self._peek()) is not None and piece not in "|)":
            self.pos += 1
            if piece == "(":
                self.depth += 1
                regex, can_be_empty = self._alternatives()
                self.depth -= 1
                if self._peek() != ")":
                    raise PatternError(f"missing ')' in pattern: {self.pattern!r}")
                self.pos += 1
            else:
                regex, can_be_empty = self._atom(piece)
            word = piece not in ("^", "$", "~")
            if source:
                source += r"\s*"
                if word and wordlike and self.depth == 0:
                    source += self.filler
            source += regex
            wordlike = word
            empty = empty and can_be_empty
        return source, empty

    def _atom(self, piece: str) -> tuple[str, bool]:
        if piece == "^":
            return rf"^[\s{_MARKS}]*", True
        if piece == "$":
            return rf"[\s{_MARKS}]*$", True
        if piece == "~":
            if self.spaced:
                return rf"(?:[^\s{_MARKS}]+\s+){{0,{self.gap}}}", True
            return rf"[^{_MARKS}]{{0,{self.gap}}}", True
        if piece == _POSSESSIVE:
            return rf"(?<![{WORDCLASS}'])[{WORDCLASS}][{WORDCLASS}']*'s(?!{WORDCHAR})", False
        return _word(piece), False

    def _peek(self) -> str | None:
        return self.pieces[self.pos] if self.pos < len(self.pieces) else None


def compile_pattern(pattern: str, *, gap: int = 3, spaced: bool = True, filler: str = "") -> str:
    """The regular expression (source) for one lexicon pattern; `filler` is a
    `filler_slot`, put between the words of its top level."""
    if not pattern.strip():
        raise PatternError("empty pattern")
    regex, empty = _Parser(pattern, gap, spaced, filler).parse()
    if empty:
        raise PatternError(f"pattern matches nothing at all: {pattern!r}")
    return regex


def compile_patterns(
    patterns: list[str], *, gap: int = 3, spaced: bool = True, filler: str = ""
) -> re.Pattern[str] | None:
    """One regular expression for a list of patterns, longest first; None for no patterns."""
    if not patterns:
        return None
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(
        "|".join(compile_pattern(p, gap=gap, spaced=spaced, filler=filler) for p in ordered)
    )
