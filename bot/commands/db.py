"""``parley db upgrade``."""

from __future__ import annotations

import argparse

from bot.commands.base import CommandContext, SubParsers


def register(sub: SubParsers) -> None:
    db = sub.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="apply migrations")
    up.set_defaults(run=_upgrade)


async def _upgrade(_args: argparse.Namespace, ctx: CommandContext) -> int:
    await ctx.storage()  # opening storage applies the migrations
    ctx.print("Database is up to date.")
    return 0
