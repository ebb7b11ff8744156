"""Issue 12, item 3: no plan reaches a chat that has not verified.

An agent's plan states the debt, so offering one (or approving one) for an unverified
conversation answers 409, and the console's context panel says "not verified".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.handoff.calculator import PlanRequest
from bot.handoff.plans import plan_json
from bot.storage.models import Approval
from bot.web.console import STATIC
from tests.handoff_support import Person, World, console_app, make_world

Client = TestClient[web.Request, web.Application]
INSIDE = {"monthly": "600"}
LONGER = {"max_term_months": "18"}
BEYOND = {"monthly": "400", "overrides": LONGER}


@pytest.fixture
async def setup(storage: Storage, aiohttp_client: Callable[..., Any]) -> tuple[World, Client]:
    world = await make_world(storage)
    return world, await aiohttp_client(console_app(world))


def bearer(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[name]}"}


async def _unverified_handoff(world: World, person: Person) -> int:
    """The debtor asks for a person before answering the checks."""
    for line in ("/start A-10003", "/human"):
        await person.say(line)
    assert person.state == "handoff"
    async with world.storage.uow() as uow:
        conversation = await uow.conversations.for_chat(person.channel, person.chat_id)
        assert conversation is not None
        assert conversation.id is not None
        handoff = await uow.handoffs.open_for(conversation.id)
    assert handoff is not None
    assert handoff.id is not None
    return handoff.id


async def test_issue12_a_plan_for_an_unverified_chat_is_refused(
    setup: tuple[World, Client],
) -> None:
    world, client = setup
    debtor = world.person()
    handoff_id = await _unverified_handoff(world, debtor)
    ann = bearer(world, "ann")
    base = f"/console/api/handoffs/{handoff_id}"
    assert (await client.post(f"{base}/claim", headers=ann)).status == 200
    context = await (await client.get(base, headers=ann)).json()
    assert context["verified"] is False
    for request in (INSIDE, BEYOND):
        response = await client.post(f"{base}/plans", json={**request, "option": 0}, headers=ann)
        assert response.status == 409, await response.text()
        assert "verif" in (await response.json())["error"]
    assert await world.outbox(debtor, "agent") == []
    async with world.storage.uow() as uow:
        assert await uow.approvals.for_handoff(handoff_id) == []


async def test_issue12_an_approval_for_an_unverified_chat_is_refused(
    setup: tuple[World, Client],
) -> None:
    world, client = setup
    debtor = world.person()
    handoff_id = await _unverified_handoff(world, debtor)
    await world.desk.claim(handoff_id, world.people["ann"])
    calc = await world.desk.calculate(handoff_id, PlanRequest(Decimal("400"), overrides=LONGER))
    chosen = calc.options[0]
    assert chosen.breaches
    plan = plan_json(chosen.plan.as_json(), "CNY")
    async with world.storage.uow() as uow:  # a request stored before the check existed
        handoff = await uow.handoffs.get(handoff_id)
        assert handoff is not None
        assert handoff.account_id is not None
        approval = Approval(
            handoff_id=handoff_id,
            conversation_id=handoff.conversation_id,
            account_id=handoff.account_id,
            requested_by=world.people["ann"].id,
            plan=plan,
            request={**BEYOND, "option": 0},
            breaches=list(chosen.breaches),
        )
        uow.approvals.add(approval)
        await uow.commit()
    response = await client.post(
        f"/console/api/approvals/{approval.id}/approve",
        json={"note": "ok"},
        headers=bearer(world, "ada"),
    )
    assert response.status == 409, await response.text()
    assert await world.outbox(debtor, "agent") == []
    async with world.storage.uow() as uow:
        stored = await uow.approvals.get(approval.id or 0)
    assert stored is not None
    assert stored.status == "pending"


async def test_issue12_the_console_says_not_verified() -> None:
    script = STATIC.joinpath("console.js").read_text(encoding="utf-8")
    assert '"not verified' in script
