"""Yes/no answers and menu choices typed as free text, in English and Chinese."""

from __future__ import annotations

import pytest

from bot.nlu import YesNo, match_choice, parse_yes_no

YES = [
    "yes", "Yes!", "yep", "yeah", "Y", "ok", "OK!!!", "okay", "sure", "sounds good",
    "of course", "no problem", "why not", "that works for me", "👍", "yes please",
    "好", "好的", "好，谢谢", "好吧", "可以", "行", "行啊", "没问题", "是的", "对", "嗯嗯",
    "我同意", "我要", "当然可以", "ＯＫ",
]  # fmt: skip
NO = [
    "no", "No.", "nope", "nah", "not really", "no thanks", "not ok", "no way",
    "I can't", "I don't think so", "👎", "不", "不行", "不要", "我不要", "不用了", "不可以",
    "不同意", "没有", "算了",
]  # fmt: skip
NEITHER = [
    "", "   ", "hello", "not sure", "I don't know", "maybe", "no idea", "yes and no",
    "ok? is that ok", "不好意思", "我好累", "不知道", "可以吗", "行不行", "说不准", "中国",
    "right now I'm thinking", "no one told me", "🙂", "\u200f", "x" * 100_000, "NaN",
]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert parse_yes_no(text, "en") is YesNo.YES
    assert parse_yes_no(text, "zh_CN") is YesNo.YES


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    assert parse_yes_no(text, "en") is YesNo.NO
    assert parse_yes_no(text, "zh_CN") is YesNo.NO


@pytest.mark.parametrize("text", NEITHER)
def test_neither(text: str) -> None:
    assert parse_yes_no(text, "en") is None
    assert parse_yes_no(text, "zh_CN") is None


def test_yes_no_is_a_str_enum() -> None:
    assert YesNo.YES == "yes"
    assert YesNo.NO.value == "no"


REASONS_EN = [
    ("job_loss", "Lost my job or income"),
    ("illness", "Illness or injury"),
    ("family", "Family emergency"),
    ("business", "Business trouble"),
    ("other", "Something else"),
]
REASONS_ZH = [
    ("job_loss", "失业或收入减少"),
    ("illness", "生病或受伤"),
    ("family", "家里有急事"),
    ("business", "生意出问题"),
    ("other", "其他原因"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", "illness"),
        ("２", "illness"),
        ("2.", "illness"),
        ("#2", "illness"),
        ("2️⃣", "illness"),
        ("option 2", "illness"),
        ("Option two", "illness"),
        ("the second one", "illness"),
        ("second", "illness"),
        ("2nd", "illness"),
        ("one", "job_loss"),
        ("the first one please", "job_loss"),
        ("last", "other"),
        ("the last one", "other"),
        ("5", "other"),
        ("illness", "illness"),
        ("Illness or injury", "illness"),
        ("ILLNESS OR INJURY!", "illness"),
        ("job_loss", "job_loss"),
        ("I lost my job", "job_loss"),
        ("lost jobs", "job_loss"),
        ("family emergency", "family"),
        ("business", "business"),
        ("something else", "other"),
        ("6", None),
        ("0", None),
        ("option 12", None),
        ("sick", None),
        ("or", None),
        ("", None),
        ("I lost my job and then my business failed and my family", None),
        ("x" * 100_000, None),
    ],
)
def test_match_choice_english(text: str, expected: str | None) -> None:
    assert match_choice(text, REASONS_EN, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第二个", "illness"),
        ("第二", "illness"),
        ("二", "illness"),
        ("我选第二个", "illness"),
        ("选2", "illness"),
        ("最后一个", "other"),
        ("第五项", "other"),
        ("3", "family"),
        ("我失业了", "job_loss"),
        ("失业", "job_loss"),
        ("生病", "illness"),
        ("我生病了", "illness"),
        ("生意", "business"),
        ("家里有急事", "family"),
        ("其他", "other"),
        ("第六个", None),
        ("第十", None),
        ("或", None),
    ],
)
def test_match_choice_chinese(text: str, expected: str | None) -> None:
    assert match_choice(text, REASONS_ZH, "zh_CN") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$150 a month", "p150"),
        ("150", "p150"),
        ("the 200 one", "p200"),
        ("3", "p300"),
        ("250", None),
    ],
)
def test_match_choice_amount_menu(text: str, expected: str | None) -> None:
    options = [("p150", "$150 a month"), ("p200", "$200 a month"), ("p300", "$300 a month")]
    assert match_choice(text, options, "en") == expected


def test_match_choice_with_no_options() -> None:
    assert match_choice("1", [], "en") is None
