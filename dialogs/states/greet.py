"""greet: who we speak for, warmly, and no debt detail; binds the account by its reference.

Binding a reference starts the conversation's data afresh, except that a chat which has
said it is not the account holder stays marked (dialogs.guard.THIRD_PARTY): typing or
deep-linking a reference again does not make it the account holder.

A reference that matches no account is answered exactly as one that does (hello, then the
date of birth; see verify.UNMATCHED), so the replies never tell whether a reference exists.
"""

from __future__ import annotations

import re

from dialogs import guard
from dialogs.common import HUMAN, bind
from dialogs.model import AccountView, State
from dialogs.states import verify
from dialogs.turn import Turn

# What the engine looks up as a reference (bot.engine._REFERENCE).
_REFERENCE_LIKE = re.compile(r"\b[A-Za-z]{1,4}-?\d{3,10}\b")


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
    if _REFERENCE_LIKE.search(turn.text[:512]):  # a reference, of no account
        _hello(turn)
        return _unmatched(turn)
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
    if ref and found is None:  # as if it were another account's
        _hello(turn, again=True)
        return _unmatched(turn)
    if turn.account is None:
        _hello(turn, again=True)
        turn.say("greet.reference_unknown" if ref else "greet.ask_reference", buttons=())
        return State.GREET
    if turn.state in (State.GREET, State.STOPPED, State.CLOSED):
        if _known(turn):
            turn.say("greet.welcome_back")  # verified before: where things stand follows
        else:
            _hello(turn, again=True)
        arrangement = turn.data.get("arrangement")
        if isinstance(arrangement, dict) and turn.verified:
            turn.say("closed.agreed", {"reference": str(arrangement.get("reference", ""))})
            return State.CLOSED
        return verify.enter(turn)
    from dialogs.answers import welcome_back  # answers imports commands, which import this

    return welcome_back(turn)  # mid-way: where things stand, then the pending question


def _known(turn: Turn) -> bool:
    """A debtor verified before in this chat, who will not be asked to verify again."""
    if turn.data.get(guard.THIRD_PARTY) or verify._locked_until(turn) is not None:
        return False
    return turn.verified or verify.verified_before(turn)


def _unmatched(turn: Turn) -> State:
    """Ask for the answers as for an account; they will not match (verify.UNMATCHED)."""
    turn.forget("verified", "locked_until", "failed_at")
    turn.data[verify.UNMATCHED] = True
    return verify.enter(turn)


def _bind(turn: Turn, account: AccountView) -> None:
    told = turn.data.get(guard.THIRD_PARTY)
    turn.forget(verify.UNMATCHED)
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
