"""Measure the inbound guard's readers and write docs/understanding.md.

    python scripts/evaluate_guard.py [--heads PATH] [--boot N] [--out docs/understanding.md]

Systems: the lexicons alone; each candidate model alone (character n-grams; encoder +
n-grams; encoder alone), retrained here exactly as scripts/train_models.py does; and the
shipped combination (lexicon OR the committed heads, through InboundGuard itself).
Sets: corpus/guard/dev_*.tsv (thresholds were chosen on it), corpus/guard/test_*.tsv (frozen,
never trained or tuned on) and the held-out batches tests/guard_corpus/holdout*_*.tsv.

Recall and precision per category and language, with 95% bootstrap intervals (messages
resampled, fixed seed), the ordinary false-alarm rate, and the one on hard negatives. Only
aggregate figures are printed: the test set's lines are never shown.

Multi-label files (corpus/guard): recall of c = share of lines labelled c where c fires;
precision of c = share of lines where c fires that are labelled c. Single-label files
(tests/guard_corpus, the label is the highest-priority category): recall of c = share of
lines labelled c where c fires; precision of c = share of lines whose top category is c that
are labelled c.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_models as tm

from bot.compliance import InboundGuard
from bot.compliance.lexicon import load_lexicons
from bot.nlu import model

BOOT_SEED = 7
Read = tuple[tuple[str, ...], str]  # (categories fired, top category)


@dataclass(frozen=True)
class Batch:
    name: str
    lang: str
    examples: list[tm.Example]
    single_label: bool


def batches(test: bool) -> list[Batch]:
    out: list[Batch] = []
    for kind in ("dev", "test") if test else ("dev",):
        for lang in tm.LANGS:
            path = tm.CORPUS / "guard" / f"{kind}_{lang}.tsv"
            if path.exists():
                out.append(Batch(kind, lang, tm.read_guard_file(path, lang), False))
    for lang in tm.LANGS:
        examples: list[tm.Example] = []
        for path in sorted(tm.LEXICON_CORPUS.glob(f"holdout*_{lang}.tsv")):
            examples += tm.read_lexicon_file(path, lang)
        out.append(Batch("holdouts", lang, examples, True))
    return out


def lexicon_reader() -> Callable[[tm.Example], Read]:
    guard = InboundGuard(load_lexicons(), model=False)

    def read(ex: tm.Example) -> Read:
        d = guard.detect(ex.text, ex.lang)
        return tuple(c.value for c in d.categories), d.category.value

    return read


def model_reader(heads: model.Heads) -> Callable[[tm.Example], Read]:
    """The model alone: every category whose score reaches its threshold."""

    def read(ex: tm.Example) -> Read:
        scores = heads.scores(ex.text)
        fired = tuple(c for c in heads.labels if scores[c] >= heads.thresholds[c])
        return fired, fired[0] if fired else "none"

    return read


def guard_reader(heads: model.Heads) -> Callable[[tm.Example], Read]:
    guard = InboundGuard(load_lexicons(), model=heads)

    def read(ex: tm.Example) -> Read:
        d = guard.detect(ex.text, ex.lang)
        return tuple(c.value for c in d.categories), d.category.value

    return read


@dataclass(frozen=True)
class Figure:
    n: int
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        if self.n == 0:
            return "–"
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}]"


def ratio(hit: np.ndarray, base: np.ndarray, idx: np.ndarray) -> Figure:
    """hit/base over the lines, with a percentile bootstrap over resampled lines."""
    n = int(base.sum())
    if n == 0:
        return Figure(0, 0.0, 0.0, 0.0)
    value = float(hit.sum() / n)
    num = hit[idx].sum(axis=1)
    den = base[idx].sum(axis=1)
    boot = num[den > 0] / den[den > 0]
    low, high = np.percentile(boot, [2.5, 97.5])
    return Figure(n, value, float(low), float(high))


@dataclass(frozen=True)
class Measures:
    recall: dict[str, Figure]
    precision: dict[str, Figure]
    false_alarm: Figure
    hard_false_alarm: Figure


def measure(batch: Batch, reads: Sequence[Read], boot: int) -> Measures:
    n = len(batch.examples)
    rng = np.random.default_rng(BOOT_SEED)
    idx = rng.integers(0, n, size=(boot, n))
    recall, precision = {}, {}
    for c in tm.LABELS:
        pos = np.array([c in ex.labels for ex in batch.examples])
        fired = np.array([c in r[0] for r in reads])
        recall[c] = ratio(pos & fired, pos, idx)
        said = np.array([r[1] == c for r in reads]) if batch.single_label else fired
        precision[c] = ratio(pos & said, said, idx)
    ordinary = np.array([ex.ordinary for ex in batch.examples])
    hard = ordinary & np.array([ex.note == "hard_negative" for ex in batch.examples])
    alarm = np.array([bool(r[0]) for r in reads])
    return Measures(
        recall, precision, ratio(ordinary & alarm, ordinary, idx), ratio(hard & alarm, hard, idx)
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def summary_rows(name: str, results: dict[str, Measures]) -> list[str]:
    rows = []
    for key, m in results.items():
        must = " | ".join(str(m.recall[c]) for c in tm.MUST)
        rows.append(f"| {name} | {key} | {must} | {m.false_alarm} | {m.hard_false_alarm} |")
    return rows


def detail_table(m: Measures) -> list[str]:
    rows = ["| category | n | recall [95% CI] | precision [95% CI] |", "|---|---|---|---|"]
    for c in tm.LABELS:
        if m.recall[c].n or m.precision[c].n:
            rows.append(f"| {c} | {m.recall[c].n} | {m.recall[c]} | {m.precision[c]} |")
    rows.append(f"| ordinary false alarms | {m.false_alarm.n} | {m.false_alarm} | |")
    if m.hard_false_alarm.n:
        rows.append(
            f"| of which hard negatives | {m.hard_false_alarm.n} | {m.hard_false_alarm} | |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heads", type=Path, default=model.GUARD_WEIGHTS)
    parser.add_argument("--boot", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=tm.ROOT / "docs" / "understanding.md")
    parser.add_argument(
        "--no-test", action="store_true", help="leave the frozen test set out (while building)"
    )
    args = parser.parse_args()

    shipped = model.load_heads(args.heads)
    systems: dict[str, Callable[[tm.Example], Read]] = {"lexicon alone": lexicon_reader()}
    for variant in tm.VARIANTS:
        trained, _ = tm.train_guard(variant)
        systems[f"model alone: {variant}"] = model_reader(trained.heads())
        if variant != shipped.version.split("-", 2)[2].rsplit("-", 1)[0]:
            systems[f"lexicon OR {variant}"] = guard_reader(trained.heads())
    systems["shipped: lexicon OR model"] = guard_reader(shipped)

    table: dict[tuple[str, str], dict[str, Measures]] = {}
    for batch in batches(not args.no_test):
        for name, read in systems.items():
            reads = [read(ex) for ex in batch.examples]
            table.setdefault((batch.name, batch.lang), {})[name] = measure(batch, reads, args.boot)
            m = table[(batch.name, batch.lang)][name]
            must = " ".join(f"{c}={m.recall[c].value:.2f}" for c in tm.MUST if m.recall[c].n)
            print(
                f"{batch.name:<8} {batch.lang:<5} {name:<28} FA {m.false_alarm.value:.3f} {must}",
                file=sys.stderr,
            )

    write_report(args, shipped, table)
    return 0


def write_report(
    args: argparse.Namespace, shipped: model.Heads, table: dict[tuple[str, str], dict]
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    frozen = [p for lang in tm.LANGS if (p := tm.CORPUS / "guard" / f"test_{lang}.tsv").exists()]
    lines = [
        "# How well Parley understands inbound messages",
        "",
        f"Measured {now} by `python scripts/evaluate_guard.py --boot {args.boot}` "
        "(scikit-learn from the `train` extra; deterministic: fixed seeds).",
        "",
        f"Shipped heads: `{shipped.version}` (`bot/nlu/weights/guard.npz`). Frozen test files: "
        + ", ".join(f"`{p.name}` sha256 `{sha(p)}…`" for p in frozen)
        + ".",
        "",
        "Figures are point estimates with 95% bootstrap intervals (lines resampled, "
        f"{args.boot} draws). A false alarm is an ordinary (`none`) line on which anything "
        "fires; hard negatives are the `none` lines noted `hard_negative` (hyperbole, "
        "negation, near misses).",
        "",
        "## Thresholds and which categories the model may raise alone",
        "",
        "| category | threshold | model may fire alone |",
        "|---|---|---|",
    ]
    for c in shipped.labels:
        alone = "yes" if c in shipped.alone else "no (lexicon only)"
        lines.append(f"| {c} | {shipped.thresholds[c]:.3f} | {alone} |")
    lines += [
        "",
        "## Every system: recall of the must-not-miss categories and false alarms",
        "",
        "| set | system | " + " | ".join(tm.MUST) + " | ordinary FA | hard-negative FA |",
        "|---|---|" + "---|" * (len(tm.MUST) + 2),
    ]
    for (name, lang), results in table.items():
        lines += summary_rows(f"{name} {lang}", results)
    shipped_name = "shipped: lexicon OR model"
    for (name, lang), results in table.items():
        for system in ("lexicon alone", shipped_name):
            lines += ["", f"## {name} {lang}: {system}", "", *detail_table(results[system])]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
