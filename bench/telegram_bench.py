"""Simulated Telegram users against a bot under test, through the local Bot API stand-in.

    python -m bench.telegram_bench [--bot aiogram-echo] [--bot ptb-echo] ...
        [--users 200] [--turns 10] [--mode closed|open|both] [--rate 100]
        [--delay-ms 50] [--refuse-429 0.02] [--reply-timeout 5] [--seed 1]
        [--profile DIR]

The bot runs in its own process (so its peak RSS is its own) and long-polls the stand-in,
which runs here with the simulated users. A turn is answered when the bot's first message
to that chat after it reaches the stand-in; latency is user send -> that message.

closed: every user sends its next message once the previous one is answered (or timed
        out): the bot's maximum throughput with ``users`` concurrent conversations.
        On a shared machine upd/s follows the CPU the bot gets; "cpu ms/upd" (the bot
        process's CPU time per answer) is the steadier figure for comparing bots.
open:   messages go out at a fixed ``rate`` whatever happens (turn by turn across users):
        latency at an offered load below saturation.

Bots under test are registered in BOTS by name as "module:function"; the function is
``async def start(api_base: str, token: str) -> StopBot`` and runs in the child process,
where PARLEY_TELEGRAM_API_BASE, PARLEY_TELEGRAM_TOKEN, BENCH_USERS and BENCH_TURNS are set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib
import os
import pstats
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.standin import StandIn

StopBot = Callable[[], Awaitable[None]]
StartBot = Callable[[str, str], Awaitable[StopBot]]
Script = Callable[[int, int], Sequence[str]]  # (user index, turns) -> what the user says

# The bots under test, name -> "module:function" (a StartBot). Parley's own adapters are
# registered here next to the bare echo bots that give the ceiling.
BOTS: dict[str, str] = {
    "aiogram-echo": "bench.telegram_bench:start_aiogram_echo",
    "aiogram-echo-limited": "bench.telegram_bench:start_aiogram_echo_limited",
    "ptb-echo": "bench.telegram_bench:start_ptb_echo",
    "ptb-echo-concurrent": "bench.telegram_bench:start_ptb_echo_concurrent",
    "parley-aiogram": "bench.parley_bot:start_parley_aiogram",
    "parley-ptb": "bench.parley_bot:start_parley_ptb",
}
CEILING = "aiogram-echo"
# What the simulated users say, name -> "module:function" (a Script).
SCRIPTS: dict[str, str] = {
    "echo": "bench.telegram_bench:echo_script",
    "negotiation": "bench.parley_bot:negotiation_script",  # Parley's real conversation
}
FIRST_CHAT = 10_000_000
REPO = Path(__file__).resolve().parent.parent


def load(reference: str) -> Any:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def echo_script(user: int, turns: int) -> Sequence[str]:
    return [f"user {user} turn {turn}: I can pay 150 a month" for turn in range(turns)]


# -- the ceilings: bare echo bots ----------------------------------------------------------


async def _aiogram_echo(api_base: str, token: str, limit: int | None) -> StopBot:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, tasks_concurrency_limit=limit)
    )

    async def stop() -> None:
        await dispatcher.stop_polling()
        await polling

    return stop


async def start_aiogram_echo(api_base: str, token: str) -> StopBot:
    return await _aiogram_echo(api_base, token, None)


async def start_aiogram_echo_limited(api_base: str, token: str) -> StopBot:
    return await _aiogram_echo(api_base, token, 64)


async def _ptb_echo(api_base: str, token: str, concurrent: bool) -> StopBot:
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(update.effective_message.text or "")

    app = (
        Application.builder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
        .concurrent_updates(concurrent)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling()

    async def stop() -> None:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    return stop


async def start_ptb_echo(api_base: str, token: str) -> StopBot:
    return await _ptb_echo(api_base, token, False)


async def start_ptb_echo_concurrent(api_base: str, token: str) -> StopBot:
    return await _ptb_echo(api_base, token, True)


# -- the child process ---------------------------------------------------------------------


async def serve_bot(name: str, api_base: str, token: str) -> None:
    """Runs in the child: start the bot, say "ready", stop when stdin closes or says so."""
    start: StartBot = load(BOTS[name])
    stop = await start(api_base, token)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await stop()


def serve_bot_profiled(name: str, api_base: str, token: str, path: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        asyncio.run(serve_bot(name, api_base, token))
    finally:
        profiler.disable()
        profiler.dump_stats(path)


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, name: str, api: StandIn, users: int, turns: int, profile: Path | None = None
    ) -> BotProcess:
        env = {
            **os.environ,
            "PARLEY_TELEGRAM_API_BASE": api.base,
            "PARLEY_TELEGRAM_TOKEN": api.token,
            "BENCH_USERS": str(users),
            "BENCH_TURNS": str(turns),
        }
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.telegram_bench", "--serve", name),
            *("--api-base", api.base, "--token", api.token),
            *(("--profile-to", str(profile)) if profile else ()),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=REPO,
            env=env,
        )
        assert process.stdout is not None
        async with asyncio.timeout(60):
            while (line := await process.stdout.readline()) != b"ready\n":
                if not line:
                    raise SystemExit(f"bot {name} exited before it was ready")
        bot = cls(process)
        bot.drain = asyncio.create_task(bot._forward_output())
        return bot

    async def _forward_output(self) -> None:
        """Keeps the child's stdout pipe from filling: its prints go to our stderr."""
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            sys.stderr.write(line.decode(errors="replace"))

    def status(self, field_name: str) -> int:
        """A /proc/<pid>/status memory figure (VmHWM = peak RSS, VmRSS) in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"stop\n")
        await self.process.stdin.drain()
        self.process.stdin.close()
        try:
            async with asyncio.timeout(30):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.drain is not None:
            await self.drain


# -- load and measurement ------------------------------------------------------------------


@dataclass
class Tracker:
    """Matches each bot message to the oldest unanswered user message in its chat.

    A user who waited ``patience`` gives up on a message (closed loop: and sends the next);
    a reply that comes for it later is counted late, with its full latency; one that never
    comes before the run settles is lost.
    """

    bot: BotProcess
    expected: int
    outstanding: dict[int, deque[float]] = field(default_factory=dict)
    abandoned: dict[int, deque[float]] = field(default_factory=dict)
    waiters: dict[int, asyncio.Future[None]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    late: int = 0
    extra: int = 0
    first_sent: float = 0.0
    last_answer: float = 0.0
    rss_mid: int = 0
    progress: asyncio.Event = field(default_factory=asyncio.Event)  # set by each answer

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def lost(self) -> int:
        return sum(len(waiting) for waiting in self.abandoned.values())

    def user_sent(self, chat_id: int) -> None:
        now = time.perf_counter()
        self.first_sent = self.first_sent or now
        self.sent += 1
        self.outstanding.setdefault(chat_id, deque()).append(now)

    def bot_sent(self, message: dict[str, Any]) -> None:
        now, chat_id = time.perf_counter(), message["chat"]["id"]
        waiting = self.outstanding.get(chat_id)
        given_up = self.abandoned.get(chat_id)
        if waiting:
            self.latencies.append(now - waiting.popleft())
            waiter = self.waiters.pop(chat_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif given_up:
            self.latencies.append(now - given_up.popleft())
            self.late += 1
        else:
            self.extra += 1
            return
        self.last_answer = now
        self.progress.set()
        if self.answered == self.expected // 2:
            self.rss_mid = self.bot.status("VmRSS")

    def give_up(self, chat_id: int) -> None:
        """The user stops waiting for this chat's oldest unanswered message."""
        waiting = self.outstanding.get(chat_id)
        if waiting:
            self.abandoned.setdefault(chat_id, deque()).append(waiting.popleft())

    async def settle(self, patience: float) -> None:
        """Waits up to ``patience`` for every reply still owed; what never comes is lost."""
        deadline = time.perf_counter() + patience
        while (self.lost or any(self.outstanding.values())) and time.perf_counter() < deadline:
            self.progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.progress.wait(), deadline - time.perf_counter())
        for chat_id, waiting in self.outstanding.items():
            for _ in range(len(waiting)):
                self.give_up(chat_id)


async def closed_loop(
    api: StandIn, tracker: Tracker, script: Script, users: int, turns: int, patience: float
) -> None:
    loop = asyncio.get_running_loop()

    async def converse(user: int) -> None:
        chat_id = FIRST_CHAT + user
        for text in script(user, turns):
            waiter = loop.create_future()
            tracker.waiters[chat_id] = waiter
            tracker.user_sent(chat_id)
            api.user_sends(chat_id, text)
            try:
                await asyncio.wait_for(waiter, patience)
            except TimeoutError:
                tracker.give_up(chat_id)

    await asyncio.gather(*(converse(user) for user in range(users)))


async def open_loop(
    api: StandIn, tracker: Tracker, script: Script, users: int, turns: int, rate: float
) -> None:
    lines = [script(user, turns) for user in range(users)]
    schedule = [(FIRST_CHAT + u, lines[u][t]) for t in range(turns) for u in range(users)]
    started = time.perf_counter()
    for index, (chat_id, text) in enumerate(schedule):
        pause = started + index / rate - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        tracker.user_sent(chat_id)
        api.user_sends(chat_id, text)


@dataclass(frozen=True)
class Figures:
    bot: str
    mode: str
    sent: int
    answered: int  # in time or late
    late: int  # after the user had given up waiting
    lost: int  # never, as far as the run could wait
    extra: int  # bot messages with no user message left to answer
    throughput: float  # answered per second
    p50_ms: float
    p99_ms: float
    peak_mb: float
    rss_mid_mb: float  # when half the expected answers were in; 0 if they never were
    rss_end_mb: float
    bot_cpu: float  # share of one core
    harness_cpu: float
    cpu_ms_per_update: float  # the bot's CPU per answer: holds on a busy machine too
    refused: int


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_one(bot: str, mode: str, args: argparse.Namespace) -> Figures:
    script: Script = load(SCRIPTS[args.script])
    profile = args.profile.resolve() / f"{bot}-{mode}.prof" if args.profile else None
    if profile is not None:
        profile.parent.mkdir(parents=True, exist_ok=True)
    async with StandIn(seed=args.seed) as api:
        process = await BotProcess.start(bot, api, args.users, args.turns, profile)
        try:
            await api.wait_until(lambda: bool(api.calls_to("getUpdates")), 30, "polling")
            api.faults.delay = args.delay_ms / 1000
            if args.refuse_429:
                api.faults.refuse("sendMessage", rate=args.refuse_429, retry_after=1)
            tracker = Tracker(process, args.users * args.turns)
            api.subscribe(tracker.bot_sent)
            cpu_bot, cpu_here = process.cpu_seconds(), time.process_time()
            if mode == "closed":
                await closed_loop(api, tracker, script, args.users, args.turns, args.reply_timeout)
            else:
                await open_loop(api, tracker, script, args.users, args.turns, args.rate)
            await tracker.settle(args.reply_timeout)
            elapsed = max(tracker.last_answer - tracker.first_sent, 1e-9)
            cpu_bot, cpu_here = process.cpu_seconds() - cpu_bot, time.process_time() - cpu_here
            peak, rss_end = process.status("VmHWM"), process.status("VmRSS")
        finally:
            await process.stop()
        if profile is not None:
            stats = pstats.Stats(str(profile), stream=sys.stderr)
            print(f"--- {bot} {mode}: where the bot's time went", file=sys.stderr)
            stats.sort_stats("tottime").print_stats(15)
        mb = 1024 * 1024
        return Figures(
            bot=bot,
            mode=mode if mode == "closed" else f"open@{args.rate:g}",
            sent=tracker.sent,
            answered=tracker.answered,
            late=tracker.late,
            lost=tracker.lost,
            extra=tracker.extra,
            throughput=tracker.answered / elapsed,
            p50_ms=_quantile(tracker.latencies, 0.5) * 1000,
            p99_ms=_quantile(tracker.latencies, 0.99) * 1000,
            peak_mb=peak / mb,
            rss_mid_mb=tracker.rss_mid / mb,
            rss_end_mb=rss_end / mb,
            bot_cpu=cpu_bot / elapsed,
            harness_cpu=cpu_here / elapsed,
            cpu_ms_per_update=cpu_bot * 1000 / max(tracker.answered, 1),
            refused=sum(api.faults.injected.values()),
        )


def table(results: Sequence[Figures]) -> str:
    ceiling = {f.mode: f.throughput for f in results if f.bot == CEILING}
    header = (
        f"{'bot':<22}{'mode':<10}{'sent':>7}{'answered':>9}{'late':>6}{'lost':>6}{'extra':>6}"
        f"{'upd/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'peak MB':>8}{'RSS mid/end':>12}"
        f"{'bot cpu':>8}{'harness':>8}{'cpu ms/upd':>11}{'x ceiling':>10}"
    )
    lines = [header, "-" * len(header)]
    for f in results:
        closed = f.mode == "closed" and f.mode in ceiling
        ratio = f"{f.throughput / ceiling[f.mode]:.2f}" if closed else "-"
        lines.append(
            f"{f.bot:<22}{f.mode:<10}{f.sent:>7}{f.answered:>9}{f.late:>6}{f.lost:>6}{f.extra:>6}"
            f"{f.throughput:>8.1f}{f.p50_ms:>8.1f}{f.p99_ms:>8.1f}{f.peak_mb:>8.1f}"
            f"{f'{f.rss_mid_mb:.0f}/{f.rss_end_mb:.0f}' if f.rss_mid_mb else '-':>12}"
            f"{f.bot_cpu:>7.0%} {f.harness_cpu:>7.0%} {f.cpu_ms_per_update:>10.2f} {ratio:>9}"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bot", action="append", choices=sorted(BOTS), help="repeatable")
    parser.add_argument("--script", default="echo", choices=sorted(SCRIPTS))
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--mode", choices=["closed", "open", "both"], default="both")
    parser.add_argument("--rate", type=float, default=100.0, help="open loop, updates/s")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="added to every API call")
    parser.add_argument("--refuse-429", type=float, default=0.0, help="share of sendMessage")
    parser.add_argument(
        "--reply-timeout", type=float, default=5.0, help="seconds a user waits for a reply"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="directory: cProfile each bot process")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # child process: run this bot
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> list[Figures]:
    modes = ["closed", "open"] if args.mode == "both" else [args.mode]
    results = []
    for bot in args.bot or [CEILING]:
        for mode in modes:
            results.append(await run_one(bot, mode, args))
            print(f"  done: {bot} {mode}", file=sys.stderr, flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.serve and args.profile_to:
        serve_bot_profiled(args.serve, args.api_base, args.token, args.profile_to)
        return
    if args.serve:
        asyncio.run(serve_bot(args.serve, args.api_base, args.token))
        return
    results = asyncio.run(run(args))
    print(
        f"{args.users} users x {args.turns} turns, delay {args.delay_ms:g} ms, "
        f"429 on {args.refuse_429:.0%} of sends, reply timeout {args.reply_timeout:g} s"
    )
    print(table(results))


if __name__ == "__main__":
    main()
