"""One canonical form for what a debtor types and for the lexicons it is matched against.

NFKC folds full-width digits and punctuation ("１５０" -> "150", "，" -> ","); invisible
format marks (RTL/LTR marks, zero-width joiners, BOM) are dropped; control characters and
odd spaces become a plain space; case is folded; an apostrophe inside a word is removed so
"don't", "don’t" and "dont" read the same.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest message a parser reads. Longer input is refused (parsers) or cut (tone):
#: every input has a size limit, and no reply to a debtor needs more than this.
MAX_INPUT_CHARS = 1000

_TRANSLATE = {
    **dict.fromkeys(map(ord, "‐‑‒–—―−﹣"), "-"),
    **dict.fromkeys(map(ord, "‘’‛′`´"), "'"),
    **dict.fromkeys(map(ord, "“”„‟″"), '"'),
    ord("〜"): "~",
    ord("。"): ".",
    ord("、"): ",",
    ord("\N{COMBINING ENCLOSING KEYCAP}"): None,
    ord("\N{VARIATION SELECTOR-16}"): None,
    ord("\N{VARIATION SELECTOR-15}"): None,
}
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_SPACES = re.compile(r" {2,}")


def normalize(text: str, *, fold_case: bool = True) -> str:
    """The canonical form; lexicon phrases go through the same function when loaded."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    chars: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        chars.append(" " if category[0] in "CZ" else ch)
    folded = "".join(chars)
    if fold_case:
        folded = folded.casefold()
    folded = _INNER_APOSTROPHE.sub("", folded)
    return _SPACES.sub(" ", folded).strip()


def prepare(text: str, *, limit: int = MAX_INPUT_CHARS) -> str | None:
    """`text` normalised, or None when it is too long to be a real answer."""
    if len(text) > limit:
        return None
    folded = normalize(text)
    # NFKC can expand a character many times over ("ﷺ" is 18 letters).
    return folded if len(folded) <= 4 * limit else None


def is_word_char(ch: str) -> bool:
    """ASCII letters and digits: where a Latin word or a figure continues."""
    return ch.isascii() and ch.isalnum()


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
