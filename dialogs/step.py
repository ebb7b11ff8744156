"""``step``: one debtor event in, the new state, replies and effects out. Pure.

Order within a step: ``/start`` first (it always works); then, in every state but HANDOFF
and STOPPED, the guard's category (it wins over whatever the dialog was doing), then the
commands, then what works anywhere in words (a language asked for, a return, a question:
:mod:`dialogs.answers`), then the state's own handler. HANDOFF and STOPPED handle
everything themselves: they keep quiet. The step never raises: an internal error hands the
conversation to a person with a short apology (and in HANDOFF or STOPPED, with nothing
sent).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dialogs import answers, guard, notices, tone
from dialogs.commands import command
from dialogs.common import aware
from dialogs.model import (
    Event,
    EventKind,
    HandoffRequested,
    Note,
    Outcome,
    Reply,
    Snapshot,
    State,
    StepContext,
)
from dialogs.table import FLOW
from dialogs.turn import Turn
from dialogs.understand import LANGUAGES

_PROMPTS = {state: node.prompt for state, node in FLOW.nodes.items()}
_QUIET = (State.HANDOFF, State.STOPPED)


def step(snapshot: Snapshot, event: Event, ctx: StepContext) -> Outcome:
    """The dialog's answer to ``event`` in ``snapshot``'s state. Never raises."""
    try:
        return _step(snapshot, event, ctx)
    except Exception as error:  # a debtor is never left without an answer
        return _failsafe(snapshot, error)


def _step(snapshot: Snapshot, event: Event, ctx: StepContext) -> Outcome:
    turn = _turn(snapshot, event, ctx)
    tone.observe(turn)
    source = snapshot.state
    node = FLOW.nodes[source]
    if source in _QUIET:
        target = node.handle(turn)
    elif event.kind is EventKind.START:
        target = command(turn) or source
    else:
        target = guard.react(turn) or command(turn) or answers.react(turn) or node.handle(turn)
    FLOW.check_move(source, target)
    notices.add_required(turn)
    return Outcome(
        state=target,
        data=turn.data,
        replies=(*turn.replies, *turn.closing),
        effects=tuple(turn.effects),
        tone=tone.current(turn),
    )


def _turn(snapshot: Snapshot, event: Event, ctx: StepContext) -> Turn:
    data: dict[str, Any] = copy.deepcopy(dict(snapshot.data)) if _mapping(snapshot.data) else {}
    account = ctx.account
    if account is not None and data.get("account_id") not in (None, account.id):
        data = {k: v for k, v in data.items() if k in ("tone_window", "gentle", "language")}
    if account is not None:
        data["account_id"] = account.id
    event = replace(event, now=aware(event.now))
    chosen = data.get("language")
    locale = chosen if chosen in LANGUAGES else ctx.language
    turn = Turn(snapshot, event, ctx, data, account=account, locale=locale)
    turn.prompts = _PROMPTS
    turn.tone = snapshot.tone
    return turn


def _mapping(value: object) -> bool:
    return isinstance(value, Mapping)


def _failsafe(snapshot: Snapshot, error: Exception) -> Outcome:
    state = snapshot.state if isinstance(snapshot.state, State) else State.HANDOFF
    data = dict(snapshot.data) if _mapping(snapshot.data) else {}
    note = Note("dialog.error", {"error": type(error).__name__, "state": str(state)})
    if state in _QUIET:
        return Outcome(state, data, (), (note,), _tone(snapshot))
    data["before_handoff"] = state.value
    handoff = HandoffRequested("approval_needed", 2, {"state": state.value, "error": True})
    return Outcome(
        State.HANDOFF,
        data,
        (Reply("error.internal"),),
        (note, handoff),
        _tone(snapshot),
    )


def _tone(snapshot: Snapshot) -> str:
    return snapshot.tone if isinstance(snapshot.tone, str) else "neutral"
