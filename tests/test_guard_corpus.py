"""The inbound guard measured on the labelled corpus (tests/guard_corpus/*.tsv).

`pytest -s tests/test_guard_corpus.py` (or `-rP`) prints precision and recall per category.

The bars apply to the development set: every file except a held-out batch. A batch whose
header has the line `# status: held-out` was written without looking at the detector's
output and has not been tuned on; it is measured and printed, never asserted on (a bar on
it would make it training data). Once the lexicons are tuned on a batch, its status line
goes and its after-tuning figures join its header.

Files are `<lang>.tsv` or `holdout<N>_<lang>.tsv`; lines are `label<TAB>text`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.compliance import Category, detect

CORPUS = Path(__file__).parent / "guard_corpus"
MUST_RECALL = (
    Category.SELF_HARM,
    Category.CEASE_CONTACT,
    Category.ATTORNEY,
    Category.BANKRUPTCY,
    Category.DISPUTE,
)
MIN_RECALL = 0.95
MAX_ORDINARY_TRIGGERED = 0.03
HELD_OUT = "# status: held-out"


@dataclass(frozen=True)
class Example:
    source: str
    lang: str
    label: Category
    text: str
    held_out: bool


def language_of(path: Path) -> str:
    """`en.tsv` -> "en", `holdout3_zh_CN.tsv` -> "zh_CN"."""
    return path.stem.split("_", 1)[1] if path.stem.startswith("holdout") else path.stem


def load_corpus() -> list[Example]:
    examples = []
    for path in sorted(CORPUS.glob("*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        held_out = HELD_OUT in (line.strip() for line in lines)
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            label, _, text = line.partition("\t")
            source = f"{path.name}:{number}"
            examples.append(Example(source, language_of(path), Category(label), text, held_out))
    return examples


@dataclass(frozen=True)
class Scores:
    support: Counter[Category]
    hits: Counter[Category]
    predicted: Counter[Category]
    misses: tuple[tuple[Example, Category], ...]

    def recall(self, category: Category) -> float:
        return self.hits[category] / self.support[category] if self.support[category] else 1.0

    def precision(self, category: Category) -> float:
        predicted = self.predicted[category]
        return self.hits[category] / predicted if predicted else 1.0

    def table(self) -> str:
        lines = [f"{'category':<16} {'n':>4} {'precision':>9} {'recall':>6}"]
        for category in Category:
            lines.append(
                f"{category.value:<16} {self.support[category]:>4} "
                f"{self.precision(category):>9.2f} {self.recall(category):>6.2f}"
            )
        lines += [f"miss {ex.source} {ex.label} -> {got}: {ex.text}" for ex, got in self.misses]
        return "\n".join(lines)


def score(examples: list[Example]) -> Scores:
    support: Counter[Category] = Counter()
    hits: Counter[Category] = Counter()
    predicted: Counter[Category] = Counter()
    misses = []
    for example in examples:
        got = detect(example.text, example.lang).category
        support[example.label] += 1
        predicted[got] += 1
        if got is example.label:
            hits[got] += 1
        else:
            misses.append((example, got))
    return Scores(support, hits, predicted, tuple(misses))


@pytest.fixture(scope="module")
def scores() -> Scores:
    return score([ex for ex in load_corpus() if not ex.held_out])


def test_scores_table(scores: Scores) -> None:
    """Shown by `pytest -s` or, in the summary, `pytest -rP`."""
    table = scores.table()
    print("\n" + table)
    assert all(f"\n{c.value} " in table for c in Category)


def test_held_out_batches_are_reported_not_asserted() -> None:
    """Prints each held-out batch's figures; its recall is deliberately not a bar."""
    held_out = [ex for ex in load_corpus() if ex.held_out]
    if not held_out:
        pytest.skip("no held-out batch: write one before the next tuning round")
    for name in sorted({ex.source.split(":")[0] for ex in held_out}):
        batch = [ex for ex in held_out if ex.source.startswith(f"{name}:")]
        print(f"\nheld out, not tuned on: {name}\n" + score(batch).table())
    support = Counter(ex.label for ex in held_out)
    small = {c.value: support[c] for c in MUST_RECALL if support[c] < 20}
    assert not small, f"a held-out batch needs >= 20 examples of each; has {small}"
    assert support[Category.NONE] >= 40


def test_corpus_is_large_and_covers_every_category_in_both_languages() -> None:
    examples = [ex for ex in load_corpus() if not ex.held_out]
    assert len(examples) >= 400
    assert sum(ex.label is Category.NONE for ex in examples) >= 150
    for lang in ("en", "zh_CN"):
        labels = {ex.label for ex in examples if ex.lang == lang}
        assert labels == set(Category), f"{lang} lacks {set(Category) - labels}"


@pytest.mark.parametrize("category", MUST_RECALL, ids=str)
def test_recall_of_the_categories_that_must_not_be_missed(
    scores: Scores, category: Category
) -> None:
    assert scores.recall(category) >= MIN_RECALL, scores.table()


def test_ordinary_messages_trigger_almost_nothing(scores: Scores) -> None:
    ordinary = scores.support[Category.NONE]
    triggered = ordinary - scores.hits[Category.NONE]
    assert triggered / ordinary <= MAX_ORDINARY_TRIGGERED, scores.table()
