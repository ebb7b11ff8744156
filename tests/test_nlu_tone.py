"""Temperament inferred from the debtor's messages, neutral until there is evidence."""

from __future__ import annotations

import pytest

from bot.nlu import RECENT_MESSAGES, Tone, infer_tone

PERSONAS = [
    # sanguine: upbeat, chatty, exclamation, emoji, optimistic
    (["Hey there! Thanks so much 😊", "Great, sounds good!"], "en", Tone.SANGUINE),
    (["haha ok", "I'm optimistic, it will be fine"], "en", Tone.SANGUINE),
    (["Awesome!!", "🎉🎉"], "en", Tone.SANGUINE),
    (["哈哈，太好了！", "加油"], "zh_CN", Tone.SANGUINE),
    (["好嘞，谢啦😊", "会好的！"], "zh_CN", Tone.SANGUINE),
    # choleric: impatient, demanding, short commands, anger, capitals
    (["just tell me how much", "hurry up"], "en", Tone.CHOLERIC),
    (["WHY DO YOU KEEP ASKING", "JUST TELL ME"], "en", Tone.CHOLERIC),
    (["this is ridiculous?!"], "en", Tone.CHOLERIC),
    (["stop asking, get to the point 😡"], "en", Tone.CHOLERIC),
    (["直接说，多少钱", "快点"], "zh_CN", Tone.CHOLERIC),
    (["别废话了！", "浪费时间"], "zh_CN", Tone.CHOLERIC),
    # phlegmatic: slow, uncertain, asks for steps
    (["I'm not sure... what do I do?", "how does this work"], "en", Tone.PHLEGMATIC),
    (["hmm", "can you explain step by step"], "en", Tone.PHLEGMATIC),
    (["不知道怎么办", "下一步呢？"], "zh_CN", Tone.PHLEGMATIC),
    (["我不太懂", "能一步一步说吗"], "zh_CN", Tone.PHLEGMATIC),
    # melancholic: sad, ashamed, worried, apologetic
    (["I'm so sorry, I feel terrible", "I am really worried"], "en", Tone.MELANCHOLIC),
    (["I'm ashamed", "😢"], "en", Tone.MELANCHOLIC),
    (["sorry", "sorry"], "en", Tone.MELANCHOLIC),
    (["很抱歉", "我压力很大"], "zh_CN", Tone.MELANCHOLIC),
    (["对不起，都怪我", "唉"], "zh_CN", Tone.MELANCHOLIC),
    # either language in any chat
    (["很抱歉", "我压力很大"], "en", Tone.MELANCHOLIC),
    (["just tell me how much", "hurry up"], "zh_CN", Tone.CHOLERIC),
]


@pytest.mark.parametrize(("messages", "locale", "expected"), PERSONAS)
def test_personas(messages: list[str], locale: str, expected: Tone) -> None:
    assert infer_tone(messages, locale) is expected


NEUTRAL = [
    [],
    [""],
    ["hi", "1988-04-02", "8000"],
    ["ok"],
    ["yes", "200 a month"],
    ["sorry"],  # one weak cue is not evidence
    ["!"],
    ["don't worry, it's fine"],  # negated
    ["I'm not worried"],
    ["别担心"],
    ["麻烦您了"],  # polite, not annoyed
    ["great!", "I'm worried"],  # a tie: 2 and 2
    ["OK"],  # too short to be shouting
    ["\x00\u200f\u202e", "\ud800"],
    ["1e309", "NaN", "-200"],
]


@pytest.mark.parametrize("messages", NEUTRAL)
def test_neutral_without_evidence(messages: list[str]) -> None:
    assert infer_tone(messages, "en") is Tone.NEUTRAL
    assert infer_tone(messages, "zh_CN") is Tone.NEUTRAL


def test_only_recent_messages_count() -> None:
    angry_then_calm = ["JUST TELL ME NOW!!!"] * 3 + ["ok"] * RECENT_MESSAGES
    assert infer_tone(angry_then_calm, "en") is Tone.NEUTRAL
    assert infer_tone(angry_then_calm[:4], "en") is Tone.CHOLERIC


def test_tone_follows_the_latest_evidence() -> None:
    messages = ["great!", "awesome 😊", "I'm so sorry", "I feel terrible", "so ashamed 😢"]
    assert infer_tone(messages[:2], "en") is Tone.SANGUINE
    assert infer_tone(messages, "en") is Tone.MELANCHOLIC


def test_one_outburst_is_capped() -> None:
    rant = "ridiculous stupid useless waste of time " * 50
    assert infer_tone([rant, "I'm worried", "I'm so sorry"], "en") is Tone.MELANCHOLIC


def test_deterministic() -> None:
    messages = ["hmm...", "what should I do", "sorry", "I'm stressed"]
    assert len({infer_tone(messages, "en") for _ in range(20)}) == 1


def test_hostile_sizes_are_cheap() -> None:
    huge = "JUST TELL ME " * 10_000  # 130 KB, cut to the input limit
    assert infer_tone([huge], "en") is Tone.CHOLERIC
    many = ["sorry sorry"] * 100_000
    assert infer_tone(many, "en") is Tone.MELANCHOLIC


def test_tone_is_a_str_enum() -> None:
    assert Tone.CHOLERIC == "choleric"
    assert [t.value for t in Tone] == [
        "sanguine",
        "choleric",
        "phlegmatic",
        "melancholic",
        "neutral",
    ]


ISSUE13_ZH = [
    # Issue 13: Chinese as reliably as English; a cheerful "…" is no hesitation.
    (["好啊好啊…应该很快能找到新工作!"], Tone.SANGUINE),
    (["好啊好啊…应该很快能找到新工作！"], Tone.SANGUINE),
    (["我相信很快就能找到新工作"], Tone.SANGUINE),
    (["没问题，有信心"], Tone.SANGUINE),
    (["嗯…我不太懂，然后呢"], Tone.PHLEGMATIC),
    (["没有新工作，唉"], Tone.MELANCHOLIC),
]


@pytest.mark.parametrize(("messages", "expected"), ISSUE13_ZH)
def test_issue13_chinese_tone_as_reliable_as_english(messages: list[str], expected: Tone) -> None:
    assert infer_tone(messages, "zh_CN") == expected


def test_issue13_an_ellipsis_alone_still_hesitates() -> None:
    assert infer_tone(["well...", "hmm"], "en") == Tone.PHLEGMATIC
