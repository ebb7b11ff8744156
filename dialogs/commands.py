"""What works in any state: /start, /help, /human, /language (and their buttons)."""

from __future__ import annotations

from dialogs import understand
from dialogs.common import handoff
from dialogs.model import EventKind, LanguageChosen, State
from dialogs.states import greet
from dialogs.turn import Turn, button

LANGUAGE_BUTTONS = tuple(
    button(f"lang:{code}", f"button.lang.{code}") for code in understand.LANGUAGES
)


def command(turn: Turn) -> State | None:
    """The command's answer, or None when the event is not a command."""
    kind = turn.event.kind
    if kind is EventKind.START:
        return greet.start(turn)
    if kind is EventKind.RESUME:
        return turn.state  # only a conversation in HANDOFF can be handed back
    if kind is EventKind.HELP:
        turn.say("help.text")
        return turn.state
    if kind is EventKind.HUMAN or turn.button == "human":
        turn.say("handoff.human")
        return handoff(turn, "human_requested", 3)
    if kind is EventKind.LANGUAGE or turn.button.startswith("lang:"):
        return language(turn)
    return None


def language(turn: Turn) -> State:
    asked = turn.button.removeprefix("lang:") if turn.button else turn.event.text
    return switch_language(turn, understand.language(asked) if asked else None)


def switch_language(turn: Turn, chosen: str | None) -> State:
    """Speak ``chosen`` from now on and ask the pending question again; without a language
    we know, offer the choice (``/language``, a button, or asked in words)."""
    if chosen not in understand.LANGUAGES:
        turn.say("language.choose", buttons=LANGUAGE_BUTTONS)
        return turn.state
    turn.locale = chosen
    turn.data["language"] = chosen
    turn.emit(LanguageChosen(chosen))
    turn.say("language.set")
    return turn.prompt(turn.state)
