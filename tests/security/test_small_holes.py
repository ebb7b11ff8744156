"""Issue 12, item 10: the smaller holes — the login's next, rate limits on /chat/history and
Bearer guesses, cookie-less sends, the web chat's manual retry, the Server header."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.commands.base import Storage
from bot.storage.models import Conversation, Message
from tests.web_support import CHROMIUM, CHROMIUM_ARGS, token, web_app

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Any]
pytestmark = pytest.mark.parametrize("storage", ["sqlite"], indirect=True)


async def _count(storage: Storage, table: Any) -> int:
    async with storage.factory() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example/",
        "/ /evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/\x00/evil.example",
        "/console\t",
    ],
)
async def test_issue12_login_next_goes_nowhere_but_this_site(
    storage: Storage, aiohttp_client: MakeClient, target: str
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    ann = await token(storage, "ann", "agent")
    response = await client.post(
        "/auth/login", data={"token": ann, "next": target}, allow_redirects=False
    )
    assert response.status in (200, 303)
    if response.status == 303:
        assert response.headers["Location"] == "/console"  # only ever a plain local path
    local = await client.post(
        "/auth/login", data={"token": ann, "next": "/console?tab=1"}, allow_redirects=False
    )
    assert local.headers["Location"] == "/console?tab=1"


async def test_issue12_chat_history_is_rate_limited(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    statuses = {(await client.get("/chat/history")).status for _ in range(700)}
    assert 429 in statuses


async def test_issue12_bearer_guesses_are_rate_limited(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    statuses = [
        (await client.get("/api/me", headers={"Authorization": f"Bearer pk_guess{n}"})).status
        for n in range(30)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429


async def test_issue12_cookie_less_sends_cannot_fill_the_database(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    statuses = []
    for n in range(60):
        client.session.cookie_jar.clear()
        response = await client.post("/chat/send", json={"id": f"x{n}", "text": "hello"})
        statuses.append(response.status)
    assert statuses[0] == 200
    assert 429 in statuses
    assert await _count(storage, Conversation) <= 30


async def test_issue12_the_server_header_does_not_name_versions(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(await web_app(storage))
    for path in ("/", "/chat/history", "/api/me", "/nowhere"):
        server = (await client.get(path)).headers.get("Server", "")
        assert "aiohttp" not in server.lower()
        assert "python" not in server.lower()
        assert not any(ch.isdigit() for ch in server)


playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")


@pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
async def test_issue12_a_manual_retry_reuses_the_message_id(
    storage: Storage, aiohttp_server: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage))
    sent: list[dict[str, Any]] = []

    async def lose_the_first_answer(route: Any) -> None:
        sent.append(route.request.post_data_json)
        if sum(1 for body in sent if body.get("text") == "I lost my job") == 1:
            await route.fetch()  # the server takes it, the answer is lost on the way back
            await route.fulfill(status=429, json={"error": "too many messages at once"})
        else:
            await route.continue_()

    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            page.set_default_timeout(10_000)
            await page.route("**/chat/send", lose_the_first_answer)
            await page.goto(str(server.make_url("/?ref=A-20001")))
            log = page.locator("#log")
            await playwright_api.expect(log).to_contain_text("Parley Demo Lending", timeout=30_000)
            await page.fill("#text", "I lost my job")
            await page.press("#text", "Enter")
            await page.locator("button.retry").click()
            await playwright_api.expect(page.locator("button.retry")).to_have_count(
                0, timeout=30_000
            )
        finally:
            await browser.close()
    tries = [body for body in sent if body.get("text") == "I lost my job"]
    assert len(tries) == 2
    assert tries[0]["id"] == tries[1]["id"]
    async with storage.factory() as session:
        stored = (
            await session.execute(
                select(func.count()).where(
                    Message.direction == "in", Message.text == "I lost my job"
                )
            )
        ).scalar_one()
    assert stored == 1
