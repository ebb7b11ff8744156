"""Inbound detection: normalisation, negation, near misses, priority, hostile input."""

from __future__ import annotations

import inspect
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compliance import (
    ACTIONS,
    PRIORITY,
    Action,
    Category,
    InboundGuard,
    crisis_line,
    detect,
    resolve_language,
)
from bot.compliance.lexicon import DEFAULT_LOCALES, load_lexicons
from bot.compliance.patterns import compile_pattern

C = Category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negation and near misses named in the issue
        ("I'm not disputing it, I just want the balance", C.NONE),
        ("I'm not disputing, just asking", C.NONE),
        ("my friend is a lawyer but I'm handling this myself", C.NONE),
        ("please stop the late fees", C.NONE),
        ("我不想停止还款", C.NONE),
        ("my lawyer friend said", C.NONE),
        ("i dont have a lawyer", C.NONE),
        ("this debt is killing me but i'll pay", C.NONE),
        ("my phone died sorry", C.NONE),
        ("我没有请律师", C.NONE),
        ("利滚利太多了", C.NONE),
        ("I can pay 200 a month", C.NONE),
        ("when is the next payment due", C.NONE),
        ("will this affect my credit score", C.NONE),
        ("yes", C.NONE),
        ("ok 300", C.NONE),
        ("", C.NONE),
        # the same categories, said plainly
        ("I dispute this debt", C.DISPUTE),
        ("my lawyer will contact you", C.ATTORNEY),
        ("STOP", C.CEASE_CONTACT),
        ("退订", C.CEASE_CONTACT),
        ("stop contacting me", C.CEASE_CONTACT),
        ("我想死", C.SELF_HARM),
        ("I'm not going to kill myself over this", C.SELF_HARM),  # never cancelled
    ],
)
def test_negation_near_misses_and_plain_cases(text: str, expected: Category) -> None:
    assert detect(text).category is expected


@pytest.mark.parametrize(
    "text",
    [
        "ＳＴＯＰ",  # full width
        "S T O P",  # not collapsed into a word: must not match
    ],
)
def test_full_width_is_read_as_ascii_but_spaced_letters_are_not_a_word(text: str) -> None:
    expected = C.CEASE_CONTACT if text == "ＳＴＯＰ" else C.NONE
    assert detect(text).category is expected


@pytest.mark.parametrize(
    "text",
    [
        "Stop Texting Me",
        "stop   texting\tme",
        "stop texting me 😡😡",
        "stop\u200btexting\u200b me",  # zero-width spaces
        "\u202estop texting me\u202c",  # right-to-left override
        "stop texting me\x00\x07",  # control characters
        "stoooop texting me!!!",
        "s\u0336t\u0336o\u0336p\u0336 texting me",  # strikethrough combining marks
        "ｓｔｏｐ　ｔｅｘｔｉｎｇ　ｍｅ",  # full width with ideographic space
    ],
)
def test_surface_noise_does_not_hide_a_trigger(text: str) -> None:
    detection = detect(text)
    assert detection.category is C.CEASE_CONTACT
    assert detection.evidence == ("stop texting",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my lawer is handling it", C.ATTORNEY),
        ("bankrupcy", C.BANKRUPTCY),
        ("i filed bk", C.BANKRUPTCY),
        ("im disputting this", C.DISPUTE),
        ("kms", C.SELF_HARM),
        ("pls stop txting me", C.CEASE_CONTACT),
        ("我的律帅会联系你们", C.ATTORNEY),
        ("我已經申請破產", C.BANKRUPTCY),
        # one edit from "deceased", not read as it; the model reads hardship (issue 11)
        ("my income decreased", C.HARDSHIP),
        ("i feel sui\u00adci\u200ddal", C.SELF_HARM),  # soft hyphen, zero-width joiner
    ],
)
def test_typos_slang_and_variants(text: str, expected: Category) -> None:
    assert detect(text).category is expected


def test_several_matches_are_ordered_by_priority() -> None:
    detection = detect("my lawyer says I'm filing for bankruptcy so stop texting me")
    assert detection.categories[:3] == (C.BANKRUPTCY, C.ATTORNEY, C.CEASE_CONTACT)
    assert detection.category is C.BANKRUPTCY
    assert detection.action is Action.STOP_COLLECTION
    assert {"bankruptcy", "my lawyer", "stop texting"} <= set(detection.evidence)


def test_mixed_languages_use_every_lexicon() -> None:
    detection = detect("我已经请了律师 so stop texting me", "zh_CN")
    assert detection.categories == (C.ATTORNEY, C.CEASE_CONTACT)
    assert detection.evidence[0] == "请了律师"


def test_detection_json_shape() -> None:
    assert detect("I want to kill myself").to_json() == {
        "category": "self_harm",
        "categories": ["self_harm"],
        "evidence": ["kill myself"],
        "action": "crisis_support",
    }
    assert detect("ok").to_json() == {
        "category": "none",
        "categories": [],
        "evidence": [],
        "action": "continue",
    }


def test_every_category_has_one_action_and_a_place_in_the_order() -> None:
    assert set(ACTIONS) == set(Category)
    assert len(set(ACTIONS.values())) == len(Category)
    assert PRIORITY[0] is C.SELF_HARM
    assert PRIORITY[-1] is C.HARDSHIP
    assert C.NONE not in PRIORITY


@pytest.mark.parametrize("code", ["en", "zh_CN"])
def test_every_category_has_patterns_in_every_lexicon(code: str) -> None:
    lexicon = next(lx for lx in load_lexicons() if lx.language.code == code)
    assert {c for c, rule in lexicon.inbound.items() if rule.match is not None} == set(PRIORITY)


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en", "en"), ("en-GB", "en"), ("zh", "zh_CN"), ("zh-Hans", "zh_CN"), ("zh-cn", "zh_CN")],
)
def test_language_tags_resolve_to_a_lexicon(tag: str, code: str) -> None:
    assert resolve_language(tag, ("en", "zh_CN")) == code


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no guard lexicon"):
        detect("hello", "xx")


@pytest.mark.parametrize(
    ("jurisdiction", "line"),
    [
        ("US", "988"),
        ("US-NY", "988"),
        ("US-MA", "988"),
        ("GB", "Samaritans 116 123"),
        ("uk", "Samaritans 116 123"),
        ("CN", "12356"),
        ("AU", "Lifeline 13 11 14"),
        ("ZZ", "your local emergency number"),
    ],
)
def test_crisis_line_by_jurisdiction(jurisdiction: str, line: str) -> None:
    assert crisis_line(jurisdiction) == line


# -- hostile input ----------------------------------------------------------------------


def test_a_100_kb_message_is_read_quickly_and_its_ends_are_seen() -> None:
    text = "I can pay 200 a month. " * 4_500 + "stop texting me"
    assert len(text) > 100_000
    detect("warm up")  # loading the model (once per process) is not reading the message
    started = time.perf_counter()
    detection = detect(text)
    assert time.perf_counter() - started < 1.0
    assert detection.category is C.CEASE_CONTACT


def test_a_100_kb_message_of_one_character_class() -> None:
    for text in ("a" * 100_000, "死" * 100_000, "\u200f" * 100_000, "(" * 100_000):
        assert detect(text).category in (C.NONE, C.SELF_HARM)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_consistent_detection(text: str) -> None:
    detection = detect(text)
    assert detection.categories == tuple(c for c in PRIORITY if c in detection.categories)
    if detection.categories:
        assert detection.category is detection.categories[0]
        assert detection.evidence
    else:
        assert detection.category is C.NONE
    assert detection.action is ACTIONS[detection.category]


_SAMPLES = ["please stop calling me", "I have filed for bankruptcy", "我已经请了律师", "ok 300"]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(_SAMPLES),
    st.lists(st.sampled_from(["\u200b", "\u200f", "\ufe0f", "\u2066"]), max_size=5),
    st.booleans(),
)
def test_invisible_marks_and_case_never_change_the_reading(
    text: str, marks: list[str], upper: bool
) -> None:
    noisy = "".join(marks) + (text.upper() if upper else text) + "".join(marks)
    assert detect(noisy).categories == detect(text).categories


# -- lexicons are data --------------------------------------------------------------------


def _copy_locales(tmp_path: Path) -> Path:
    for source in DEFAULT_LOCALES.glob("*/guard/*.toml"):
        target = tmp_path / source.relative_to(DEFAULT_LOCALES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return tmp_path


def test_adding_a_language_adds_files_not_code(tmp_path: Path) -> None:
    locales = _copy_locales(tmp_path)
    french = locales / "fr" / "guard"
    french.mkdir(parents=True)
    (french / "language.toml").write_text(
        'spaced = true\n[negation]\nwords = ["ne", "pas"]\n', encoding="utf-8"
    )
    (french / "inbound.toml").write_text(
        '[cease_contact]\nmatch = ["arrêtez de me (contacter|harceler)"]\n', encoding="utf-8"
    )
    guard = InboundGuard.from_locales(locales)
    assert guard.languages == ("en", "fr", "zh_CN")
    assert guard.detect("ARRÊTEZ de me contacter", "fr").category is C.CEASE_CONTACT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[not_a_category]\nmatch = ["x"]\n', "unknown categories"),
        ('[dispute]\nmatch = ["(open"]\n', "missing '\\)'"),
        ('[dispute]\nmatch = ["(a|)"]\n', "matches nothing"),
        ('[dispute]\nmatch = "dispute"\n', "must be a list"),
        ('[dispute]\nmach = ["dispute"]\n', "unknown keys"),
        ("[dispute\n", "inbound.toml"),
    ],
)
def test_a_malformed_lexicon_is_refused_with_its_file(
    tmp_path: Path, content: str, message: str
) -> None:
    locales = _copy_locales(tmp_path)
    (locales / "en" / "guard" / "inbound.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        InboundGuard.from_locales(locales)


# -- paraphrase, word order and idiom ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # despair said in other words reaches a person; the same words about money do not
        ("I don't see any way out, not anymore", C.SELF_HARM),
        ("honestly I feel like such a burden, I don't want to be here anymore", C.SELF_HARM),
        ("what is the point in getting up", C.SELF_HARM),
        ("what's the point of the reminder, I already set up the plan", C.NONE),
        ("i'm so done with the paperwork lol, what's next", C.NONE),
        # laughter marks an idiom, never a plain statement
        ("im dead 😂", C.NONE),
        ("i'm dying 🤣 the app logged me out again", C.NONE),
        ("i want to die 😂", C.SELF_HARM),
        ("kms 😂", C.SELF_HARM),
        # the amount is wrong, in any order
        ("the interest you've added is totally wrong", C.DISPUTE),
        ("wrong figures on the statement", C.DISPUTE),
        ("these fees don't add up", C.DISPUTE),
        ("I typed the wrong amount, sorry", C.NONE),
        ("利息和合同上写的不一样", C.DISPUTE),
        ("我想早点还清", C.NONE),
        # where and when to reach someone is not a request to stop
        ("please don't text me after 9pm", C.NONE),
        ("i need the calls to stop", C.CEASE_CONTACT),
        ("晚上九点以后别打电话", C.NONE),
    ],
)
def test_paraphrases_idioms_and_word_order(text: str, expected: Category) -> None:
    assert detect(text).category is expected


def _guard_with(tmp_path: Path, inbound: str) -> InboundGuard:
    locales = _copy_locales(tmp_path)
    (locales / "en" / "guard" / "inbound.toml").write_text(inbound, encoding="utf-8")
    return InboundGuard.from_locales(locales)


_TOGETHER = """
[dispute]
[[dispute.together]]
within = 30
groups = [["(amount|balance)"], ["(wrong|incorrect)"]]
"""


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        ("the amount is wrong", C.DISPUTE, ("amount + wrong",)),
        ("wrong amount", C.DISPUTE, ("wrong + amount",)),
        ("incorrect!! the balance", C.DISPUTE, ("incorrect + balance",)),
        ("the amount I was told by your colleague last week is wrong", C.NONE, ()),
        ("the amount is not wrong", C.NONE, ()),  # the rule is negatable
        ("the amount", C.NONE, ()),
        ("wrong", C.NONE, ()),
    ],
)
def test_together_rules_ignore_order_but_not_distance(
    tmp_path: Path, text: str, expected: Category, evidence: tuple[str, ...]
) -> None:
    detection = _guard_with(tmp_path, _TOGETHER).detect(text, "en")
    assert detection.category is expected
    assert detection.evidence == evidence


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[dispute]\ntogether = "x"\n', "array of tables"),
        ('[dispute]\n[[dispute.together]]\ngroups = [["a"]]\n', "at least two groups"),
        ('[dispute]\n[[dispute.together]]\ngroups = [["a"], []]\n', "list of strings"),
        ('[dispute]\n[[dispute.together]]\ngroups = [["a"], ["b"]]\nwithin = 0\n', "positive"),
        ('[dispute]\n[[dispute.together]]\ngroups = [["a"], ["b"]]\nnear = 3\n', "only"),
        ('[dispute]\n[[dispute.together]]\ngroups = [["a"], ["(b|)"]]\n', "matches nothing"),
    ],
)
def test_a_malformed_together_rule_is_refused(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _guard_with(tmp_path, content)


# --- issue 11: first-person death talk, people who say who they are, kinship words --------


def _lexicons_alone() -> InboundGuard:
    """The lexicons without any learned model: the fixes of issue 11 stand on their own."""
    lexicons = load_lexicons(DEFAULT_LOCALES)
    if "model" in inspect.signature(InboundGuard).parameters:
        return InboundGuard(lexicons, model=False)  # type: ignore[call-arg,unused-ignore]
    return InboundGuard(lexicons)


@pytest.mark.parametrize(
    "text",
    [
        "感觉自己就是个累赘,要是我不在了,家里人是不是就不用背这些债了",
        "我走了以后,这个债会不会落到我孩子身上",
        "我死了以后这些钱谁来还",
        "万一我不在了，孩子怎么办",
        "我要是不在了，孩子怎么办",
        "等我哪天走了，你们就去找我儿子吧",
        "我哪天死了这钱就不用还了吧",
        "if I'm gone, will my kids have to pay this debt",
        "what happens to this debt if I die",
        "when i die does my wife get stuck with all this",
    ],
)
def test_issue11_first_person_death_talk_is_self_harm_not_deceased(text: str) -> None:
    detection = _lexicons_alone().detect(text)
    assert detection.category is C.SELF_HARM, detection
    assert C.DECEASED not in detection.categories


@pytest.mark.parametrize(
    "text",
    [
        "他上个月走了",
        "我爸走了，你们别再打了",
        "my husband passed away",
        "this is his wife, he passed away last month",
    ],
)
def test_issue11_a_relative_telling_us_of_a_death_is_still_deceased(text: str) -> None:
    assert _lexicons_alone().detect(text).category is C.DECEASED


@pytest.mark.parametrize(
    "text",
    [
        "I'm his mum",
        "this is his wife",
        "I'm her husband",
        "I'm her partner",
        "I'm his dad",
        "I'm her daughter",
        "I'm his brother",
        "I'm her carer",
        "I'm his landlord",
        "I'm his flatmate",
        "I'm her colleague",
        "I'm his boss",
        "I'm a friend of his",
        "wrong number, I don't know this person",
        "I am not the account holder",
        "i'm writing on behalf of my husband",
        "This is Mike's wife",
        "I'm John's mother",
        "我是他老婆",
        "我是他妈妈",
        "我是他妈",
        "我是他爸爸",
        "我是他同事",
        "我是她朋友",
        "我是她房东",
        "我是他的室友",
        "我是他领导",
        "我是张伟的家属",
        "我替我老公问一下",
        "我不是借款人",
        "你们打错了，我不认识这个人",
    ],
)
def test_issue11_whoever_says_they_are_not_the_account_holder_is_a_third_party(
    text: str,
) -> None:
    detection = _lexicons_alone().detect(text)
    assert detection.category is C.THIRD_PARTY, detection
    assert C.ABUSE not in detection.categories


@pytest.mark.parametrize(
    "text",
    [
        "我妈妈说让我早点还清",
        "我老公帮我还了一部分",
        "我是两个孩子的妈妈，想先还一点",
        "my wife helps me budget",
        "my mum lent me the money",
        "I'm just a mum trying to keep up",
        "my husband and I can pay 200 a month together",
        "my wife has dementia and I'm her carer",
    ],
)
def test_issue11_a_debtor_speaking_of_their_own_family_is_not_a_third_party(text: str) -> None:
    assert C.THIRD_PARTY not in _lexicons_alone().detect(text).categories


@pytest.mark.parametrize(
    ("text", "abuse"),
    [
        ("他妈妈说他晚上回来", False),
        ("你妈妈身体还好吗", False),
        ("他妈妈的手机", False),
        ("我是他妈妈", False),
        ("他妈的", True),
        ("你妈的", True),
        ("TMD", True),
        ("tmd 烦不烦", True),
        ("你他妈有病吧", True),
        ("去你妈妈的", True),
    ],
)
def test_issue11_kinship_words_are_not_abuse_but_the_insult_is(text: str, abuse: bool) -> None:
    assert (C.ABUSE in _lexicons_alone().detect(text).categories) is abuse


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("this is maria's husband", True),
        ("this is o'neil's husband", True),  # the whole word, apostrophes and all
        ("this is husband", False),
        ("this is maria husband", False),
        ("this is marias husband", False),
        ("this is today's husband", True),  # any possessive: the words after decide
    ],
)
def test_issue11_a_possessive_word_stands_for_any_name(text: str, found: bool) -> None:
    regex = compile_pattern("this is *'s husband")
    assert (re.search(regex, text) is not None) is found
