"""Measure the intent reader (bot.nlu.intents.read) on corpus/intents/.

    python scripts/evaluate_intents.py [--sets dev,test] [--systems rules,model,combined]
                                       [--boot N] [--today YYYY-MM-DD] [--errors] [--docs]

Systems: `rules` (the word lists alone: read(..., use_model=False)), `model` (the arg-max of
the learned intent scores, bot.nlu.model.intent_scores; absent without weights) and
`combined` (read() as the dialog calls it). Per language: accuracy of the primary intent with
a 95% bootstrap interval (lines resampled, fixed seed), the most frequent confusions
(gold -> read, counts only), and slot accuracy over the lines that carry slots (each slot
key: the share of lines giving it where the reading has the same value).

`--errors` prints the misread lines, and is refused on the test set: the frozen test set is
measured, never looked at line by line. `--docs` appends the figures to docs/understanding.md
under "## Intents".
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu import intents  # noqa: E402
from bot.nlu.intents import Reading, read  # noqa: E402

CORPUS = ROOT / "corpus" / "intents"
DOCS = ROOT / "docs" / "understanding.md"
LANGS = ("en", "zh_CN")
BOOT_SEED = 11
# corpus/README.md reason names -> bot.nlu.situation.Reason values.
REASONS = {
    "family": "family_emergency",
    "business": "business_trouble",
    "reduced_income": "job_loss",
}


@dataclass(frozen=True)
class Line:
    intent: str
    text: str
    slots: dict[str, str]


def read_file(path: Path) -> list[Line]:
    out: list[Line] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        slots: dict[str, str] = {}
        if len(parts) > 2 and parts[2].strip():
            for pair in parts[2].split(";"):
                key, _, value = pair.partition("=")
                if key.strip():
                    slots[key.strip()] = value.strip()
        out.append(Line(parts[0].strip(), parts[1] if len(parts) > 1 else "", slots))
    return out


def slot_right(key: str, value: str, reading: Reading) -> bool:
    if key == "amount":
        try:
            return reading.amount is not None and reading.amount == Decimal(value)
        except InvalidOperation:
            return False
    if key == "frequency":
        return reading.frequency == value
    if key == "lang":
        return reading.language == value
    if key == "reason":
        return reading.reason == (None if value == "other" else REASONS.get(value, value))
    if key == "recovery_months":
        return str(reading.recovery_months) == value
    if key == "payday":
        return str(reading.payday) == value
    return False


def bootstrap(hits: Sequence[bool], rounds: int) -> tuple[float, float]:
    if not hits:
        return 0.0, 0.0
    rng = random.Random(BOOT_SEED)  # noqa: S311 — resampling, not secrecy
    n = len(hits)
    means = sorted(sum(rng.choice(hits) for _ in range(n)) / n for _ in range(rounds))
    return means[int(0.025 * rounds)], means[min(rounds - 1, int(0.975 * rounds))]


def systems(today: date) -> dict[str, Callable[[str, str], Reading | None]]:
    def rules(text: str, lang: str) -> Reading:
        return read(text, lang, today=today, use_model=False)

    def combined(text: str, lang: str) -> Reading:
        return read(text, lang, today=today)

    def model_only(text: str, lang: str) -> Reading | None:
        scores = intents._scores(text)
        if not scores:
            return None
        best = max(scores, key=lambda k: scores[k])
        return Reading(intent=best, scores=scores, source="model-only")

    return {"rules": rules, "model": model_only, "combined": combined}


def evaluate(
    name: str,
    lines: list[Line],
    lang: str,
    reader: Callable[[str, str], Reading | None],
    rounds: int,
    show_errors: bool,
) -> list[str] | None:
    readings = [reader(line.text, lang) for line in lines]
    if any(r is None for r in readings):
        return None
    hits = [
        r is not None and r.intent == line.intent for r, line in zip(readings, lines, strict=True)
    ]
    low, high = bootstrap(hits, rounds)
    accuracy = sum(hits) / len(hits)
    report = [
        f"| {name} | {lang} | {len(lines)} | {accuracy:.3f} | {low:.3f}–{high:.3f} |"
        f" {_confusions(lines, readings)} | {_slots(lines, readings)} |"
    ]
    if show_errors:
        for line, reading, hit in zip(lines, readings, hits, strict=True):
            if not hit and reading is not None:
                print(f"  {line.intent:22} -> {reading.intent:22} {line.text}", file=sys.stderr)
    return report


def _confusions(lines: list[Line], readings: Sequence[Reading | None]) -> str:
    pairs = Counter(
        (line.intent, r.intent)
        for line, r in zip(lines, readings, strict=True)
        if r is not None and r.intent != line.intent
    )
    return ", ".join(f"{g}→{p} {n}" for (g, p), n in pairs.most_common(5)) or "none"


def _slots(lines: list[Line], readings: Sequence[Reading | None]) -> str:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for line, reading in zip(lines, readings, strict=True):
        if reading is None:
            continue
        for key, value in line.slots.items():
            total[key] += 1
            right[key] += slot_right(key, value, reading)
    if not total:
        return "—"
    if all(r is not None and r.source == "model-only" for r in readings):
        return "n/a (slots come from the rules)"
    whole = sum(right.values()) / sum(total.values())
    parts = ", ".join(f"{k} {right[k]}/{total[k]}" for k in sorted(total))
    return f"{whole:.3f} ({parts})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev", help="comma-separated: train, dev, test")
    parser.add_argument("--systems", default="rules,model,combined")
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--errors", action="store_true", help="print misread lines (not test)")
    parser.add_argument("--docs", action="store_true", help="append the table to the docs")
    parser.add_argument("--heads", type=Path, help="intent heads to use instead of the shipped")
    args = parser.parse_args()
    if args.heads:
        from bot.nlu import model

        heads = model.load_heads(args.heads)
        intents._model_scores[:] = [heads.scores]
    today = args.today or datetime.now(UTC).date()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    if args.errors and "test" in sets:
        print("--errors is refused on the frozen test set", file=sys.stderr)
        return 2
    readers = systems(today)
    rows: list[str] = []
    for kind in sets:
        for lang in LANGS:
            path = CORPUS / f"{kind}_{lang}.tsv"
            if not path.exists():
                print(f"missing {path.relative_to(ROOT)}", file=sys.stderr)
                continue
            lines = read_file(path)
            for name in [s.strip() for s in args.systems.split(",")]:
                if args.errors:
                    print(f"{kind} {lang} {name}:", file=sys.stderr)
                got = evaluate(name, lines, lang, readers[name], args.boot, args.errors)
                if got is None:
                    print(f"{kind} {lang} {name}: no model weights", file=sys.stderr)
                    continue
                rows += [row.replace("| ", f"| {kind} | ", 1) for row in got]
    header = [
        "| set | system | lang | lines | accuracy | 95% CI | top confusions | slots right |",
        "|---|---|---|---|---|---|---|---|",
    ]
    table = "\n".join(header + rows)
    print(table)
    if args.docs:
        _append_docs(table, today)
    return 0


def _append_docs(table: str, today: date) -> None:
    """Write the table under "## Intents", replacing that section if present (the rest of
    the file, e.g. the guard's part, is kept)."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Understanding\n"
    section = (
        f"## Intents\n\nMeasured {today.isoformat()} with `python scripts/evaluate_intents.py`"
        f" (primary intent by the precedence of corpus/README.md; 95% bootstrap interval).\n\n"
        f"{table}\n"
    )
    start = text.find("\n## Intents\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
