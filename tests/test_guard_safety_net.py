"""Filler words between pattern words, and the weak distress cues (`Detection.distress`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.compliance import Category, InboundGuard, detect, distress_cues
from bot.compliance.lexicon import DEFAULT_LOCALES
from bot.compliance.patterns import compile_pattern, filler_slot

C = Category
_EN = filler_slot(["even", "just", "really", "so"], 2, spaced=True)
_ZH = filler_slot(["再", "真的", "都"], 2, spaced=False)


def _matches(pattern: str, text: str, *, zh: bool = False) -> bool:
    filler = _ZH if zh else _EN
    return re.search(compile_pattern(pattern, spaced=not zh, filler=filler), text) is not None


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("what is the point", "what is the point", True),
        ("what is the point", "what is even the point", True),
        ("what is the point", "what is even really the point", True),
        ("what is the point", "what is even really just the point", False),  # at most two
        ("what is the point", "what is justice the point", False),  # whole words only
        ("what is the point", "what is odd the point", False),  # only listed fillers
        ("(what is) the point", "what is so the point", True),  # between top-level parts
        ("(what is) the point", "what even is the point", False),  # not inside a group
        ("^ stop $", "just stop", False),  # not next to ^ and $
        ("stop ~ me", "stop calling me", True),
        (
            "不想 活",
            "不想再活",
            True,
        ),
        ("不想 活", "不想真的再活", True),
        ("不想 活", "不想再再再活", False),
    ],
)
def test_fillers_between_pattern_words(pattern: str, text: str, found: bool) -> None:
    assert _matches(pattern, text, zh=not text.isascii()) is found


def test_no_fillers_means_words_in_a_row() -> None:
    assert filler_slot([], 2, spaced=True) == ""
    assert filler_slot(["just"], 0, spaced=True) == ""
    assert re.search(compile_pattern("what is the point"), "what is even the point") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one inserted word used to hide these (the lexicons of 3fb4049 read them as none)
        ("what's even the point of anything", C.SELF_HARM),
        ("i want to just die", C.SELF_HARM),
        ("i just cant really take it anymore", C.SELF_HARM),
        ("nobody would even really care", C.SELF_HARM),
        ("不想再活了", C.SELF_HARM),
        # fillers do not make ordinary talk into a trigger
        ("what's even the point of the reminder, I already set up the plan", C.NONE),
        ("I really just want to pay this off", C.NONE),
        ("我真的很想早点还清", C.NONE),
    ],
)
def test_the_lexicons_tolerate_fillers(text: str, expected: Category) -> None:
    assert detect(text).category is expected


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        # no reason to wake up: the model now reads self-harm (corpus convention), above the
        # lexicon's cease_contact ("do not ... bother")
        ("dont know why i bother waking up anymore", "en", C.SELF_HARM),
        # a farewell "after tonight": the model reads self-harm (issue 11; corpus convention)
        ("今晚过后你们就不用再找我了", "zh_CN", C.SELF_HARM),
        ("this is my last message", "en", C.NONE),
        ("remove my number, you will never hear from me again", "en", C.CEASE_CONTACT),
        ("goodbye forever", "en", C.SELF_HARM),
        ("I don't feel safe tonight", "en", C.SELF_HARM),  # the model's reading (issue 11)
        ("这是我最后一次发消息了", "zh_CN", C.NONE),
        ("别找我了，再见了", "zh_CN", C.CEASE_CONTACT),
    ],
)
def test_distress_cues_are_seen_whatever_the_category(
    text: str, lang: str, category: Category
) -> None:
    detection = detect(text, lang)
    assert detection.category is category  # a cue never changes the category
    assert detection.distress
    assert distress_cues(text, lang) == detection.distress


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("STOP", "en"),
        ("please stop texting me", "en"),
        ("this is my last payment, right?", "en"),
        ("After tonight's shift I'll have the money", "en"),
        ("did you get my last message? I paid", "en"),
        ("goodbye for now, talk tomorrow", "en"),
        ("I get paid on Friday", "en"),
        ("退订", "zh_CN"),
        ("别再给我发消息了", "zh_CN"),
        ("这是最后一期了吧", "zh_CN"),
        ("今天以后我就按时还", "zh_CN"),
    ],
)
def test_ordinary_talk_and_plain_stops_have_no_distress_cue(text: str, lang: str) -> None:
    assert detect(text, lang).distress == ()


def test_distress_keeps_the_json_shape() -> None:
    detection = detect("stop texting me, this is my last message", "en")
    assert detection.distress
    assert set(detection.to_json()) == {"category", "categories", "evidence", "action"}
    assert detection.to_json()["evidence"] == ["stop texting"]


def _copy_locales(tmp_path: Path) -> Path:
    for source in DEFAULT_LOCALES.glob("*/guard/*.toml"):
        target = tmp_path / source.relative_to(DEFAULT_LOCALES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return tmp_path


def test_distress_cues_are_lexicon_data_not_a_category(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    (locales / "en" / "guard" / "inbound.toml").write_text(
        '[cease_contact]\nmatch = ["stop"]\n[distress]\nmatch = ["so long"]\n', encoding="utf-8"
    )
    guard = InboundGuard.from_locales(locales)
    assert guard.detect("so long", "en").category is C.NONE
    assert guard.detect("so long", "en").distress == ("so long",)
    assert guard.detect("stop, so long", "en").category is C.CEASE_CONTACT
    assert guard.distress("stop", "en") == ()


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("inbound.toml", '[distress]\nmach = ["x"]\n', "unknown keys"),
        ("inbound.toml", 'distress = ["x"]\n', "must be a table"),
        ("language.toml", "[fillers]\nmost = 5\n", "'most' must be 0 to 3"),
        ("language.toml", '[fillers]\nwords = ["kind of"]\n', "one word"),
        ("language.toml", '[fillers]\nword = ["just"]\n', "only 'words' and 'most'"),
    ],
)
def test_malformed_fillers_or_cues_are_refused(
    tmp_path: Path, file: str, content: str, message: str
) -> None:
    locales = _copy_locales(tmp_path)
    (locales / "en" / "guard" / file).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        InboundGuard.from_locales(locales)
