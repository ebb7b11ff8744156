"""``parley policy show [SEGMENT] [--json]`` · ``policy set SEGMENT KEY=VALUE… --by NAME`` ·
``policy history SEGMENT [--json]``: the offer limits of each segment (DESIGN §8).

Until an admin sets it, the ``default`` segment holds the built-in limits
(``bot.offers.DEFAULT_LIMITS``, shown as version 0). A segment without a policy of its own
uses the ``default`` segment's; the first ``policy set`` on it starts from those.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.commands.base import CommandContext, CommandError, SubParsers
from bot.offers import DEFAULT_LIMITS, DEFAULT_SEGMENT, KEYS, Limits, PolicyError, diff
from bot.storage.models import Policy
from bot.storage.ports import UnitOfWork

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_BUILT_IN = "built-in"


@dataclass(frozen=True, slots=True)
class SegmentLimits:
    """The limits in force for a segment, and where they come from."""

    segment: str  # the segment whose policy applies (``default`` when falling back)
    version: int  # 0: the built-in default limits
    limits: Limits
    created_by: str
    created_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "version": self.version,
            "limits": self.limits.as_json(),
            "created_by": self.created_by,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
        }


def register(sub: SubParsers) -> None:
    policy = sub.add_parser("policy", help="offer limits per segment")
    actions = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the limits in force (all segments without SEGMENT)")
    show.add_argument("segment", nargs="?", metavar="SEGMENT")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(run=_show)
    change = actions.add_parser("set", help="store a new version of a segment's limits")
    change.add_argument("segment", metavar="SEGMENT")
    change.add_argument("pairs", nargs="+", metavar="KEY=VALUE")
    change.add_argument("--by", required=True, metavar="NAME", help="who makes the change")
    change.set_defaults(run=_set)
    history = actions.add_parser("history", help="every version of a segment's limits")
    history.add_argument("segment", metavar="SEGMENT")
    history.add_argument("--json", action="store_true", help="one JSON object per line")
    history.set_defaults(run=_history)


async def limits_for(uow: UnitOfWork, segment: str) -> SegmentLimits:
    """The limits that apply to accounts of `segment`: its own, else the default's."""
    own = await uow.policies.latest(segment)
    if own is not None:
        return _from_row(own)
    return await _default(uow)


async def _default(uow: UnitOfWork) -> SegmentLimits:
    stored = await uow.policies.latest(DEFAULT_SEGMENT)
    if stored is not None:
        return _from_row(stored)
    return SegmentLimits(DEFAULT_SEGMENT, 0, DEFAULT_LIMITS, _BUILT_IN, None)


def _from_row(row: Policy) -> SegmentLimits:
    try:
        limits = Limits.parse({k: str(v) for k, v in row.limits.items()})
    except PolicyError as exc:
        raise CommandError(
            f"the stored policy of segment {row.segment!r} (version {row.version}) is invalid: "
            f"{exc}"
        ) from None
    return SegmentLimits(row.segment, row.version, limits, row.created_by, row.created_at)


class PolicyChangeError(Exception):
    """Refused; ``status`` is the HTTP status that fits (409 or 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PolicyChange:
    segment: str
    version: int
    changes: Mapping[str, tuple[str | None, str]]  # empty: nothing changed
    limits: Limits


async def change_limits(
    uow: UnitOfWork, segment: str, values: Mapping[str, str], author: str, actor: str
) -> PolicyChange:
    """Store a new version of ``segment``'s limits in the caller's transaction (the CLI, the
    admin page and the API all change limits through here).

    Keys not given keep their current values (a segment's first version starts from the
    ``default`` segment's). Nothing is stored when no value changes.
    """
    before = await limits_for(uow, segment)
    try:
        after = Limits.parse(values, before.limits)
    except PolicyError as exc:
        raise PolicyChangeError(422, f"{str(exc).rstrip('.')}; nothing was changed.") from None
    first = before.segment != segment or before.version == 0
    changes: dict[str, tuple[str | None, str]]
    if first:  # a segment's first version records every value, as the CLI and demo do
        changes = {k: (None, v) for k, v in after.as_strings().items()}
    else:
        changes = dict(diff(before.limits, after))
    if not changes:
        return PolicyChange(segment, before.version, {}, before.limits)
    try:
        row = await uow.policies.add_version(segment, after.as_strings(), changes, author)
    except IntegrityError:
        raise PolicyChangeError(
            409,
            f"segment {segment!r} was changed by someone else at the same time; "
            "nothing was changed, try again.",
        ) from None
    uow.audit.append(
        "policy.changed",
        actor,
        {
            "segment": segment,
            "by": author,
            "changes": {k: [old, new] for k, (old, new) in changes.items()},
        },
        policy_version=row.version,
    )
    return PolicyChange(segment, row.version, changes, after)


def _check_name(value: str, what: str) -> str:
    if not _NAME.fullmatch(value):
        raise CommandError(
            f"{what} must be 1–64 letters, digits, dots, dashes or underscores, starting with "
            "a letter or digit."
        )
    return value


async def _show(args: argparse.Namespace, ctx: CommandContext) -> int:
    async with await ctx.uow() as uow:
        if args.segment is None:
            segments = sorted({DEFAULT_SEGMENT, *await uow.policies.segments()})
            shown = [await limits_for(uow, s) for s in segments]
        else:
            segment = _check_name(args.segment, "SEGMENT")
            found = await limits_for(uow, segment)
            if found.segment != segment:
                raise CommandError(
                    f"segment {segment!r} has no policy of its own; its accounts use the "
                    f"{DEFAULT_SEGMENT!r} segment's limits (see `parley policy show "
                    f"{DEFAULT_SEGMENT}`)."
                )
            shown = [found]
    for item in shown:
        if args.json:
            ctx.emit_json(item.as_json())
        else:
            _print_limits(ctx, item)
    return 0


def _print_limits(ctx: CommandContext, item: SegmentLimits) -> None:
    origin = "built-in" if item.version == 0 else f"version {item.version} by {item.created_by}"
    when = "" if item.created_at is None else f", {item.created_at:%Y-%m-%d %H:%M} UTC"
    ctx.print(f"{item.segment} ({origin}{when})")
    for key, value in item.limits.as_strings().items():
        ctx.print(f"  {key:<28} {value}")


def _pairs(raw: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in raw:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"{pair[:60]!r} is not KEY=VALUE; the keys are {', '.join(KEYS)}.")
        if key in values:
            raise CommandError(f"{key} is given twice.")
        values[key] = value
    return values


async def _set(args: argparse.Namespace, ctx: CommandContext) -> int:
    segment = _check_name(args.segment, "SEGMENT")
    author = _check_name(args.by, "--by NAME")
    values = _pairs(args.pairs)
    async with await ctx.uow() as uow:
        try:
            change = await change_limits(uow, segment, values, author, f"admin:{author}")
        except PolicyChangeError as exc:
            raise CommandError(str(exc)) from None
        if not change.changes:
            ctx.print(f"{segment}: no change; version {change.version} stays in force.")
            return 0
        await uow.commit()
    ctx.print(f"{segment}: version {change.version} by {author}")
    for key, (old, new) in change.changes.items():
        ctx.print(f"  {key:<28} {'–' if old is None else old} → {new}")
    return 0


async def _history(args: argparse.Namespace, ctx: CommandContext) -> int:
    segment = _check_name(args.segment, "SEGMENT")
    async with await ctx.uow() as uow:
        rows = await uow.policies.history(segment)
    if not rows and segment != DEFAULT_SEGMENT:
        raise CommandError(
            f"segment {segment!r} has no policy of its own; its accounts use the "
            f"{DEFAULT_SEGMENT!r} segment's limits."
        )
    if not rows:
        item = SegmentLimits(DEFAULT_SEGMENT, 0, DEFAULT_LIMITS, _BUILT_IN, None)
        if args.json:
            ctx.emit_json({**item.as_json(), "changes": {}})
        else:
            ctx.print(f"{DEFAULT_SEGMENT}: built-in limits, never changed.")
        return 0
    for row in rows:
        changes = {k: list(v) for k, v in row.changes.items()}
        if args.json:
            ctx.emit_json({**_from_row(row).as_json(), "changes": changes})
            continue
        ctx.print(
            f"version {row.version}  {row.created_at:%Y-%m-%d %H:%M} UTC  by {row.created_by}"
        )
        for key, (old, new) in changes.items():
            ctx.print(f"  {key:<28} {'–' if old is None else old} → {new}")
    return 0
