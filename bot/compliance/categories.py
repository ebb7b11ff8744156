"""Inbound categories of DESIGN §7, their priority order and the action each one calls for."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What an inbound message shows. Declared highest priority first (DESIGN §7)."""

    SELF_HARM = "self_harm"
    DECEASED = "deceased"
    BANKRUPTCY = "bankruptcy"
    ATTORNEY = "attorney"
    CEASE_CONTACT = "cease_contact"
    DISPUTE = "dispute"
    SERVICEMEMBER = "servicemember"
    THIRD_PARTY = "third_party"
    COMPLAINT = "complaint"
    VULNERABILITY = "vulnerability"
    HUMAN_REQUESTED = "human_requested"
    ABUSE = "abuse"
    HARDSHIP = "hardship"
    NONE = "none"


class Action(StrEnum):
    """What the dialog must do about a category; one action per category."""

    CRISIS_SUPPORT = "crisis_support"  # stop payment talk, crisis line, handoff priority 0
    CONDOLENCES = "condolences"  # stop, condolences, handoff
    STOP_COLLECTION = "stop_collection"  # stop collection, handoff
    REQUEST_REPRESENTATIVE = "request_representative"  # no direct negotiation, handoff
    CONFIRM_OPT_OUT = "confirm_opt_out"  # one confirmation, then nothing; stored opt-out
    PAUSE_COLLECTION = "pause_collection"  # acknowledge (US: written dispute), handoff
    FLAG_SERVICEMEMBER = "flag_servicemember"  # flag, handoff
    APOLOGISE_AND_END = "apologise_and_end"  # disclose nothing, apologise, end
    ACKNOWLEDGE_COMPLAINT = "acknowledge_complaint"  # acknowledge, handoff
    GENTLE_SUPPORT = "gentle_support"  # gentler tone, signpost free advice, offer a human
    HANDOFF = "handoff"  # a person takes over
    SET_BOUNDARY = "set_boundary"  # one calm boundary message; repeated -> handoff
    EXPLORE_SITUATION = "explore_situation"  # the normal path: situation questions
    CONTINUE = "continue"  # nothing detected


#: Highest priority first; "none" is not a detectable category.
PRIORITY: tuple[Category, ...] = tuple(c for c in Category if c is not Category.NONE)

ACTIONS: dict[Category, Action] = {
    Category.SELF_HARM: Action.CRISIS_SUPPORT,
    Category.DECEASED: Action.CONDOLENCES,
    Category.BANKRUPTCY: Action.STOP_COLLECTION,
    Category.ATTORNEY: Action.REQUEST_REPRESENTATIVE,
    Category.CEASE_CONTACT: Action.CONFIRM_OPT_OUT,
    Category.DISPUTE: Action.PAUSE_COLLECTION,
    Category.SERVICEMEMBER: Action.FLAG_SERVICEMEMBER,
    Category.THIRD_PARTY: Action.APOLOGISE_AND_END,
    Category.COMPLAINT: Action.ACKNOWLEDGE_COMPLAINT,
    Category.VULNERABILITY: Action.GENTLE_SUPPORT,
    Category.HUMAN_REQUESTED: Action.HANDOFF,
    Category.ABUSE: Action.SET_BOUNDARY,
    Category.HARDSHIP: Action.EXPLORE_SITUATION,
    Category.NONE: Action.CONTINUE,
}

#: Categories whose first occurrence hands the conversation to a person, with the queue
#: priority (0 first). Vulnerability only offers a human; abuse hands off when repeated.
HANDOFF_PRIORITY: dict[Category, int] = {
    Category.SELF_HARM: 0,
    Category.DECEASED: 1,
    Category.BANKRUPTCY: 1,
    Category.ATTORNEY: 1,
    Category.DISPUTE: 2,
    Category.SERVICEMEMBER: 2,
    Category.COMPLAINT: 2,
    Category.HUMAN_REQUESTED: 3,
}


def rank(category: Category) -> int:
    """Position in the priority order (0 is highest); "none" ranks last."""
    return PRIORITY.index(category) if category is not Category.NONE else len(PRIORITY)
