"""greet: who we speak for, warmly, and no debt detail; binds the account by its reference.

Binding a reference starts the conversation's data afresh, except that a chat which has
said it is not the account holder stays marked (dialogs.guard.THIRD_PARTY): typing or
deep-linking a reference again does not make it the account holder.
"""

from __future__ import annotations

from dialogs import guard
from dialogs.common import HUMAN, bind
from dialogs.model import AccountView, State
from dialogs.states import verify
from dialogs.turn import Turn


def prompt(turn: Turn) -> State:
    if turn.account is not None:
        return verify.enter(turn)
    turn.say("greet.ask_reference")
    return State.GREET


def handle(turn: Turn) -> State:
    found = _typed_reference(turn)
    if found is not None:
        _hello(turn)
        _bind(turn, found)
        return verify.enter(turn)
    if turn.account is not None:
        _hello(turn)
        return verify.enter(turn)
    if not turn.data.get("greeted"):
        _hello(turn)
        turn.say("greet.ask_reference")
    elif any(ch.isdigit() for ch in turn.text):
        turn.say("greet.reference_unknown", buttons=(HUMAN,))
    else:
        turn.say("greet.ask_reference")
    return State.GREET


def start(turn: Turn) -> State:
    """``/start [REF]`` or ``START`` in any state but HANDOFF and STOPPED's silence."""
    ref = (turn.event.start_ref or "").strip()
    found = _candidate(turn, ref) if ref else None
    if found is not None and (turn.account is None or found.id != turn.account.id):
        _hello(turn, again=True)
        _bind(turn, found)
        return verify.enter(turn)
    if turn.account is None:
        _hello(turn, again=True)
        turn.say("greet.reference_unknown" if ref else "greet.ask_reference", buttons=())
        return State.GREET
    if turn.state in (State.GREET, State.STOPPED, State.CLOSED):
        _hello(turn, again=True)
        arrangement = turn.data.get("arrangement")
        if isinstance(arrangement, dict) and turn.verified:
            turn.say("closed.agreed", {"reference": str(arrangement.get("reference", ""))})
            return State.CLOSED
        return verify.enter(turn)
    turn.say("greet.welcome_back")
    return turn.prompt(turn.state)


def _bind(turn: Turn, account: AccountView) -> None:
    told = turn.data.get(guard.THIRD_PARTY)
    bind(turn, account)
    if told:
        turn.data[guard.THIRD_PARTY] = True


def _hello(turn: Turn, *, again: bool = False) -> None:
    if again or not turn.data.get("greeted"):
        turn.say("greet.hello", {"creditor": turn.ctx.creditor_name})
        turn.data["greeted"] = True


def _candidate(turn: Turn, ref: str) -> AccountView | None:
    wanted = ref.casefold()
    for key, account in turn.ctx.candidates.items():
        if key.casefold() == wanted or account.reference.casefold() == wanted:
            return account
    return None


def _typed_reference(turn: Turn) -> AccountView | None:
    """The one account whose reference the debtor typed (the engine resolved it)."""
    if not turn.text:
        return None
    found = {account.id: account for account in turn.ctx.candidates.values()}
    if len(found) != 1:
        return None
    return next(iter(found.values()))
