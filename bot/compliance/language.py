"""Per-language text handling read from `locales/<lang>/guard/language.toml`:
spelling and slang fixes, one-typo correction of key words, negation scope, and the filler
words a pattern tolerates between its words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.compliance.patterns import WORDCHAR, compile_pattern, compile_patterns, filler_slot
from bot.compliance.text import CLAUSE_MARKS, normalise

_MARKS = re.escape(CLAUSE_MARKS)
_LOOKBEHIND = 60  # characters of context a negation check reads
_MOST_FILLERS = 3  # a longer run of "filler" words is saying something


def _osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


@dataclass(frozen=True)
class TypoFixer:
    """Maps a word one edit away from a key word onto it ("bankrupcy" -> "bankruptcy").

    Only words of `min_length` letters or more are touched, and never a word on the keep
    list: "decreased" is a real word one edit from "deceased".
    """

    words: frozenset[str]
    keep: frozenset[str]
    min_length: int
    _cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def fix(self, word: str) -> str:
        if len(word) < self.min_length or word in self.words or word in self.keep:
            return word
        if (cached := self._cache.get(word)) is not None:
            return cached
        near = [key for key in self.words if abs(len(key) - len(word)) <= 1 and key[0] == word[0]]
        hits = sorted(key for key in near if _osa_distance(word, key) == 1)
        fixed = hits[0] if len(hits) == 1 else word
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[word] = fixed
        return fixed


@dataclass(frozen=True)
class Language:
    """How one language's text is put into the canonical form its lexicon is written in."""

    code: str
    spaced: bool
    gap: int
    spelling: Mapping[str, str]
    spelling_re: re.Pattern[str] | None
    typos: TypoFixer | None
    negator: re.Pattern[str] | None
    breaker: re.Pattern[str]
    # Regex source for the filler words allowed between two pattern words ("" for none).
    filler: str = ""

    def respell(self, text: str) -> str:
        """Spelling and slang replaced (patterns are respelled too, so either form works)."""
        if self.spelling_re is None:
            return text
        return self.spelling_re.sub(lambda m: self.spelling[m.group()], text)

    def canonical(self, normalised: str) -> str:
        """Spelling and slang replaced, key-word typos fixed."""
        text = self.respell(normalised)
        if self.typos is not None:
            typos = self.typos
            text = re.sub(rf"{WORDCHAR}+", lambda m: typos.fix(m.group()), text)
        return text

    def negated(self, text: str, start: int) -> bool:
        """Whether a negator governs the match that starts at `start` (same clause, near)."""
        if self.negator is None:
            return False
        before = text[max(0, start - _LOOKBEHIND) : start]
        cut = 0
        for found in self.breaker.finditer(before):
            cut = found.end()
        return self.negator.search(before[cut:]) is not None


def _strings(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of strings")
    return value


def _spelling_regex(spelling: Mapping[str, str], spaced: bool) -> re.Pattern[str] | None:
    if not spelling:
        return None
    keys = sorted(spelling, key=len, reverse=True)
    if spaced:
        body = "|".join(re.escape(k) for k in keys)
        return re.compile(rf"(?<!{WORDCHAR}|')(?:{body})(?!{WORDCHAR}|')")
    return re.compile("|".join(re.escape(k) for k in keys))


def build_language(code: str, table: Mapping[str, Any], where: str) -> Language:
    """A Language from the parsed `language.toml` of one locale."""
    spaced = bool(table.get("spaced", True))
    gap = int(table.get("gap", 3))
    raw_spelling = table.get("spelling", {})
    if not isinstance(raw_spelling, Mapping):
        raise ValueError(f"{where}: [spelling] must be a table")
    spelling = {normalise(str(k)): normalise(str(v)) for k, v in raw_spelling.items()}
    fuzzy = table.get("typos", {})
    typos = None
    if words := _strings(fuzzy, "words", where):
        typos = TypoFixer(
            words=frozenset(normalise(w) for w in words),
            keep=frozenset(normalise(w) for w in _strings(fuzzy, "keep", where)),
            min_length=int(fuzzy.get("min_length", 6)),
        )
    negation = table.get("negation", {})
    reach = int(negation.get("reach", 3))
    negators = compile_patterns(_strings(negation, "words", where), gap=gap, spaced=spaced)
    negator = None
    if negators is not None:
        tail = rf"(?:\s+\S+){{0,{reach}}}\s*$" if spaced else rf"[^\s{_MARKS}]{{0,{reach}}}\s*$"
        negator = re.compile(rf"(?:{negators.pattern}){tail}")
    breakers = [
        compile_pattern(b, gap=gap, spaced=spaced) for b in _strings(negation, "breakers", where)
    ]
    breaker = re.compile("|".join([f"[{_MARKS}]", *breakers]))
    return Language(
        code=code,
        spaced=spaced,
        gap=gap,
        spelling=spelling,
        spelling_re=_spelling_regex(spelling, spaced),
        typos=typos,
        negator=negator,
        breaker=breaker,
        filler=_filler(table.get("fillers", {}), spaced, where),
    )


def _filler(table: Any, spaced: bool, where: str) -> str:
    """`[fillers]`: `words` ("just", "really"; 再, 都) and `most`, how many in a row."""
    if not isinstance(table, Mapping) or set(table) - {"words", "most"}:
        raise ValueError(f"{where}: [fillers] has only 'words' and 'most'")
    most = table.get("most", 2)
    if not isinstance(most, int) or not 0 <= most <= _MOST_FILLERS:
        raise ValueError(f"{where}: [fillers] 'most' must be 0 to {_MOST_FILLERS}")
    words = [normalise(w) for w in _strings(table, "words", where)]
    if any(not w or " " in w for w in words):
        raise ValueError(f"{where}: each filler is one word")
    return filler_slot(words, most, spaced=spaced)
