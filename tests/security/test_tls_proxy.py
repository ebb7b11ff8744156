"""Issue 12, item 6: behind a TLS proxy, cookies are Secure, HSTS is sent, and sign-in
limits key on the real client (PARLEY_PUBLIC_URL, PARLEY_TRUSTED_PROXIES), never on
everyone at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.config import load_settings
from bot.metrics import Metrics
from bot.web.app import create_app
from bot.web.auth import AUTH, COOKIE
from tests.engine_support import demo_engine
from tests.web_support import token

Client = TestClient[web.Request, web.Application]
pytestmark = pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
MakeClient = Callable[..., Any]


async def _client(storage: Storage, aiohttp_client: MakeClient, **env: str) -> tuple[Client, str]:
    settings = load_settings({f"PARLEY_{k.upper()}": v for k, v in env.items()})
    app = create_app(settings, storage, await demo_engine(storage), Metrics(cache_seconds=0))
    return await aiohttp_client(app), await token(storage, "ann", "agent")


def _set_cookie(response: Any, name: str) -> str:
    return next(v for v in response.headers.getall("Set-Cookie") if v.startswith(name + "="))


async def test_issue12_a_public_https_url_makes_cookies_secure_and_sends_hsts(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client, ann = await _client(storage, aiohttp_client, public_url="https://pay.example")
    login = await client.post("/auth/login", json={"token": ann})
    assert login.status == 200
    assert "Secure" in _set_cookie(login, COOKIE)
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    page = await client.get("/")
    assert "Secure" in _set_cookie(page, "parley_chat")
    assert "Strict-Transport-Security" in page.headers


async def test_issue12_forwarded_proto_counts_only_from_a_trusted_proxy(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    https = {"X-Forwarded-Proto": "https"}
    trusting, ann = await _client(storage, aiohttp_client, trusted_proxies="127.0.0.1")
    login = await trusting.post("/auth/login", json={"token": ann}, headers=https)
    assert "Secure" in _set_cookie(login, COOKIE)
    assert "Strict-Transport-Security" in login.headers
    plain_http = await trusting.get("/console/login")
    assert "Strict-Transport-Security" not in plain_http.headers


async def test_issue12_forwarded_headers_from_anyone_else_are_ignored(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client, ann = await _client(storage, aiohttp_client, trusted_proxies="10.0.0.0/8")
    login = await client.post(
        "/auth/login", json={"token": ann}, headers={"X-Forwarded-Proto": "https"}
    )
    assert "Secure" not in _set_cookie(login, COOKIE)
    assert "Strict-Transport-Security" not in login.headers
    # Rotating a forged X-Forwarded-For does not escape the limit on the real address.
    statuses = [
        (
            await client.post(
                "/auth/login",
                json={"token": f"pk_wrong{n}"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
        ).status
        for n in range(30)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429


async def test_issue12_one_abuser_behind_the_proxy_does_not_lock_out_agents(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client, ann = await _client(storage, aiohttp_client, trusted_proxies="127.0.0.1")
    abuser = {"X-Forwarded-For": "203.0.113.9"}
    statuses = [
        (await client.post("/auth/login", json={"token": f"pk_guess{n}"}, headers=abuser)).status
        for n in range(30)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
    # The abuser stays refused, even with the right token ...
    late = await client.post("/auth/login", json={"token": ann}, headers=abuser)
    assert late.status == 429
    # ... while an agent at another address behind the same proxy signs in.
    agent = {"X-Forwarded-For": "198.51.100.7, 127.0.0.1"}
    login = await client.post("/auth/login", json={"token": ann}, headers=agent)
    assert login.status == 200


async def test_issue12_one_token_guessed_from_many_addresses_is_limited_per_prefix(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client, ann = await _client(storage, aiohttp_client, trusted_proxies="127.0.0.1")
    guess = "pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    statuses = [
        (
            await client.post(
                "/auth/login",
                json={"token": guess},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
        ).status
        for n in range(30)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    fresh = {"X-Forwarded-For": "192.0.2.1"}
    assert (await client.post("/auth/login", json={"token": guess}, headers=fresh)).status == 429
    assert (await client.post("/auth/login", json={"token": ann}, headers=fresh)).status == 200


async def test_issue12_many_addresses_never_reset_a_blocked_one(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client, _ = await _client(storage, aiohttp_client)
    failures = client.app[AUTH].failures
    for _ in range(25):
        failures.record("client:203.0.113.9", 1000.0)
    assert failures.blocked("client:203.0.113.9", 1001.0)
    for n in range(10_050):
        failures.record(f"client:10.{n // 65536}.{n // 256 % 256}.{n % 256}", 1001.0)
    assert failures.blocked("client:203.0.113.9", 1002.0)


async def test_issue12_behind_a_proxy_the_public_origin_is_this_site(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    """A proxy may pass on its own Host; the browser's Origin is the public URL's."""
    client, ann = await _client(
        storage, aiohttp_client, public_url="https://pay.example", trusted_proxies="127.0.0.1"
    )
    login = await client.post(
        "/auth/login", json={"token": ann}, headers={"Origin": "https://pay.example"}
    )
    assert login.status == 200
    other = await client.post(
        "/auth/login", json={"token": ann}, headers={"Origin": "https://evil.example"}
    )
    assert other.status == 403
