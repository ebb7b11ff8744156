"""Telegram's text formatting modes, parsed the way the Bot API parses them.

``parse(text, parse_mode)`` returns the plain text and its entities, or raises
``MarkupError`` with Telegram's own wording (the part after "can't parse entities: "), so a
bot that forgets to escape is refused here exactly where the real API would refuse it.
Offsets and lengths are UTF-16 code units, as in the Bot API; byte offsets in error
messages are UTF-8, as Telegram reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_HTML_KIND = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji", "code": "Code", "pre": "Pre",
}  # fmt: skip


class MarkupError(ValueError):
    """The text is not well-formed for its parse mode; str() is Telegram's description."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Plain text and entities, whitespace-trimmed at both ends as Telegram does."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, entities = parse_html(text)
    elif mode == "markdownv2":
        plain, entities = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, entities = parse_markdown(text)
    elif mode == "":
        plain, entities = text, []
    else:
        raise ValueError(f"unsupported parse_mode {parse_mode!r}")
    return _strip(plain, entities)


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    stripped = text.strip()
    if stripped == text:
        return text, _sorted(entities)
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, _sorted(kept)


def _sorted(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


@dataclass
class _Out:
    parts: list[str] = field(default_factory=list)
    offset: int = 0  # UTF-16 units written so far
    chars: int = 0  # code points written so far

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)
        self.chars += len(chunk)

    def text(self) -> str:
        return "".join(self.parts)

    def since(self, opened: _Open) -> str:
        return self.text()[opened.index :]


@dataclass
class _Open:
    tag: str  # HTML tag name, or the entity kind for Markdown
    start: int  # UTF-16 offset in the output
    at: int  # byte offset in the input, for error messages
    index: int = 0  # code points in the output when it opened
    argument: str | None = None
    language: str | None = None


def _entity(kind: str, start: int, end: int, **extra: Any) -> Entity:
    entity: Entity = {"type": kind, "offset": start, "length": end - start}
    entity.update({key: value for key, value in extra.items() if value is not None})
    return entity


# -- HTML --------------------------------------------------------------------------------


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """``&lt;`` / ``&#60;`` / ``&#x3C;`` at ``i``; None when it is a literal ampersand."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return None
    name = text[i + 1 : end]
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], end + 1
    if not name.startswith("#") or len(name) < 2:
        return None
    digits, base = (name[2:], 16) if name[1] in "xX" else (name[1:], 10)
    try:
        code = int(digits, base)
    except ValueError:
        return None
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


def parse_html(text: str) -> tuple[str, list[Entity]]:
    out, stack, entities = _Out(), list[_Open](), list[Entity]()
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        at = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            i = _html_end_tag(text, i, at, stack, out, entities)
        else:
            i = _html_start_tag(text, i, at, stack, out)
    if stack:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.text(), entities


def _html_end_tag(
    text: str, i: int, at: int, stack: list[_Open], out: _Out, entities: list[Entity]
) -> int:
    n, j = len(text), i + 2
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    name = text[i + 2 : j].lower()
    while j < n and text[j].isspace():
        j += 1
    if j >= n or text[j] != ">":
        raise MarkupError(f"Unclosed end tag at byte offset {at}")
    if not stack:
        raise MarkupError(f"Unexpected end tag at byte offset {at}")
    top = stack.pop()
    if name and name != top.tag:
        raise MarkupError(
            f'Unmatched end tag at byte offset {at}, expected "</{top.tag}>", found "</{name}>"'
        )
    _close_html(top, stack, out, entities)
    return j + 1


def _close_html(top: _Open, stack: list[_Open], out: _Out, entities: list[Entity]) -> None:
    if top.tag == "code" and top.language and stack and stack[-1].tag == "pre":
        stack[-1].language = top.language  # <pre><code class="language-x"> is one entity
        return
    if out.offset <= top.start:
        return
    kind = _HTML_KIND[top.tag]
    extra: dict[str, Any] = {}
    if kind == "text_link":
        extra["url"] = top.argument or out.since(top)  # no href: the text is the URL
    elif kind == "pre":
        extra["language"] = top.language
    elif kind == "custom_emoji":
        extra["custom_emoji_id"] = top.argument
    elif kind == "blockquote" and top.argument == "expandable":
        kind = "expandable_blockquote"
    entities.append(_entity(kind, top.start, out.offset, **extra))


def _html_start_tag(text: str, i: int, at: int, stack: list[_Open], out: _Out) -> int:
    n, j = len(text), i + 1
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        raise MarkupError(f"Unclosed start tag at byte offset {at}")
    name = text[i + 1 : j].lower()
    if name not in HTML_TAGS:
        raise MarkupError(f'Unsupported start tag "{name}" at byte offset {at}')
    opened = _Open(name, out.offset, at, out.chars)
    j = _html_attributes(text, j, opened)
    if name == "span" and opened.argument != "spoiler":
        raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    stack.append(opened)
    return j + 1


def _html_attributes(text: str, j: int, opened: _Open) -> int:
    """Reads attributes up to the closing '>' and returns its index."""
    n = len(text)
    unclosed = MarkupError(f'Unclosed start tag "{opened.tag}" at byte offset {opened.at}')
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise unclosed
        if text[j] == ">":
            return j
        begin = j
        while j < n and not text[j].isspace() and text[j] not in "=>/\"'":
            j += 1
        attribute = text[begin:j].lower()
        if not attribute:
            raise MarkupError(
                f'Empty attribute name in the tag "{opened.tag}" at byte offset {opened.at}'
            )
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise unclosed
        if text[j] != "=":
            if opened.tag == "blockquote" and attribute == "expandable":
                opened.argument = "expandable"
            continue
        j += 1
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise unclosed
        value, j = _html_attribute_value(text, j)
        if j >= n:
            raise unclosed
        _apply_attribute(opened, attribute, value)


def _html_attribute_value(text: str, j: int) -> tuple[str, int]:
    n = len(text)
    if text[j] not in "\"'":
        begin = j
        while j < n and (text[j].isalnum() or text[j] in ".-"):
            j += 1
        if j < n and not text[j].isspace() and text[j] != ">":
            raise MarkupError(
                f"Unexpected end of name token at byte offset {_byte_offset(text, j)}"
            )
        return text[begin:j].lower(), j
    quote, j = text[j], j + 1
    value: list[str] = []
    while j < n and text[j] != quote:
        decoded = _decode_entity(text, j) if text[j] == "&" else None
        if decoded is not None:
            value.append(decoded[0])
            j = decoded[1]
        else:
            value.append(text[j])
            j += 1
    return "".join(value), j + 1


def _apply_attribute(opened: _Open, attribute: str, value: str) -> None:
    if opened.tag == "a" and attribute == "href":
        opened.argument = value
    elif opened.tag == "code" and attribute == "class" and value.startswith("language-"):
        opened.language = value.removeprefix("language-")
    elif opened.tag == "span" and attribute == "class" and value == "tg-spoiler":
        opened.argument = "spoiler"
    elif opened.tag == "tg-emoji" and attribute == "emoji-id":
        opened.argument = value


# -- MarkdownV2 ---------------------------------------------------------------------------


def _reserved(char: str) -> MarkupError:
    return MarkupError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _closes(kind: str, text: str, i: int) -> bool:
    char, pair = text[i], text[i : i + 2]
    return {
        "bold": char == "*",
        "italic": char == "_" and pair != "__",
        "underline": pair == "__",
        "strikethrough": char == "~",
        "spoiler": pair == "||",
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }.get(kind, False)


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    out, stack, entities = _Out(), list[_Open](), list[Entity]()
    quote: _Open | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        line_start = i == 0 or text[i - 1] == "\n"
        if char == "\n" and quote is not None and text[i + 1 : i + 2] != ">":
            entities.append(_entity("blockquote", quote.start, out.offset))
            quote = None
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if char not in MARKDOWN_V2_RESERVED:
            out.add(char)
            i += 1
            continue
        if stack and _closes(stack[-1].tag, text, i):
            i = _v2_close(text, i, stack.pop(), out, entities)
            continue
        at = _byte_offset(text, i)
        if char == ">" and line_start:
            if quote is None:
                quote = _Open("blockquote", out.offset, at, out.chars)
            i += 1
        elif char == "`":
            i = _v2_code(text, i, at, out, entities)
        elif char in "*_~|[" or text[i : i + 2] == "![":
            kind, width = _v2_opening(text, i)
            stack.append(_Open(kind, out.offset, at, out.chars))
            i += width
        else:
            raise _reserved(char)
    if stack:
        top = stack[-1]
        raise MarkupError(f"Can't find end of {_V2_NAMES[top.tag]} entity at byte offset {top.at}")
    if quote is not None:
        entities.append(_entity("blockquote", quote.start, out.offset))
    return out.text(), [e for e in entities if e["length"] > 0]


def _v2_opening(text: str, i: int) -> tuple[str, int]:
    pair = text[i : i + 2]
    if pair == "__":
        return "underline", 2
    if pair == "||":
        return "spoiler", 2
    if pair == "![":
        return "custom_emoji", 2
    kind = {"*": "bold", "_": "italic", "~": "strikethrough", "[": "text_link"}.get(text[i])
    if kind is None:
        raise _reserved(text[i])
    return kind, 1


def _v2_close(text: str, i: int, top: _Open, out: _Out, entities: list[Entity]) -> int:
    if top.tag not in ("text_link", "custom_emoji"):
        entities.append(_entity(top.tag, top.start, out.offset))
        return i + (2 if top.tag in ("underline", "spoiler") else 1)
    i += 1
    if i >= len(text) or text[i] != "(":
        url = out.since(top)
    else:
        url_at = _byte_offset(text, i)
        url_chars: list[str] = []
        i += 1
        while i < len(text) and text[i] != ")":
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            url_chars.append(text[i])
            i += 1
        if i >= len(text):
            raise MarkupError(f"Can't find end of a URL at byte offset {url_at}")
        url, i = "".join(url_chars), i + 1
    if top.tag == "custom_emoji":
        emoji_id = url.removeprefix("tg://emoji?id=")
        entities.append(_entity("custom_emoji", top.start, out.offset, custom_emoji_id=emoji_id))
    else:
        entities.append(_entity("text_link", top.start, out.offset, url=url))
    return i


def _v2_code(text: str, i: int, at: int, out: _Out, entities: list[Entity]) -> int:
    """`code` or ```lang\\npre```: only '`' and '\\' are escaped inside."""
    n = len(text)
    is_pre = text[i : i + 3] == "```"
    j = i + (3 if is_pre else 1)
    language = None
    if is_pre:
        newline = text.find("\n", j)
        head = text[j:newline] if newline != -1 else ""
        if newline != -1 and head and " " not in head and "`" not in head:
            language, j = head, newline + 1
    start = out.offset
    body: list[str] = []
    fence = "```" if is_pre else "`"
    while j < n and text[j : j + len(fence)] != fence:
        if text[j] == "\\" and j + 1 < n and text[j + 1] in "`\\":
            j += 1
        body.append(text[j])
        j += 1
    if j >= n:
        name = "Pre" if is_pre else "Code"
        raise MarkupError(f"Can't find end of {name} entity at byte offset {at}")
    out.add("".join(body))
    kind = "pre" if is_pre else "code"
    entities.append(_entity(kind, start, out.offset, language=language))
    return j + len(fence)


# -- legacy Markdown ----------------------------------------------------------------------


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    out, entities = _Out(), list[Entity]()
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        at = _byte_offset(text, i)
        fence = "```" if text[i : i + 3] == "```" else ("]" if char == "[" else char)
        begin = i + (3 if fence == "```" else 1)
        end = text.find(fence, begin)
        if end == -1:
            raise MarkupError(f"Can't find end of the entity starting at byte offset {at}")
        inner, i = text[begin:end], end + len(fence)
        start = out.offset
        out.add(inner)
        if char == "[":
            close = text.find(")", i) if text[i : i + 1] == "(" else -1
            if close == -1:
                continue  # "[text]" with no URL is plain text
            entities.append(_entity("text_link", start, out.offset, url=text[i + 1 : close]))
            i = close + 1
        else:
            kind = {"_": "italic", "*": "bold", "`": "code", "```": "pre"}[fence]
            entities.append(_entity(kind, start, out.offset))
    return out.text(), [e for e in entities if e["length"] > 0]
