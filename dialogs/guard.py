"""The dialog's answer to each inbound guard category (DESIGN §7), from any state.

The engine runs the guard before the step and passes its verdict in ``Event.guard``. A
category that stops the conversation answers here and moves to HANDOFF, STOPPED or
CLOSED; vulnerability, abuse (the first time) and hardship add their line and let the
state's own handler go on with what else the message said.

Before verification nobody is known, so no answer here implies a debt (DESIGN §6): no
collection, no payments, no debt advice or counselling lines; a neutral line, a general
wellbeing line with the crisis numbers, and a person. After verification the fuller words
are said, and the advice owed to a vulnerability shown earlier is given then.

A chat that says it is not the account holder (the guard's third_party, even beside a
higher category: "I'm his wife, he passed away") is marked for good (``THIRD_PARTY`` in
the conversation data; it survives /start and binding a reference in that chat). If it
later answers the checks correctly, nothing is disclosed: it is told kindly that we can
only speak with the account holder, and a person checks (handoff ``third_party``). Only
an agent who hands the conversation back as verified lifts the hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.compliance import HANDOFF_PRIORITY, Category
from dialogs import safety
from dialogs.common import HUMAN, handoff, region, us
from dialogs.model import (
    DisputeRecorded,
    HandoffPriorityRaised,
    HandoffRequested,
    Note,
    OptedOut,
    Reply,
    State,
)
from dialogs.turn import Turn

Reaction = Callable[[Turn], State | None]

#: Conversation data: this chat has said it is not the account holder.
THIRD_PARTY = "third_party"
# Before verification, the words of these replies would imply a debt; these do not.
_BEFORE_VERIFICATION = {
    "guard.self_harm": "guard.self_harm_unverified",
    "guard.bankruptcy": "guard.noted",
    "guard.dispute": "guard.noted",
    "guard.dispute_us": "guard.noted",
}

_ADVICE = {"US": "advice.US", "GB": "advice.GB", "CN": "advice.CN"}
_FORGET_ON_THIRD_PARTY = ("verified", "dob", "offer", "chosen", "pending_min", "situation")
_REVIEW_STOP = {"review": "free-text stop; check on wellbeing"}
_STOP_REVIEW_PRIORITY = 1  # a person looks soon; nothing is sent to the debtor meanwhile


def _priority(category: str) -> int:
    return HANDOFF_PRIORITY.get(Category(category), 3)


def private(turn: Turn) -> bool:
    """Whether nothing that implies a debt may be said: before verification (greet,
    verify, or not verified), or to a chat that said it is not the account holder."""
    return (
        not turn.verified
        or turn.state in (State.GREET, State.VERIFY)
        or bool(turn.data.get(THIRD_PARTY))
    )


def _key(turn: Turn, key: str) -> str:
    return _BEFORE_VERIFICATION.get(key, key) if private(turn) else key


def _crisis(turn: Turn, *, stopped: bool = False) -> None:
    """The crisis reply: payment talk set aside, the crisis line, what to do in danger.
    After a stop it says nothing more will come, instead of promising a check-in."""
    emergency = safety.emergency(turn)
    suffix = "_stop" if stopped else ""
    after = (
        Reply(f"guard.self_harm_after{suffix}", {"emergency": emergency})
        if emergency
        else Reply(f"guard.self_harm_after{suffix}_any")
    )
    turn.say(_key(turn, "guard.self_harm"), parts=(*safety.crisis_lines(turn), after))


#: Conversation data: the crisis line was given (a person is to answer soon).
CRISIS = "crisis"


def self_harm(turn: Turn, *, raised: bool = False) -> State:
    """Payment talk stops; the crisis line is in this very reply; a person is called. A
    message that also asks us to stop ("…你们就不用再找我了", "stop texting me, goodbye
    forever") is answered the same way and the stop is honoured (the farewell path)."""
    if "cease_contact" in turn.event.guard.categories:
        return _farewell(turn, safety.distress(turn) or ("self_harm",))
    _crisis(turn)
    turn.data[CRISIS] = True
    if raised:
        turn.emit(HandoffPriorityRaised("self_harm", 0))
        return turn.state
    return handoff(turn, "self_harm", 0)


def silent_alert(turn: Turn) -> State:
    """After STOP nothing is sent; distress still reaches a person, who decides."""
    turn.emit(HandoffRequested("self_harm", 0, {"state": "stopped", "opted_out": True}))
    return State.STOPPED


def cease_contact(turn: Turn) -> State:
    """One confirmation, then nothing (the opt-out is stored). A bare STOP gets just that;
    a stop in the debtor's own words also gets a wellbeing line and a person's review; a
    stop that sounds like a farewell gets the crisis line and a priority-0 handoff."""
    if cues := safety.distress(turn):
        return _farewell(turn, cues)
    turn.emit(OptedOut())
    if safety.bare_stop(turn.text):
        turn.say("guard.cease_contact")
        return State.STOPPED
    turn.say("guard.cease_contact", parts=(safety.wellbeing(turn),))
    turn.emit(HandoffRequested("cease_contact", _STOP_REVIEW_PRIORITY, dict(_REVIEW_STOP)))
    return State.STOPPED


def _farewell(turn: Turn, cues: tuple[str, ...]) -> State:
    """A stop with a distress cue: answered as self-harm, and the stop still honoured."""
    turn.emit(OptedOut())
    _crisis(turn, stopped=True)
    facts = {"state": turn.state.value, "opted_out": True, "distress": list(cues)}
    turn.emit(
        Note("dialog.distress", {"category": "cease_contact", **facts}),
        HandoffRequested("self_harm", 0, facts),
    )
    return State.STOPPED


def _hand_to_person(key: str, category: str) -> Reaction:
    def react(turn: Turn) -> State:
        turn.say(_key(turn, key))
        return handoff(turn, category, _priority(category))

    return react


# A representative's details: an e-mail, a phone number, or a firm's name.
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d ()-]{6,}\d"
    r"|\b(?:llp|esq|solicitors?|law (?:firm|office|group)|attorneys at law)\b"
    r"|律师事务所|律所|电话|手机|邮箱",
    re.IGNORECASE,
)
#: Conversation data: the representative's details were asked for (or given).
ATTORNEY_ASKED = "attorney_asked"


def representative_details(text: str) -> bool:
    """Whether the message gives a representative's contact details."""
    return _CONTACT.search(text[:1000]) is not None


def attorney(turn: Turn) -> State:
    """Direct negotiation stops; the representative's details are asked for once, and
    not at all when the message already gives them (a person takes over either way)."""
    given = representative_details(turn.text)
    asked = bool(turn.data.get(ATTORNEY_ASKED))
    turn.data[ATTORNEY_ASKED] = True
    turn.say("guard.attorney_noted" if given or asked else "guard.attorney")
    return handoff(turn, "attorney", _priority("attorney"), {"details_given": given})


def dispute(turn: Turn) -> State:
    if turn.account is not None:
        turn.emit(DisputeRecorded(turn.account.id))
    turn.say(_key(turn, "guard.dispute_us" if us(turn.account) else "guard.dispute"))
    return handoff(turn, "dispute", _priority("dispute"))


def third_party(turn: Turn) -> State:
    """Disclose nothing, apologise, end. Whatever was verified in this chat is forgotten,
    and the chat stays marked (see the module's docstring)."""
    turn.forget(*_FORGET_ON_THIRD_PARTY)
    turn.data[THIRD_PARTY] = True
    turn.emit(Note("dialog.third_party", {"state": turn.state.value}))
    turn.say("guard.third_party")
    return State.CLOSED


def vulnerability(turn: Turn) -> State | None:
    """A gentler tone from now on, free advice signposted, a person offered; then carry on.
    With a distress cue ("depressed, this is my last message") it is answered as self-harm."""
    if cues := safety.distress(turn):
        turn.emit(Note("dialog.distress", {"category": "vulnerability", "distress": list(cues)}))
        return self_harm(turn)
    if turn.data.get("gentle"):
        return None  # said once; the gentler tone stays
    turn.data["gentle"] = True
    turn.tone = "melancholic"
    if private(turn):
        support = safety.wellbeing(turn)  # general support; debt advice once verified
        turn.data["advice_due"] = True
    else:
        support = Reply(_ADVICE.get(region(turn.account), "advice.any"))
    turn.say("guard.vulnerability", buttons=(HUMAN,), parts=(support,))
    turn.emit(Note("dialog.vulnerability", {"state": turn.state.value}))
    return None


def abuse(turn: Turn) -> State | None:
    """One calm boundary; the next time a person takes over."""
    count = int(turn.data.get("abuse") or 0) + 1
    turn.data["abuse"] = count
    if count >= 2:
        turn.say("guard.abuse_handoff")
        return handoff(turn, "abuse", _priority("abuse"), {"abusive_messages": count})
    turn.say("guard.abuse")
    return None


def hardship(turn: Turn) -> State | None:
    """The normal path: remember it (GB signposts free advice) and let the state go on.

    Before the debt can be discussed, one line of empathy first (resonate)."""
    if not turn.data.get("hardship") and turn.state in (State.GREET, State.VERIFY):
        turn.say("guard.hardship")
    turn.data["hardship"] = True
    if private(turn):
        return None  # GB's free-advice signpost comes with the disclosure (disclose.notices)
    if region(turn.account) == "GB" and not turn.data.get("advised"):
        turn.data["advised"] = True  # GB: free debt advice once hardship is shown
        turn.closing.append(Reply("advice.GB"))
    return None


REACTIONS: dict[str, Reaction] = {
    "self_harm": self_harm,
    "deceased": _hand_to_person("guard.deceased", "deceased"),
    "bankruptcy": _hand_to_person("guard.bankruptcy", "bankruptcy"),
    "attorney": attorney,
    "cease_contact": cease_contact,
    "dispute": dispute,
    "servicemember": _hand_to_person("guard.servicemember", "servicemember"),
    "third_party": third_party,
    "complaint": _hand_to_person("guard.complaint", "complaint"),
    "vulnerability": vulnerability,
    "human_requested": _hand_to_person("handoff.human", "human_requested"),
    "abuse": abuse,
    "hardship": hardship,
}


def held_back(turn: Turn, *, answered: bool = True) -> State | None:
    """A chat marked as not the account holder has passed the checks (``answered``) or is
    known to the engine as verified: nothing is disclosed; said kindly, and a person checks.
    None when the chat is not marked, or an agent has confirmed it since."""
    if turn.verified or not turn.data.get(THIRD_PARTY):
        return None
    turn.forget("dob")
    turn.emit(Note("dialog.third_party", {"state": turn.state.value, "held_back": True}))
    turn.say("guard.third_party_checked")
    facts = {"told_third_party": True, "answers_matched": answered}
    return handoff(turn, "third_party", _priority("third_party"), facts)


def after_verification(turn: Turn) -> None:
    """What was held back until the debtor was known: the free-advice signpost owed to a
    vulnerability shown before verification (GB: once in the conversation)."""
    if not turn.data.pop("advice_due", None):
        return
    code = region(turn.account)
    if code == "GB":
        if turn.data.get("advised"):
            return
        turn.data["advised"] = True
    turn.closing.append(Reply(_ADVICE.get(code, "advice.any")))


def react(turn: Turn) -> State | None:
    """The guard's category's answer, or None to let the state's handler go on."""
    if Category.THIRD_PARTY.value in turn.event.guard.categories:
        turn.data[THIRD_PARTY] = True  # said beside a higher category, it still holds
    reaction = REACTIONS.get(turn.category)
    return reaction(turn) if reaction is not None else None
