"""``parley users add NAME --role agent|admin`` (prints the token once, stores its hash),
``users list``, ``users disable NAME`` and ``users rotate NAME`` (prints the new token once).

Disable and rotate take effect at once: every request reads the user row, so the old token
and every session signed in with it are refused from the next request on.
"""

from __future__ import annotations

import argparse
import re
import secrets

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.identity import token_hash
from bot.storage.models import User, pk
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
    listing = actions.add_parser("list", help="who can sign in (never their tokens)")
    listing.set_defaults(run=_list)
    disable = actions.add_parser("disable", help="refuse a user's token and end their sessions")
    disable.add_argument("name")
    disable.set_defaults(run=_disable)
    rotate = actions.add_parser(
        "rotate", help="give a user a new token (printed once); the old one stops working"
    )
    rotate.add_argument("name")
    rotate.set_defaults(run=_rotate)


async def _add(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        token = await add_user(uow, args.name, args.role)
        await uow.commit()
    ctx.print(f"{args.role} {args.name} added. Token (shown once, keep it safe):")
    ctx.print(token)
    return 0


async def _list(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        users = await uow.users.everyone()
    if not users:
        ctx.print("No users yet: add one with `parley users add NAME --role agent`.")
    for user in users:
        status = "disabled" if user.disabled else "active"
        ctx.print(f"{user.name:<24} {user.role:<6} {status:<8} since {user.created_at:%Y-%m-%d}")
    return 0


async def _disable(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        await disable_user(uow, args.name, "cli")
        await uow.commit()
    ctx.print(f"{args.name} is disabled: their token and sessions no longer work.")
    return 0


async def _rotate(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        token = await rotate_token(uow, args.name, "cli")
        await uow.commit()
    ctx.print(f"{args.name} has a new token; the old one and its sessions no longer work.")
    ctx.print("New token (shown once, keep it safe):")
    ctx.print(token)
    return 0


def _new_token() -> str:
    return "pk_" + secrets.token_urlsafe(32)


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
    token = _new_token()
    uow.users.add(User(name=name, role=role, token_hash=token_hash(token)))
    uow.audit.append("user.added", "cli", {"name": name, "role": role})
    return token


async def _existing(uow: UnitOfWork, name: str) -> User:
    user = await uow.users.by_name(name) if _NAME.fullmatch(name) else None
    if user is None:
        raise CommandError(f"there is no user named {name[:64]!r}.")
    return user


async def disable_user(uow: UnitOfWork, name: str, actor: str) -> None:
    """Refuse the user's token and end their sessions, in the caller's transaction."""
    user = await _existing(uow, name)
    user.disabled = True
    await uow.users.end_sessions(pk(user))
    uow.audit.append("user.disabled", actor, {"name": name})


async def rotate_token(uow: UnitOfWork, name: str, actor: str) -> str:
    """A new token for the user (the old one and its sessions end); returns it."""
    user = await _existing(uow, name)
    token = _new_token()
    user.token_hash = token_hash(token)
    await uow.users.end_sessions(pk(user))
    uow.audit.append("user.token_rotated", actor, {"name": name})
    return token
