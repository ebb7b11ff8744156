"""JSON from outside, parsed safely: nothing a database or an encoder would choke on later."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # nesting of JSON arrays and objects; no body here needs more than 4


def loads(raw: bytes | str) -> Any:
    """JSON that is safe to store: UTF-8, nested at most ``MAX_DEPTH`` deep, and no lone
    surrogate (``"\\ud800"`` decodes to a string no database or encoder accepts).
    Raises ValueError with one sentence."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValueError("the body is not valid JSON") from None
    if _depth(text) > MAX_DEPTH:
        raise ValueError(f"the body is nested more than {MAX_DEPTH} deep")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the body is not valid JSON") from None
    if not _encodable(value):
        raise ValueError("the body holds text that is not valid Unicode")
    return value


def _depth(text: str) -> int:
    """How deep brackets nest outside strings (an upper bound on the JSON's depth)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return all(valid_text(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


def valid_text(text: str) -> bool:
    """False for a string with a lone surrogate (it cannot be encoded or stored)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
