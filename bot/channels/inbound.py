"""Turning what a person typed into an engine event, the same way on every channel."""

from __future__ import annotations

import re

from dialogs.model import EventKind

_COMMAND = re.compile(r"^/(\w{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_COMMANDS = {
    "start": EventKind.START,
    "help": EventKind.HELP,
    "human": EventKind.HUMAN,
    "agent": EventKind.HUMAN,
    "language": EventKind.LANGUAGE,
    "lang": EventKind.LANGUAGE,
}
_START_WORDS = {"start", "unstop", "开始"}
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


def classify(text: str) -> tuple[EventKind, str, str | None]:
    """(kind, text, start reference) for a typed line.

    ``/start REF`` is a deep link; plain ``START`` opts back in after STOP. Unknown slash
    commands stay text, so the guard and dialog still see them.
    """
    stripped = text.strip()
    match = _COMMAND.match(stripped)
    if match:
        kind = _COMMANDS.get(match.group(1).lower())
        if kind is not None:
            argument = (match.group(2) or "").strip()
            ref = argument if kind is EventKind.START and _REF.fullmatch(argument) else None
            return kind, argument, ref
    if stripped.casefold() in _START_WORDS:
        return EventKind.START, "", None
    return EventKind.TEXT, text, None
