"""The amount a debtor says they can pay per month, from free text.

Reads figures ("1,200", "$150", "1.2k", "150,50"), words ("two hundred and fifty") and
Chinese numerals ("两千五", "1.2万", "五百块", "一万零五百"), in any of the shipped languages
whatever the chat's language. Rules, in the order they apply:

- Input over `MAX_INPUT_CHARS` is refused (None) before any work.
- Dates ("2026-12-01", "12/1"), times ("3:30", "3 pm"), percentages ("10%", "百分之十"),
  fractions, ordinals ("5th", "第二"), counts ("3 kids", "2 months", "12期", "3个孩子"),
  identifiers ("A-10001", "#12"), phone-like runs (nine or more bare digits, "+44…") and
  years after "since/in" are not amounts and are skipped.
- A bare small number in words ("one", "一") is skipped unless money is named beside it
  ("one dollar", "五块"): "no one", "一直", "一下" are not amounts.
- Anything that looks like an amount but cannot be read safely makes the whole answer
  None: a negative sign ("-200", "负200"), an ambiguous figure ("1.200"), more than two
  decimals, words that do not form one number ("one fifty"), a value of 10^12 or more.
- One amount (or the same one repeated) is the answer. Two joined as a range ("100-150",
  "100 to 150", "一千到一千五") give the lower end: a plan the debtor can surely afford.
  Otherwise, if exactly one of them is marked as monthly or as what they can pay
  ("I owe 5000 but can pay 200 a month"), that one. Otherwise None: the dialog asks again.
- An amount per week, day or year ("75 a week") is not a monthly amount: skipped.
- No amount at all but "nothing" / "一分钱都没有" is Decimal(0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.nlu import lexicon
from bot.nlu.numerals import (
    FIGURE,
    NumberWords,
    number_words,
    parse_figure,
    parse_han_numeral,
    parse_word_numeral,
)
from bot.nlu.phrases import PhraseMatcher, clause_before
from bot.nlu.text import prepare

#: Amounts at or above this are absurd for a monthly payment in any currency.
MAX_AMOUNT = Decimal(10) ** 12
_PHONE_DIGITS = 9
_CURRENCY_SIGNS = "$£€¥"
_WINDOW = 24
_HIDDEN = "\x00"  # never in normalised text: control characters become spaces
_CENTS = Decimal("0.01")

_FIGURE = re.compile(FIGURE)
_WORD = re.compile(r"[a-z]+")
_GLUED = re.compile(r"[a-z]+")
_NOT_AMOUNTS = re.compile(
    r"(?<![0-9.,])(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.](?:[0-9]{4}|[0-9]{2})"
    r"|[0-9]{1,2}/[0-9]{1,2}"
    r"|[0-9]{1,2}:[0-9]{2}"
    r"|[0-9]+(?:[.,][0-9]+)?\s*%)(?![0-9])"
)
_RANGE_TAIL = re.compile(r"[0-9][a-z]{0,3}$")


class _Unsure(Exception):
    """Something reads like an amount but cannot be read safely."""


@dataclass(frozen=True)
class _Mention:
    value: Decimal
    start: int
    end: int
    cued: bool


@dataclass(frozen=True)
class _Lexicon:
    numbers: NumberWords
    currency_before: PhraseMatcher
    currency_after: PhraseMatcher
    monthly: PhraseMatcher
    other_period: PhraseMatcher
    pay: PhraseMatcher
    count_nouns: PhraseMatcher
    months: PhraseMatcher
    scales: PhraseMatcher
    negative: PhraseMatcher
    year_prepositions: PhraseMatcher
    ordinal_prefixes: PhraseMatcher
    zero: PhraseMatcher
    ranges: frozenset[str]
    han_run: re.Pattern[str]
    fraction: re.Pattern[str]


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "amounts")
    dates = lexicon.tables(folder, "dates")
    numbers = number_words(folder)
    han = re.escape(numbers.han_chars) or "(?!)"
    han_class = f"[{han}]" if numbers.han_chars else "(?!)"

    def matcher(key: str) -> PhraseMatcher:
        return PhraseMatcher(lexicon.strings(found, key))

    return _Lexicon(
        numbers=numbers,
        currency_before=matcher("currency_before"),
        currency_after=matcher("currency_after"),
        monthly=matcher("monthly_cues"),
        other_period=matcher("other_period_cues"),
        pay=matcher("pay_cues"),
        count_nouns=matcher("count_nouns"),
        months=PhraseMatcher(lexicon.numbers(dates, "months")),
        scales=PhraseMatcher(numbers.scales),
        negative=matcher("negative_words"),
        year_prepositions=matcher("year_prepositions"),
        ordinal_prefixes=matcher("ordinal_prefixes"),
        zero=matcher("zero_phrases"),
        ranges=frozenset(lexicon.strings(found, "range_connectors")),
        han_run=re.compile(f"(?:{FIGURE}|{han_class})+"),
        fraction=re.compile(f"(?:[0-9]+|{han_class}+)分之(?:[0-9.]+|{han_class}+)"),
    )


def parse_amount(text: str, locale: str) -> Decimal | None:
    """The monthly amount stated in `text`, or None when there is none or it is unclear."""
    norm = prepare(text)
    if norm is None:
        return None
    lex = _lexicon(lexicon.locale_parts(locale)[0])
    work = _blank(_NOT_AMOUNTS, _blank(lex.fraction, norm))
    try:
        mentions = _scan(work, lex)
    except _Unsure:
        return None
    chosen = _choose(mentions, work, lex)
    if chosen is None and not mentions and lex.zero.search(norm):
        return Decimal(0)
    return chosen


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _scan(base: str, lex: _Lexicon) -> list[_Mention]:
    """Chinese numerals, then figures, then words; each pass blanks what it has read."""
    mentions, work = _han_mentions(base, lex)
    figures, work = _figure_mentions(work, base, lex)
    mentions += figures
    mentions += _word_mentions(work, base, lex)
    return sorted(mentions, key=lambda m: m.start)


def _han_mentions(base: str, lex: _Lexicon) -> tuple[list[_Mention], str]:
    han = lex.numbers.han_chars
    work = base
    mentions: list[_Mention] = []
    for run in lex.han_run.finditer(work):
        chunk = run.group()
        if not any(ch in han for ch in chunk):
            continue
        value = parse_han_numeral(chunk, lex.numbers)
        if value is None:
            # Not one number: hide the Chinese part (behind a mark no lexicon matches, so a
            # figure before it is not read as "800 个月"), leave figures to the figure pass.
            blanked = "".join(_HIDDEN if ch in han else ch for ch in chunk)
            work = work[: run.start()] + blanked + work[run.end() :]
            continue
        lone = len(chunk) == 1
        if not _sign_allows(work, run.start(), lex):
            continue
        mention = _judge(work, base, run.start(), run.end(), value, lex, needs_money=lone)
        if mention:
            mentions.append(mention)
        work = work[: run.start()] + " " * len(chunk) + work[run.end() :]
    return mentions, work


def _figure_mentions(work: str, base: str, lex: _Lexicon) -> tuple[list[_Mention], str]:
    mentions: list[_Mention] = []
    for match in _FIGURE.finditer(work):
        start, end, token = match.start(), match.end(), match.group()
        if not _figure_may_be_money(work, start, token, lex):
            continue
        value = parse_figure(token, lex.numbers.decimal_separator)
        if value is None:
            raise _Unsure
        scaled = _scale(work, end, value, lex)
        if scaled is None:
            continue
        value, end = scaled
        mention = _judge(work, base, start, end, value, lex, needs_money=False)
        if mention:
            mentions.append(mention)
    blanked = _FIGURE.sub(lambda m: " " * len(m.group()), work)
    return mentions, blanked


def _figure_may_be_money(work: str, start: int, token: str, lex: _Lexicon) -> bool:
    """False for identifiers, phone numbers and years; raises on a negative sign."""
    before = work[start - 1] if start else " "
    if (before.isascii() and before.isalpha()) or before in "+#@_.":
        return False
    if not _sign_allows(work, start, lex):
        return False
    if token.isdigit() and len(token) >= _PHONE_DIGITS:
        return False
    is_year = token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2100
    return not (is_year and lex.year_prepositions.ends_at(work, start))


def _sign_allows(work: str, start: int, lex: _Lexicon) -> bool:
    """A dash glued before a number: a range ("150-200"), an identifier ("A-10001", False)
    or a minus sign ("-200", "$-200"), which makes the answer unreadable."""
    sign = start - 1
    while sign >= 0 and work[sign] in _CURRENCY_SIGNS:
        sign -= 1
    if sign < 0 or work[sign] != "-":
        return True
    left = work[sign - 1] if sign else " "
    if _RANGE_TAIL.search(work, 0, sign) or left in lex.numbers.han_chars:
        return True
    if left.isascii() and left.isalpha():
        return False
    raise _Unsure


def _scale(work: str, end: int, value: Decimal, lex: _Lexicon) -> tuple[Decimal, int] | None:
    """Apply "k" / "thousand" after a figure; None when glued letters make it no amount."""
    glued = _GLUED.match(work, end)
    if glued:
        suffix = glued.group()
        if suffix in lex.numbers.scales:
            return value * lex.numbers.scales[suffix], glued.end()
        if lex.currency_after.at(work, end):
            return value, end
        return None  # "5th", "2x", "1e309", "3pm", "2months"
    spaced = lex.scales.at(work, end)
    if spaced:
        return value * lex.numbers.scales[spaced.phrase], spaced.end
    return value, end


def _word_mentions(work: str, base: str, lex: _Lexicon) -> list[_Mention]:
    words = lex.numbers
    tokens = list(_WORD.finditer(work))
    mentions: list[_Mention] = []
    index = 0
    while index < len(tokens):
        run = _word_run(tokens, index, work, words)
        if not run:
            index += 1
            continue
        value = parse_word_numeral([t.group() for t in run], words)
        if value is None:
            raise _Unsure
        start, end = run[0].start(), run[-1].end()
        mention = _judge(work, base, start, end, Decimal(value), lex, needs_money=value < 10)
        if mention:
            mentions.append(mention)
        index += len(run)
    return mentions


def _word_run(
    tokens: list[re.Match[str]], index: int, work: str, words: NumberWords
) -> list[re.Match[str]]:
    """The longest run of number words starting at `index` (empty if none starts there)."""

    def word(i: int) -> str:
        """Token i if it follows token i-1 with only spaces or hyphens between."""
        if i >= len(tokens):
            return ""
        if i > index and work[tokens[i - 1].end() : tokens[i].start()].strip(" -"):
            return ""
        return tokens[i].group()

    first = word(index)
    article = first in words.articles and word(index + 1) in words.scales  # "a hundred"
    if first not in words.words and not article:
        return []
    end = index + 1
    while True:
        if word(end) in words.words or word(end) in words.scales:
            end += 1
        elif word(end) in words.connectors and word(end + 1) in words.words:
            end += 2
        else:
            return tokens[index:end]


def _judge(
    work: str,
    base: str,
    start: int,
    end: int,
    value: Decimal,
    lex: _Lexicon,
    *,
    needs_money: bool,
) -> _Mention | None:
    """The mention, or None when its context says it counts or dates something.

    `work` has the numbers already read blanked out; `base` still has them, for the cue
    words that contain a numeral ("一个月", "一年").
    """
    if lex.count_nouns.at(work, end) or lex.ordinal_prefixes.ends_at(work, start):
        return None
    if value <= 31 and (lex.months.ends_at(work, start) or lex.months.at(work, end)):
        return None  # "december 1", "1 may"
    if lex.negative.ends_at(work, start):
        raise _Unsure
    money = lex.currency_after.at(work, end) or lex.currency_before.ends_at(work, start)
    if needs_money and not money:
        return None
    if value >= MAX_AMOUNT or value < 0:
        raise _Unsure
    value = _tidy(value)
    after, before = _windows(base, start, end, lex)
    monthly = lex.monthly.search(after) or lex.monthly.search(before)
    if not monthly and (lex.other_period.search(after) or lex.other_period.search(before)):
        return None  # "75 a week", "一年一万" is not what they can pay per month
    cued = monthly or lex.pay.search(clause_before(base, start))
    return _Mention(value, start, end, cued)


def _windows(base: str, start: int, end: int, lex: _Lexicon) -> tuple[str, str]:
    """Text just after and just before a number, each stopping at the next number."""
    stop = re.compile(f"[0-9{re.escape(lex.numbers.han_chars)}]{{2,}}|[0-9]")
    after = stop.split(base[end : end + _WINDOW], maxsplit=1)[0]
    before = stop.split(base[max(0, start - 12) : start])[-1]
    return after, before


def _tidy(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return Decimal(int(value))
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:
        raise _Unsure
    return value.quantize(_CENTS)


def _choose(mentions: list[_Mention], work: str, lex: _Lexicon) -> Decimal | None:
    values = {m.value for m in mentions}
    if len(values) == 1:
        return values.pop()
    if len(mentions) == 2 and _is_range(work, mentions[0], mentions[1], lex):
        return min(values)
    cued = {m.value for m in mentions if m.cued}
    return cued.pop() if len(cued) == 1 else None


def _is_range(work: str, low: _Mention, high: _Mention, lex: _Lexicon) -> bool:
    between = work[low.end : high.start]
    between = lex.currency_after.mask(lex.currency_before.mask(between))
    return between.strip() in lex.ranges
