"""The terminal channel behind ``parley chat``: numbered buttons for a person, JSON lines
for a script (DESIGN §4)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TextIO

from bot.channels.inbound import classify
from bot.engine import Engine, Inbound, StepResult
from dialogs.model import EventKind

MAX_LINE = 4096


@dataclass
class TerminalChat:
    engine: Engine
    chat_id: str
    out: TextIO
    as_json: bool
    client_language: str | None = None
    _buttons: tuple[tuple[str, str], ...] = ()

    async def open(self, reference: str | None) -> None:
        """With a reference the bot speaks first, as after ``/start REF``."""
        if reference is not None:
            await self._send(
                Inbound(
                    "terminal",
                    self.chat_id,
                    EventKind.START,
                    text=reference,
                    start_ref=reference,
                    client_language=self.client_language,
                )
            )
        else:
            self._idle()

    async def line(self, raw: str) -> None:
        inbound = self._inbound(raw.rstrip("\r\n")[:MAX_LINE])
        if inbound is None:
            self._idle()
            return
        await self._send(inbound)

    def _inbound(self, raw: str) -> Inbound | None:
        button = self._button(raw)
        if button is not None:
            return Inbound(
                "terminal",
                self.chat_id,
                EventKind.BUTTON,
                button=button,
                client_language=self.client_language,
            )
        if not raw.strip():
            return None
        kind, text, ref = classify(raw)
        return Inbound(
            "terminal",
            self.chat_id,
            kind,
            text=text,
            start_ref=ref,
            client_language=self.client_language,
        )

    def _button(self, raw: str) -> str | None:
        if self.as_json and raw.lstrip().startswith("{"):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                return None
            button = value.get("button") if isinstance(value, dict) else None
            return button if isinstance(button, str) else None
        if not self.as_json and raw.strip().isdigit():
            index = int(raw.strip()) - 1
            if 0 <= index < len(self._buttons):
                return self._buttons[index][0]
        return None

    async def _send(self, inbound: Inbound) -> None:
        result = await self.engine.handle(inbound)
        await self._show(result)
        self._idle()

    async def _show(self, result: StepResult) -> None:
        for message in result.messages:
            self._buttons = message.buttons
            if self.as_json:
                self._emit(
                    {
                        "type": "message",
                        "text": message.text,
                        "buttons": [{"id": b, "label": label} for b, label in message.buttons],
                        "state": message.state,
                    }
                )
            else:
                print(f"\nParley: {message.text}", file=self.out)
                for number, (_, label) in enumerate(message.buttons, start=1):
                    print(f"  {number}) {label}", file=self.out)
            await self.engine.delivered(message.message_id, None)
        for reason in result.handoffs:
            if self.as_json:
                self._emit({"type": "handoff", "reason": reason})
            else:
                print(f"  [handed to a person: {reason}]", file=self.out)

    def _idle(self) -> None:
        if self.as_json:
            self._emit({"type": "idle"})
        else:
            print("> ", end="", file=self.out)
        self.out.flush()

    def _emit(self, value: object) -> None:
        print(json.dumps(value, ensure_ascii=False, separators=(",", ":")), file=self.out)


async def run_lines(chat: TerminalChat, read_line: Callable[[], Awaitable[str]]) -> None:
    """Feed lines until end of input."""
    while True:
        raw = await read_line()
        if raw == "":
            return
        await chat.line(raw)
