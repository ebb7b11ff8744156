"""What the debtor's event means, through :mod:`bot.nlu`: the dialog parses nothing itself.

Each function reads the turn's event (a button id first, then the typed text) in the
conversation's language and returns None when it is not sure, so the caller asks again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import nlu
from bot.nlu.choices import YesNo, match_choice, parse_yes_no
from bot.nlu.intents import Reading, read
from bot.nlu.situation import Outlook, Reason, classify_reason, classify_recovery
from bot.nlu.tone import Tone, infer_tone
from dialogs.common import local_today
from dialogs.model import Button
from dialogs.turn import Turn

LANGUAGES: tuple[str, ...] = ("en", "zh_CN")  # the languages the dialog's messages have
_LANGUAGE_WORDS = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh_hans": "zh_CN",
    "zh_hans_cn": "zh_CN",
    "zh_sg": "zh_CN",
    "cn": "zh_CN",
    "chinese": "zh_CN",
    "mandarin": "zh_CN",
    "中文": "zh_CN",
    "汉语": "zh_CN",
    "简体中文": "zh_CN",
    "简体": "zh_CN",
    "普通话": "zh_CN",
}
_MAX_MONTHLY = Decimal("1e12")
_TEMPORARY_MONTHS = 3  # "it's temporary" without a time


def birth_dates(turn: Turn) -> tuple[date, ...]:
    return nlu.birth_date_candidates(turn.text, turn.locale, today=local_today(turn))


def phone_last4(turn: Turn) -> str | None:
    return nlu.parse_phone_last4(turn.text)


_NOTHING = Reading(intent="other")
#: The reader's reasons (corpus/README.md) as the funnel's reason buttons.
_REASONS = {
    "job_loss": "job_loss",
    "reduced_income": "job_loss",
    "illness": "illness",
    "family": "family_emergency",
    "family_emergency": "family_emergency",
    "business": "business_trouble",
    "business_trouble": "business_trouble",
}


def reading(turn: Turn) -> Reading:
    """What the typed text means (:func:`bot.nlu.intents.read`), read once per step."""
    found = turn.memo.get("reading")
    if isinstance(found, Reading):
        return found
    text = turn.text
    result = read(text, turn.locale, today=local_today(turn)) if text.strip() else _NOTHING
    turn.memo["reading"] = result
    return result


@dataclass(frozen=True)
class Sum:
    """A sum of money the debtor said, and how often."""

    amount: Decimal  # as said
    monthly: Decimal | None  # as a monthly equivalent; None for one payment or when unclear
    frequency: str | None  # "weekly" | "fortnightly" | "monthly" | "once" | None (not said)

    @property
    def once(self) -> bool:
        return self.frequency == "once"


def sum_said(turn: Turn) -> Sum | None:
    """The sum in the typed text, with its frequency; None when there is none."""
    if not turn.text:
        return None
    said = reading(turn)
    value = said.amount if said.amount is not None else said.monthly
    if value is None or not _sane(value):
        return None
    if said.lump_sum or said.frequency == "once":
        return Sum(value, None, "once")
    monthly = said.monthly if said.monthly is not None and _sane(said.monthly) else None
    if said.frequency in (None, "monthly"):
        return Sum(value, (monthly or value) if said.frequency else None, said.frequency)
    return Sum(value, monthly, said.frequency) if monthly is not None else None


def _sane(value: Decimal) -> bool:
    return value.is_finite() and 0 <= value < _MAX_MONTHLY


def amount(turn: Turn) -> Decimal | None:
    """A monthly amount typed by the debtor (a monthly equivalent when another frequency
    was said; a bare figure counts as monthly), or None (also for a one-off sum)."""
    said = sum_said(turn)
    if said is None or said.once:
        return None
    return said.monthly if said.monthly is not None else said.amount


def lump_sum(turn: Turn) -> bool:
    """The debtor speaks of one payment (a settlement, "full and final", 一次性)."""
    return bool(turn.text) and reading(turn).lump_sum


def declines(turn: Turn) -> bool:
    """Only a message that declines or puts off ("not now", "以后再说"); a negation is not."""
    return bool(turn.text) and reading(turn).declines


def reason_said(turn: Turn) -> str | None:
    """The funnel's reason the typed text gives (job_loss, illness, …), or None."""
    if not turn.text:
        return None
    said = reading(turn).reason
    return _REASONS.get(said) if said else reason(turn)


def recovery_said(turn: Turn) -> tuple[str, int] | None:
    """(recovery answer, holiday months) when the text says in how long income recovers
    ("should find work in 2 months"); at the recovery question itself see :func:`recovery`."""
    if not turn.text:
        return None
    months = reading(turn).recovery_months
    if months is None or months < 0:
        return None
    months = min(months, 120)
    return ("soon" if months <= 1 else "months"), months


def worried(turn: Turn) -> bool:
    """Shame, worry or sadness with nothing else to act on ("I'm so ashamed…"): it is
    answered with a kind line, and the conversation goes on."""
    if not turn.text or reading(turn).intent not in ("other", "situation"):
        return False
    return infer_tone([turn.text], turn.locale) is Tone.MELANCHOLIC


def payday(turn: Turn) -> int | None:
    """The day of the month the debtor is paid, when they said."""
    day = reading(turn).payday if turn.text else None
    return day if day is not None and 1 <= day <= 31 else None


def yes_no(turn: Turn) -> str | None:
    """``"yes"``, ``"no"`` or None; buttons ``yes``/``no`` count. A typed yes must read
    as accepting: a yes with a condition or a question is not one."""
    if turn.button in ("yes", "no"):
        return turn.button
    if not turn.text:
        return None
    answer = parse_yes_no(turn.text, turn.locale)
    if answer is YesNo.YES and reading(turn).accepts:
        return "yes"  # a condition is no yes ("我可以还，但是要先减免利息")
    if answer is YesNo.NO:
        return "no"
    return None


def pick(turn: Turn, options: Sequence[Button]) -> str | None:
    """The id of the button the debtor chose, tapped or typed (its label or position)."""
    ids = [option.id for option in options]
    if turn.button:
        return turn.button if turn.button in ids else None
    if not turn.text:
        return None
    from bot.i18n import label  # deferred: bot.i18n imports the dialog's message registry

    labelled = [(o.id, label(o.key, turn.locale, o.params)) for o in options]
    return match_choice(turn.text, labelled, turn.locale)


def reason(turn: Turn) -> str | None:
    """What made paying hard, when the typed text says so (job_loss, illness, …)."""
    if not turn.text:
        return None
    found = classify_reason(turn.text, turn.locale)
    return None if found is Reason.OTHER else found.value


def recovery(turn: Turn) -> tuple[str, int]:
    """(recovery answer, months of payment holiday to ask for) from typed text."""
    said = classify_recovery(turn.text, turn.locale, today=local_today(turn))
    if said.outlook is Outlook.TEMPORARY:
        months = said.months if said.months is not None else _TEMPORARY_MONTHS
        return ("soon" if months <= 1 else "months"), max(0, min(months, 120))
    if said.outlook is Outlook.PERMANENT:
        return "lasting", 0  # a lasting loss: the longest term, most relief (issue 13)
    return "unsure", 0


def language(text: str) -> str | None:
    """The locale a ``/language`` argument or a typed language name asks for."""
    word = text.strip().casefold().replace("-", "_")[:20]
    return _LANGUAGE_WORDS.get(word)
