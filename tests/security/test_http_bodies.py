"""Issue 12, item 4: a request body that arrives in several TCP packets is read whole."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from tests.handoff_support import console_app, make_world

Client = TestClient[web.Request, web.Application]


async def _in_pieces(body: bytes, size: int = 5) -> AsyncIterator[bytes]:
    """The body in small writes with pauses between them, as a slow network delivers it."""
    for start in range(0, len(body), size):
        yield body[start : start + size]
        await asyncio.sleep(0.01)


async def test_issue12_console_reply_split_across_packets_is_sent(
    storage: Storage, aiohttp_client: Callable[..., Any]
) -> None:
    world = await make_world(storage)
    client: Client = await aiohttp_client(console_app(world))
    ann = {"Authorization": f"Bearer {world.tokens['ann']}", "Content-Type": "application/json"}
    handoff_id = await world.handoff(world.person())
    claimed = await client.post(f"/console/api/handoffs/{handoff_id}/claim", headers=ann)
    assert claimed.status == 200
    body = b'{"text": "Hi, I am Ann. I am here to help you find a plan that works."}'
    reply = await client.post(
        f"/console/api/handoffs/{handoff_id}/messages", data=_in_pieces(body), headers=ann
    )
    assert reply.status == 200, await reply.text()
    assert [m.text for m in world.pushed.messages][-1].startswith("Hi, I am Ann.")
    plan = await client.post(
        f"/console/api/handoffs/{handoff_id}/calculate",
        data=_in_pieces(b'{"monthly": "300", "holiday_months": 0}'),
        headers=ann,
    )
    assert plan.status == 200, await plan.text()


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
async def test_issue12_console_body_over_the_limit_is_refused_whole(
    storage: Storage, aiohttp_client: Callable[..., Any]
) -> None:
    world = await make_world(storage)
    client: Client = await aiohttp_client(console_app(world))
    ann = {"Authorization": f"Bearer {world.tokens['ann']}", "Content-Type": "application/json"}
    handoff_id = await world.handoff(world.person())
    await client.post(f"/console/api/handoffs/{handoff_id}/claim", headers=ann)
    big = b'{"text": "' + b"a" * (70 * 1024) + b'"}'
    reply = await client.post(
        f"/console/api/handoffs/{handoff_id}/messages", data=_in_pieces(big, 8192), headers=ann
    )
    assert reply.status == 413
    assert world.pushed.messages == []
