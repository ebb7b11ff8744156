"""Lexicons: per-language data files under `locales/<lang>/guard/`.

    language.toml   spelling, typos and negation of the language (bot.compliance.language)
    inbound.toml    one table per inbound category: match, except, negatable, together;
                    and [distress], weak cues of finality and farewell (never a category)
    outbound.toml   [banned.<rule>] and [notice.<rule>] phrase lists, [deadline] forms

Adding a language adds these three files; no code changes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.compliance.categories import PRIORITY, Category
from bot.compliance.language import Language, build_language
from bot.compliance.patterns import compile_patterns
from bot.compliance.text import CLAUSE_MARKS, normalise_pattern

#: The repository's `locales/` directory (lexicons are data beside the translations).
DEFAULT_LOCALES = Path(__file__).resolve().parents[2] / "locales"

_TRIM = " " + CLAUSE_MARKS
#: The table of weak distress cues in inbound.toml (not a category).
DISTRESS = "distress"


Hit = tuple[int, int, str]  # start, end, phrase


@dataclass(frozen=True)
class Together:
    """Phrases that show a category only in company: one from each group, in any order,
    the whole set within `within` characters ("the amount you sent me is completely
    wrong", "wrong amount"). Word order and the words between are free."""

    groups: tuple[re.Pattern[str], ...]
    within: int

    def find(self, hits: Callable[[re.Pattern[str]], list[Hit]]) -> str | None:
        """The first set of non-overlapping hits, one per group, close enough; joined."""
        found: list[tuple[int, int, int, str]] = []
        for index, group in enumerate(self.groups):
            group_hits = hits(group)
            if not group_hits:
                return None  # groups are scanned one by one: a missing one ends the search
            found += [(start, end, index, phrase) for start, end, phrase in group_hits]
        found.sort()
        for first, (window_start, *_rest) in enumerate(found):
            chosen: dict[int, tuple[int, int, str]] = {}
            for start, end, index, phrase in found[first:]:
                if end - window_start > self.within:
                    break
                if index in chosen or any(s < end and start < e for s, e, _ in chosen.values()):
                    continue
                chosen[index] = (start, end, phrase)
                if len(chosen) == len(self.groups):
                    return " + ".join(p for _, _, p in sorted(chosen.values()))
        return None


@dataclass(frozen=True)
class PhraseRule:
    """A list of patterns, the near misses that cancel them, whether negation does, and
    sets of phrases that count only together."""

    name: str
    match: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    negatable: bool
    together: tuple[Together, ...] = ()

    def evidence(self, text: str, language: Language) -> tuple[str, ...]:
        """The phrases of `text` (canonical form) this rule finds, in order."""
        spans: list[tuple[int, int]] | None = None  # the near misses, read on first need

        def hits(pattern: re.Pattern[str]) -> list[Hit]:
            nonlocal spans
            kept: list[Hit] = []
            for hit in pattern.finditer(text):
                start, end = hit.span()
                if start == end:
                    continue
                if spans is None:
                    spans = [m.span() for m in self.exclude.finditer(text)] if self.exclude else []
                if any(s < end and start < e for s, e in spans):
                    continue
                if self.negatable and language.negated(text, start):
                    continue
                if phrase := hit.group().strip(_TRIM):
                    kept.append((start, end, phrase))
            return kept

        found = list(dict.fromkeys(p for _, _, p in hits(self.match))) if self.match else []
        for combination in self.together:
            if (phrase := combination.find(hits)) is not None and phrase not in found:
                found.append(phrase)
        return tuple(found)


@dataclass(frozen=True)
class DeadlineForms:
    """How a language writes a deadline: cue words and date forms (regular expressions
    with named groups year/month/day, n/unit, or rel)."""

    cues: re.Pattern[str] | None
    dates: tuple[re.Pattern[str], ...]
    months: Mapping[str, int]
    numbers: Mapping[str, int]
    units_hours: Mapping[str, int]
    relative_days: Mapping[str, int]


@dataclass(frozen=True)
class Lexicon:
    language: Language
    inbound: Mapping[Category, PhraseRule]
    banned: Mapping[str, PhraseRule]
    notices: Mapping[str, PhraseRule]
    deadlines: DeadlineForms | None
    # Weak cues of finality and farewell ("last message", "不用再找我"): never a category
    # alone; the dialog weighs them with a stop or a vulnerability.
    distress: PhraseRule | None = None


def _load_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from error


def _strings(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of strings")
    return value


def _together(
    table: Any, language: Language, where: str, respell: Callable[[str], str]
) -> Together:
    if not isinstance(table, Mapping) or set(table) - {"groups", "within"}:
        raise ValueError(f"{where}: each [[together]] has only 'groups' and 'within'")
    groups = table.get("groups")
    if not isinstance(groups, list) or len(groups) < 2:
        raise ValueError(f"{where}: 'together' needs at least two groups")
    compiled = []
    for group in groups:
        if not isinstance(group, list) or not group or not all(isinstance(g, str) for g in group):
            raise ValueError(f"{where}: each 'together' group must be a list of strings")
        regex = compile_patterns(
            [respell(p) for p in group],
            gap=language.gap,
            spaced=language.spaced,
            filler=language.filler,
        )
        if regex is None:  # unreachable: the group was checked not to be empty
            raise ValueError(f"{where}: empty 'together' group")
        compiled.append(regex)
    within = table.get("within", 80)
    if not isinstance(within, int) or within <= 0:
        raise ValueError(f"{where}: 'within' must be a positive number of characters")
    return Together(groups=tuple(compiled), within=within)


def _rule(name: str, table: Mapping[str, Any], language: Language, where: str) -> PhraseRule:
    unknown = set(table) - {"match", "except", "negatable", "together"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} in [{name}]")

    def respell(pattern: str) -> str:
        return language.respell(normalise_pattern(pattern))

    def patterns(key: str) -> re.Pattern[str] | None:
        respelled = [respell(p) for p in _strings(table, key, where)]
        return compile_patterns(
            respelled, gap=language.gap, spaced=language.spaced, filler=language.filler
        )

    together = table.get("together", [])
    if not isinstance(together, list):
        raise ValueError(f"{where}: [[{name}.together]] must be an array of tables")
    return PhraseRule(
        name=name,
        match=patterns("match"),
        exclude=patterns("except"),
        negatable=bool(table.get("negatable", True)),
        together=tuple(_together(t, language, f"{where} [{name}]", respell) for t in together),
    )


def _rules(tables: Mapping[str, Any], language: Language, where: str) -> dict[str, PhraseRule]:
    return {name: _rule(name, t, language, where) for name, t in tables.items()}


def _deadlines(table: Mapping[str, Any], language: Language, where: str) -> DeadlineForms:
    months = {str(k): int(v) for k, v in table.get("months", {}).items()}
    numbers = {str(k): int(v) for k, v in table.get("numbers", {}).items()}
    alternation = {
        "months": "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True)),
        "numbers": "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True)),
    }
    forms = _strings(table, "dates", where)
    for key, value in alternation.items():
        forms = [form.replace("{" + key + "}", value) for form in forms]
    dates = tuple(re.compile(form) for form in forms)
    return DeadlineForms(
        cues=compile_patterns(
            _strings(table, "cues", where), gap=language.gap, spaced=language.spaced
        ),
        dates=dates,
        months=months,
        numbers=numbers,
        units_hours={str(k): int(v) for k, v in table.get("units_hours", {}).items()},
        relative_days={str(k): int(v) for k, v in table.get("relative_days", {}).items()},
    )


def load_lexicon(folder: Path) -> Lexicon:
    """The lexicon in one `locales/<lang>/guard/` folder."""
    code = folder.parent.name
    where = str(folder)
    language = build_language(code, _load_toml(folder / "language.toml"), where)
    inbound_table = _load_toml(folder / "inbound.toml")
    distress_table = inbound_table.pop(DISTRESS, None)
    names = {c.value for c in PRIORITY}
    if unknown := set(inbound_table) - names:
        raise ValueError(f"{where}/inbound.toml: unknown categories {sorted(unknown)}")
    inbound = {
        Category(name): _rule(name, table, language, f"{where}/inbound.toml")
        for name, table in inbound_table.items()
    }
    distress = None
    if distress_table is not None:
        if not isinstance(distress_table, Mapping):
            raise ValueError(f"{where}/inbound.toml: [{DISTRESS}] must be a table")
        distress = _rule(DISTRESS, distress_table, language, f"{where}/inbound.toml")
    outbound_table = _load_toml(folder / "outbound.toml")
    deadline_table = outbound_table.get("deadline")
    return Lexicon(
        language=language,
        inbound=inbound,
        banned=_rules(outbound_table.get("banned", {}), language, where),
        notices=_rules(outbound_table.get("notice", {}), language, where),
        deadlines=_deadlines(deadline_table, language, where) if deadline_table else None,
        distress=distress,
    )


@cache
def load_lexicons(locales: Path = DEFAULT_LOCALES) -> tuple[Lexicon, ...]:
    """Every lexicon under `locales`, by language code. Cached: lexicons are read once."""
    folders = sorted(p.parent for p in locales.glob("*/guard/language.toml"))
    if not folders:
        raise ValueError(f"no guard lexicons under {locales}")
    return tuple(load_lexicon(folder) for folder in folders)
