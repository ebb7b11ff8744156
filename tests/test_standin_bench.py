"""The Telegram benchmark harness, run small: a real bot process, counted replies."""

from __future__ import annotations

import pytest

from bench.telegram_bench import BOTS, CEILING, Figures, load, parse_args, run_one, table


@pytest.mark.parametrize("name", sorted(BOTS))
def test_every_registered_bot_can_be_loaded(name: str) -> None:
    assert callable(load(BOTS[name]))


@pytest.mark.parametrize(
    ("options", "answered", "lost"),
    [
        (["--mode", "closed"], 10, 0),
        (["--mode", "open", "--rate", "200"], 10, 0),
        # An echo bot does not retry: every refused send is a lost reply.
        (["--mode", "closed", "--refuse-429", "1", "--reply-timeout", "0.3"], 0, 10),
    ],
)
async def test_harness_counts_answers_and_losses(
    options: list[str], answered: int, lost: int
) -> None:
    args = parse_args(["--users", "5", "--turns", "2", *options])
    # ptb-echo: importing aiogram in the child costs seconds of CPU, ptb a fraction of one.
    figures = await run_one("ptb-echo", args.mode, args)
    assert (figures.sent, figures.answered, figures.lost) == (10, answered, lost)
    assert figures.peak_mb > 10  # a Python process with python-telegram-bot loaded
    if answered:
        assert 0 < figures.p50_ms <= figures.p99_ms
        assert figures.cpu_ms_per_update > 0


def test_table_states_the_ratio_to_the_ceiling() -> None:
    def row(bot: str, throughput: float) -> Figures:
        return Figures(bot, "closed", 10, 10, 0, 0, 0, throughput, 1.0, 2.0, 50.0, 50.0,
                       50.0, 0.5, 0.2, 1.0, 0)  # fmt: skip

    rows = [row(CEILING, 400.0), row("other", 300.0)]
    lines = table(rows).splitlines()
    assert lines[2].split()[-1] == "1.00"
    assert lines[3].split()[-1] == "0.75"
