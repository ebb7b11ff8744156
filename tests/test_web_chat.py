"""The web chat over real HTTP: the signed session, the whole dialog, delivery, limits."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlmodel import col

from bot.commands.base import Storage
from bot.storage.models import Arrangement, Message
from bot.web.app import CONTENT_SECURITY_POLICY
from bot.web.webchat import COOKIE, read_chat_id, sign_chat_id
from tests.web_support import PLAN_STEPS, WebDebtor, token, web_app

Client = Callable[..., Any]


async def _client(storage: Storage, aiohttp_client: Client) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = await aiohttp_client(await web_app(storage))
    return client


async def _count(storage: Storage, *where: Any) -> int:
    async with storage.factory() as session:
        query = select(func.count()).select_from(Message)
        for clause in where:
            query = query.where(clause)
        return int((await session.execute(query)).scalar_one())


async def test_the_page_sets_a_signed_http_only_cookie_and_strict_headers(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert read_chat_id(storage.key, cookie.value) is not None
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "http" not in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = await response.text()
    assert '<script src="/static/chat.js"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    script = await client.get("/static/chat.js")
    assert script.status == 200
    body = await script.text()
    assert "innerHTML" not in body
    assert "textContent" in body


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-cookie",
        "wAAAAAAAAAAAAAAAAAAAAAAAA.forged",
        "w" + "A" * 24 + "." + "x" * 43,
        "x" * 500,
    ],
)
def test_a_forged_or_malformed_cookie_is_not_a_session(value: str) -> None:
    key = b"k" * 32
    assert read_chat_id(key, value) is None


def test_a_cookie_signed_with_another_key_is_refused() -> None:
    chat_id = "w" + "B" * 24
    signed = sign_chat_id(b"a" * 32, chat_id)
    assert read_chat_id(b"a" * 32, signed) == chat_id
    assert read_chat_id(b"b" * 32, signed) is None


async def test_a_debtor_agrees_a_plan_and_a_reload_shows_the_same_conversation(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    debtor = WebDebtor(client)
    first = await debtor.send(start="A-20001")
    assert first["state"] == "verify"
    for step in PLAN_STEPS:
        await debtor.send(**step)
    last = debtor.replies[-1]
    assert last["state"] == "closed"
    assert "payment reference" in last["messages"][0]["text"]
    async with storage.factory() as session:
        arrangements = (await session.execute(select(Arrangement))).scalars().all()
    assert [a.payment_reference[:6] for a in arrangements] == ["A20001"]

    # A reload: the same cookie, a fresh page, the same transcript.
    shown = (await debtor.history())["messages"]
    bot_texts = [m["text"] for m in shown if m["from"] == "bot"]
    assert bot_texts == debtor.texts
    mine = [m["text"] for m in shown if m["from"] == "you"]
    assert mine[:2] == ["[date of birth]", "[phone digits]"]  # issue 12: never in plain text
    assert "Job loss or less income" in mine  # a pressed button shows by its label
    assert await _count(storage, col(Message.status) == "pending") == 0


async def test_another_browser_gets_another_conversation(
    storage: Storage, aiohttp_client: Client
) -> None:
    app = await web_app(storage)
    one: TestClient[Any, Any] = await aiohttp_client(app)
    other: TestClient[Any, Any] = await aiohttp_client(app)
    await WebDebtor(one).send(start="A-20001")
    assert (await WebDebtor(one).history())["messages"]
    assert (await WebDebtor(other).history())["messages"] == []


async def test_a_retried_request_counts_once(storage: Storage, aiohttp_client: Client) -> None:
    client = await _client(storage, aiohttp_client)
    await WebDebtor(client).send(start="A-20001")
    body = {"id": "same-id", "text": "1985-02-14"}
    first = await (await client.post("/chat/send", json=body)).json()
    again = await (await client.post("/chat/send", json=body)).json()
    assert (first["duplicate"], len(first["messages"])) == (False, 1)
    assert (again["duplicate"], again["messages"]) == (True, [])
    assert await _count(storage, col(Message.direction) == "in") == 2


async def test_the_language_switch_changes_the_bots_language(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    reply = await debtor.send(language="zh_CN")
    assert reply["language"] == "zh_CN"
    assert re.search(r"[\u4e00-\u9fff]", reply["messages"][0]["text"])
    back = await debtor.send(language="en")
    assert back["language"] == "en"
    assert not re.search(r"[\u4e00-\u9fff]", back["messages"][0]["text"])


async def test_a_message_written_later_is_fetched_once_and_marked_sent(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    debtor = WebDebtor(client)
    reply = await debtor.send(start="A-20001")
    seen = max(m["id"] for m in reply["messages"])
    empty = await (await client.get(f"/chat/poll?after={seen}&wait=0")).json()
    assert empty["messages"] == []
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat("web", _chat_id(client, storage))
        assert conversation is not None
        assert conversation.id is not None
        agent = Message(
            conversation_id=conversation.id,
            channel="web",
            direction="out",
            sender="agent",
            text="Hello, I'm Sam <b>from the team</b>.",
            status="pending",
            next_attempt_at=datetime.now(UTC),
        )
        uow.messages.add(agent)
        await uow.commit()
    polled = await (await client.get(f"/chat/poll?after={seen}&wait=2")).json()
    assert [(m["from"], m["text"]) for m in polled["messages"]] == [
        ("agent", "Hello, I'm Sam <b>from the team</b>.")
    ]
    assert await _count(storage, col(Message.status) == "pending") == 0
    newest = polled["messages"][0]["id"]
    assert (await (await client.get(f"/chat/poll?after={newest}&wait=0")).json())["messages"] == []


def _chat_id(client: TestClient[Any, Any], storage: Storage) -> str:
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE]
    found = read_chat_id(storage.key, cookie.value)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("body", "headers", "status", "error"),
    [
        (
            "text=hi",
            {"Content-Type": "application/x-www-form-urlencoded"},
            415,
            "application/json",
        ),
        ("[1, 2]", {}, 400, "JSON object"),
        ("{not json", {}, 400, "not valid JSON"),
        ('{"text": "hi", "button": "yes"}', {}, 400, "exactly one"),
        ("{}", {}, 400, "exactly one"),
        ('{"text": 5}', {}, 400, "text must be a string"),
        ('{"text": "   "}', {}, 400, "empty"),
        ('{"text": "' + "x" * 4097 + '"}', {}, 413, "4096 characters"),
        ('{"text": "' + "x" * 17_000 + '"}', {}, 413, "16384 bytes"),
        ('{"button": "<script>"}', {}, 400, "button is not valid"),
        ('{"start": "A 10001; drop"}', {}, 400, "start is not valid"),
        ('{"language": "english please"}', {}, 400, "language is not valid"),
        ('{"text": "hi", "id": "x/../y"}', {}, 400, "id is not valid"),
        ('{"text": "hi"}', {"Origin": "https://evil.example"}, 403, "cross-site"),
        ('{"text": "hi"}', {"Origin": "null"}, 403, "cross-site"),
    ],
)
async def test_bad_requests_are_refused_with_a_reason(
    storage: Storage,
    aiohttp_client: Client,
    body: str,
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    client = await _client(storage, aiohttp_client)
    sent = {"Content-Type": "application/json", **headers}
    response = await client.post("/chat/send", data=body.encode(), headers=sent)
    assert response.status == status
    assert error in (await response.json())["error"]
    assert await _count(storage) == 0


async def test_a_session_sending_faster_than_a_person_types_is_slowed(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    await client.get("/")
    statuses = []
    for number in range(22):
        response = await client.post("/chat/send", json={"text": "/help", "id": f"h{number}"})
        statuses.append(response.status)
        retry_after = response.headers.get("Retry-After")
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429, 429]
    assert retry_after is not None
    assert int(retry_after) >= 1


@pytest.mark.parametrize(
    ("query", "status"),
    [("after=-1", 400), ("after=abc", 400), ("wait=26", 400), ("after=0&wait=0", 200)],
)
async def test_poll_parameters_are_checked(
    storage: Storage, aiohttp_client: Client, query: str, status: int
) -> None:
    client = await _client(storage, aiohttp_client)
    await client.get("/")
    response = await client.get(f"/chat/poll?{query}")
    assert response.status == status


async def test_an_agents_reply_wakes_the_waiting_page_at_once(
    storage: Storage, aiohttp_client: Client
) -> None:
    client = await _client(storage, aiohttp_client)
    agent = {"Authorization": f"Bearer {await token(storage, 'bob', 'agent')}"}
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS[:2]:
        await debtor.send(**step)
    handed = await debtor.send(text="/human")
    assert handed["mode"] == "agent"
    seen = max(m["id"] for m in handed["messages"])
    handoff_id = (await (await client.get("/api/handoffs", headers=agent)).json())["items"][0][
        "id"
    ]
    assert (await client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent)).status == 200

    waiting = asyncio.ensure_future(client.get(f"/chat/poll?after={seen}&wait=20"))
    await asyncio.sleep(0.3)  # the page is waiting
    started = asyncio.get_running_loop().time()
    reply = await client.post(
        f"/api/handoffs/{handoff_id}/messages", json={"text": "Hi, I'm Bob."}, headers=agent
    )
    assert reply.status == 200
    polled = await (await waiting).json()
    elapsed = asyncio.get_running_loop().time() - started
    assert [(m["from"], m["text"]) for m in polled["messages"]] == [("agent", "Hi, I'm Bob.")]
    assert polled["mode"] == "agent"
    assert elapsed < 1.0  # woken by the desk's push, not by the 2-second look
