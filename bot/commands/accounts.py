"""``parley import-accounts FILE.csv [--update]``: all rows or none."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.portfolio import Portfolio, PortfolioError, read_portfolio
from bot.storage.ports import UnitOfWork


def register(sub: SubParsers) -> None:
    parser = sub.add_parser("import-accounts", help="import a portfolio CSV, all rows or none")
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument(
        "--update", action="store_true", help="update accounts whose reference already exists"
    )
    parser.set_defaults(run=_import)


async def _import(args: argparse.Namespace, ctx: CommandContext) -> int:
    path: Path = args.file
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}.") from None
    storage = await ctx.storage()
    try:
        portfolio = read_portfolio(data, storage.key, today=datetime.now(UTC).date())
    except PortfolioError as exc:
        raise CommandError(f"{path}: {exc}; nothing was imported.") from None
    async with storage.uow() as uow:
        added, updated = await import_portfolio(uow, portfolio, update=args.update)
        await uow.commit()
    ctx.print(f"Imported {added} accounts" + (f", updated {updated}." if args.update else "."))
    return 0


async def import_portfolio(
    uow: UnitOfWork, portfolio: Portfolio, *, update: bool
) -> tuple[int, int]:
    """Write a validated portfolio in the caller's transaction; returns (added, updated)."""
    existing = await uow.accounts.existing_references(portfolio.lines)
    if existing and not update:
        first = min(existing, key=portfolio.lines.__getitem__)
        raise CommandError(
            f"line {portfolio.lines[first]}, column reference: {first!r} already exists; "
            "use --update to change existing accounts; nothing was imported."
        )
    new_rows = [row for row in portfolio.rows if row["reference"] not in existing]
    old_rows = [row for row in portfolio.rows if row["reference"] in existing]
    await uow.accounts.insert_many(new_rows)
    await uow.accounts.update_many(old_rows)
    uow.audit.append(
        "accounts.imported", "cli", {"added": len(new_rows), "updated": len(old_rows)}
    )
    return len(new_rows), len(old_rows)
