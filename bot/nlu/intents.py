"""What one debtor message does, read for several things at once (issue 11).

A message can answer the pending question, ask something, offer a lump sum or a regular
figure, ask to switch language, come back after a pause, decline, accept, or tell the
debtor's situation, often several at once. `read` returns all of it as a `Reading`: the
primary intent by the precedence of corpus/README.md (`question.*` > `language` >
`return` > `lump_sum` > `amount` > `decline` > `accept` > `situation` > `other`) and every
slot it found, from the word lists of `locales/<lang>/nlu/intents.toml` and the other NLU
lexicons. The learned model's intent scores (`bot.nlu.model`, when weights exist) are
returned in `scores` and decide the primary intent only where the rules find nothing sure.

Rules, in short:

- A question is a topic phrase ("interest", "利息") in a sentence that asks (a "?", a
  question word, "tell me…", "吗"), or a phrase that asks by itself ("will you sue me").
  A question is never a counter-offer.
- A figure in a clause that refuses or names the debt ("I'm not paying 2,850", "I owe
  5000") is not the debtor's offer. A lump-sum phrase ("one-off", "full and final",
  "一次性") makes the figure a lump sum: it is never turned into a monthly figure.
- A frequency ("every two weeks", "50 a week") gives the monthly equivalent:
  weekly × 52 / 12, fortnightly × 26 / 12, rounded to cents.
- Only a message that declines is a decline ("not now", "no thanks", "以后再说", or a bare
  "no" in a short message); a negation, shame, worry or a condition is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.nlu import lexicon
from bot.nlu.amounts import MAX_AMOUNT, parse_amount
from bot.nlu.choices import YesNo, parse_yes_no
from bot.nlu.numerals import NumberWords, number_words, parse_han_numeral
from bot.nlu.phrases import Found, PhraseMatcher, clause_before, is_negated
from bot.nlu.situation import Outlook, Reason, classify_reason, classify_recovery
from bot.nlu.situation import _lex as situation_lexicon
from bot.nlu.text import MAX_INPUT_CHARS, is_han, prepare

QUESTION_TOPICS: tuple[str, ...] = (
    "rate",
    "total",
    "waived",
    "first_due",
    "who",
    "sue",
    "which_wrong",
    "next",
    "statement",
)
INTENTS: tuple[str, ...] = (
    *(f"question.{t}" for t in QUESTION_TOPICS),
    "language",
    "return",
    "lump_sum",
    "amount",
    "decline",
    "accept",
    "situation",
    "other",
)
FREQUENCIES: tuple[str, ...] = ("weekly", "fortnightly", "monthly", "once")
#: Monthly equivalent of one payment at each frequency.
PER_MONTH: Mapping[str, Decimal] = {
    "weekly": Decimal(52) / Decimal(12),
    "fortnightly": Decimal(26) / Decimal(12),
    "monthly": Decimal(1),
    "semimonthly": Decimal(2),  # "twice a month": said back as fortnightly, counted as 2x
}
_CENTS = Decimal("0.01")
_NEGATION_UNITS = 4
#: corpus/README.md's cause names -> bot.nlu.situation.Reason values.
_CAUSES = {
    "reduced_income": Reason.JOB_LOSS.value,
    "family": Reason.FAMILY_EMERGENCY.value,
    "business": Reason.BUSINESS_TROUBLE.value,
}
_STRONG_REASON = 2
_TERSE_WORDS = 5
_TERSE_HAN = 8
#: Topics whose words are often the object of another question ("is the interest waived?",
#: "are the charges dropped?"): they are the primary question only when no other is asked.
_WEAK_TOPICS = frozenset({"rate", "statement", "total"})
#: "What happens next" is often asked beside a sharper question ("会怎么样 会起诉吗").
_GENERAL_TOPICS = frozenset({"next"})

# Sentences end at these; a clause also at commas (not inside "1,200") and "but".
_SENTENCE_END = re.compile(r"[!?;\n]+|(?<![0-9])\.+|\.+(?![0-9])")
_CLAUSE_END = re.compile(
    r"[!?;\n]+|(?<![0-9])[.,]+|[.,]+(?![0-9])|\bbut\b|\bthough\b|但是|可是|不过|只是|但"
    r"|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])"
)
_LATIN_WORD = re.compile(r"[a-z0-9]+")
# "算不算", "有利息不": a Chinese question by its shape (A-not-A, or a trailing 不/没).
_HAN_QUESTION = re.compile(r"([\u4e00-\u9fff])[不没]\1|[\u4e00-\u9fff]{2}(?:不|没|没有)\s*$")
_PICK = re.compile(r"(?:option|plan|choice|number|no\.?|#|方案|选项|第)\s*[0-9一二三四五]+")
_MONEY_SIGN = re.compile(r"[$£€¥]|块|元|bucks?|dollars?|pounds?|quid|euros?")
_SMALLEST = Decimal(10)
_ANY_FIGURE = re.compile(r"[0-9]|[一二两三四五六七八九十百千万]{2,}")
_FIGURES = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[一二两三四五六七八九十百千万]{2,}")
_TIME_WORDS = frozenset({"in", "within", "after", "for", "next", "about", "around"})
_DAY_OF_MONTH = re.compile(
    r"(?<![0-9])[0-9]{1,2}(?:st|nd|rd|th)\b|(?:[0-9]{1,2}|[一二三四五六七八九十廿]{1,3})[号日](?!元)"
)
_DAY_FIGURE = re.compile(r"(?<![0-9.,/:])([0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])")


@dataclass(frozen=True)
class Reading:
    """Everything one message says; see the module docstring."""

    intent: str
    questions: tuple[str, ...] = ()
    amount: Decimal | None = None
    frequency: str | None = None
    monthly: Decimal | None = None
    lump_sum: bool = False
    language: str | None = None
    returning: bool = False
    declines: bool = False
    accepts: bool = False
    reason: str | None = None
    recovery_months: int | None = None
    payday: int | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    #: "rules" when the rules decided the primary intent, "model" when the model did.
    source: str = "rules"


@dataclass(frozen=True)
class _Question:
    topics: PhraseMatcher
    asks: PhraseMatcher


@dataclass(frozen=True)
class _Lexicon:
    numbers: NumberWords
    question_words: PhraseMatcher
    question_openers: frozenset[str]
    questions: dict[str, _Question]
    switch: PhraseMatcher
    language_fillers: PhraseMatcher
    language_names: dict[str, str]
    language_matcher: PhraseMatcher
    returns: PhraseMatcher
    greetings: PhraseMatcher
    greeting_fillers: PhraseMatcher
    lump: PhraseMatcher
    frequencies: dict[str, str]
    frequency_matcher: PhraseMatcher
    declines: PhraseMatcher
    short_no: int
    short_no_words: PhraseMatcher
    short_no_fillers: PhraseMatcher
    accepts: PhraseMatcher
    short_yes: int
    not_with: PhraseMatcher
    not_negators: PhraseMatcher
    not_causes: PhraseMatcher
    causes: dict[str, str]
    cause_matcher: PhraseMatcher
    return_not_before: PhraseMatcher
    after_name: PhraseMatcher
    negators: PhraseMatcher
    refuse: PhraseMatcher
    payday_cues: PhraseMatcher
    months: PhraseMatcher


def _int_value(found: tuple[lexicon.Table, ...], path: str, default: int) -> int:
    for table in found:
        value: object = table
        for key in path.split("."):
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is not None:
            raise lexicon.LexiconError(f"{path} must be an integer")
    return default


@lexicon.compiled
def _lexicon(folder: str) -> _Lexicon:
    found = lexicon.tables(folder, "intents")
    dates = lexicon.tables(folder, "dates")
    own = lexicon.tables(folder, "intents")[:1]  # size limits: the debtor's language only

    def matcher(key: str) -> PhraseMatcher:
        return PhraseMatcher(lexicon.strings(found, key))

    questions = {
        topic: _Question(
            topics=matcher(f"questions.{topic}.topics"),
            asks=matcher(f"questions.{topic}.asks"),
        )
        for topic in QUESTION_TOPICS
    }
    names: dict[str, str] = {}
    for target in lexicon.section_names(found, "language.names"):
        for phrase in lexicon.strings(found, f"language.names.{target}"):
            names.setdefault(phrase, target)
    causes: dict[str, str] = {}
    for name in lexicon.section_names(found, "causes"):
        for phrase in lexicon.strings(found, f"causes.{name}"):
            causes.setdefault(phrase, _CAUSES.get(name, name))
    frequencies: dict[str, str] = {}
    for name in ("semimonthly", "fortnightly", "weekly", "monthly"):
        for phrase in lexicon.strings(found, f"frequency.{name}"):
            frequencies.setdefault(phrase, name)
    return _Lexicon(
        numbers=number_words(folder),
        question_words=matcher("question_words"),
        question_openers=frozenset(lexicon.strings(found, "question_openers")),
        questions=questions,
        switch=matcher("language.switch"),
        language_fillers=matcher("language.fillers"),
        language_names=names,
        language_matcher=PhraseMatcher(names),
        returns=matcher("return.phrases"),
        greetings=matcher("return.greetings"),
        greeting_fillers=PhraseMatcher(
            [
                *lexicon.strings(found, "return.greeting_fillers"),
                *lexicon.strings(found, "language.fillers"),
            ]
        ),
        lump=matcher("lump_sum.phrases"),
        frequencies=frequencies,
        frequency_matcher=PhraseMatcher(frequencies),
        declines=matcher("decline.phrases"),
        short_no=_int_value(own, "decline.short_no_max_words", 3),
        short_no_words=matcher("decline.short_no"),
        short_no_fillers=matcher("decline.short_no_fillers"),
        accepts=matcher("accept.phrases"),
        short_yes=_int_value(own, "accept.short_yes_max_words", 4),
        not_with=matcher("accept.not_with"),
        not_negators=matcher("common.not_negators"),
        not_causes=matcher("common.not_causes"),
        causes=causes,
        cause_matcher=PhraseMatcher(causes),
        return_not_before=matcher("return.not_before"),
        after_name=matcher("language.after_name"),
        negators=matcher("common.negators"),
        refuse=matcher("common.refuse"),
        payday_cues=matcher("common.payday_cues"),
        months=PhraseMatcher(lexicon.numbers(dates, "months")),
    )


def _lex(locale: str) -> _Lexicon:
    return _lexicon(lexicon.locale_parts(locale)[0])


# The model is optional: another module, loaded lazily, never allowed to break reading.
_ModelScores = Callable[[str], Mapping[str, float]]
_model_scores: list[_ModelScores | None] = []


def _scores(text: str) -> dict[str, float]:
    if not _model_scores:
        try:
            from bot.nlu import model

            _model_scores.append(model.intent_scores)
        except Exception:  # no model installed: rules only
            _model_scores.append(None)
    scorer = _model_scores[0]
    if scorer is None:
        return {}
    try:
        raw = scorer(text)
        return {str(k): float(v) for k, v in raw.items() if str(k) in INTENTS}
    except Exception:  # a model failure must not break the conversation
        return {}


def read(text: str, locale: str, *, today: date | None = None, use_model: bool = True) -> Reading:
    """Everything `text` says, in the debtor's `locale`; never raises.

    `use_model=False` reads with the rules alone (for measuring them).
    """
    try:
        norm = prepare(text) if isinstance(text, str) else None
    except Exception:  # belt and braces: no text may break the dialog
        norm = None
    if not norm:
        return Reading(intent="other")
    try:
        found = _read(text, norm, locale, today)
    except Exception:  # a lexicon surprise reads as "other", never a crash
        return Reading(intent="other")
    scores = _scores(text) if use_model and len(text) <= MAX_INPUT_CHARS else {}
    return _combine(found, scores)


def _combine(found: Reading, scores: Mapping[str, float]) -> Reading:
    """The rules' reading with the model's scores; the model picks where rules are unsure."""
    if not scores:
        return found
    intent, source = found.intent, "rules"
    thin = found.intent == "situation" and found.reason is None and found.recovery_months is None
    if found.intent == "other" or thin:
        best = max(scores, key=lambda k: scores[k])
        sure = scores[best] >= _MODEL_THRESHOLD.get(best, 0.5)
        if best != found.intent and sure and _slots_allow(best, found):
            intent, source = best, "model"
    return Reading(
        intent=intent,
        questions=found.questions or ((intent.split(".", 1)[1],) if source == "model"
                                      and intent.startswith("question.") else ()),
        amount=found.amount,
        frequency=found.frequency,
        monthly=found.monthly,
        lump_sum=found.lump_sum,
        language=found.language,
        returning=found.returning or (source == "model" and intent == "return"),
        declines=found.declines or (source == "model" and intent == "decline"),
        accepts=found.accepts or (source == "model" and intent == "accept"),
        reason=found.reason,
        recovery_months=found.recovery_months,
        payday=found.payday,
        scores=dict(scores),
        source=source,
    )  # fmt: skip


#: How sure the model must be to overrule the rules' "other"/"situation".
_MODEL_THRESHOLD: dict[str, float] = {"accept": 0.7, "decline": 0.7}


def _slots_allow(intent: str, found: Reading) -> bool:
    """The model may not claim what needs a slot the rules did not find."""
    if intent in ("amount", "lump_sum"):
        return found.amount is not None or intent == "lump_sum"
    return intent != "language" or found.language is not None


def _read(raw: str, norm: str, locale: str, today: date | None) -> Reading:
    lex = _lex(locale)
    sentences = _split(norm, _SENTENCE_END)
    questions = _questions(sentences, lex, norm)
    language = _language(norm, lex)
    returning = _returning(norm, lex)
    lump = _lump(norm, lex)
    frequency, masked_freq = _frequency(norm, lex)
    amount = _amount(masked_freq, lex, locale, priced=_priced(norm, lex))
    payday = _payday(norm, lex)
    declines = _declines(norm, lex, locale) and not questions
    answer = parse_yes_no(norm, locale)
    reason = _reason(lex.not_causes.mask(norm), locale) or _cause(norm, lex)
    recovery = classify_recovery(_mask_amounts(norm, lex, amount), locale, today=today)
    recovery_months = recovery.months if recovery.outlook is Outlook.TEMPORARY else None
    outlook_said = _outlook_said(norm, locale)
    plain_yes = (
        answer is YesNo.YES
        and "?" not in norm
        and _short(norm, lex.short_yes)
        and not lex.not_with.search(norm)
        and reason is None
        and recovery_months is None
    )
    accepts = (
        not questions
        and amount is None  # "ok $6 a month then" is a counter-offer, not a yes
        and language is None
        and not declines
        and answer is not YesNo.NO
        and (_accept_phrase(norm, lex) or plain_yes)
    )

    monthly: Decimal | None = None
    figures = amount is not None or bool(_ANY_FIGURE.search(masked_freq))
    if not figures and not lump:
        frequency = None  # "这个月还不了": a frequency word with no figure is no frequency
    if lump:
        frequency = "once"
    elif amount is not None:
        per_month = PER_MONTH.get(frequency or "monthly", Decimal(1))
        value = (amount * per_month).quantize(_CENTS, rounding=ROUND_HALF_UP)
        monthly = value if value < MAX_AMOUNT else None
    if frequency == "semimonthly":
        frequency = "fortnightly"

    if questions:
        intent = f"question.{questions[0]}"
    elif language is not None:
        intent = "language"
    elif returning:
        intent = "return"
    elif lump:
        intent = "lump_sum"
    elif amount is not None or (frequency in PER_MONTH and _several_figures(masked_freq)):
        intent = "amount"  # several figures with a frequency: an offer, unclear (the bot asks)
    elif declines:
        intent = "decline"
    elif accepts:
        intent = "accept"
    elif reason is not None or recovery_months is not None or outlook_said:
        intent = "situation"
    else:
        intent = "other"
    return Reading(
        intent=intent,
        questions=questions,
        amount=amount,
        frequency=frequency,
        monthly=monthly,
        lump_sum=lump,
        language=language,
        returning=returning,
        declines=declines,
        accepts=accepts,
        reason=reason,
        recovery_months=recovery_months,
        payday=payday,
    )


def _reason(norm: str, locale: str) -> str | None:
    """The cause said, when the evidence is strong: one strong phrase ("laid off") or two
    weak ones; a lone "work" or "家里" is no cause ("I'm at work", "别打给我家里")."""
    found = classify_reason(norm, locale)
    if found is Reason.OTHER:
        return None
    lex = situation_lexicon(locale)
    weight = 0
    for hit in lex.reason_matcher.find(norm):
        if is_negated(norm, hit.start, lex.negators, _NEGATION_UNITS):
            continue
        reason, strength = lex.reasons[hit.phrase]
        if reason is found:
            weight += strength
    return found.value if weight >= _STRONG_REASON else None


def _cause(norm: str, lex: _Lexicon) -> str | None:
    """A cause from this lexicon's own list ("my partner walked out"), when not negated."""
    for hit in lex.cause_matcher.find(norm):
        if not _negated(norm, hit, lex):
            return lex.causes[hit.phrase]
    return None


def _outlook_said(norm: str, locale: str) -> bool:
    """ "It'll get better in a few months", "会好起来": whether the hardship passes, said in
    words of some length (a lone "soon" or "等我" is too thin to make a message a situation)."""
    lex = situation_lexicon(locale)
    for hit in lex.cue_matcher.find(norm):
        thin = len(hit.phrase) < (3 if is_han(hit.phrase[0]) else 8)
        if thin or lex.cues[hit.phrase] is Outlook.UNSURE:
            continue
        if not is_negated(norm, hit.start, lex.negators, _NEGATION_UNITS):
            return True
    return False


def _split(norm: str, breaks: re.Pattern[str]) -> list[str]:
    """Pieces of `norm`, each keeping the break that ends it ("what's the rate?")."""
    pieces: list[str] = []
    start = 0
    for match in breaks.finditer(norm):
        pieces.append(norm[start : match.end()])
        start = match.end()
    pieces.append(norm[start:])
    return [p for p in pieces if p.strip()]


def _units(text: str) -> list[str]:
    """Latin words and Han characters (how long a message is, in either script)."""
    return re.findall(r"[a-z0-9]+|[^\W\d_a-z]", text)


def _short(norm: str, limit: int) -> bool:
    return len(_units(norm)) <= limit


def _asks(sentence: str, lex: _Lexicon) -> bool:
    if "?" in sentence or lex.question_words.search(sentence):
        return True
    if _HAN_QUESTION.search(sentence):
        return True
    words = _LATIN_WORD.findall(sentence)[:2]
    return any(word in lex.question_openers for word in words)


def _questions(sentences: list[str], lex: _Lexicon, norm: str) -> tuple[str, ...]:
    """Every question topic asked, the primary one first (see `_WEAK_TOPICS`), the others
    in the order asked. A very short message naming a topic asks about it ("first
    instalment date pls", "首期还款日期")."""
    asked: dict[str, int] = {}
    offset = 0
    units = _units(norm)
    latin = sum(1 for u in units if u.isascii())
    terse = latin <= _TERSE_WORDS and len(units) - latin <= _TERSE_HAN
    terse = terse and not lex.declines.search(norm) and not lex.accepts.search(norm)
    for sentence in sentences:
        asking = terse or _asks(sentence, lex)
        for topic, question in lex.questions.items():
            hits = list(question.asks.find(sentence))
            if asking:
                hits += list(question.topics.find(sentence))
            if hits and topic not in asked:
                asked[topic] = offset + min(h.start for h in hits)
        offset += len(sentence)
    order = sorted(asked, key=lambda t: asked[t])
    tiers = [[t for t in order if t not in _WEAK_TOPICS | _GENERAL_TOPICS]]
    tiers += [[t for t in order if t in _GENERAL_TOPICS], [t for t in order if t in _WEAK_TOPICS]]
    primary = next(tier[0] for tier in tiers if tier) if order else None
    return tuple([primary, *(t for t in order if t != primary)] if primary else ())


def _language(norm: str, lex: _Lexicon) -> str | None:
    """The language asked for in words: a switch word before its name ("speak chinese",
    "用中文"), a request after it ("english please", "中文可以吗"), or a message that is
    hardly more than the name ("english?", "中文"). "I don't speak English" is none."""
    mentions = list(lex.language_matcher.find(norm))
    if not mentions:
        return None
    for mention in mentions:
        target = lex.language_names[mention.phrase]
        head = lex.not_negators.mask(clause_before(norm, mention.start, 4))
        switches = list(lex.switch.find(head))
        if switches and not lex.negators.ends_at(head, switches[-1].start, 10):
            return target
        if lex.after_name.at(norm, mention.end) and not lex.negators.ends_at(
            norm, mention.start, 10
        ):
            return target
    rest = lex.language_fillers.mask(lex.language_matcher.mask(norm))
    if not _units(rest) and len({lex.language_names[m.phrase] for m in mentions}) == 1:
        return lex.language_names[mentions[0].phrase]
    return None


def _returning(norm: str, lex: _Lexicon) -> bool:
    if any(not lex.return_not_before.at(norm, f.end) for f in lex.returns.find(norm)):
        return True
    if not lex.greetings.search(norm):
        return False
    rest = lex.greeting_fillers.mask(lex.greetings.mask(norm))
    return not _units(rest)


def _negated(norm: str, found: Found, lex: _Lexicon) -> bool:
    head = lex.not_negators.mask(clause_before(norm, found.start, _NEGATION_UNITS))
    if lex.negators.search(head):
        return True
    after = lex.not_negators.mask(norm[found.end : found.end + 4])
    return bool(after) and is_han(after[0]) and after[0] in "不没" and after[:2] != "不是"


def _lump(norm: str, lex: _Lexicon) -> bool:
    return any(not _negated(norm, f, lex) for f in lex.lump.find(norm))


def _frequency(norm: str, lex: _Lexicon) -> tuple[str | None, str]:
    """The frequency said beside a figure, and the text with non-monthly cues blanked so
    that `parse_amount` reads the figure ("75 every two weeks" -> "75")."""
    said: str | None = None
    pieces: list[str] = []
    done = 0
    for found in lex.frequency_matcher.find(norm):
        name = lex.frequencies[found.phrase]
        if said is None or (said == "monthly" and name != "monthly"):
            said = name
        pieces.append(norm[done : found.start])
        if name != "monthly":
            pieces.append(" " * (found.end - found.start))
        else:
            # One plain cue with no numeral in it: "两千五一个月" reads as "两千五 每月".
            pieces.append(" 每月 " if any(is_han(ch) for ch in found.phrase) else " a month ")
        done = found.end
    pieces.append(norm[done:])
    return said, "".join(pieces)


def _after_figure(norm: str, start: int, lex: _Lexicon) -> bool:
    """Whether a figure or a currency stands just before `start` ("150/month", "500一个月")."""
    head = norm[max(0, start - 12) : start].rstrip(" /-")
    if not head:
        return False
    last = head[-1]
    return (
        last.isdigit()
        or last in lex.numbers.han_chars
        or last in "$£€¥块元"
        or (head.endswith(("bucks", "dollars", "pounds", "quid", "k")))
    )


def _priced(norm: str, lex: _Lexicon) -> bool:
    """A figure stands right before a frequency ("6 a month"): small figures are money."""
    return any(_after_figure(norm, f.start, lex) for f in lex.frequency_matcher.find(norm))


def _amount(masked: str, lex: _Lexicon, locale: str, *, priced: bool = False) -> Decimal | None:
    """The figure the debtor offers: clauses refusing or naming the debt are left out."""
    clauses = _split(_DAY_OF_MONTH.sub(lambda m: " " * len(m.group()), masked), _CLAUSE_END)
    kept = [c for c in clauses if not lex.refuse.search(c)]
    if not kept:
        return None
    text = _PICK.sub(lambda m: " " * len(m.group()), lex.lump.mask(" ".join(kept)))
    value = parse_amount(text, locale)
    if value is None or value <= 0:
        return None
    if value < _SMALLEST and not _MONEY_SIGN.search(text) and not priced:
        return None  # "2", "option 1": a pick or a count, not money
    return value


def _several_figures(text: str) -> bool:
    return len({m.group() for m in _FIGURES.finditer(text)}) >= 2


def _mask_amounts(norm: str, lex: _Lexicon, amount: Decimal | None) -> str:
    """`norm` without the frequency cues of an amount: "150 a month" is no recovery time
    ("back in a month" still is)."""
    out = norm
    for found in lex.frequency_matcher.find(norm):
        regular = lex.frequencies[found.phrase] != "monthly"
        before = norm[max(0, found.start - 8) : found.start].split()
        timed = bool(before) and before[-1] in _TIME_WORDS
        if regular or _after_figure(norm, found.start, lex) or (amount and not timed):
            out = out[: found.start] + " " * (found.end - found.start) + out[found.end :]
    return out


def _declines(norm: str, lex: _Lexicon, locale: str) -> bool:
    if any(not _negated_decline(norm, f, lex) for f in lex.declines.find(norm)):
        return True
    if not _short(norm, lex.short_no) or not lex.short_no_words.search(norm):
        return False
    rest = lex.short_no_fillers.mask(lex.short_no_words.mask(norm))
    return not _units(rest) and parse_yes_no(norm, locale) is not YesNo.YES


def _negated_decline(norm: str, found: Found, lex: _Lexicon) -> bool:
    """A decline phrase that contains its own negation ("not now") is never negated; one
    after "not" is ("I'm not saying no thanks")."""
    if lex.negators.search(found.phrase):
        return False
    head = lex.not_negators.mask(clause_before(norm, found.start, 2))
    return bool(head.strip()) and lex.negators.search(head)


def _accept_phrase(norm: str, lex: _Lexicon) -> bool:
    return any(not _negated(norm, f, lex) for f in lex.accepts.find(norm))


def _payday(norm: str, lex: _Lexicon) -> int | None:
    """The day of the month they are paid or would pay on ("paid on the 28th", "15号")."""
    if not lex.payday_cues.search(norm):
        return None
    days: list[int] = []
    for match in _DAY_FIGURE.finditer(norm):
        token = match.group()
        after = norm[match.end() : match.end() + 12]
        before = norm[max(0, match.start() - 6) : match.start()]
        ordinal = token[-2:].isalpha()
        han_day = after[:1] in ("号", "日")
        the_day = before.endswith(("the ", "on ", "by "))
        if not (ordinal or han_day or the_day):
            continue
        if han_day and re.search(r"[0-9一二三四五六七八九十]月$", before):
            continue  # "3月15号" is a date, not a monthly payday
        if lex.months.at(norm, match.end()) or lex.months.ends_at(norm, match.start()):
            continue
        if re.match(r"\s*of\s+[a-z]", after) and not after.lstrip().startswith(
            ("of the month", "of each", "of every")
        ):
            continue
        if not ordinal and not han_day and re.match(r"\s*[a-z]", after):
            word = _LATIN_WORD.match(after.lstrip())
            if word and word.group() not in ("of", "each", "every", "and", "or", "please"):
                continue
        days.append(int(match.group(1)))
    days += _han_days(norm, lex)
    days = [d for d in days if 1 <= d <= 31]
    return days[0] if len(set(days)) == 1 else (days[-1] if days else None)


def _han_days(norm: str, lex: _Lexicon) -> list[int]:
    han = lex.numbers.han_chars
    if not han:
        return []
    out: list[int] = []
    for match in re.finditer(f"([{re.escape(han)}]{{1,3}})[号日]", norm):
        before = norm[max(0, match.start() - 3) : match.start()]
        if before.endswith("月") and not before.endswith(("每月", "个月")):
            continue
        value = parse_han_numeral(match.group(1), lex.numbers)
        if value is not None and value == int(value):
            out.append(int(value))
    return out
