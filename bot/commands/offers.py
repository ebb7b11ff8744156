"""``parley offers REF [--monthly AMOUNT] [--json]``: the plans the bot may offer now.

"Now" is today in the account's own time zone. The limits are the account segment's
policy, or the ``default`` segment's when it has none (see ``bot/commands/policy.py``).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.commands.policy import SegmentLimits, limits_for
from bot.offers import (
    AccountTerms,
    MoneyError,
    OfferError,
    OfferResult,
    choose_plans,
    parse_amount,
    plain,
)
from bot.storage.models import Account


def register(sub: SubParsers) -> None:
    parser = sub.add_parser("offers", help="the plans the bot may offer an account now")
    parser.add_argument("reference", metavar="REF")
    parser.add_argument(
        "--monthly", metavar="AMOUNT", help="only plans whose regular payment is at most this"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(run=_offers)


async def _offers(args: argparse.Namespace, ctx: CommandContext) -> int:
    reference = str(args.reference)
    if not 0 < len(reference) <= 64:
        raise CommandError("REF must be 1–64 characters.")
    async with await ctx.uow() as uow:
        account = await uow.accounts.by_reference(reference)
        if account is None:
            raise CommandError(f"no account has the reference {reference!r}.")
        policy = await limits_for(uow, account.segment)
    terms = _terms(account)
    monthly = None
    if args.monthly is not None:
        try:
            monthly = parse_amount(args.monthly, terms.currency, what="--monthly")
        except MoneyError as exc:
            raise CommandError(str(exc).rstrip(".") + ".") from None
    try:
        result = choose_plans(terms, policy.limits, _today(account.timezone), monthly)
    except OfferError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        ctx.emit_json({**result.as_json(), "segment": account.segment, "policy": _source(policy)})
    else:
        _print(ctx, result, account.segment, policy, monthly)
    return 0


def _terms(account: Account) -> AccountTerms:
    try:
        return AccountTerms(
            reference=account.reference,
            currency=account.currency,
            principal=Decimal(account.principal),
            interest=Decimal(account.interest),
            fees=Decimal(account.fees),
            apr=Decimal(account.apr),
            days_past_due=account.days_past_due,
            time_barred=account.time_barred,
        )
    except OfferError as exc:
        raise CommandError(str(exc)) from None


def _today(timezone: str) -> date:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(UTC).astimezone(zone).date()


def _source(policy: SegmentLimits) -> dict[str, str | int]:
    return {"segment": policy.segment, "version": policy.version}


def _print(
    ctx: CommandContext,
    result: OfferResult,
    segment: str,
    policy: SegmentLimits,
    monthly: Decimal | None,
) -> None:
    cur = result.currency
    version = "built-in" if policy.version == 0 else f"version {policy.version}"
    ctx.print(
        f"{result.reference}: balance {plain(result.balance)} {cur}, segment {segment} "
        f"(limits of {policy.segment}, {version})"
    )
    if result.limits_reached is not None:
        least = result.limits_reached.min_monthly
        asked = "" if monthly is None else f" {plain(monthly)} {cur} a month"
        tail = (
            ""
            if least is None
            else f"; the least an in-limit plan needs is {plain(least)} {cur} a month"
        )
        ctx.print(f"Nothing inside the limits fits{asked}{tail}.")
        return
    for number, plan in enumerate(result.options, start=1):
        first, last = plan.instalments[0], plan.instalments[-1]
        if plan.months == 1:
            shape = f"{plain(first.amount)} {cur} by {first.due}"
        else:
            shape = (
                f"{plan.months} × {plain(plan.monthly)} {cur} from {first.due} to {last.due}"
                + ("" if last.amount == plan.monthly else f" (last {plain(last.amount)})")
            )
        ctx.print(f"{number}. {plan.kind.value}: {shape}")
        ctx.print(
            f"   total {plain(plan.total)}, APR {plain(plan.apr)}%, saves {plain(plan.saving)}"
            f"; valid until {plan.valid_until}"
        )
        ctx.print(f"   {plan.reason.text}")
