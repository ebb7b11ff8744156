"""No fixed text of the dialog reads as a deadline during a running US validation period:
"we usually answer within a working day" is our promise, not the debtor's deadline, and
the outbound guard would hold it back for a debtor in that period (A-20004 chats in Chinese).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.compliance.outbound import OutboundContext, default_outbound_guard
from bot.i18n import render
from dialogs.messages import MESSAGES, TONES
from dialogs.model import Reply
from tests.test_i18n import _fields, _sample

LOCALES = Path(__file__).resolve().parent.parent / "locales"
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
IN_VALIDATION = OutboundContext(
    jurisdiction="US-NY",
    now=NOW,
    timezone="America/New_York",
    validation_end=date(2026, 12, 15),  # the samples' dates (12-20) are after it
)


def _fixed_texts(locale: str) -> list[str]:
    with (LOCALES / locale / "LC_MESSAGES" / "parley.po").open("rb") as po:
        catalog = read_po(po)
    texts = [str(m.string) for m in catalog if m.id and isinstance(m.string, str) and m.string]
    return [text for text in texts if "{" not in text]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_issue13_no_fixed_text_is_a_deadline_in_a_validation_period(locale: str) -> None:
    guard = default_outbound_guard()
    blocked = [
        text
        for text in _fixed_texts(locale)
        if "banned.validation_deadline" in guard.check(text, IN_VALIDATION).codes
    ]
    assert blocked == []


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_issue13_no_message_sets_a_deadline_of_its_own_in_a_validation_period(
    locale: str,
) -> None:
    """Every message, in every tone, with sample values whose dates fall after the period:
    only a date we put in may be a deadline, never the wording around it."""
    guard = default_outbound_guard()
    blocked = []
    for key, message in MESSAGES.items():
        for tone in TONES:
            fields = _fields(message.variant(tone))
            reply = Reply(key, {name: _sample(name) for name in fields})  # type: ignore[misc]
            text = render(reply, locale, tone).text
            if "banned.validation_deadline" in guard.check(text, IN_VALIDATION).codes:
                blocked.append((key, tone))
    assert blocked == []
