"""The bundled demo portfolio and its policies, loaded idempotently."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files

from bot.portfolio import read_portfolio
from bot.storage.ports import UnitOfWork


def demo_csv() -> bytes:
    return files(__package__).joinpath("portfolio.csv").read_bytes()


def demo_policies() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(
        files(__package__).joinpath("policies.json").read_text("utf-8")
    )
    return data


async def load_demo(uow: UnitOfWork, key: bytes, today: date) -> int:
    """Add the demo accounts and policies that are missing; returns accounts added.

    Existing accounts and policies are left as they are, so a second load changes nothing
    and an admin's later policy changes survive a restart with ``--demo``.
    """
    portfolio = read_portfolio(demo_csv(), key, today=today)
    existing = await uow.accounts.existing_references(portfolio.lines)
    rows = [row for row in portfolio.rows if row["reference"] not in existing]
    await uow.accounts.insert_many(rows)
    for segment, limits in demo_policies().items():
        if await uow.policies.latest(segment) is None:
            changes = {name: (None, value) for name, value in limits.items()}
            policy = await uow.policies.add_version(segment, limits, changes, "demo")
            uow.audit.append(
                "policy.changed",
                "demo",
                {"segment": segment, "changes": {k: [None, v] for k, v in limits.items()}},
                policy_version=policy.version,
            )
    if rows:
        uow.audit.append("accounts.imported", "demo", {"added": len(rows), "updated": 0})
    return len(rows)
