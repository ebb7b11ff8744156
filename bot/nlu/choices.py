"""Yes or no, and which button a debtor meant when they typed instead of tapping.

Yes/no: every yes, no and neutral phrase of the lexicons is found, longest first; only yes
phrases → YES, only no phrases → NO, both or none → None ("yes and no", "not sure").
A one-character Chinese answer (好, 行, 不) counts only where it stands as a word.

A menu answer is tried as, in order: the option's id or its whole label; a position
("2", "option 2", "the second one", "2nd", "第二个", "the last one"); then the label whose
words cover most of what was typed, when exactly one does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.nlu import lexicon
from bot.nlu.numerals import NumberWords, number_words, parse_han_numeral
from bot.nlu.phrases import Found, PhraseMatcher
from bot.nlu.text import is_han, normalize, prepare

_PUNCTUATION = re.compile(r"[^\w\s']+")
_ORDINAL_FIGURE = re.compile(r"([0-9]{1,3})(?:st|nd|rd|th)?")
_TOKEN = re.compile(r"[a-z0-9]+|[^\W\d_a-z]")
_MIN_COVER = 0.5


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class _Lexicon:
    numbers: NumberWords
    answers: dict[str, YesNo | None]
    matcher: PhraseMatcher
    neighbours: frozenset[str]
    ordinals: dict[str, int]
    last: frozenset[str]
    fillers: PhraseMatcher
    stopwords: frozenset[str]


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "choices")
    answers: dict[str, YesNo | None] = {}
    for key, meaning in (("neutral", None), ("yes", YesNo.YES), ("no", YesNo.NO)):
        for phrase in lexicon.strings(found, key):
            answers.setdefault(phrase, meaning)
    return _Lexicon(
        numbers=number_words(folder),
        answers=answers,
        matcher=PhraseMatcher(answers),
        neighbours=frozenset(lexicon.strings(found, "standalone_neighbours")),
        ordinals=lexicon.numbers(found, "ordinals"),
        last=frozenset(lexicon.strings(found, "last_words")),
        fillers=PhraseMatcher(lexicon.strings(found, "fillers")),
        stopwords=frozenset(lexicon.strings(found, "stopwords")),
    )


def _lex(locale: str) -> _Lexicon:
    return _lexicon(lexicon.locale_parts(locale)[0])


def parse_yes_no(text: str, locale: str) -> YesNo | None:
    """YES or NO when the answer is clearly one of them, else None."""
    norm = prepare(text)
    if norm is None:
        return None
    lex = _lex(locale)
    meanings = {lex.answers[f.phrase] for f in lex.matcher.find(norm) if _stands(norm, f, lex)}
    meanings.discard(None)
    return meanings.pop() if len(meanings) == 1 else None


def _stands(norm: str, found: Found, lex: _Lexicon) -> bool:
    """A one-character Han answer must not be part of a longer word."""
    if len(found.phrase) != 1 or not is_han(found.phrase):
        return True
    left = norm[found.start - 1] if found.start else ""
    right = norm[found.end] if found.end < len(norm) else ""
    return all(not is_han(ch) or ch in lex.neighbours for ch in (left, right))


def match_choice(text: str, options: Sequence[tuple[str, str]], locale: str) -> str | None:
    """The id of the option (id, label) the text picks, or None when unclear."""
    norm = prepare(text)
    if norm is None or not options:
        return None
    lex = _lex(locale)
    bare = _bare(norm)
    if not bare:
        return None
    for option_id, label in options:
        if bare in (_bare(normalize(option_id)), _bare(normalize(label))):
            return option_id
    position = _position(bare, lex, len(options))
    if position is not None:
        return options[position - 1][0]
    return _closest_label(bare, options, lex)


def _bare(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _position(bare: str, lex: _Lexicon, count: int) -> int | None:
    """1-based position named by the text, if it names one within the menu."""
    for candidate in (bare, " ".join(lex.fillers.mask(bare).split())):
        if candidate in lex.last:
            return count
        number = _ordinal(candidate, lex)
        if number is not None:
            return number if 1 <= number <= count else None
    return None


def _ordinal(word: str, lex: _Lexicon) -> int | None:
    if word in lex.ordinals:
        return lex.ordinals[word]
    if word in lex.numbers.words:
        return lex.numbers.words[word]
    figure = _ORDINAL_FIGURE.fullmatch(word)
    if figure:
        return int(figure.group(1))
    if word and all(ch in lex.numbers.han_chars for ch in word):
        value = parse_han_numeral(word, lex.numbers)
        return int(value) if value is not None and value == int(value) else None
    return None


def _content(text: str, lex: _Lexicon) -> set[str]:
    tokens = set()
    for token in _TOKEN.findall(text):
        if token in lex.stopwords:
            continue
        if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        tokens.add(token)
    return tokens


def _closest_label(bare: str, options: Sequence[tuple[str, str]], lex: _Lexicon) -> str | None:
    said = _content(bare, lex)
    if not said:
        return None
    scores = sorted(
        ((len(said & _content(_bare(normalize(label)), lex)), option_id)
         for option_id, label in options),
        reverse=True,
    )  # fmt: skip
    best, option_id = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0
    if best == 0 or best == runner_up or best / len(said) < _MIN_COVER:
        return None
    return option_id
