"""Text for Telegram: escaped for the HTML parse mode, split under the 4,096-character limit."""

from __future__ import annotations

import html

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


def parse_callback(data: str | None) -> tuple[int, str] | None:
    if not data or not data.startswith("b") or ":" not in data:
        return None
    head, button = data[1:].split(":", 1)
    return (int(head), button) if head.isdigit() and button else None
