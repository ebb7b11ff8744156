"""What the debtor's event means, through :mod:`bot.nlu`: the dialog parses nothing itself.

Each function reads the turn's event (a button id first, then the typed text) in the
conversation's language and returns None when it is not sure, so the caller asks again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bot import nlu
from bot.nlu.choices import YesNo, match_choice, parse_yes_no
from bot.nlu.situation import Outlook, Reason, classify_reason, classify_recovery
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


def amount(turn: Turn) -> Decimal | None:
    """A monthly amount typed by the debtor, or None."""
    if not turn.text:
        return None
    value = nlu.parse_amount(turn.text, turn.locale)
    if value is None or not value.is_finite() or value < 0 or value >= _MAX_MONTHLY:
        return None
    return value


def yes_no(turn: Turn) -> str | None:
    """``"yes"``, ``"no"`` or None; buttons ``yes``/``no`` count."""
    if turn.button in ("yes", "no"):
        return turn.button
    if not turn.text:
        return None
    answer = parse_yes_no(turn.text, turn.locale)
    if answer is YesNo.YES:
        return "yes"
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
    return "unsure", 0


def language(text: str) -> str | None:
    """The locale a ``/language`` argument or a typed language name asks for."""
    word = text.strip().casefold().replace("-", "_")[:20]
    return _LANGUAGE_WORDS.get(word)
