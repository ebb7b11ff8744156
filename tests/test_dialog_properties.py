"""Properties of the step over random input at every state (issue 5, item 7).

- ``step`` never raises and never falls back to its internal-error answer;
- before verification no reply states the debt, and no rendered text holds any amount of
  the account's balance (nor of any other account's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compliance import Category
from dialogs.model import EventKind, Note, Outcome, Snapshot, State, VerificationPassed
from dialogs.states.situation import REASON_BUTTONS, RECOVERY_BUTTONS
from tests.test_dialog_world import PEOPLE, Chat

REF = "A-60001"  # distinctive amounts: 7,431.17 + 649.83 + 95.40 = 8,176.40
DEBT_TEXT = [
    "8,176.40", "8176.40", "8,176", "8176", "7,431.17", "7431.17", "7,431", "7431",
    "649.83", "649", "95.40",
]  # fmt: skip
for _person in PEOPLE.values():
    _acc = _person.account
    for _amount in (_acc.balance, _acc.principal, _acc.interest):
        DEBT_TEXT += [f"{_amount:,.2f}", f"{_amount:.2f}"]

SAMPLES = [
    "how much do I owe",
    "what is my balance",
    "我欠多少钱",
    "告诉我余额",
    "1977-05-19",
    "1988-04-02",
    "4321",
    "8000",
    "150",
    "两千五",
    "1.2k a month",
    "yes",
    "no",
    "好的",
    "option 1",
    "第二个",
    "STOP",
    "start",
    "A-60001",
    "",
    " ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷺ",
    "9" * 40,
    "x" * 1500,
]
BUTTONS = [
    *(b.id for b in (*REASON_BUTTONS, *RECOVERY_BUTTONS)),
    "options",
    "later",
    "human",
    "plan:1",
    "plan:2",
    "plan:9",
    "plan:x",
    "min",
    "none",
    "yes",
    "no",
    "lang:en",
    "lang:zh_CN",
    "lang:xx",
    "monthly:unsure",
    "",
    "reason:unknown",
]

texts = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=80))


@dataclass(frozen=True)
class Move:
    kind: EventKind
    text: str
    button: str | None
    ref: str | None
    guard: str

    def send(self, chat: Chat) -> Outcome:
        return chat.send(self.kind, self.text, button=self.button, ref=self.ref, guard=self.guard)


moves = st.builds(
    Move,
    kind=st.sampled_from(list(EventKind)),
    text=st.one_of(texts, st.sampled_from([s.value for s in State])),
    button=st.one_of(st.none(), st.sampled_from(BUTTONS), st.text(max_size=12)),
    ref=st.one_of(st.none(), st.sampled_from([REF, "a-60001", "Z-1", ""])),
    guard=st.sampled_from([c.value for c in Category]),
)


def _script(*steps: Callable[[Chat], object]) -> Callable[[str], Chat]:
    def build(language: str) -> Chat:
        chat = Chat(language=language)
        for step in steps:
            step(chat)
        return chat

    return build


def _start(c: Chat) -> object:
    return c.start(REF)


def _dob(c: Chat) -> object:
    return c.say("1977-05-19")


def _phone(c: Chat) -> object:
    return c.say("4321")


# name -> (script, verified)
STARTS: dict[str, tuple[Callable[[str], Chat], bool]] = {
    "greet": (_script(), False),
    "greeted": (_script(lambda c: c.say("hello")), False),
    "verify": (_script(_start), False),
    "verify-phone": (_script(_start, _dob), False),
    "one-failure": (_script(_start, _dob, lambda c: c.say("1111")), False),
    "handoff-unverified": (_script(_start, lambda c: c.send(EventKind.HUMAN)), False),
    "locked": (
        _script(_start, *[f for _ in range(3) for f in (_dob, lambda c: c.say("1111"))]),
        False,
    ),
    "stopped": (_script(_start, lambda c: c.say("STOP", guard="cease_contact")), False),
    "third-party": (_script(_start, lambda c: c.say("wife", guard="third_party")), False),
    "disclose": (_script(_start, _dob, _phone), True),
    "situation": (_script(_start, _dob, _phone, lambda c: c.tap("options")), True),
    "offer": (
        _script(
            _start,
            _dob,
            _phone,
            lambda c: c.tap("options"),
            lambda c: c.tap("reason:illness"),
            lambda c: c.tap("recovery:soon"),
            lambda c: c.say("1000"),
        ),
        True,
    ),
    # A little below the minimum (issue 13: far below hands off at once).
    "negotiate": (_script(_start, _dob, _phone, lambda c: c.say("I can pay 600")), True),
    "agree": (
        _script(_start, _dob, _phone, lambda c: c.say("800 a month"), lambda c: c.tap("plan:1")),
        True,
    ),
    "closed-agreed": (
        _script(
            _start,
            _dob,
            _phone,
            lambda c: c.say("800 a month"),
            lambda c: c.tap("plan:1"),
            lambda c: c.tap("yes"),
        ),
        True,
    ),
    "handoff-verified": (
        _script(_start, _dob, _phone, lambda c: c.send(EventKind.HUMAN)),
        True,
    ),
}


@lru_cache(maxsize=64)
def _snapshot(name: str, language: str) -> Snapshot:
    return STARTS[name][0](language).snapshot


def test_the_starting_points_are_where_they_say() -> None:
    expected = {
        "greet": State.GREET,
        "verify-phone": State.VERIFY,
        "locked": State.HANDOFF,
        "stopped": State.STOPPED,
        "third-party": State.CLOSED,
        "offer": State.OFFER,
        "negotiate": State.NEGOTIATE,
        "agree": State.AGREE,
        "closed-agreed": State.CLOSED,
    }
    for name, state in expected.items():
        assert _snapshot(name, "en").state is state, name


def _failed_internally(outcome: Outcome) -> bool:
    return any(isinstance(e, Note) and e.kind == "dialog.error" for e in outcome.effects)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.sampled_from(sorted(STARTS)),
    language=st.sampled_from(["en", "zh_CN"]),
    script=st.lists(moves, min_size=1, max_size=4),
)
def test_step_never_raises_and_tells_nothing_before_verification(
    start: str, language: str, script: list[Move]
) -> None:
    chat = Chat(language=language, snapshot=_snapshot(start, language))
    # Accounts whose holder this chat has verified: by the effect, not the dialog's own flag.
    verified = {PEOPLE[REF].account.id} if STARTS[start][1] else set()
    for move in script:
        outcome = move.send(chat)
        assert not _failed_internally(outcome), outcome.effects
        texts = chat.texts(outcome)  # every reply renders
        verified |= {e.account_id for e in outcome.effects if isinstance(e, VerificationPassed)}
        bound = chat.account
        if bound is None or bound.id not in verified:
            assert not any(r.states_debt for r in outcome.replies)
            for text in texts:
                for amount in DEBT_TEXT:
                    assert amount not in text, (amount, text)


def test_the_amounts_looked_for_are_what_a_disclosure_shows() -> None:
    for language in ("en", "zh_CN"):
        chat = STARTS["disclose"][0](language)
        text = chat.text(chat.outcomes[-1])
        assert "8,176.40" in text
        assert "7,431.17" in text
        assert "649.83" in text
