"""The debtor's temperament (DESIGN §6), inferred by bot.nlu from a short window of their
own messages kept in the snapshot; neutral until there is evidence.

Answers given while checking identity are not kept (a date and four digits: private, and
no evidence of temperament), nor anything after STOP, nor messages the guard flagged as
distress, health or legal matters. Once the guard has seen vulnerability the tone
stays gentle (melancholic: care first) for the rest of the conversation.
"""

from __future__ import annotations

from bot.nlu.tone import infer_tone
from dialogs.messages import TONES
from dialogs.model import EventKind, State
from dialogs.turn import Turn

WINDOW = 6  # messages
MAX_CHARS = 280  # of each message
_NOT_KEPT_IN = (State.VERIFY, State.STOPPED)
# Messages the guard flagged as distress, health or legal matters are not kept.
_KEPT_CATEGORIES = ("none", "hardship", "abuse")


def observe(turn: Turn) -> None:
    """Add the debtor's message to the window (except identity answers)."""
    text = turn.event.text.strip()
    if turn.event.kind is not EventKind.TEXT or not text or turn.state in _NOT_KEPT_IN:
        return
    if turn.category not in _KEPT_CATEGORIES:
        return
    window = [str(m) for m in turn.data.get("tone_window", []) if isinstance(m, str)]
    window.append(text[:MAX_CHARS])
    turn.data["tone_window"] = window[-WINDOW:]


def current(turn: Turn) -> str:
    if turn.data.get("gentle"):
        return "melancholic"
    window = turn.data.get("tone_window")
    if not isinstance(window, list) or not window:
        return "neutral"
    tone = infer_tone([str(m) for m in window], turn.locale).value
    return tone if tone in TONES else "neutral"


def now(turn: Turn) -> str:
    """The tone of this step's replies (the window with this message), worked out once.

    Handlers shape the whole turn with it, not only the wording (DESIGN §6, Tone):
    choleric — the figure or the question first, no preamble; phlegmatic — one question
    at a time, each with a "not sure" choice; melancholic — reassurance before numbers;
    sanguine — encouragement."""
    found = turn.memo.get("tone")
    if isinstance(found, str):
        return found
    value = current(turn)
    turn.memo["tone"] = value
    return value
