"""Inbound detection: what a debtor's message shows, by the priority order of DESIGN §7."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from bot.compliance.categories import ACTIONS, HANDOFF_PRIORITY, PRIORITY, Action, Category
from bot.compliance.lexicon import DEFAULT_LOCALES, Lexicon, load_lexicons
from bot.compliance.text import readings
from bot.nlu.model import Heads, guard_heads


@dataclass(frozen=True)
class Detection:
    """The guard's reading of one inbound message.

    `category` is the highest-priority match ("none" when nothing matched), `categories`
    every match by priority, `evidence` the words that matched (in canonical form: "kms"
    reads "kill myself"), `action` what the dialog must do.

    `distress` holds the weak cues of finality and farewell the message shows ("last
    message", "不用再找我"). They are no category and change no action on their own (an
    ordinary "my last payment" has one); the dialog weighs them with a stop or a
    vulnerability. They are not part of the `guard inbound --json` shape.
    """

    category: Category
    categories: tuple[Category, ...]
    evidence: tuple[str, ...]
    action: Action
    distress: tuple[str, ...] = ()

    @property
    def detected(self) -> bool:
        return self.category is not Category.NONE

    @property
    def handoff_priority(self) -> int | None:
        """Queue priority of the handoff this calls for (0 first), or None."""
        return HANDOFF_PRIORITY.get(self.category)

    def to_json(self) -> dict[str, object]:
        """The `guard inbound --json` shape of DESIGN §4."""
        return {
            "category": self.category.value,
            "categories": [c.value for c in self.categories],
            "evidence": list(self.evidence),
            "action": self.action.value,
        }


NOTHING = Detection(Category.NONE, (), (), Action.CONTINUE)


def resolve_language(lang: str, available: tuple[str, ...]) -> str:
    """The available lexicon for a language tag: exact, then by primary subtag
    ("zh", "zh-Hans", "zh-cn" -> "zh_CN"; "en-GB" -> "en")."""
    tag = lang.strip().replace("-", "_")
    lowered = {code.casefold(): code for code in available}
    if (code := lowered.get(tag.casefold())) is not None:
        return code
    primary = tag.split("_")[0].casefold()
    matches = sorted(code for code in available if code.split("_")[0].casefold() == primary)
    if not matches:
        raise ValueError(f"no guard lexicon for language {lang!r}")
    return matches[0]


class InboundGuard:
    """Reads inbound messages against every installed lexicon and the learned model.

    Every language's lexicon is applied to every message, because debtors mix languages
    ("STOP" in a Chinese chat); the chat's language only orders the evidence.

    With `model` (the default), the heads of `bot.nlu.model` score the message too, and a
    category fires when its lexicon matches or its head's score reaches the threshold
    chosen on the development set. The lexicon's phrases stay the evidence where it
    matched; a category only the model saw has the evidence `model:<category>:<score>`.
    The model raises on its own only the categories whose dev precision allowed it
    (`bot.nlu.model.guard_fires_alone`, see docs/understanding.md). `model=False` reads
    with the lexicons alone; `model=<Heads>` with other heads than the committed ones.
    """

    def __init__(self, lexicons: tuple[Lexicon, ...], *, model: bool | Heads = True) -> None:
        self.lexicons = lexicons
        self.languages = tuple(lexicon.language.code for lexicon in lexicons)
        self.model = model

    @classmethod
    def from_locales(
        cls, locales: Path = DEFAULT_LOCALES, *, model: bool | Heads = True
    ) -> InboundGuard:
        return cls(load_lexicons(locales), model=model)

    def detect(self, text: str, lang: str | None = None) -> Detection:
        """What `text` shows. `lang` (a language tag) must have a lexicon when given."""
        found: dict[Category, list[str]] = {}
        cues: list[str] = []
        for lexicon, canonical in self._readings(text, lang):
            for category, rule in lexicon.inbound.items():
                for phrase in rule.evidence(canonical, lexicon.language):
                    if phrase not in found.setdefault(category, []):
                        found[category].append(phrase)
            cues += _cues(lexicon, canonical)
        if self.model is not False:
            heads = guard_heads() if self.model is True else self.model
            for category, hit in _model_hits(heads, text):
                if not found.get(category):
                    found[category] = [hit]
        distress = tuple(dict.fromkeys(cues))
        categories = tuple(c for c in PRIORITY if found.get(c))
        if not categories:
            return replace(NOTHING, distress=distress)
        evidence = tuple(phrase for c in categories for phrase in found[c])
        return Detection(categories[0], categories, evidence, ACTIONS[categories[0]], distress)

    def distress(self, text: str, lang: str | None = None) -> tuple[str, ...]:
        """Only the weak distress cues of `text` (`Detection.distress`), for a caller that
        already has the category."""
        cues = [
            cue
            for lexicon, canonical in self._readings(text, lang)
            for cue in _cues(lexicon, canonical)
        ]
        return tuple(dict.fromkeys(cues))

    def _readings(self, text: str, lang: str | None) -> Iterator[tuple[Lexicon, str]]:
        ordered = self._ordered(lang)
        for normalised in readings(text):
            for lexicon in ordered:
                yield lexicon, lexicon.language.canonical(normalised)

    def _ordered(self, lang: str | None) -> tuple[Lexicon, ...]:
        if lang is None:
            return self.lexicons
        first = resolve_language(lang, self.languages)
        return tuple(sorted(self.lexicons, key=lambda lx: lx.language.code != first))


def _model_hits(heads: Heads | None, text: str) -> list[tuple[Category, str]]:
    """The categories the model raises on `text`, with their evidence."""
    if heads is None:
        return []
    scores = heads.scores(text)
    return [
        (Category(label), f"model:{label}:{scores[label]:.2f}")
        for label in heads.labels
        if label in heads.alone and scores[label] >= heads.thresholds[label]
    ]


def _cues(lexicon: Lexicon, canonical: str) -> tuple[str, ...]:
    rule = lexicon.distress
    return rule.evidence(canonical, lexicon.language) if rule is not None else ()


@cache
def default_guard() -> InboundGuard:
    """The guard over the repository's `locales/`, built once."""
    return InboundGuard.from_locales()


def detect(text: str, lang: str | None = None) -> Detection:
    """`default_guard().detect(text, lang)`."""
    return default_guard().detect(text, lang)


def distress_cues(text: str, lang: str | None = None) -> tuple[str, ...]:
    """`default_guard().distress(text, lang)`."""
    return default_guard().distress(text, lang)
