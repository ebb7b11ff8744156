"""One step in the making: what a handler reads and what it adds.

A :class:`Turn` is created for a single ``step`` call and thrown away after; handlers add
replies, effects and data to it and return the next state. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.model import (
    AccountView,
    Button,
    Effect,
    Event,
    EventKind,
    Param,
    Reply,
    Snapshot,
    State,
    StepContext,
)


@dataclass
class Turn:
    snapshot: Snapshot
    event: Event
    ctx: StepContext
    data: dict[str, Any]
    tone: str = "neutral"
    account: AccountView | None = None
    locale: str = "en"
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    # Replies to send after the state's own answer (e.g. a signpost the guard asked for).
    closing: list[Reply] = field(default_factory=list)
    # Each state's prompt (its question asked again), filled in from the flow table.
    prompts: Mapping[State, Callable[[Turn], State]] = field(default_factory=dict)
    # What was worked out once for this step (e.g. the reading of the text): see understand.
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> State:
        return self.snapshot.state

    @property
    def text(self) -> str:
        return self.event.text if self.event.kind is EventKind.TEXT else ""

    @property
    def button(self) -> str:
        return (self.event.button or "") if self.event.kind is EventKind.BUTTON else ""

    @property
    def category(self) -> str:
        return self.event.guard.category

    @property
    def verified(self) -> bool:
        return bool(self.data.get("verified")) and self.account is not None

    def say(
        self,
        key: str,
        params: Mapping[str, Param] | None = None,
        *,
        buttons: tuple[Button, ...] = (),
        debt: bool = False,
        parts: tuple[Reply, ...] = (),
    ) -> None:
        self.replies.append(Reply(key, dict(params or {}), buttons, debt, parts))

    def emit(self, *effects: Effect) -> None:
        self.effects.extend(effects)

    def prompt(self, state: State) -> State:
        """Ask ``state``'s question again (after help, a language switch, a hand-back)."""
        return self.prompts[state](self)

    def forget(self, *keys: str) -> None:
        for key in keys:
            self.data.pop(key, None)


def button(id: str, key: str, params: Mapping[str, Param] | None = None) -> Button:
    return Button(id, key, dict(params or {}))
