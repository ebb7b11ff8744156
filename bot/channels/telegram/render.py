"""Text for Telegram: escaped for the HTML parse mode, split under the 4,096-character limit."""

from __future__ import annotations

import html
import re

LIMIT = 4096


def chunks(text: str, limit: int = LIMIT) -> list[str]:
    """Split plain text into pieces of at most ``limit`` characters (counted before escaping,
    as Telegram counts them after parsing entities), preferring paragraph, line, then word
    boundaries, and escape each for parse_mode=HTML."""
    pieces: list[str] = []
    rest = text if text.strip() else "…"
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [html.escape(piece, quote=False) for piece in pieces if piece]


def callback_data(message_id: int, button: str) -> str | None:
    """``b<message id>:<button id>``: the message id lets a stale button be recognised."""
    data = f"b{message_id}:{button}"
    return data if len(data.encode()) <= 64 else None


_CALLBACK = re.compile(r"b([0-9]{1,10}):(.+)", re.DOTALL)
_MAX_ID = 2**31 - 1  # message ids are 32-bit integers


def parse_callback(data: str | None) -> tuple[int, str] | None:
    """The message id and button of ``b<id>:<button>``; None for anything else (ASCII
    digits only: ``str.isdigit`` also takes ² and other scripts' digits)."""
    found = _CALLBACK.fullmatch(data or "")
    if found is None or int(found.group(1)) > _MAX_ID:
        return None
    return int(found.group(1)), found.group(2)
