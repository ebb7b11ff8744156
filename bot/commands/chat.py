"""``parley chat [--ref REF] [--lang LL] [--json] [--demo]``: the dialog in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import UTC, datetime

from bot.channels.terminal import TerminalChat, run_lines
from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.demo import load_demo
from bot.wiring import build_engine


def register(sub: SubParsers) -> None:
    parser = sub.add_parser("chat", help="talk to the bot in the terminal")
    parser.add_argument("--ref", help="start as after /start REF (the bot speaks first)")
    parser.add_argument("--lang", help="the chat client's language, e.g. en or zh-CN")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--demo", action="store_true", help="load the demo portfolio first")
    parser.set_defaults(run=_chat)


async def _chat(args: argparse.Namespace, ctx: CommandContext) -> int:
    storage = await ctx.storage()
    if args.demo:
        async with storage.uow() as uow:
            await load_demo(uow, storage.key, datetime.now(UTC).date())
            await uow.commit()
    if args.ref is not None and len(args.ref) > 64:
        raise CommandError("--ref must be at most 64 characters.")
    engine = build_engine(ctx.settings, storage)
    chat_id = f"ref:{args.ref}" if args.ref else f"user:{getpass.getuser()}"
    chat = TerminalChat(engine, chat_id, ctx.out, args.json, client_language=args.lang)
    if not args.json and args.ref is None:
        ctx.print(
            "Parley chat. Type the account reference to begin; /help for help; Ctrl-D to leave."
        )
    try:
        await chat.open(args.ref)
        await run_lines(chat, lambda: asyncio.to_thread(sys.stdin.readline))
    finally:
        await engine.close()
    if not args.json:
        ctx.print()
    return 0
