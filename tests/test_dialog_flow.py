"""The flow's state table is checked when it is built (issue 5, item 1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pytest

from dialogs import FLOW, Flow, FlowError, Node
from dialogs.model import State
from dialogs.turn import Turn
from tests.conftest import Cli

S = State


def _stay(turn: Turn) -> State:
    return turn.state


def _node(state: State | str, moves: Mapping[State | str, str] | None = None) -> Node:
    return Node(state, _stay, _stay, dict(moves or {}))


def _chain(states: Iterable[State]) -> list[Node]:
    """A valid little flow: each state moves to the next."""
    ordered = list(states)
    return [
        _node(s, {ordered[i + 1]: "next"} if i + 1 < len(ordered) else {})
        for i, s in enumerate(ordered)
    ]


SMALL = (S.GREET, S.VERIFY, S.DISCLOSE)


def test_the_real_flow_has_every_state_with_a_handler() -> None:
    assert set(FLOW.nodes) == set(State)
    assert FLOW.start is S.GREET
    assert FLOW.reachable() == frozenset(State)


def test_a_valid_small_flow_builds() -> None:
    flow = Flow.build(S.GREET, _chain(SMALL), states=SMALL)
    assert flow.reachable() == frozenset(SMALL)


Malformed = Callable[[], Flow]

MALFORMED: list[tuple[str, Malformed, str]] = [
    (
        "move to an unknown state",
        lambda: Flow.build(
            S.GREET,
            [*_chain(SMALL)[:-1], _node(S.DISCLOSE, {"nowhere": "oops"})],
            states=SMALL,
        ),
        "unknown state 'nowhere'",
    ),
    (
        "move to a state outside the flow",
        lambda: Flow.build(
            S.GREET, [*_chain(SMALL)[:-1], _node(S.DISCLOSE, {S.OFFER: "x"})], states=SMALL
        ),
        "unknown state 'offer'",
    ),
    (
        "state without a handler",
        lambda: Flow.build(S.GREET, _chain(SMALL)[:-1], states=SMALL),
        "no handler for state(s): disclose",
    ),
    (
        "unreachable state",
        lambda: Flow.build(
            S.GREET,
            [_node(S.GREET, {S.VERIFY: "x"}), _node(S.VERIFY), _node(S.DISCLOSE)],
            states=SMALL,
        ),
        "unreachable state(s): disclose",
    ),
    (
        "two nodes for one state",
        lambda: Flow.build(S.GREET, [*_chain(SMALL), _node(S.VERIFY)], states=SMALL),
        "state 'verify' has two nodes",
    ),
    (
        "node for an unknown state",
        lambda: Flow.build(S.GREET, [*_chain(SMALL), _node("limbo")], states=SMALL),
        "unknown state 'limbo'",
    ),
    (
        "unknown start",
        lambda: Flow.build("limbo", _chain(SMALL), states=SMALL),
        "the start names an unknown state 'limbo'",
    ),
    (
        "anywhere move to an unknown state",
        lambda: Flow.build(S.GREET, _chain(SMALL), anywhere={S.HANDOFF: "x"}, states=SMALL),
        "an anywhere move names an unknown state 'handoff'",
    ),
]


@pytest.mark.parametrize(("build", "message"), [pytest.param(b, m, id=i) for i, b, m in MALFORMED])
def test_a_malformed_flow_is_refused_when_built(build: Malformed, message: str) -> None:
    with pytest.raises(FlowError) as caught:
        build()
    assert message in str(caught.value)


def test_anywhere_moves_make_states_reachable() -> None:
    flow = Flow.build(
        S.GREET,
        [_node(S.GREET), _node(S.VERIFY), _node(S.DISCLOSE)],
        anywhere={S.VERIFY: "x", S.DISCLOSE: "y"},
        states=SMALL,
    )
    assert flow.reachable() == frozenset(SMALL)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (S.GREET, S.VERIFY, True),
        (S.GREET, S.GREET, True),  # staying is always allowed
        (S.GREET, S.HANDOFF, True),  # anywhere
        (S.GREET, S.STOPPED, True),  # anywhere
        (S.GREET, S.AGREE, False),
        (S.VERIFY, S.OFFER, False),  # no debt talk before verification
        (S.SITUATION, S.AGREE, False),
        (S.OFFER, S.AGREE, True),
        (S.AGREE, S.CLOSED, True),
        (S.STOPPED, S.OFFER, False),
    ],
)
def test_check_move_follows_the_table(source: State, target: State, allowed: bool) -> None:
    if allowed:
        FLOW.check_move(source, target)
    else:
        with pytest.raises(FlowError):
            FLOW.check_move(source, target)


def test_mermaid_lists_every_declared_move() -> None:
    text = FLOW.to_mermaid()
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> greet" in lines
    for state, node in FLOW.nodes.items():
        for target, label in node.moves.items():
            assert f"    {state.value} --> {State(target).value} : {label}" in lines
    assert any(line.startswith("    anywhere --> stopped") for line in lines)
    assert all(state.value in text for state in State)


def test_parley_dialogs_graph_prints_the_diagram(cli: Cli) -> None:
    result = cli("dialogs", "graph")
    assert result.code == 0, result.err
    assert result.out == FLOW.to_mermaid()
