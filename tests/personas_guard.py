"""Personas for issue 11: the inbound guard (third parties, first-person death talk).

Same tables as tests/personas.py (see its docstring); tests/all_personas.py joins them all.
Each third party says who they are, is ended kindly, then gives the demo account's real
date of birth and phone digits: in the ended chat, and again after /start in the same
chat. Neither shows an amount or a word of collection; the second goes to a person.
"""

from __future__ import annotations

from tests.personas import (
    CN_10001,
    CN_10002,
    GB_30002,
    NO_MONEY_EN,
    NO_MONEY_ZH,
    US_20001,
    US_20003,
    US_20004,
    Persona,
    Turn,
)

# What a third party must never read (en / zh): amounts, collection, debt advice.
TOLD_NOTHING_EN = (*NO_MONEY_EN, "collect", "debt", "owe", "counsel", "advice", "payment")
TOLD_NOTHING_ZH = (*NO_MONEY_ZH, "催收", "债", "欠", "还款", "咨询", "逾期")
US_COUNSELLING = ("1-800-388-2227", "NFCC", "nfcc.org", "Credit Counseling", "counsel")


def _third_party(
    ref: str,
    said: str,
    born: str,
    last4: str,
    amounts: tuple[str, ...],
    *,
    zh: bool = False,
) -> tuple[Turn, ...]:
    """Says who they are, is ended kindly, then answers the checks twice: nothing shown."""
    nothing = (*amounts, *(TOLD_NOTHING_ZH if zh else TOLD_NOTHING_EN))
    holder = "账户持有人" if zh else "account holder"
    return (
        Turn(say=f"/start {ref}", absent=amounts, state="verify"),
        Turn(say=said, contains=(holder,), absent=nothing, state="closed"),
        Turn(say=born, absent=nothing, state="closed"),
        Turn(say=last4, absent=nothing, state="closed"),
        Turn(say=f"/start {ref}", absent=nothing, state="verify"),
        Turn(say=born, absent=nothing, state="verify"),
        Turn(
            say=last4,
            contains=(holder,),
            absent=nothing,
            state="handoff",
            handoff="third_party",
        ),
    )


PERSONAS: tuple[Persona, ...] = (
    # --- first-person death talk in Chinese: crisis line, no condolences --------------------
    Persona(
        "zh-issue11-a-burden-if-i-am-gone",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(
                say="感觉自己就是个累赘,要是我不在了,家里人是不是就不用背这些债了",
                contains=("12356",),
                absent=("哀悼", "离世", *CN_10001, *NO_MONEY_ZH, "催收", "还款"),
                state="handoff",
                handoff="self_harm",
            ),
        ),
    ),
    Persona(
        "zh-issue11-after-i-am-gone-my-children",
        "zh-hans",
        (
            Turn(say="/start A-10001", state="verify"),
            Turn(say="1988年4月2日", state="verify"),
            Turn(say="8000", contains=("¥13,060.50",), state="disclose"),
            Turn(
                say="我走了以后,这个债会不会落到我孩子身上",
                contains=("12356",),
                absent=("哀悼", "离世", *NO_MONEY_ZH),
                state="handoff",
                handoff="self_harm",
            ),
        ),
    ),
    # --- relatives, partners, colleagues, friends, landlords: told nothing ----------------
    Persona(
        "en-issue11-his-mum",
        "en",
        _third_party("A-20001", "I'm his mum", "1985-02-14", "0142", US_20001),
    ),
    Persona(
        "en-issue11-his-wife",
        "en",
        _third_party("A-20003", "this is his wife", "1991-12-05", "0123", US_20003),
    ),
    Persona(
        "en-issue11-a-friend",
        "en",
        _third_party(
            "A-20001", "I'm a friend of his, he asked me to check", "1985-02-14", "0142", US_20001
        ),
    ),
    Persona(
        "en-issue11-gb-landlord",
        "en",
        _third_party(
            "A-30002", "I'm his landlord, he moved out in May", "19/08/1967", "0456", GB_30002
        ),
    ),
    Persona(
        "zh-issue11-his-wife",
        "zh-hans",
        _third_party("A-10001", "我是他老婆", "1988年4月2日", "8000", CN_10001, zh=True),
    ),
    Persona(
        "zh-issue11-his-mum-not-abuse",
        "zh-hans",
        _third_party("A-10002", "我是他妈妈", "1979-11-23", "5678", CN_10002, zh=True),
    ),
    Persona(
        "zh-issue11-his-colleague",
        "zh-hans",
        _third_party("A-10001", "我是他同事，他没来", "1988年4月2日", "8000", CN_10001, zh=True),
    ),
    # A colleague who also says it is not his debt: a person looks, nothing about collection.
    Persona(
        "zh-issue11-colleague-says-not-his-debt",
        "zh-hans",
        (
            Turn(say="/start A-20004", state="verify"),
            Turn(
                say="我是他同事，他说这笔账有异议",
                contains=("工作人员",),
                absent=(*US_20004, *TOLD_NOTHING_ZH, "书面异议"),
                state="handoff",
                handoff="dispute",
            ),
        ),
    ),
    # --- before verification: no debt-counselling numbers, even to a worried husband -----
    Persona(
        "en-issue11-us-husband-before-verification",
        "en",
        (
            Turn(say="/start A-20001", state="verify"),
            Turn(
                say="I'm her husband, she has cancer and is in hospital",
                contains=("account holder",),
                absent=(*US_20001, *TOLD_NOTHING_EN, *US_COUNSELLING),
                state="closed",
            ),
        ),
    ),
    Persona(
        "en-issue11-us-vulnerable-advice-only-once-verified",
        "en",
        (
            Turn(say="/start A-20001", state="verify"),
            Turn(
                say="I have depression and it's hard to think straight",
                contains=("988", "date of birth"),
                absent=(*US_20001, *US_COUNSELLING, "debt"),
                state="verify",
            ),
            Turn(say="1985-02-14", absent=US_COUNSELLING, state="verify"),
            Turn(say="0142", contains=("$4,655.25", "1-800-388-2227"), state="disclose"),
        ),
    ),
)

# Guard categories (DESIGN §7) each persona must trip, read back from the audit log.
GUARD_CATEGORIES: dict[str, set[str]] = {
    "zh-issue11-a-burden-if-i-am-gone": {"self_harm"},
    "zh-issue11-after-i-am-gone-my-children": {"self_harm"},
    "en-issue11-his-mum": {"third_party"},
    "en-issue11-his-wife": {"third_party"},
    "en-issue11-a-friend": {"third_party"},
    "en-issue11-gb-landlord": {"third_party"},
    "zh-issue11-his-wife": {"third_party"},
    "zh-issue11-his-mum-not-abuse": {"third_party"},
    "zh-issue11-his-colleague": {"third_party"},
    "zh-issue11-colleague-says-not-his-debt": {"dispute"},
    "en-issue11-us-husband-before-verification": {"third_party"},
    "en-issue11-us-vulnerable-advice-only-once-verified": {"vulnerability"},
}
