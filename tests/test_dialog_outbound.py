"""Everything the dialog says passes the outbound rules of its debtor's jurisdiction.

The engine runs every reply through ``bot.compliance`` before sending and drops what
breaks a rule; here whole conversations in both languages are checked the same way (each
message on its own; the step's messages together for the notices a debt message needs),
so a reply the guard would block is found before a debtor misses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.compliance.outbound import OutboundContext, check_outbound
from dialogs.model import EventKind, Outcome
from tests.test_dialog_world import CREDITOR, Chat

Script = Callable[[Chat], None]


def _verify(chat: Chat, ref: str, born: str, last4: str) -> None:
    chat.start(ref)
    chat.say("I lost my job and I'm struggling", guard="hardship")
    chat.say(born)
    chat.say(last4)


def _funnel_and_agree(chat: Chat) -> None:
    chat.tap("options")
    chat.tap("reason:illness")
    chat.tap("recovery:soon")
    # Issue 13: a figure far below the minimum now hands off at once (no "could that
    # work?"), so this path takes the standard options and asks for less interest.
    chat.tap("monthly:unsure")
    chat.say("can you drop the interest?")
    chat.tap("plan:1")
    chat.say("hmm")
    chat.tap("no")
    chat.tap("plan:1")
    chat.tap("yes")
    chat.say("thanks")


def _limits(chat: Chat) -> None:
    chat.tap("options")
    chat.tap("reason:job_loss")
    chat.tap("recovery:months")
    for _ in range(5):
        chat.say("5")


def _guarded(chat: Chat) -> None:
    chat.send(EventKind.HELP)
    chat.send(EventKind.LANGUAGE)
    chat.say("I have depression", guard="vulnerability")
    chat.say("idiots", guard="abuse")
    chat.say("this is a complaint", guard="complaint")
    chat.send(EventKind.RESUME, "offer")
    chat.say("I want to end it all", guard="self_harm")
    chat.send(EventKind.RESUME, "situation")
    chat.say("I dispute this debt", guard="dispute")
    chat.say("STOP", guard="cease_contact")


def _locked(chat: Chat) -> None:
    for born in ("1990-01-01", "1990-01-02", "1990-01-03"):
        chat.say(born)
        chat.say("1111")


PEOPLE_AND_PATHS = [
    ("A-10001", "1988-04-02", "8000"),
    ("A-20001", "1985-02-14", "0142"),
    ("A-20002", "1970-09-30", "0199"),
    ("A-20004", "1983-06-21", "0177"),
    ("A-30001", "1990-03-08", "0123"),
]
PATHS: dict[str, Script] = {"agree": _funnel_and_agree, "limits": _limits, "guarded": _guarded}


class Checker:
    """The engine's outbound checks, step by step, over a conversation's outcomes."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.debt_stated = False
        self.hardship_shown = False
        self.advice_given = False
        self.problems: list[str] = []

    def check(self, outcome: Outcome, hardship: bool) -> None:
        account = self.chat.account
        if account is None or not outcome.replies:
            return
        self.hardship_shown = self.hardship_shown or hardship
        texts = self.chat.texts(outcome)
        base = OutboundContext(
            jurisdiction=account.jurisdiction,
            now=self.chat.now,
            timezone=account.timezone,
            time_barred=account.time_barred,
            validation_end=account.validation_end,
            debt_advice_signposted=True,
            creditor_name=CREDITOR,
        )
        states_debt = any(r.states_debt for r in outcome.replies)
        together = replace(
            base,
            states_debt=states_debt,
            is_first_debt_message=states_debt and not self.debt_stated,
            hardship_shown=self.hardship_shown,
            debt_advice_signposted=self.advice_given,
        )
        verdict = check_outbound("\n\n".join(texts), together)
        # As in the engine, a missing notice blocks only a step that states the debt: before
        # verification nothing may (issue 11), so GB's advice waits for the disclosure.
        reasons = [r for r in verdict.reasons if states_debt or not r.startswith("notice_")]
        if reasons:
            self.problems.append(f"{[r.key for r in outcome.replies]}: {tuple(reasons)}")
        for reply, text in zip(outcome.replies, texts, strict=True):
            alone = check_outbound(text, base)
            if not alone.allowed:
                self.problems.append(f"{reply.key}: {alone.reasons} in {text!r}")
        self.debt_stated = self.debt_stated or states_debt
        self.advice_given = self.advice_given or (self.hardship_shown and verdict.allowed)


def _run(ref: str, born: str, last4: str, path: Script, language: str) -> list[str]:
    chat = Chat(language=language)
    checker = Checker(chat)
    seen = 0
    _verify(chat, ref, born, last4)
    path(chat)
    # Replay the outcomes in order; the guard's hardship flag came with the second event.
    for index, outcome in enumerate(chat.outcomes):
        checker.check(outcome, hardship=index >= 1)
        seen += len(outcome.replies)
    assert seen > 5
    return checker.problems


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(("ref", "born", "last4"), PEOPLE_AND_PATHS)
def test_whole_conversations_pass_the_outbound_rules(
    ref: str, born: str, last4: str, path: str, language: str
) -> None:
    assert _run(ref, born, last4, PATHS[path], language) == []


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize(("ref", "born", "last4"), PEOPLE_AND_PATHS)
def test_a_lockout_passes_the_outbound_rules(
    ref: str, born: str, last4: str, language: str
) -> None:
    chat = Chat(language=language)
    chat.start(ref)
    _locked(chat)
    checker = Checker(chat)
    for outcome in chat.outcomes:
        checker.check(outcome, hardship=False)
    assert checker.problems == []
