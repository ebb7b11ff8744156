"""``parley users add NAME --role agent|admin``: prints the token once, stores its hash."""

from __future__ import annotations

import argparse
import re
import secrets

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.identity import token_hash
from bot.storage.models import User
from bot.storage.ports import UnitOfWork

ROLES = ("agent", "admin")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def register(sub: SubParsers) -> None:
    users = sub.add_parser("users", help="agents and admins")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user and print their token once")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.set_defaults(run=_add)


async def _add(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        token = await add_user(uow, args.name, args.role)
        await uow.commit()
    ctx.print(f"{args.role} {args.name} added. Token (shown once, keep it safe):")
    ctx.print(token)
    return 0


async def add_user(uow: UnitOfWork, name: str, role: str) -> str:
    """Create a user in the caller's transaction and return the plain token."""
    if not _NAME.fullmatch(name):
        raise CommandError(
            "NAME must be 1–64 letters, digits, dots, dashes or underscores, starting with a "
            "letter or digit."
        )
    if role not in ROLES:
        raise CommandError(f"--role must be one of {', '.join(ROLES)}.")
    if await uow.users.by_name(name) is not None:
        raise CommandError(f"a user named {name!r} already exists.")
    token = "pk_" + secrets.token_urlsafe(32)
    uow.users.add(User(name=name, role=role, token_hash=token_hash(token)))
    uow.audit.append("user.added", "cli", {"name": name, "role": role})
    return token
