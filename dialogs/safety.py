"""The safety net under the guard's lexicons (DESIGN §6, §7).

No lexicon catches every way of saying "I won't be here": a held-out batch found farewells
read as a request to stop ("今晚过后你们就不用再找我了"), and a stop ends in silence. So:

- a stop in the debtor's own words (not a bare STOP, 退订, TD) gets its one confirmation
  with a gentle wellbeing line and a crisis number, and a person reviews it;
- a stop or a vulnerability that comes with a weak distress cue (finality, farewell: the
  guard's `distress_cues`) is answered as self-harm, crisis line in this very reply.

A stop is honoured either way: the opt-out is recorded and nothing follows the one reply.
"""

from __future__ import annotations

import re
import unicodedata

from bot.compliance import distress_cues, resolve_language
from bot.compliance.profiles import crisis_line
from dialogs.common import region
from dialogs.messages import MESSAGES
from dialogs.model import Reply
from dialogs.turn import Turn

_EMERGENCY = {"US": "911", "GB": "999", "CN": "110 / 120"}
_LANGUAGES = ("en", "zh_CN")  # a reply without an account: the language's usual lines

# What a bare stop is made of: the keyword, politeness and punctuation, nothing of the
# debtor's own. Latin words are matched whole ("stopped" is not "stop" + "ped").
_LATIN = (
    "stop|stopall|all|unsubscribe|opt out|optout|cancel|end|quit|td|t|"
    "please|pls|plz|now|thanks|thank you|thx|ok|okay|it"
)
_BARE = re.compile(rf"(?<![a-z])(?:{_LATIN})(?![a-z])|退订|退定|回复|停止|停|拒收|请|谢谢|了|吧")


def bare_stop(text: str) -> bool:
    """Whether ``text`` is only a stop keyword ("STOP", "stop please", "退订", "回复TD")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    rest = _BARE.sub(" ", folded)
    return not any(ch.isalnum() for ch in rest)


def distress(turn: Turn) -> tuple[str, ...]:
    """The weak distress cues of the debtor's text (empty for buttons and commands)."""
    if not turn.text:
        return ()
    try:
        lang: str | None = resolve_language(turn.locale, _LANGUAGES)
    except ValueError:
        lang = None  # every lexicon is read anyway; the language only orders the cues
    return distress_cues(turn.text, lang)


def country(turn: Turn) -> str:
    """The country whose crisis line to give: the account's, else the chat language's
    usual one (zh_CN: CN); empty for English before an account is known."""
    found = region(turn.account)
    if not found:
        found = "CN" if turn.locale.startswith("zh") else ""
    return found


def crisis_lines(turn: Turn) -> tuple[Reply, ...]:
    """One line per crisis service the debtor may call: their country's, or the US and UK
    lines when the country is not known yet."""
    code = country(turn)
    if not code:
        return tuple(Reply(f"crisis.in_{c}", {"line": crisis_line(c)}) for c in ("US", "GB"))
    key = f"crisis.{code}"
    if key in MESSAGES:
        return (Reply(key, {"line": crisis_line(code)}),)
    return (Reply("crisis.local", {"line": crisis_line(code)}),)


def emergency(turn: Turn) -> str | None:
    """The emergency number of the debtor's country, when it is known."""
    return _EMERGENCY.get(country(turn))


def wellbeing(turn: Turn) -> Reply:
    """A gentle line with the crisis numbers, for a stop written in the debtor's words."""
    return Reply("guard.wellbeing", parts=crisis_lines(turn))
