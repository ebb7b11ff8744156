"""verify: date of birth, then the phone's last four digits, then one verdict for both.

Never says which one was wrong. An unreadable answer is asked again and not counted; a
readable wrong pair is one failure (however many readings of the date were tried); the
third locks checks for 24 hours and hands off. Nothing about the debt is said here,
whatever the debtor asks.

Failures count per account over a rolling window of ``LOCK`` (24 hours), on every channel
and in every chat: the engine gives the account's failures stored in the window (it reads
the account with its row locked, so concurrent guesses on two chats are counted in turn,
two failures for two guesses). A lock is set by the failure that brings the window to
``MAX_FAILURES`` and lasts ``LOCK`` from it, so when it ends every failure that led to it
has left the window: the account then has ``MAX_FAILURES`` guesses again, and the one
that uses them up locks again. Whatever the number of chats or sessions, that is at most
``MAX_FAILURES`` guesses in any 24 hours. This chat's own failures (timestamps in
``failed_at``) count too, for a dialog that runs without the engine.

A reference that matches no account (``UNMATCHED``, set by greet) goes through the same
questions and replies: the answers are asked for, never match, and the third wrong pair
locks this chat and hands off, as for an account, so the replies do not tell whether a
reference exists. Without an account the failures count in this chat only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dialogs import guard, understand
from dialogs.common import HUMAN, aware, handoff, local_now
from dialogs.model import AccountView, State, VerificationFailed, VerificationPassed
from dialogs.states import disclose
from dialogs.turn import Turn

MAX_FAILURES = 3
UNMATCHED = "unmatched"  # the reference given matches no account: nothing can verify
LOCK = timedelta(hours=24)
_MAX_CANDIDATES = 4


def enter(turn: Turn) -> State:
    """Start checking who this is (or skip it when this chat user is already verified)."""
    turn.forget("dob", "dob_sealed")
    turn.data["verify_step"] = "dob"
    if _locked_until(turn) is not None:
        return _say_locked(turn)
    if _checked(turn) is not None and (turn.verified or verified_before(turn)):
        if (held := guard.held_back(turn, answered=False)) is not None:
            return held  # this chat said it is not the account holder
        turn.data["verified"] = True
        return disclose.enter(turn)
    turn.say("verify.ask_dob")
    return State.VERIFY


def prompt(turn: Turn) -> State:
    if turn.account is None and not turn.data.get(UNMATCHED):
        return turn.prompt(State.GREET)
    if turn.verified:
        return disclose.enter(turn)
    if _locked_until(turn) is not None:
        return _say_locked(turn)
    if turn.data.get("verify_step") == "phone" and turn.data.get("dob"):
        turn.say("verify.ask_phone")
    else:
        turn.data["verify_step"] = "dob"
        turn.say("verify.ask_dob")
    return State.VERIFY


def handle(turn: Turn) -> State:
    if turn.account is None and not turn.data.get(UNMATCHED):
        return turn.prompt(State.GREET)
    if turn.verified:
        return disclose.enter(turn)
    if _locked_until(turn) is not None:
        return _say_locked(turn)
    stored = turn.data.get("dob")
    if turn.data.get("verify_step") == "phone" and isinstance(stored, list) and stored:
        return _check(turn, stored)
    found = understand.birth_dates(turn)
    if not found:
        turn.say("verify.dob_again")
        return State.VERIFY
    # Kept only until the last four digits arrive, then dropped whatever the verdict; with
    # the engine, only as keyed hashes (never the date the debtor typed).
    sealed = turn.ctx.sealed
    readings = found[:_MAX_CANDIDATES]
    if sealed is not None:
        turn.data["dob"] = [sealed.seal(d) for d in readings]
        turn.data["dob_sealed"] = True
    else:
        turn.data["dob"] = [d.isoformat() for d in readings]
        turn.forget("dob_sealed")
    turn.data["verify_step"] = "phone"
    turn.say("verify.ask_phone")
    return State.VERIFY


def _check(turn: Turn, stored: list[object]) -> State:
    last4 = understand.phone_last4(turn)
    if last4 is None:
        turn.say("verify.phone_again")
        return State.VERIFY
    was_sealed = bool(turn.data.get("dob_sealed"))
    turn.forget("dob", "dob_sealed")
    turn.data["verify_step"] = "dob"
    account = _checked(turn)
    if account is not None and _matches(turn, account, stored, last4, was_sealed):
        turn.emit(VerificationPassed(account.id))
        if (held := guard.held_back(turn)) is not None:
            return held  # this chat said it is not the account holder: nothing disclosed
        turn.data["verified"] = True
        turn.say("verify.passed")
        guard.after_verification(turn)
        return disclose.enter(turn)
    failures = _failures_so_far(turn) + 1
    turn.data["failed_at"] = [*_recent_here(turn), turn.event.now.isoformat()]
    turn.forget("failures")
    if failures >= MAX_FAILURES:
        until = turn.event.now + LOCK
        turn.data["locked_until"] = until.isoformat()
        turn.forget("failed_at")  # these led to the lock; they leave the window as it ends
        facts: dict[str, object] = {"failures": failures}
        if account is not None:
            turn.emit(VerificationFailed(account.id, until))
        else:
            facts.update(reference=None, unmatched_reference=True)
        turn.say("verify.locked_handoff", {"until": _local(turn, until)})
        return handoff(turn, "verification_locked", 3, facts)
    if account is not None:
        turn.emit(VerificationFailed(account.id, None))
    turn.say("verify.failed", {"left": MAX_FAILURES - failures})
    return State.VERIFY


def _matches(
    turn: Turn, account: AccountView, stored: list[object], last4: str, was_sealed: bool
) -> bool:
    """One verdict for the pair, however many readings of the date are tried."""
    sealed = turn.ctx.sealed
    if was_sealed:
        return sealed is not None and sealed.verify(account, [str(h) for h in stored], last4)
    try:
        candidates = tuple(date.fromisoformat(str(d)) for d in stored)
    except ValueError:
        return False
    if sealed is not None:
        return sealed.verify(account, [sealed.seal(d) for d in candidates], last4)
    return turn.ctx.verify(account, candidates, last4)


def _failures_so_far(turn: Turn) -> int:
    """Failures in the rolling window: the account's (every channel, every chat) or this
    chat's, whichever is more."""
    account = _checked(turn)
    counted = len(_recent_here(turn))
    if account is None:
        return counted
    stored = account.verification_failures
    until = account.verification_locked_until
    if until is not None and aware(until) <= turn.event.now and stored >= MAX_FAILURES:
        # The failures that set a lock which has ended: the engine's window never holds them
        # (they are older than the lock), so only a count kept without the engine can.
        stored = 0
    return max(counted, stored)


def _recent_here(turn: Turn) -> list[str]:
    """This chat's failures still inside the window, as ISO timestamps."""
    start = turn.event.now - LOCK
    recent: list[str] = []
    found = turn.data.get("failed_at")
    for value in found if isinstance(found, list) else ():
        try:
            moment = aware(datetime.fromisoformat(str(value)))
        except ValueError:
            continue
        if moment > start:
            recent.append(moment.isoformat())
    return recent


def _locked_until(turn: Turn) -> datetime | None:
    """The running lock: the account's, or the one this chat set (until it is stored)."""
    account = _checked(turn)
    if account is None and not turn.data.get(UNMATCHED):
        return None
    locks = (
        [aware(account.verification_locked_until)]
        if account is not None and account.verification_locked_until
        else []
    )
    mine = turn.data.get("locked_until")
    if isinstance(mine, str):
        try:
            locks.append(aware(datetime.fromisoformat(mine)))
        except ValueError:
            turn.forget("locked_until")
    running = [until for until in locks if until > turn.event.now]
    return max(running) if running else None


def _checked(turn: Turn) -> AccountView | None:
    """The account the answers are checked against: none for an unmatched reference."""
    return None if turn.data.get(UNMATCHED) else turn.account


def _say_locked(turn: Turn) -> State:
    until = _locked_until(turn) or turn.event.now
    turn.say("verify.locked", {"until": _local(turn, until)}, buttons=(HUMAN,))
    return State.VERIFY


def verified_before(turn: Turn) -> bool:
    """The engine says this chat user verified for the account it had bound already."""
    bound = turn.ctx.account
    return (
        turn.ctx.identity_verified
        and bound is not None
        and turn.account is not None
        and bound.id == turn.account.id
    )


def _local(turn: Turn, moment: datetime) -> datetime:
    return moment.astimezone(local_now(turn).tzinfo)
