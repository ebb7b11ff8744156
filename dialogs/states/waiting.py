"""handoff, closed and stopped: the states where the bot mostly keeps quiet.

HANDOFF: the conversation belongs to a person. The bot says nothing on its own; only
what the guard demands gets through (STOP still stops; distress still gets the crisis line
and raises the handoff's priority), and a debtor who writes while waiting is told now and
then (at most every ``WAITING_EVERY``) that the team has the message and roughly when a
person will answer (after a crisis, soon, with the crisis line again). A representative's
details sent after they were asked for are acknowledged, never asked for again. A plan an
agent sent (``AGENT_PLAN``) that the debtor accepts is agreed as the bot's own plans are.
RESUME hands it back at the state the agent names.
STOPPED: after the one confirmation nothing at all is sent, whatever is written, until
START (or /start) opts back in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs import guard, safety, understand
from dialogs.common import aware
from dialogs.model import EventKind, LanguageChosen, OptedIn, State
from dialogs.states import agent_plan, greet, verify
from dialogs.turn import Turn

WAITING_EVERY = timedelta(hours=2)
_TOLD = "waiting_told"  # when the debtor was last told the team has their message

_AFTER_VERIFY = (State.DISCLOSE, State.SITUATION, State.OFFER, State.NEGOTIATE, State.AGREE)
_RESUMABLE = (State.GREET, State.VERIFY, *_AFTER_VERIFY, State.CLOSED)
_START_WORDS = frozenset({"start", "/start", "unstop", "开始", "恢复"})
_QUOTES = "\"'“”‘’「」『』 .。!！"


def silent(turn: Turn) -> State:
    return turn.state


def handle_handoff(turn: Turn) -> State:
    if turn.category == "cease_contact":
        return guard.cease_contact(turn)
    if turn.category == "self_harm":
        return guard.self_harm(turn, raised=True)
    if turn.event.kind is EventKind.RESUME:
        return resume(turn)
    if turn.event.kind is EventKind.LANGUAGE or turn.button.startswith("lang:"):
        _note_language(turn)  # kept for when the bot speaks again; nothing is said
    elif turn.event.kind is EventKind.TEXT and understand.reading(turn).intent == "language":
        _note_language(turn, understand.reading(turn).language)  # asked for in words
    elif (agreed := agent_plan.accepted(turn)) is not None:
        return agreed
    elif turn.event.kind in (EventKind.TEXT, EventKind.BUTTON, EventKind.HUMAN):
        _still_waiting(turn)
    return State.HANDOFF


def _still_waiting(turn: Turn) -> None:
    """Now and then: the team has the message, and roughly when a person will answer."""
    details = guard.representative_details(turn.text)
    if turn.data.get(guard.ATTORNEY_ASKED) and details and not turn.data.get("attorney_details"):
        turn.data["attorney_details"] = True
        turn.data[_TOLD] = turn.event.now.isoformat()
        turn.say("guard.attorney_noted")
        return
    told = _moment(turn.data.get(_TOLD))
    if told is not None and turn.event.now - told < WAITING_EVERY:
        return
    turn.data[_TOLD] = turn.event.now.isoformat()
    if turn.data.get(guard.CRISIS):
        turn.say("handoff.waiting_urgent", parts=safety.crisis_lines(turn))
    else:
        turn.say("handoff.waiting")


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def _note_language(turn: Turn, chosen: str | None = None) -> None:
    if chosen is None:
        chosen = understand.language(turn.button.removeprefix("lang:") or turn.event.text)
    if chosen is not None:
        turn.locale = chosen
        turn.data["language"] = chosen
        turn.emit(LanguageChosen(chosen))


def resume(turn: Turn) -> State:
    """The agent hands back: carry on at the named state, with a short hand-back line."""
    target = _target(turn)
    turn.forget("before_handoff", _TOLD, guard.CRISIS, agent_plan.AGENT_PLAN)
    if target is State.CLOSED:
        return State.CLOSED
    if target in _AFTER_VERIFY and not turn.verified and verify.verified_before(turn):
        turn.data["verified"] = True  # an agent confirmed who this is by other means
    if target in _AFTER_VERIFY and not turn.verified:
        target = State.VERIFY if turn.account is not None else State.GREET
    if target is State.VERIFY and turn.account is None:
        target = State.GREET
    turn.say("handoff.back")
    return turn.prompt(target)


def _target(turn: Turn) -> State:
    for text in (turn.event.text, str(turn.data.get("before_handoff") or "")):
        name = text.strip().casefold()
        if name in {s.value for s in _RESUMABLE}:
            return State(name)
    return State.GREET if turn.account is None else State.VERIFY


def handle_closed(turn: Turn) -> State:
    arrangement = turn.data.get("arrangement")
    if isinstance(arrangement, dict) and turn.verified:
        turn.say("closed.agreed", {"reference": str(arrangement.get("reference", ""))})
    else:
        turn.say("closed.again")
    return State.CLOSED


def prompt_closed(turn: Turn) -> State:
    return handle_closed(turn)


def handle_stopped(turn: Turn) -> State:
    word = turn.text.strip().strip(_QUOTES).strip().casefold()  # “开始” as our reply shows it
    typed = turn.event.kind is EventKind.TEXT and word in _START_WORDS
    if turn.event.kind is EventKind.START or typed:
        turn.emit(OptedIn())
        return greet.start(turn)
    if turn.category == "self_harm" or (
        turn.category in ("cease_contact", "vulnerability") and safety.distress(turn)
    ):
        # Nothing may be sent after STOP; a person decides what care allows (DESIGN §6).
        return guard.silent_alert(turn)
    return State.STOPPED
