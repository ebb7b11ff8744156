"""Numbers written in figures, in English-style words and in Chinese numerals.

Figures: "1,200" and "1.200,50" are read by where the separators fall. A single separator
followed by exactly three digits is a thousands separator when it is the language's group
separator ("1,200" in English is 1200) and ambiguous when it is the decimal separator
("1.200" could be 1.2 or 1200): ambiguous means None. A separator followed by one or two
digits is a decimal point whichever it is ("150,50" is 150.50). More than two decimals,
bad grouping ("1,20,000") and leading zeros ("0150") are None too.

Chinese: units must fall ("三千五百"), a lone trailing digit takes the unit below the last
one ("两千五" = 2500, "一万五" = 15000, "1万2" = 12000) unless a 零 stands before it
("一万零五" = 10005). Digits side by side ("一两百", "五一") are not a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.nlu import lexicon

FIGURE = r"[0-9]+(?:[.,][0-9]+)*"
_FIGURE = re.compile(FIGURE)
_HAN_TOKEN = re.compile(FIGURE + "|.", re.DOTALL)


@dataclass(frozen=True)
class NumberWords:
    words: dict[str, int]
    scales: dict[str, int]
    articles: frozenset[str]
    connectors: frozenset[str]
    han_digits: dict[str, int]
    han_units: dict[str, int]
    han_big_units: dict[str, int]
    decimal_separator: str

    @property
    def han_chars(self) -> str:
        return "".join([*self.han_digits, *self.han_units, *self.han_big_units])


@lexicon.compiled
def _number_words(folder: str) -> NumberWords:
    found = lexicon.tables(folder, "numbers")
    separator = lexicon.text_value(found, "decimal_separator", ".")
    if separator not in (".", ","):
        raise lexicon.LexiconError("decimal_separator must be '.' or ','")
    return NumberWords(
        words=lexicon.numbers(found, "words"),
        scales=lexicon.numbers(found, "scales"),
        articles=frozenset(lexicon.strings(found, "articles")),
        connectors=frozenset(lexicon.strings(found, "connectors")),
        han_digits=lexicon.numbers(found, "han_digits"),
        han_units=lexicon.numbers(found, "han_units"),
        han_big_units=lexicon.numbers(found, "han_big_units"),
        decimal_separator=separator,
    )


def number_words(locale: str) -> NumberWords:
    return _number_words(lexicon.locale_parts(locale)[0])


def _grouped(head: str, groups: Sequence[str]) -> bool:
    return 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in groups)


def parse_figure(token: str, decimal_separator: str = ".") -> Decimal | None:
    """A figure such as `1,200.50`; None when malformed or ambiguous (see the module doc)."""
    if not _FIGURE.fullmatch(token):
        return None
    separators = [c for c in token if c in ".,"]
    if not separators:
        return None if len(token) > 1 and token[0] == "0" else Decimal(token)
    last = separators[-1]
    whole, fraction = token.rsplit(last, 1)
    other = "," if last == "." else "."
    if len(separators) == 1 and len(fraction) == 3:
        if last == decimal_separator:
            return None
        return Decimal(whole + fraction) if _grouped(whole, []) else None
    if separators.count(last) > 1:
        head, *groups = token.split(last)
        return Decimal("".join([head, *groups])) if _grouped(head, groups) else None
    if not 1 <= len(fraction) <= 2:
        return None
    head, *groups = whole.split(other)
    if groups and not _grouped(head, groups):
        return None
    if not groups and len(head) > 1 and head[0] == "0":
        return None
    return Decimal("".join([head, *groups]) + "." + fraction)


class _Builder:
    """Accumulates a Chinese numeral from left to right."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.section = Decimal(0)
        self.pending: Decimal | None = None
        self.pending_is_digit = False
        self.small_floor: int | None = None
        self.big_floor: int | None = None
        self.last_unit: int | None = None
        self.zero = False
        self.started = False

    def digit(self, value: Decimal, *, single: bool) -> bool:
        if self.pending is not None:
            return False
        self.pending, self.pending_is_digit, self.started = value, single, True
        return True

    def naught(self) -> bool:
        if not self.started or self.pending is not None:
            return False
        self.zero = True
        return True

    def small(self, unit: int) -> bool:
        if self.pending is None:
            if unit != 10 or self.started:
                return False
            self.pending, self.pending_is_digit = Decimal(1), True
        if self.small_floor is not None and unit >= self.small_floor:
            return False
        if not self.pending_is_digit and self.pending >= 10:
            return False
        self.section += self.pending * unit
        self.pending, self.small_floor, self.last_unit = None, unit, unit
        self.zero, self.started = False, True
        return True

    def big(self, unit: int) -> bool:
        if self.pending is not None:
            self.section += self.pending
            self.pending = None
        if unit == self.big_floor:
            return False
        if self.big_floor is None or unit < self.big_floor:
            if self.section == 0:
                return False
            self.total += self.section * unit
        else:  # a larger unit multiplies all before it: 一万亿
            self.total = (self.total + self.section) * unit
        self.section, self.small_floor, self.zero = Decimal(0), None, False
        self.big_floor = self.last_unit = unit
        return True

    def result(self) -> Decimal | None:
        tail = self.pending
        if tail is None:
            value = self.total + self.section
            return value if self.started else None
        if self.last_unit is not None and not self.zero:
            if self.pending_is_digit:
                tail = tail * self.last_unit / 10
            elif tail >= self.last_unit:
                return None
        return self.total + self.section + tail


def parse_han_numeral(run: str, words: NumberWords) -> Decimal | None:
    """A Chinese numeral, possibly mixed with figures ("两千五", "1.2万", "1万2"); else None."""
    builder = _Builder()
    for token in _HAN_TOKEN.findall(run):
        if token[0].isascii() and token[0].isdigit():
            value = parse_figure(token, ".")
            ok = value is not None and builder.digit(value, single=len(token) == 1)
        elif token in words.han_digits:
            number = words.han_digits[token]
            ok = builder.naught() if number == 0 else builder.digit(Decimal(number), single=True)
        elif token in words.han_units:
            ok = builder.small(words.han_units[token])
        elif token in words.han_big_units:
            ok = builder.big(words.han_big_units[token])
        else:
            ok = False
        if not ok:
            return None
    return builder.result()


def han_digit_string(run: str, words: NumberWords) -> str | None:
    """Digits written one by one ("一九八八" -> "1988", "八〇〇〇" -> "8000"); else None."""
    digits = [words.han_digits.get(ch) for ch in run]
    if not run or any(d is None for d in digits):
        return None
    return "".join(str(d) for d in digits)


def parse_word_numeral(tokens: Sequence[str], words: NumberWords) -> int | None:
    """English-style number words ("two hundred and fifty", "twelve hundred"); else None."""
    total, current, previous, big = 0, 0, "", 0
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in words.connectors:
            if previous != "scale" or following not in words.words:
                return None
            continue
        if token in words.articles:
            if previous or following not in words.scales:
                return None
            current, previous = 1, "unit"
            continue
        if token in words.scales:
            scale = words.scales[token]
            if current == 0:
                return None
            if scale == 100:
                if current >= 100:
                    return None
                current *= 100
            else:
                if big and scale >= big:
                    return None
                total, current, big = total + current * scale, 0, scale
            previous = "scale"
            continue
        value = words.words.get(token)
        if value is None or not _may_follow(previous, value):
            return None
        current += value
        previous = "tens" if value >= 20 and value % 10 == 0 else "unit"
    return total + current if previous else None


def _may_follow(previous: str, value: int) -> bool:
    if previous in ("", "scale"):
        return True
    return previous == "tens" and value < 10
