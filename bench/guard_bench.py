"""Classification time of the inbound guard per message, over the labelled corpus.

    python bench/guard_bench.py [--repeat N]

Prints the median and p99 time per message (each message timed alone, the corpus
classified N times), the same for outbound checks of a few representative messages,
the lexicon load time, and the time for a 100 KB message.

Then the learned model (issue 11): its load time, the resident memory it adds, and the
time it adds per message on one BLAS thread, as ratios against the lexicon-only guard
measured in the same run. A message is timed the first time the process reads it (its
features not cached yet, as for a new message in a live chat) and again once cached. The
bars: median added <= 5 ms, resident memory added <= 200 MB, the model loaded once.
"""

from __future__ import annotations

import os

# One thread for the encoder's matrix products, as the bar says (set before numpy loads).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

from bot.compliance import InboundGuard, OutboundContext, check_outbound  # noqa: E402
from bot.compliance.lexicon import load_lexicons  # noqa: E402
from bot.nlu import model  # noqa: E402

MAX_ADDED_MS = 5.0
MAX_ADDED_MB = 200.0

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


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    lexicons = load_lexicons()
    print(f"lexicons loaded (en, zh_CN) in {time.perf_counter() - started:.2f} s")
    lexical = InboundGuard(lexicons, model=False)
    detect = lexical.detect
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
    bench_model(lexicons, messages, args.repeat)


def bench_model(lexicons: tuple, messages: list[tuple[str, str]], repeat: int) -> None:
    print("\nlearned model (issue 11), one BLAS thread")
    lexical = InboundGuard(lexicons, model=False)
    guarded = InboundGuard(lexicons, model=True)
    before = rss_mb()
    started = time.perf_counter()
    heads = model.guard_heads()
    assert heads is not None, "no bot/nlu/weights/guard.npz"
    model.ENCODER.encode(["warm up"])
    load = time.perf_counter() - started
    added_mb = rss_mb() - before
    print(f"model loaded in {load:.2f} s ({heads.version}); resident memory +{added_mb:.0f} MB")

    base, full, cached = [], [], []
    for lang, text in messages:
        model._features.cache_clear()
        base.append(min(timed(partial(lexical.detect, text, lang)) for _ in range(3)))
        full.append(timed(partial(guarded.detect, text, lang)))  # features computed
        cached.append(timed(partial(guarded.detect, text, lang)))  # features cached
    summary("lexicons alone", base)
    summary("lexicons + model, new message", full)
    summary("lexicons + model, cached features", cached)
    added = [f - b for f, b in zip(full, base, strict=True)]
    summary("added by the model, new message", added)
    median_ms = statistics.median(added) / 1000
    ratio = statistics.median(full) / statistics.median(base)
    print(f"median added {median_ms:.2f} ms per message ({ratio:.1f}x the lexicons alone)")

    for _ in range(repeat):  # many reads: the model stays loaded once, memory stays put
        for lang, text in messages:
            guarded.detect(text, lang)
    growth = rss_mb() - before - added_mb
    once = model.guard_heads.cache_info().misses == 1 and model.ENCODER.loaded
    print(f"after {repeat} more passes: resident memory {growth:+.0f} MB beyond the load")
    verdicts = [
        ("median added <= 5 ms", median_ms <= MAX_ADDED_MS),
        ("resident memory added <= 200 MB", added_mb + max(growth, 0) <= MAX_ADDED_MB),
        ("model loaded once per process", once),
    ]
    for name, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")


if __name__ == "__main__":
    main()
