"""The stand-in's parse modes: what Telegram accepts, what it refuses and with which words."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from aiogram.utils.text_decorations import html_decoration, markdown_decoration
from hypothesis import given
from hypothesis import strategies as st
from telegram.helpers import escape_markdown

from tests.standin.markup import MARKDOWN_V2_RESERVED, MarkupError, parse


def _e(kind: str, offset: int, length: int, **extra: str) -> dict[str, object]:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("text", "mode", "plain", "entities"),
    [
        ("<b>Hi</b> there", "HTML", "Hi there", [_e("bold", 0, 2)]),
        ("<B>Hi</B>", "html", "Hi", [_e("bold", 0, 2)]),
        ("a &amp; b &lt;c&gt; &#20320;&#x597D;", "HTML", "a & b <c> 你好", []),
        ("AT&T > 5 & more", "HTML", "AT&T > 5 & more", []),
        ("<i>é<u>ü</u></i>", "HTML", "éü", [_e("italic", 0, 2), _e("underline", 1, 1)]),
        ('<a href="https://x.test/?a=1&amp;b=2">pay</a>', "HTML", "pay",
         [_e("text_link", 0, 3, url="https://x.test/?a=1&b=2")]),
        ('<pre><code class="language-py">x</code></pre>', "HTML", "x",
         [_e("pre", 0, 1, language="py")]),
        ("<tg-spoiler>s</tg-spoiler>", "HTML", "s", [_e("spoiler", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "HTML", "q",
         [_e("expandable_blockquote", 0, 1)]),
        ("😀<b>x</b>", "HTML", "😀x", [_e("bold", 2, 1)]),
        ("  <b> x </b>  ", "HTML", "x", [_e("bold", 0, 1)]),
        ("*b* _i_ __u__ ~s~ ||p||", "MarkdownV2", "b i u s p",
         [_e("bold", 0, 1), _e("italic", 2, 1), _e("underline", 4, 1),
          _e("strikethrough", 6, 1), _e("spoiler", 8, 1)]),
        ("Total: 1\\.00 \\(CNY\\)\\!", "MarkdownV2", "Total: 1.00 (CNY)!", []),
        ("[pay](https://x.test/p\\)q)", "MarkdownV2", "pay",
         [_e("text_link", 0, 3, url="https://x.test/p)q")]),
        ("`a.b` ```py\nx = 1```", "MarkdownV2", "a.b x = 1",
         [_e("code", 0, 3), _e("pre", 4, 5, language="py")]),
        (">quoted\n>lines\nplain", "MarkdownV2", "quoted\nlines\nplain",
         [_e("blockquote", 0, 12)]),
        ("*b* _i_ `c` [l](u)", "Markdown", "b i c l",
         [_e("bold", 0, 1), _e("italic", 2, 1), _e("code", 4, 1), _e("text_link", 6, 1, url="u")]),
        ("1 < 2 * 3.", None, "1 < 2 * 3.", []),
    ],
)  # fmt: skip
def test_well_formed_text(
    text: str, mode: str | None, plain: str, entities: list[dict[str, object]]
) -> None:
    assert parse(text, mode) == (plain, entities)


@pytest.mark.parametrize(
    ("text", "mode", "error"),
    [
        ("1 < 2", "HTML", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", "HTML", 'Unsupported start tag "br" at byte offset 0'),
        ("你<x>", "HTML", 'Unsupported start tag "x" at byte offset 3'),
        ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "HTML", "Unexpected end tag at byte offset 1"),
        ("<b", "HTML", "Unclosed start tag at byte offset 0"),
        ("<span>s</span>", "HTML", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Pay 1.00", "MarkdownV2", "Character '.' is reserved and must be escaped with the "
                                   "preceding '\\'"),
        ("a-b", "MarkdownV2", "Character '-' is reserved and must be escaped with the "
                              "preceding '\\'"),
        ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("x `code", "MarkdownV2", "Can't find end of Code entity at byte offset 2"),
        ("[l](http://x", "MarkdownV2", "Can't find end of a URL at byte offset 3"),
        ("*bold", "Markdown", "Can't find end of the entity starting at byte offset 0"),
    ],
)  # fmt: skip
def test_malformed_text_is_refused(text: str, mode: str, error: str) -> None:
    with pytest.raises(MarkupError) as refused:
        parse(text, mode)
    assert str(refused.value) == error


def test_unknown_parse_mode() -> None:
    with pytest.raises(ValueError, match="unsupported parse_mode"):
        parse("x", "BBCode")


def _escape_markdown_v2(text: str) -> str:
    return "".join("\\" + c if c in MARKDOWN_V2_RESERVED or c == "\\" else c for c in text)


any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=80)


@given(any_text)
def test_escaped_html_reads_back_as_the_text(text: str) -> None:
    assert parse(html.escape(text, quote=False), "HTML") == (text.strip(), [])


@given(any_text)
def test_escaped_markdown_v2_reads_back_as_the_text(text: str) -> None:
    assert parse(_escape_markdown_v2(text), "MarkdownV2") == (text.strip(), [])


@given(any_text)
def test_bold_wraps_exactly_the_escaped_text(text: str) -> None:
    plain, entities = parse(f"<b>{html.escape(text, quote=False)}</b>", "HTML")
    assert plain == text.strip()
    assert [e["type"] for e in entities] == (["bold"] if plain else [])


@pytest.mark.parametrize(
    ("escape", "mode"),
    [
        (lambda text: escape_markdown(text, version=2), "MarkdownV2"),
        (markdown_decoration.quote, "MarkdownV2"),
        (html_decoration.quote, "HTML"),
    ],
    ids=["ptb-escape_markdown", "aiogram-markdown-quote", "aiogram-html-quote"],
)
@given(text=any_text)
def test_the_libraries_own_escaping_is_accepted(
    escape: Callable[[str], str], mode: str, text: str
) -> None:
    assert parse(escape(text), mode) == (text.strip(), [])
