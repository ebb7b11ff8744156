"""The flow of DESIGN §6 as a state table: each state's handler, prompt and moves.

Built (and so checked) at import: see :mod:`dialogs.flow`.
"""

from __future__ import annotations

from dialogs.flow import Flow, Node
from dialogs.model import State
from dialogs.states import agree, disclose, greet, offer, situation, verify, waiting

S = State

FLOW = Flow.build(
    S.GREET,
    [
        Node(
            S.GREET,
            greet.handle,
            greet.prompt,
            {S.VERIFY: "reference found", S.DISCLOSE: "verified before"},
        ),
        Node(
            S.VERIFY,
            verify.handle,
            verify.prompt,
            {S.DISCLOSE: "date of birth + phone match", S.GREET: "no account"},
        ),
        Node(
            S.DISCLOSE,
            disclose.handle,
            disclose.prompt,
            {
                S.SITUATION: "let's look",
                S.OFFER: "states an amount",
                S.NEGOTIATE: "amount below the minimum",
                S.VERIFY: "not verified",
            },
        ),
        Node(
            S.SITUATION,
            situation.handle,
            situation.prompt,
            {
                S.OFFER: "reason, recovery, monthly amount",
                S.NEGOTIATE: "amount below the minimum",
                S.VERIFY: "not verified",
            },
        ),
        Node(
            S.OFFER,
            offer.handle,
            offer.prompt,
            {S.AGREE: "picks a plan", S.NEGOTIATE: "counter-offer", S.VERIFY: "not verified"},
        ),
        Node(
            S.NEGOTIATE,
            offer.handle,
            offer.prompt_negotiate,
            {S.AGREE: "picks a plan", S.VERIFY: "not verified"},
        ),
        Node(
            S.AGREE,
            agree.handle,
            agree.prompt,
            {
                S.CLOSED: "yes, arrangement agreed",
                S.OFFER: "no, back to the options",
                S.NEGOTIATE: "counter-offer",
                S.VERIFY: "not verified",
            },
        ),
        Node(
            S.HANDOFF,
            waiting.handle_handoff,
            waiting.silent,
            {
                S.GREET: "resume",
                S.VERIFY: "resume",
                S.DISCLOSE: "resume",
                S.SITUATION: "resume",
                S.OFFER: "resume",
                S.NEGOTIATE: "resume",
                S.AGREE: "resume",
            },
        ),
        Node(
            S.CLOSED,
            waiting.handle_closed,
            waiting.prompt_closed,
            {S.DISCLOSE: "/start, verified before"},
        ),
        Node(
            S.STOPPED,
            waiting.handle_stopped,
            waiting.silent,
            {S.DISCLOSE: "START, verified before"},
        ),
    ],
    anywhere={
        S.HANDOFF: "guard, /human, limits reached, verification locked",
        S.STOPPED: "STOP",
        S.CLOSED: "third party",
        S.GREET: "/start",
        S.VERIFY: "/start REF",
    },
)
