"""Issue 12, item 9: bad input is refused (4xx) or ignored, never a 500, and nothing is
stored half-way."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.channels.telegram import start_telegram
from bot.channels.telegram.channel import SECRET_HEADER
from bot.channels.telegram.outbox import SendLimits
from bot.channels.telegram.render import parse_callback
from bot.commands.base import Storage
from bot.config import load_settings
from bot.storage.models import Conversation, Message
from tests.engine_support import demo_engine
from tests.handoff_support import console_app, make_world
from tests.standin import TOKEN, StandIn
from tests.web_support import token, web_app

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Any]
SECRET = "s3cret-token_abc"
DEEP = ("[" * 8000 + "]" * 8000).encode()
LONE = b'{"text": "hello \\ud800 there"}'


async def _rows(storage: Storage, table: Any) -> int:
    async with storage.factory() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def _raw(port: int, request: bytes) -> int:
    """Send bytes as they are (headers no client library would send); the status code."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


# --- Telegram -------------------------------------------------------------------------------


@dataclass
class Hook:
    client: Client
    api: StandIn


@pytest.fixture
async def hook(storage: Storage, aiohttp_client: MakeClient) -> AsyncIterator[Hook]:
    engine = await demo_engine(storage)
    async with StandIn() as api:
        env = {
            "PARLEY_TELEGRAM_TOKEN": TOKEN,
            "PARLEY_TELEGRAM_API_BASE": api.base,
            "PARLEY_TELEGRAM_MODE": "webhook",
            "PARLEY_WEBHOOK_URL": "http://127.0.0.1:1/telegram/hook",
            "PARLEY_WEBHOOK_SECRET": SECRET,
        }
        app = web.Application()
        fast = SendLimits(global_rate=10_000, chat_rate=10_000, chat_burst=10_000)
        stop = await start_telegram(load_settings(env), engine, app, fast)
        assert stop is not None
        try:
            yield Hook(await aiohttp_client(app), api)
        finally:
            await stop()


@pytest.mark.parametrize("value", [b"\xc3\xa9t\xc3\xa9", b"\xff\xfe\x80", "秘密".encode()])
@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
async def test_issue12_a_non_ascii_webhook_secret_is_refused_not_a_500(
    hook: Hook, value: bytes
) -> None:
    port = hook.client.server.port
    assert port is not None
    body = b'{"update_id": 1}'
    request = (
        b"POST /telegram/hook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + SECRET_HEADER.encode()
        + b": "
        + value
        + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    assert await _raw(port, request) == 401


@pytest.mark.parametrize("data", ["b²:x", "b١٢:x", "b-1:x", "b:x", "b" + "9" * 40 + ":x", "b1:"])
def test_issue12_odd_callback_data_is_not_a_button(data: str) -> None:
    assert parse_callback(data) is None


def _update(update_id: int, **fields: Any) -> dict[str, Any]:
    user = {"id": 77, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    chat = {"id": 77, "type": "private"}
    if "callback_data" in fields:
        message = {"message_id": 5, "date": 0, "chat": chat, "text": "x"}
        query = {"id": "q1", "from": user, "message": message, "chat_instance": "c"}
        return {
            "update_id": update_id,
            "callback_query": {**query, "data": fields["callback_data"]},
        }
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "chat": chat, "from": user, **fields},
    }


async def test_issue12_webhook_updates_with_odd_text_are_answered(
    hook: Hook, storage: Storage
) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    start = json.dumps(_update(1, text="/start A-20001")).encode()
    assert (await hook.client.post("/telegram/hook", data=start, headers=headers)).status == 200
    lone = json.dumps(_update(2, text="it is \ud800 me")).encode()  # json escapes it: \\ud800
    assert b"\\ud800" in lone
    assert (await hook.client.post("/telegram/hook", data=lone, headers=headers)).status == 200
    button = json.dumps(_update(3, callback_data="b²:x")).encode()
    assert (await hook.client.post("/telegram/hook", data=button, headers=headers)).status == 200
    async with storage.factory() as session:
        texts = (await session.execute(select(Message.text))).scalars().all()
    assert all(text.encode("utf-8") for text in texts)  # every stored text is valid Unicode


# --- the web chat, the console, the API -----------------------------------------------------


async def test_issue12_web_chat_refuses_lone_surrogates_and_deep_json(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    json_type = {"Content-Type": "application/json"}
    for body in (LONE, DEEP, b'{"start": "A-20001", "id": "\\udfff"}'):
        response = await client.post("/chat/send", data=body, headers=json_type)
        assert response.status == 400, await response.text()
        assert "error" in await response.json()
    assert await _rows(storage, Conversation) == 0


async def test_issue12_console_refuses_lone_surrogates_and_deep_json(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    world = await make_world(storage)
    client: Client = await aiohttp_client(console_app(world))
    ann = {"Authorization": f"Bearer {world.tokens['ann']}", "Content-Type": "application/json"}
    handoff_id = await world.handoff(world.person())
    assert (
        await client.post(f"/console/api/handoffs/{handoff_id}/claim", headers=ann)
    ).status == 200
    before = await _rows(storage, Message)
    for body in (LONE, DEEP):
        for action in ("messages", "calculate", "plans", "close"):
            response = await client.post(
                f"/console/api/handoffs/{handoff_id}/{action}", data=body, headers=ann
            )
            assert response.status == 400, (action, await response.text())
    assert await _rows(storage, Message) == before
    assert world.pushed.messages == []


@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",
        "from=0001-01-01&to=0001-01-02",
        "to=0001-01-01",
        "from=9999-12-30&to=9999-12-31",
    ],
)
async def test_issue12_dashboard_and_audit_far_dates_are_refused(
    storage: Storage, aiohttp_client: MakeClient, query: str
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    admin = {"Authorization": f"Bearer {await token(storage, 'ada', 'admin')}"}
    for path in ("/api/dashboard", "/api/audit"):
        response = await client.get(f"{path}?{query}", headers=admin)
        assert response.status == 400, (path, await response.text())


async def test_issue12_login_and_api_bodies_nested_deep_are_refused(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    admin = {
        "Authorization": f"Bearer {await token(storage, 'ada', 'admin')}",
        "Content-Type": "application/json",
    }
    deep_object = b'{"limits": ' + b'{"a": ' * 2000 + b"1" + b"}" * 2001
    assert (
        await client.put("/api/policies/default", data=deep_object, headers=admin)
    ).status == 400
    assert (await client.put("/api/policies/default", data=LONE, headers=admin)).status == 400
    login = {"Content-Type": "application/json"}
    assert (await client.post("/auth/login", data=DEEP, headers=login)).status == 400
    lone_login = b'{"token": "pk_\\ud800"}'
    assert (await client.post("/auth/login", data=lone_login, headers=login)).status in (400, 401)


async def test_issue12_ids_beyond_32_bits_are_not_found_not_a_500(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    """Row ids are 32-bit: PostgreSQL refuses a larger parameter, which was a 500 there."""
    client: Client = await aiohttp_client(await web_app(storage))
    admin = {"Authorization": f"Bearer {await token(storage, 'ada', 'admin')}"}
    for path, status in (
        ("/console/api/handoffs/999999999999999999", 404),
        ("/console/api/handoffs/2147483648/claim", 404),
        ("/api/conversations/2147483648", 400),
        ("/api/handoffs/4294967296", 400),
        ("/chat/poll?after=9999999999&wait=0", 400),
    ):
        method = "POST" if path.endswith("/claim") else "GET"
        response = await client.request(method, path, headers=admin)
        assert response.status == status, (path, await response.text())
    assert parse_callback("b2147483648:x") is None
    assert parse_callback("b2147483647:x") == (2147483647, "x")
