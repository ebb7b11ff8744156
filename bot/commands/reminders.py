"""``parley reminders run [--now ISO8601]``: send the due reminders the rules allow."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.reminders import run_reminders
from bot.wiring import build_engine


def register(sub: SubParsers) -> None:
    reminders = sub.add_parser("reminders", help="proactive reminders before instalments")
    actions = reminders.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="queue the reminders the outbound rules allow now")
    run.add_argument("--now", help="the time to judge at (ISO 8601 with a UTC offset)")
    run.set_defaults(run=_run)


async def _run(args: argparse.Namespace, ctx: CommandContext) -> int:
    now = _now(args.now)
    engine = build_engine(ctx.settings, await ctx.storage())
    results = await run_reminders(engine, now)
    for result in results:
        line = f"{result.outcome:8} {result.reference} due {result.due.isoformat()}"
        if result.defer_until is not None:
            line += f" (may go from {result.defer_until.isoformat()})"
        if result.reasons:
            line += ": " + "; ".join(result.reasons)
        ctx.print(line)
    sent = sum(1 for r in results if r.outcome == "sent")
    ctx.print(f"{sent} reminders queued, {len(results) - sent} held back or skipped.")
    return 0


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now must be an ISO 8601 time, such as 2026-12-01T09:00+08:00 (got {value[:40]!r})."
        ) from None
    if parsed.tzinfo is None:
        raise CommandError("--now must include a UTC offset, such as +00:00 or Z.")
    return parsed
