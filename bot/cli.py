"""``parley``: the command line (DESIGN §4). This is the composition root for commands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO, cast

from sqlalchemy.exc import OperationalError

from bot.commands.base import Command, CommandContext, CommandError
from bot.config import SettingsError, load_settings

# Each module adds its own sub-commands through ``register(subparsers)``.
COMMAND_MODULES = (
    "bot.commands.db",
    "bot.commands.accounts",
    "bot.commands.users",
    "bot.commands.chat",
    "bot.commands.dialogs",
    "bot.commands.offers",
    "bot.commands.policy",
    "bot.commands.serve",
    "bot.commands.guard",
    "bot.commands.reminders",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parley", description="Parley: self-service repayment negotiation bot."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 2
    ctx = CommandContext(settings, out or sys.stdout)
    run = cast(Command, args.run)
    try:
        return asyncio.run(_run(run, args, ctx))
    except CommandError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 1
    except SettingsError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"parley: the database could not be used: {exc.orig}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``parley chat --json | head``): leave quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def _run(run: Command, args: argparse.Namespace, ctx: CommandContext) -> int:
    try:
        return await run(args, ctx)
    finally:
        await ctx.close()
