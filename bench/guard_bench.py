"""Classification time of the inbound guard per message, over the labelled corpus.

    python bench/guard_bench.py [--repeat N]

Prints the median and p99 time per message (each message timed alone, the corpus
classified N times), the same for outbound checks of a few representative messages,
the lexicon load time, and the time for a 100 KB message.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bot.compliance import OutboundContext, check_outbound, detect
from bot.compliance.lexicon import load_lexicons

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "guard_corpus"
OUTBOUND = [
    "Hi Maria, a reminder from Parley Demo Lending. Reply STOP to opt out.",
    "This is a communication from a debt collector. Your balance is $4,420.00.",
    "If you don't pay you will be arrested.",
    "您好，Parley Demo Lending 提醒您本期还款 1,200.00 元。回复TD退订",
    "Please pay by June 20, or within 7 days at the latest.",
]


def corpus() -> list[tuple[str, str]]:
    messages = []
    for path in sorted(CORPUS.glob("*.tsv")):
        lang = path.stem.split("_", 1)[1] if path.stem.startswith("holdout") else path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                messages.append((lang, line.partition("\t")[2]))
    return messages


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - started) / 1_000  # microseconds


def summary(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<34} n={len(samples):>6}  median {statistics.median(samples):8.1f} µs"
        f"  p99 {p99:8.1f} µs  max {ordered[-1]:9.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    load_lexicons()
    print(f"lexicons loaded (en, zh_CN) in {time.perf_counter() - started:.2f} s")
    messages = corpus()
    for lang, text in messages:  # warm caches once, as a running bot would be
        detect(text, lang)

    inbound = [timed(partial(detect, t, lg)) for _ in range(args.repeat) for lg, t in messages]
    summary(f"inbound, {len(messages)} corpus messages", inbound)
    for lang in ("en", "zh_CN"):
        subset = [(lg, t) for lg, t in messages if lg == lang]
        samples = [timed(partial(detect, t, lg)) for _ in range(args.repeat) for lg, t in subset]
        summary(f"inbound, {lang} only", samples)

    context = OutboundContext(
        jurisdiction="US",
        now=datetime(2026, 6, 10, 16, tzinfo=UTC),
        timezone="America/New_York",
        proactive=True,
        prior_proactive_contacts=(datetime(2026, 6, 8, 16, tzinfo=UTC),),
        validation_end=datetime(2026, 6, 30, tzinfo=UTC).date(),
        creditor_name="Parley Demo Lending",
    )
    outbound = [
        timed(partial(check_outbound, t, context))
        for _ in range(args.repeat * 20)
        for t in OUTBOUND
    ]
    summary("outbound, 5 messages (US profile)", outbound)

    big = "I can pay 200 a month. " * 4_500 + "stop texting me"
    summary("inbound, one 100 KB message", [timed(lambda: detect(big)) for _ in range(10)])


if __name__ == "__main__":
    main()
