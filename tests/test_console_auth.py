"""Sign-in for agents and admins: tokens, signed session cookies, CSRF, roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.commands.users import add_user
from bot.web.auth import AUTH, COOKIE, CSRF_HEADER, Auth, Principal, auth_routes, requires

Client = TestClient[web.Request, web.Application]
# The HTTP layer does not depend on the database; SQLite is enough here.
pytestmark = pytest.mark.parametrize("storage", ["sqlite"], indirect=True)


@requires("agent")
async def _agent_only(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response({"name": user.name, "via": user.via})


@requires("admin")
async def _admin_only(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response({"name": user.name})


async def _tokens(storage: Storage) -> dict[str, str]:
    async with storage.uow() as uow:
        tokens = {
            "agent": await add_user(uow, "ann", "agent"),
            "admin": await add_user(uow, "ada", "admin"),
        }
        await uow.commit()
    return tokens


@pytest.fixture
async def setup(
    storage: Storage, aiohttp_client: Callable[..., Any]
) -> tuple[Client, dict[str, str], Auth]:
    app = web.Application()
    auth = Auth(uow=storage.uow, key=storage.key)
    app[AUTH] = auth
    app.add_routes(auth_routes())
    app.router.add_get("/agent", _agent_only)
    app.router.add_post("/agent", _agent_only)
    app.router.add_post("/admin", _admin_only)
    client = await aiohttp_client(app)
    return client, await _tokens(storage), auth


async def _login(client: Client, token: str) -> str:
    response = await client.post("/auth/login", json={"token": token})
    assert response.status == 200
    body = await response.json()
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    return str(body["csrf"])


async def test_login_sets_a_session_that_authorises(setup: tuple[Client, dict[str, str], Auth]):
    client, tokens, _ = setup
    csrf = await _login(client, tokens["agent"])
    response = await client.get("/agent")
    assert response.status == 200
    assert await response.json() == {"name": "ann", "via": "cookie"}
    me = await (await client.get("/auth/me")).json()
    assert me == {"name": "ann", "role": "agent", "csrf": csrf}


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        (None, "/agent", 401),
        ("agent", "/agent", 200),
        ("admin", "/agent", 200),  # admin implies agent
        ("agent", "/admin", 403),
        ("admin", "/admin", 200),
        ("wrong", "/agent", 401),
    ],
)
async def test_bearer_tokens_and_roles(
    setup: tuple[Client, dict[str, str], Auth], who: str | None, path: str, status: int
) -> None:
    client, tokens, _ = setup
    headers = {}
    if who is not None:
        token = tokens.get(who, "pk_not-a-real-token")
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post(path, headers=headers)
    assert response.status == status


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),  # no CSRF token
        ({CSRF_HEADER: "forged"}, 403),
        ({"csrf": True}, 200),
        ({"csrf": True, "Origin": "https://evil.example"}, 403),
    ],
)
async def test_unsafe_cookie_requests_need_the_csrf_token(
    setup: tuple[Client, dict[str, str], Auth], headers: dict[str, Any], status: int
) -> None:
    client, tokens, _ = setup
    csrf = await _login(client, tokens["agent"])
    sent = {k: v for k, v in headers.items() if k != "csrf"}
    if headers.get("csrf"):
        sent[CSRF_HEADER] = csrf
    response = await client.post("/agent", headers=sent)
    assert response.status == status


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # signature
        lambda v: "e" + v[1:] if v[0] != "e" else "f" + v[1:],  # body
        lambda v: v.replace(".", ""),
        lambda v: "x" * 2000,
    ],
)
async def test_a_tampered_cookie_is_refused(
    setup: tuple[Client, dict[str, str], Auth], tamper: Callable[[str], str]
) -> None:
    client, tokens, _ = setup
    await _login(client, tokens["agent"])
    value = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
    client.session.cookie_jar.clear()
    response = await client.get("/agent", cookies={COOKIE: tamper(value)})
    assert response.status == 401


async def test_sessions_expire_and_die_with_a_disabled_user(
    setup: tuple[Client, dict[str, str], Auth], storage: Storage
) -> None:
    client, tokens, auth = setup
    await _login(client, tokens["agent"])
    assert (await client.get("/agent")).status == 200
    real = auth.clock
    auth.clock = lambda: real() + auth.session_seconds + 1
    assert (await client.get("/agent")).status == 401
    auth.clock = real
    async with storage.uow() as uow:
        user = await uow.users.by_name("ann")
        assert user is not None
        user.disabled = True
        await uow.commit()
    assert (await client.get("/agent")).status == 401


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ({"token": "pk_wrong"}, {}, 401),
        ({"token": ""}, {}, 400),
        ({"nothing": 1}, {}, 400),
        ({"token": "x" * 300}, {}, 400),
        ({"token": "agent"}, {"Origin": "http://elsewhere.example"}, 403),
    ],
)
async def test_login_refusals(
    setup: tuple[Client, dict[str, str], Auth],
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
) -> None:
    client, tokens, _ = setup
    if body.get("token") == "agent":
        body = {"token": tokens["agent"]}
    response = await client.post("/auth/login", json=body, headers=headers)
    assert response.status == status
    assert COOKIE not in response.cookies


async def test_a_form_login_redirects_only_to_a_local_path(
    setup: tuple[Client, dict[str, str], Auth],
) -> None:
    client, tokens, _ = setup
    for target, expected in (("/console", "/console"), ("//evil.example/", None)):
        response = await client.post(
            "/auth/login",
            data={"token": tokens["agent"], "next": target},
            allow_redirects=False,
        )
        assert response.status == (303 if expected else 200)
        assert response.headers.get("Location") == expected


async def test_repeated_failures_are_throttled(setup: tuple[Client, dict[str, str], Auth]):
    client, tokens, auth = setup
    auth.failures.limit = 3
    for _ in range(3):
        assert (await client.post("/auth/login", json={"token": "pk_no"})).status == 401
    response = await client.post("/auth/login", json={"token": tokens["agent"]})
    assert response.status == 429


async def test_logout_clears_the_session(setup: tuple[Client, dict[str, str], Auth]):
    client, tokens, _ = setup
    csrf = await _login(client, tokens["agent"])
    assert (await client.post("/auth/logout")).status == 403  # without the CSRF token
    response = await client.post("/auth/logout", headers={CSRF_HEADER: csrf})
    assert response.status == 200
    assert (await client.get("/agent")).status == 401
