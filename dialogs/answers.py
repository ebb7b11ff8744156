"""What works in any state, in the debtor's own words (DESIGN §6): a language asked for in
words switches as ``/language`` does; a return ("hi, I'm back") gets where things stand and
the pending question again, never taken as an answer; a question is answered from the
facts the bot has, and the pending question is asked again. A question is never a
negotiation round: the state's own handler does not see it.

Before verification nothing about the debt is said: who we are and why (a private matter
for the account holder), the rule on verification answers, and that the details come once
it is confirmed who this is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from bot.nlu.intents import Reading
from dialogs import guard, understand
from dialogs.commands import switch_language
from dialogs.common import HUMAN, local_today, money, us
from dialogs.model import EventKind, Money, Param, Reply, State
from dialogs.states import disclose, offer, situation
from dialogs.turn import Turn

# Questions about the plans on the table; with a monthly figure, about the plans for it.
_ABOUT_PLANS = ("rate", "total", "waived", "first_due")
_SOLVABLE = (State.DISCLOSE, State.SITUATION, State.OFFER, State.NEGOTIATE)
QUESTIONS = ("rate", "total", "waived", "first_due", "who", "sue", "which_wrong", "next")
_ALL = (*QUESTIONS, "statement")
_QUIET = (State.HANDOFF, State.STOPPED)
_RELIEF_STATES = (State.OFFER, State.NEGOTIATE, State.AGREE)
# Questions answered the same before verification: they disclose nothing.
_BEFORE = ("who", "which_wrong", "next")


def react(turn: Turn) -> State | None:
    """The answer to a language request, a return or a question in words; else None."""
    if turn.event.kind is not EventKind.TEXT or not turn.text.strip() or turn.state in _QUIET:
        return None
    said = understand.reading(turn)
    if said.intent == "language":
        return switch_language(turn, said.language)
    if turn.state is State.GREET and turn.ctx.candidates:
        return None  # a typed reference is bound first
    asked = questions(turn)
    if turn.state is State.CLOSED:
        agreed = asked and not _private(turn) and _agreed(turn) is not None
        return _answer_closed(turn, asked) if agreed else None  # else closed answers
    if asked:
        return answer(turn, asked)
    if (said.returning or said.intent == "return") and turn.account is not None:
        return welcome_back(turn)
    return None


def questions(turn: Turn) -> tuple[str, ...]:
    said = understand.reading(turn)
    found = [q for q in said.questions if q in _ALL]
    primary = said.intent.removeprefix("question.") if said.intent.startswith("question.") else ""
    if primary in _ALL and primary not in found:
        found.insert(0, primary)
    return tuple(dict.fromkeys(found))


# --- language -----------------------------------------------------------------------------


# --- coming back --------------------------------------------------------------------------


def welcome_back(turn: Turn) -> State:
    """Where the conversation stands in one line, then the pending question again."""
    state = turn.state
    account = turn.account
    if _private(turn) or account is None:
        # Often just "hello" after the greeting: no "welcome back", only where we are.
        turn.say("return.verify")
    elif state is State.DISCLOSE:
        line = Reply(
            "return.disclose", {"balance": money(turn, account.balance)}, states_debt=True
        )
        turn.say("greet.welcome_back", parts=(line,), debt=True)
    elif state is State.SITUATION:
        turn.say("greet.welcome_back", parts=(Reply("return.situation"),))
    elif state is State.AGREE:
        chosen = turn.data.get("chosen")
        n = chosen if isinstance(chosen, int) else 1
        turn.say("greet.welcome_back", parts=(Reply("return.agree", {"n": n}),))
    else:
        turn.say("greet.welcome_back", parts=(Reply("return.offer"),))
    if turn.verified and offer.reask_pending(turn):
        return state
    return turn.prompt(state)


# --- questions ----------------------------------------------------------------------------


def answer(turn: Turn, asked: tuple[str, ...]) -> State:
    """Each question answered from the facts, then the pending question asked again."""
    if _private(turn):
        said_later = False
        for question in asked:
            if question in _BEFORE:
                _BEFORE_ANSWERS[question](turn)
            elif not said_later:
                said_later = True
                turn.say("answer.after_verify")
    else:
        said = understand.reading(turn)
        if (
            turn.state in _SOLVABLE
            and said.frequency in ("weekly", "fortnightly", "monthly")
            and said.monthly is not None
            and not said.lump_sum
            and set(asked) & set(_ABOUT_PLANS)
        ):
            return _what_if(turn, said.monthly, asked)
        if (
            turn.state in _SOLVABLE
            and said.lump_sum
            and said.amount is not None
            and set(asked) & set(_ABOUT_PLANS)
        ):
            return _what_if(turn, said.amount, asked, once=True)
        if turn.state in _RELIEF_STATES and offer.asks_relief(turn):
            # "Can you drop the interest?" is a request: the relief the limits allow.
            return offer.relief(turn)
        for question in asked:
            _ANSWERS[question](turn)
        if turn.state in (State.DISCLOSE, State.SITUATION) and _tells_situation(said):
            # "I lost my job, what happens now?": answered, then the funnel takes the rest.
            handle = disclose.handle if turn.state is State.DISCLOSE else situation.handle
            return handle(turn)
    return _reask(turn)


def _answer_closed(turn: Turn, asked: tuple[str, ...]) -> State:
    """After an agreement, questions about the plan are answered from it; the closed
    conversation's own line follows."""
    for question in asked:
        if question == "next":
            turn.say("answer.next.closed")
        else:
            _ANSWERS[question](turn)
    return turn.prompt(State.CLOSED)


def _agreed(turn: Turn) -> dict[str, Any] | None:
    arrangement = turn.data.get("arrangement")
    plan = arrangement.get("plan") if isinstance(arrangement, dict) else None
    return plan if isinstance(plan, dict) and plan.get("instalments") else None


def _tells_situation(said: Reading) -> bool:
    """The message also tells the situation (no sum: a sum in a question is no offer)."""
    slots = (said.reason, said.recovery_months, said.payday)
    return any(s is not None for s in slots) and said.amount is None and not said.lump_sum


def _what_if(turn: Turn, amount: Decimal, asked: tuple[str, ...], *, once: bool = False) -> State:
    """The plans for the figure asked about (a month, or one payment), then the answers
    about those plans; solved as a first offer is, never a negotiation round."""
    target = offer.enter_lump(turn, amount) if once else offer.what_if(turn, amount)
    pending = turn.data.get("pending_min") is not None or turn.data.get("pending_lump")
    shown = target in (State.OFFER, State.NEGOTIATE) and not pending
    if shown and offer.stored_plans(turn):
        for question in asked:
            if question in _ABOUT_PLANS:
                _ANSWERS[question](turn)
    return target


def _private(turn: Turn) -> bool:
    """Nothing that implies a debt may be said: not verified yet, or a chat that said it is
    not the account holder (the guard's mark, DESIGN §6)."""
    return turn.account is None or guard.private(turn)


def _reask(turn: Turn) -> State:
    """The question the conversation was waiting on, asked again (with live buttons)."""
    if turn.state in (State.OFFER, State.NEGOTIATE):
        return offer.reask(turn)
    if turn.verified and offer.reask_pending(turn):
        return turn.state
    return turn.prompt(turn.state)


def _plans(turn: Turn) -> list[tuple[int, dict[str, Any]]]:
    """The plans on the table, numbered as shown (in AGREE, only the one chosen)."""
    agreed = _agreed(turn)
    if turn.state is State.CLOSED:
        return [(1, agreed)] if agreed is not None else []
    plans = list(enumerate(offer.stored_plans(turn), 1)) if not offer.expired(turn) else []
    chosen = turn.data.get("chosen")
    if turn.state is State.AGREE and isinstance(chosen, int):
        plans = [(n, plan) for n, plan in plans if n == chosen] or plans
    return plans


def _money(plan: dict[str, Any], key: str, turn: Turn) -> Money:
    return Money(Decimal(str(plan[key])), str(plan.get("currency") or _currency(turn)))


def _currency(turn: Turn) -> str:
    return turn.account.currency if turn.account is not None else "USD"


def _one_off(plan: dict[str, Any]) -> bool:
    return plan.get("kind") in ("pay_in_full", "settlement")


def _lines(turn: Turn, head: str, line: Callable[[int, dict[str, Any]], Reply]) -> None:
    """A heading and one line per plan (about "your plan" once one is chosen or agreed)."""
    parts = tuple(line(n, plan) for n, plan in _plans(turn))
    one = turn.state in (State.AGREE, State.CLOSED) and len(parts) == 1
    turn.say(f"{head}_one" if one else head, debt=True, parts=parts)


def _rate(turn: Turn) -> None:
    account = turn.account
    if not _plans(turn) and account is not None:
        turn.say("answer.rate_account", {"apr": account.apr}, debt=True)
        return

    def line(n: int, plan: dict[str, Any]) -> Reply:
        if _one_off(plan):
            return Reply("answer.rate_one_off", {"n": n})
        apr = Decimal(str(plan["apr"]))
        key = "answer.rate_frozen" if apr == 0 else "answer.rate_plan"
        return Reply(key, {"n": n, "apr": apr})

    _lines(turn, "answer.rate", line)


def _total(turn: Turn) -> None:
    account = turn.account
    if not _plans(turn) and account is not None:
        turn.say("answer.total_balance", _breakdown(turn), debt=True)
        return
    _lines(
        turn,
        "answer.total",
        lambda n, plan: Reply("answer.total_plan", {"n": n, "total": _money(plan, "total", turn)}),
    )


def _waived(turn: Turn) -> None:
    if not _plans(turn):
        turn.say("answer.waived_later")
        return

    def line(n: int, plan: dict[str, Any]) -> Reply:
        waived = plan.get("waived") or {}
        fees = Money(Decimal(str(waived.get("fees", "0"))), _money(plan, "total", turn).currency)
        interest = Money(Decimal(str(waived.get("interest", "0"))), fees.currency)
        discount = Money(Decimal(str(plan.get("discount", "0"))), fees.currency)
        # Only the concessions, from today's balance (issue 13).
        saved = Money(fees.amount + interest.amount + discount.amount, fees.currency)
        if saved.amount <= 0:
            return Reply("answer.waived_none", {"n": n})
        params: dict[str, Param] = {
            "n": n,
            "fees": fees,
            "interest": interest,
            "discount": discount,
            "saved": saved,
        }
        return Reply("answer.waived_plan", params)

    _lines(turn, "answer.waived", line)


def _first_due(turn: Turn) -> None:
    if not _plans(turn):
        turn.say("answer.first_due_later")
        return

    def line(n: int, plan: dict[str, Any]) -> Reply:
        due = date.fromisoformat(str(plan["instalments"][0]["due"]))
        return Reply("answer.first_due_plan", {"n": n, "due": due})

    _lines(turn, "answer.first_due", line)


def _who_before(turn: Turn) -> None:
    turn.say("answer.who_before", {"creditor": turn.ctx.creditor_name})


def _who(turn: Turn) -> None:
    turn.say("answer.who", {"creditor": turn.ctx.creditor_name})


def _sue(turn: Turn) -> None:
    account = turn.account
    if account is not None and account.time_barred:
        turn.say("notice.time_barred", debt=True)
    else:
        turn.say("answer.sue")


def _which_wrong(turn: Turn) -> None:
    turn.say("answer.which_wrong")


def _next(turn: Turn) -> None:
    state = turn.state if turn.verified else State.VERIFY
    key = f"answer.next.{state.value}"
    turn.say(key if state in _NEXT_STATES else "answer.next.verify")


_NEXT_STATES = (
    State.VERIFY,
    State.DISCLOSE,
    State.SITUATION,
    State.OFFER,
    State.NEGOTIATE,
    State.AGREE,
)


def _statement(turn: Turn) -> None:
    """US: the validation information; elsewhere: the breakdown, and a person sends it."""
    account = turn.account
    if account is None:
        return
    parts: list[Reply] = [Reply("answer.breakdown", _breakdown(turn))]
    if us(account):
        end = account.validation_end
        if end is not None and end >= local_today(turn):
            parts.append(Reply("notice.validation", {"date": end}))
        parts.append(Reply("answer.statement_copy"))
        head = Reply("answer.statement_us", {"creditor": turn.ctx.creditor_name})
    else:
        parts.append(Reply("answer.statement_person"))
        head = Reply("answer.statement", {"creditor": turn.ctx.creditor_name})
    turn.say(head.key, head.params, buttons=(HUMAN,), debt=True, parts=tuple(parts))


def _breakdown(turn: Turn) -> dict[str, Param]:
    account = turn.account
    if account is None:
        return {}
    return {
        "balance": money(turn, account.balance),
        "principal": money(turn, account.principal),
        "interest": money(turn, account.interest),
        "fees": money(turn, account.fees),
    }


_ANSWERS: dict[str, Callable[[Turn], None]] = {
    "rate": _rate,
    "total": _total,
    "waived": _waived,
    "first_due": _first_due,
    "who": _who,
    "sue": _sue,
    "which_wrong": _which_wrong,
    "next": _next,
    "statement": _statement,
}
_BEFORE_ANSWERS: dict[str, Callable[[Turn], None]] = {
    "who": _who_before,
    "which_wrong": _which_wrong,
    "next": _next,
}
