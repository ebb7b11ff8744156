"""Time the offer engine: choosing plans for one account, and one negotiation turn.

    python -m bench.offers_bench [--runs 2000]

It runs on every negotiation turn, so this is the engine's share of a reply's latency.
Prints the median and the 99th percentile of each case, in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bot.offers import (
    DEFAULT_LIMITS,
    AccountTerms,
    Limits,
    choose_plans,
    counter_offer,
    open_offer,
)

TODAY = date(2025, 1, 31)
CARD = AccountTerms("A-1", "USD", Decimal(4000), Decimal(300), Decimal(120), Decimal("18.25"))
BIG = AccountTerms(
    "J-1", "JPY", Decimal(48_000_000), Decimal(900_000), Decimal(50_000), Decimal(15)
)
WIDE = Limits.parse({"max_term_months": "120", "max_holiday_months": "6"}, DEFAULT_LIMITS)


def _time(call: Callable[[], object], runs: int) -> tuple[float, float]:
    call()  # warm caches (babel, decimal contexts)
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    state = open_offer(CARD, DEFAULT_LIMITS, TODAY, Decimal(450)).state
    cases: list[tuple[str, Callable[[], object]]] = [
        ("choose_plans, no amount", lambda: choose_plans(CARD, DEFAULT_LIMITS, TODAY)),
        (
            "choose_plans, 380/month (rate cut)",
            lambda: choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal(380)),
        ),
        (
            "choose_plans, 300/month (limits reached)",
            lambda: choose_plans(CARD, DEFAULT_LIMITS, TODAY, Decimal(300)),
        ),
        (
            "choose_plans, JPY, 120 months + holiday",
            lambda: choose_plans(BIG, WIDE, TODAY, Decimal(300_000), holiday_months=6),
        ),
        (
            "negotiation turn (counter 380)",
            lambda: counter_offer(state, CARD, DEFAULT_LIMITS, TODAY, Decimal(380)),
        ),
    ]
    print(f"offer engine, {runs} runs each (microseconds)")
    for name, call in cases:
        median, p99 = _time(call, runs)
        print(f"  {name:<42} median {median:8.0f}   p99 {p99:8.0f}")


if __name__ == "__main__":
    main()
