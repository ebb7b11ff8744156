"""``parley guard inbound|outbound``: what the compliance guard makes of a text (DESIGN §4, §7).

    parley guard inbound TEXT [--lang LL] [--json]
    parley guard outbound TEXT --jurisdiction J [--json] [--timezone TZ] [--at ISO8601]
        [--proactive] [--prior ISO8601]... [--first-debt-message] [--states-debt]
        [--time-barred] [--validation-end DATE] [--hardship-shown] [--advice-signposted]
        [--creditor NAME] [--opted-out]

For `guard inbound`, TEXT "-" reads standard input one message per line and writes one
result per line read (one JSON line each with --json; a blank line is a message too and
reads "none", so outputs pair with inputs), loading the lexicons and the model once. A
line longer than MAX_STDIN_CHARS is read as its first MAX_STDIN_CHARS characters, the rest
of it skipped. For `guard outbound`, "-" reads all of standard input as one message.

A refused message is a result, not an error: the exit status is 0 whenever the guard could
judge the text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TextIO

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.compliance import (
    Detection,
    OutboundContext,
    check_outbound,
    detect,
    profile_for,
    resolve_language,
)
from bot.compliance.inbound import default_guard

#: Standard input read for TEXT "-" (per line for `inbound`); beyond it the guard would not
#: read anyway.
MAX_STDIN_CHARS = 1_000_000


def register(sub: SubParsers) -> None:
    parser = sub.add_parser("guard", help="what the compliance guard detects and allows")
    kinds = parser.add_subparsers(dest="guard_command", metavar="KIND", required=True)

    inbound = kinds.add_parser("inbound", help="what the inbound guard detects and does")
    inbound.add_argument(
        "text", metavar="TEXT", help='a debtor\'s message ("-": one per line on stdin)'
    )
    inbound.add_argument("--lang", metavar="LL", help="the chat's language (en, zh_CN, ...)")
    inbound.add_argument("--json", action="store_true", help="one JSON object per message")
    inbound.set_defaults(run=_inbound)

    outbound = kinds.add_parser("outbound", help="the outbound rules a message breaks")
    outbound.add_argument("text", metavar="TEXT", help='the message to send ("-": stdin)')
    outbound.add_argument("--jurisdiction", metavar="J", required=True, help="US, US-NY, GB, CN…")
    outbound.add_argument("--json", action="store_true", help="one JSON object")
    outbound.add_argument("--timezone", metavar="TZ", help="the debtor's IANA time zone")
    outbound.add_argument("--at", metavar="ISO8601", help="when it would be sent (default now)")
    outbound.add_argument(
        "--proactive", action="store_true", help="we write first (not a reply to the debtor)"
    )
    outbound.add_argument(
        "--prior",
        metavar="ISO8601",
        action="append",
        default=[],
        help="an earlier proactive contact (repeat for each)",
    )
    outbound.add_argument("--first-debt-message", action="store_true")
    outbound.add_argument("--states-debt", action="store_true", help="the message states the debt")
    outbound.add_argument("--time-barred", action="store_true")
    outbound.add_argument("--validation-end", metavar="DATE", help="US validation period end")
    outbound.add_argument("--hardship-shown", action="store_true")
    outbound.add_argument(
        "--advice-signposted", action="store_true", help="free debt advice was already given"
    )
    outbound.add_argument("--creditor", metavar="NAME", help="default: PARLEY_CREDITOR_NAME")
    outbound.add_argument("--opted-out", action="store_true")
    outbound.set_defaults(run=_outbound)


def _text(value: str) -> str:
    return sys.stdin.read(MAX_STDIN_CHARS) if value == "-" else value


def _lines(stream: TextIO) -> Iterator[str]:
    """The lines of `stream` without their ends, each cut at MAX_STDIN_CHARS."""
    while True:
        line = stream.readline(MAX_STDIN_CHARS)
        if not line:
            return
        if not line.endswith("\n"):
            rest = line
            while rest and not rest.endswith("\n"):  # skip the remainder of a huge line
                rest = stream.readline(MAX_STDIN_CHARS)
        yield line.rstrip("\r\n")


async def _inbound(args: argparse.Namespace, ctx: CommandContext) -> int:
    if args.lang is not None:
        try:
            resolve_language(args.lang, default_guard().languages)
        except ValueError as exc:
            raise CommandError(f"{exc}.") from None
    messages = _lines(sys.stdin) if args.text == "-" else iter((args.text,))
    for text in messages:
        _show(detect(text, args.lang), args.json, ctx)
        ctx.out.flush()
    return 0


def _show(detection: Detection, as_json: bool, ctx: CommandContext) -> None:
    if as_json:
        ctx.emit_json(detection.to_json())
        return
    ctx.print(f"{detection.category.value} (action: {detection.action.value})")
    if len(detection.categories) > 1:
        ctx.print("also: " + ", ".join(c.value for c in detection.categories[1:]))
    if detection.evidence:
        ctx.print("evidence: " + ", ".join(f'"{e}"' for e in detection.evidence))


def _moment(value: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be an ISO 8601 date and time, not {value!r}.") from None
    if moment.utcoffset() is None:
        raise CommandError(f"{option} needs a UTC offset, e.g. {value}+00:00 or {value}Z.")
    return moment


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--validation-end must be a date YYYY-MM-DD, not {value!r}.") from None


async def _outbound(args: argparse.Namespace, ctx: CommandContext) -> int:
    try:
        profile = profile_for(args.jurisdiction)
    except ValueError as exc:
        raise CommandError(f"{exc}.") from None
    context = OutboundContext(
        jurisdiction=profile.code,
        now=_moment(args.at, "--at") if args.at else datetime.now(UTC),
        timezone=args.timezone,
        proactive=args.proactive,
        prior_proactive_contacts=tuple(_moment(p, "--prior") for p in args.prior),
        states_debt=args.states_debt or args.first_debt_message,
        is_first_debt_message=args.first_debt_message,
        time_barred=args.time_barred,
        validation_end=_day(args.validation_end),
        hardship_shown=args.hardship_shown,
        debt_advice_signposted=args.advice_signposted,
        creditor_name=args.creditor if args.creditor is not None else ctx.settings.creditor_name,
        opted_out=args.opted_out,
    )
    verdict = check_outbound(_text(args.text), context)
    if args.json:
        ctx.emit_json(verdict.to_json())
        return 0
    ctx.print("allowed" if verdict.allowed else "not allowed")
    for reason in verdict.reasons:
        ctx.print(f"- {reason}")
    if verdict.defer_until is not None:
        ctx.print(f"may go at {verdict.defer_until.isoformat()}")
    return 0
