"""``parley serve [--demo]``: the web chat, console, admin, API and /metrics (DESIGN §4)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime

from bot.commands.base import CommandContext, SubParsers
from bot.serve import serve


def register(sub: SubParsers) -> None:
    parser = sub.add_parser(
        "serve", help="web chat, console, admin, API and /metrics (and Telegram with a token)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo portfolio first (idempotent) and print one-time sign-in tokens",
    )
    parser.set_defaults(run=_serve)


async def _serve(args: argparse.Namespace, ctx: CommandContext) -> int:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    storage = await ctx.storage()
    await serve(ctx.settings, storage, ctx.out, demo=args.demo, today=datetime.now(UTC).date())
    return 0
