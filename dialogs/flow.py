"""The conversation as an explicit state table, checked when it is built.

A :class:`Flow` is a start state and one :class:`Node` per state: the handler that answers
a debtor's event in that state, the prompt that (re)asks the state's question, and the
states the handler may move to. ``anywhere`` names the moves every state may make (the
guard and the commands: a handoff, STOP). Building refuses a malformed table — a move to an
unknown state, a state without a node, two nodes for one state, or a state no path reaches —
so a mistake fails at import, not in a debtor's chat. At run time :meth:`Flow.check_move`
refuses a move the table does not declare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dialogs.model import State

if TYPE_CHECKING:
    from dialogs.turn import Turn

Handler = Callable[["Turn"], State]
Prompt = Callable[["Turn"], State]


class FlowError(ValueError):
    """A malformed flow table, or a move the table does not allow."""


@dataclass(frozen=True)
class Node:
    state: State | str
    handle: Handler
    prompt: Prompt
    # target state -> short label for the diagram
    moves: Mapping[State | str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    start: State
    nodes: Mapping[State, Node]
    anywhere: Mapping[State, str]

    @classmethod
    def build(
        cls,
        start: State | str,
        nodes: Iterable[Node],
        *,
        anywhere: Mapping[State | str, str] | None = None,
        states: Iterable[State] = tuple(State),
    ) -> Flow:
        """Check the table and return the flow; raise :class:`FlowError` if malformed."""
        known = {s.value: s for s in states}
        table: dict[State, Node] = {}
        for node in nodes:
            state = _known(known, node.state, "a node")
            if state in table:
                raise FlowError(f"state {state.value!r} has two nodes")
            for target in node.moves:
                _known(known, target, f"a move from {state.value!r}")
            table[state] = node
        everywhere = {
            _known(known, t, "an anywhere move"): label for t, label in (anywhere or {}).items()
        }
        first = _known(known, start, "the start")
        missing = [s.value for s in known.values() if s not in table]
        if missing:
            raise FlowError(f"no handler for state(s): {', '.join(sorted(missing))}")
        flow = cls(first, table, everywhere)
        unreachable = [s.value for s in known.values() if s not in flow.reachable()]
        if unreachable:
            raise FlowError(f"unreachable state(s): {', '.join(sorted(unreachable))}")
        return flow

    def targets(self, state: State) -> frozenset[State]:
        node = self.nodes[state]
        return frozenset({State(t) for t in node.moves} | set(self.anywhere) | {state})

    def reachable(self) -> frozenset[State]:
        seen = {self.start}
        todo = [self.start]
        while todo:
            for target in self.targets(todo.pop()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return frozenset(seen)

    def check_move(self, source: State, target: State) -> None:
        if target not in self.targets(source):
            raise FlowError(f"the flow has no move from {source.value!r} to {target.value!r}")

    def to_mermaid(self) -> str:
        """The table as a Mermaid ``stateDiagram-v2``."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.start.value}"]
        for state, node in self.nodes.items():
            for target, label in node.moves.items():
                lines.append(_edge(state.value, State(target).value, label))
        if self.anywhere:
            lines.append('    state "any state" as anywhere')
            for target, label in self.anywhere.items():
                lines.append(_edge("anywhere", target.value, label))
        return "\n".join(lines) + "\n"


def _edge(source: str, target: str, label: str) -> str:
    text = f"    {source} --> {target}"
    return f"{text} : {label}" if label else text


def _known(known: Mapping[str, State], value: State | str, where: str) -> State:
    key = value.value if isinstance(value, State) else str(value)
    if key not in known:
        raise FlowError(f"{where} names an unknown state {key!r}")
    return known[key]
