"""The console's HTTP and WebSocket API with aiohttp's test client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.web.auth import CSRF_HEADER
from bot.web.console import STATIC
from tests.handoff_support import World, console_app, make_world

Client = TestClient[web.Request, web.Application]
pytestmark = pytest.mark.parametrize("storage", ["sqlite"], indirect=True)


@pytest.fixture
async def setup(storage: Storage, aiohttp_client: Callable[..., Any]) -> tuple[World, Client]:
    world = await make_world(storage)
    return world, await aiohttp_client(console_app(world))


def bearer(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[name]}"}


def path(handoff_id: int, action: str = "") -> str:
    base = f"/console/api/handoffs/{handoff_id}"
    return f"{base}/{action}" if action else base


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/console/api/queue"),
        ("GET", "/console/api/handoffs/1"),
        ("POST", "/console/api/handoffs/1/claim"),
        ("POST", "/console/api/handoffs/1/messages"),
        ("POST", "/console/api/handoffs/1/return"),
        ("GET", "/console/api/approvals"),
        ("GET", "/console/ws"),
    ],
)
async def test_everything_needs_a_token(
    setup: tuple[World, Client], method: str, url: str
) -> None:
    _, client = setup
    response = await client.request(method, url)
    assert response.status == 401


async def test_the_page_sends_strangers_to_the_login(setup: tuple[World, Client]) -> None:
    world, client = setup
    response = await client.get("/console", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/console/login"
    login = await client.get("/console/login")
    assert login.status == 200
    assert "default-src 'none'" in login.headers["Content-Security-Policy"]
    page = await client.get("/console", headers=bearer(world, "ann"))
    assert page.status == 200
    assert "console.js" in await page.text()
    assert (await client.get("/console/static/console.js")).status == 200
    assert (await client.get("/console/static/..%2Fconsole.py")).status == 404


async def test_nothing_on_the_page_loads_from_another_host(setup: tuple[World, Client]) -> None:
    for name in ("console.html", "console-login.html", "console.js", "console-login.js"):
        text = (STATIC / name).read_text()
        assert "http://" not in text
        assert "https://" not in text
        assert "innerHTML" not in text


async def test_claim_reply_and_return_over_http(setup: tuple[World, Client]) -> None:
    world, client = setup
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann = bearer(world, "ann")
    queue = await (await client.get("/console/api/queue", headers=ann)).json()
    assert [(i["id"], i["status"], i["reason"]) for i in queue["items"]] == [
        (handoff_id, "queued", "human_requested")
    ]
    claimed = await client.post(path(handoff_id, "claim"), headers=ann)
    assert claimed.status == 200
    assert (await claimed.json())["agent"] == "ann"
    refused = await client.post(
        path(handoff_id, "messages"),
        json={"text": "We will send the police to arrest you"},
        headers=ann,
    )
    assert refused.status == 422
    body = await refused.json()
    assert body["sent"] is False
    assert any(r.startswith("banned.threat") for r in body["reasons"])
    good = await client.post(
        path(handoff_id, "messages"), json={"text": "Hi, I'm Ann, happy to help."}, headers=ann
    )
    assert good.status == 200
    assert [m.text for m in world.pushed.messages] == ["Hi, I'm Ann, happy to help."]
    context = await (await client.get(path(handoff_id), headers=ann)).json()
    assert context["verified"] is True
    assert context["account"]["reference"] == "A-10003"
    assert context["limits"]["segment"] == "cn-card-early"
    assert context["min_monthly"] is not None
    statuses = [
        (m["sender"], m["status"]) for m in context["transcript"] if m["sender"] == "agent"
    ]
    assert statuses == [("agent", "blocked"), ("agent", "pending")]
    back = await client.post(path(handoff_id, "return"), json={"state": "offer"}, headers=ann)
    assert back.status == 200
    assert (await back.json())["state"] == "offer"
    assert (await (await client.get("/console/api/queue", headers=ann)).json())["items"] == []


@pytest.mark.parametrize(
    ("who", "action", "body", "status"),
    [
        ("bob", "messages", {"text": "hi"}, 403),  # ann holds it
        ("bob", "claim", None, 403),
        ("bob", "return", {"state": "offer"}, 403),
        ("bob", "release", None, 403),
        ("ann", "return", {"state": "nowhere"}, 400),
        ("ann", "messages", {"text": ""}, 400),
        ("ann", "messages", {"text": 5}, 400),
        ("ann", "plans", {"option": "first"}, 400),
    ],
)
async def test_another_agents_handoff_and_bad_input(
    setup: tuple[World, Client], who: str, action: str, body: Any, status: int
) -> None:
    world, client = setup
    handoff_id = await world.handoff(world.person())
    await client.post(path(handoff_id, "claim"), headers=bearer(world, "ann"))
    response = await client.post(path(handoff_id, action), json=body, headers=bearer(world, who))
    assert response.status == status
    assert "error" in await response.json()


async def test_unclaimed_and_ended_handoffs_are_conflicts(setup: tuple[World, Client]) -> None:
    world, client = setup
    handoff_id = await world.handoff(world.person())
    ann = bearer(world, "ann")
    assert (
        await client.post(path(handoff_id, "messages"), json={"text": "hi"}, headers=ann)
    ).status == 409
    await client.post(path(handoff_id, "claim"), headers=ann)
    assert (
        await client.post(path(handoff_id, "close"), json={"note": "done"}, headers=ann)
    ).status == 200
    assert (await client.post(path(handoff_id, "claim"), headers=ann)).status == 409
    assert (await client.get(path(999), headers=ann)).status == 404


async def test_cookie_sessions_need_the_csrf_token(setup: tuple[World, Client]) -> None:
    world, client = setup
    handoff_id = await world.handoff(world.person())
    login = await client.post("/auth/login", json={"token": world.tokens["ann"]})
    csrf = (await login.json())["csrf"]
    assert (await client.get("/console/api/queue")).status == 200
    assert (await client.post(path(handoff_id, "claim"))).status == 403
    assert (await world.handoff_row(handoff_id)).status == "queued"
    foreign = {CSRF_HEADER: csrf, "Origin": "https://attacker.example"}
    assert (await client.post(path(handoff_id, "claim"), headers=foreign)).status == 403
    assert (
        await client.post(path(handoff_id, "claim"), headers={CSRF_HEADER: csrf})
    ).status == 200


async def test_plans_and_approvals_over_http(setup: tuple[World, Client]) -> None:
    world, client = setup
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    ann, ada = bearer(world, "ann"), bearer(world, "ada")
    await client.post(path(handoff_id, "claim"), headers=ann)
    request = {"monthly": "400", "overrides": {"max_term_months": "18"}}
    calc = await (
        await client.post(path(handoff_id, "calculate"), json=request, headers=ann)
    ).json()
    assert calc["options"][0]["within_limits"] is False
    assert calc["options"][0]["breaches"]
    bad = await client.post(
        path(handoff_id, "calculate"), json={"overrides": {"max_term_months": "999"}}, headers=ann
    )
    assert bad.status == 400
    asked = await client.post(
        path(handoff_id, "plans"), json={**request, "option": 0, "note": "Longer?"}, headers=ann
    )
    assert asked.status == 202
    approval_id = (await asked.json())["approval_id"]
    assert (await client.get("/console/api/approvals", headers=ann)).status == 403
    pending = await (await client.get("/console/api/approvals", headers=ada)).json()
    assert [a["id"] for a in pending["items"]] == [approval_id]
    assert await world.outbox(debtor, "agent") == []
    denied_for_agent = await client.post(
        f"/console/api/approvals/{approval_id}/approve", headers=ann
    )
    assert denied_for_agent.status == 403
    approved = await client.post(
        f"/console/api/approvals/{approval_id}/approve", json={"note": "ok"}, headers=ada
    )
    assert approved.status == 200
    assert (await approved.json())["status"] == "sent"
    assert [m.status for m in await world.outbox(debtor, "agent")] == ["pending"]


async def _next(ws: Any, kind: str) -> dict[str, Any]:
    """The next event of ``kind`` (others are skipped), within two seconds."""
    async with asyncio.timeout(2):
        while True:
            message = await ws.receive()
            assert message.type is WSMsgType.TEXT, message
            event: dict[str, Any] = message.json()
            if event["type"] == kind:
                return event


async def test_the_websocket_pushes_the_queue_live(setup: tuple[World, Client]) -> None:
    world, client = setup
    ws = await client.ws_connect("/console/ws", headers=bearer(world, "ann"))
    hello = await _next(ws, "hello")
    assert hello["user"] == {"name": "ann", "role": "agent"}
    assert (await _next(ws, "queue"))["items"] == []
    handoff_id = await world.handoff(world.person())
    event = await _next(ws, "queue")
    assert [i["id"] for i in event["items"]] == [handoff_id]
    await client.post(path(handoff_id, "claim"), headers=bearer(world, "bob"))
    event = await _next(ws, "queue")
    assert event["items"][0]["agent"] == "bob"
    assert (await _next(ws, "handoff"))["id"] == handoff_id
    await ws.close()


async def test_the_websocket_refuses_a_foreign_origin(setup: tuple[World, Client]) -> None:
    world, client = setup
    headers = {**bearer(world, "ann"), "Origin": "https://attacker.example"}
    response = await client.get("/console/ws", headers=headers)
    assert response.status == 403
