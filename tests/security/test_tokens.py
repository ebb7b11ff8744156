"""Issue 12, item 7: tokens can be revoked (``parley users list|disable|rotate``) with
effect at once, and logging out ends the session on the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlmodel import select

from bot.commands.base import Storage
from bot.commands.users import add_user
from bot.config import load_settings, secret_key
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import UserSession
from bot.web.auth import AUTH, COOKIE, CSRF_HEADER, Auth, Principal, auth_routes, requires
from tests.conftest import Cli

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Any]


@requires("agent")
async def _who(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response({"name": user.name, "via": user.via})


def _app(storage: Storage) -> web.Application:
    app = web.Application()
    app[AUTH] = Auth(uow=storage.uow, key=storage.key)
    app.add_routes(auth_routes())
    app.router.add_get("/who", _who)
    return app


async def _login(client: Client, token: str) -> tuple[str, str]:
    """(the session cookie's value, its CSRF token)"""
    response = await client.post("/auth/login", json={"token": token})
    assert response.status == 200, await response.text()
    return response.cookies[COOKIE].value, (await response.json())["csrf"]


async def _as_cookie(client: Client, value: str) -> int:
    client.session.cookie_jar.clear()
    return (await client.get("/who", cookies={COOKIE: value})).status


async def _as_bearer(client: Client, token: str) -> int:
    client.session.cookie_jar.clear()
    return (await client.get("/who", headers={"Authorization": f"Bearer {token}"})).status


async def test_issue12_logout_ends_the_session_on_the_server(
    storage: Storage, aiohttp_client: MakeClient
) -> None:
    client: Client = await aiohttp_client(_app(storage))
    async with storage.uow() as uow:
        ann = await add_user(uow, "ann", "agent")
        await uow.commit()
    first, csrf = await _login(client, ann)
    other, _ = await _login(client, ann)  # a second browser
    assert await _as_cookie(client, first) == 200
    client.session.cookie_jar.clear()
    out = await client.post("/auth/logout", cookies={COOKIE: first}, headers={CSRF_HEADER: csrf})
    assert out.status == 200
    # A copy of the cookie kept from before the logout is worth nothing now ...
    assert await _as_cookie(client, first) == 401
    # ... and the other browser's session goes on.
    assert await _as_cookie(client, other) == 200
    # Ended sessions are cleared away at the next sign-in; the old cookie stays worthless.
    await _login(client, ann)
    async with storage.factory() as session:
        rows = (await session.execute(select(UserSession))).scalars().all()
    assert len(rows) == 2
    assert all(row.ended_at is None for row in rows)
    assert await _as_cookie(client, first) == 401


async def _open(database: Path) -> Storage:
    url = f"sqlite+aiosqlite:///{database}"
    engine = create_engine(url)
    await upgrade(engine)
    return Storage(
        engine, session_factory(engine), secret_key(load_settings({"PARLEY_DATABASE_URL": url}))
    )


async def test_issue12_users_disable_and_rotate_take_effect_at_once(
    cli: Cli, aiohttp_client: MakeClient
) -> None:
    run = lambda *args: asyncio.to_thread(cli, *args)  # noqa: E731 - the CLI runs its own loop
    ann = (await run("users", "add", "ann", "--role", "agent")).out.split()[-1]
    bob = (await run("users", "add", "bob", "--role", "admin")).out.split()[-1]
    storage = await _open(cli.database)
    try:
        client: Client = await aiohttp_client(_app(storage))
        ann_cookie, _ = await _login(client, ann)
        bob_cookie, _ = await _login(client, bob)

        disabled = await run("users", "disable", "ann")
        assert disabled.code == 0, disabled.err
        assert await _as_cookie(client, ann_cookie) == 401
        assert await _as_bearer(client, ann) == 401
        assert (await client.post("/auth/login", json={"token": ann})).status == 401

        rotated = await run("users", "rotate", "bob")
        assert rotated.code == 0, rotated.err
        new_bob = rotated.out.split()[-1]
        assert new_bob.startswith("pk_")
        assert new_bob != bob
        assert await _as_cookie(client, bob_cookie) == 401
        assert await _as_bearer(client, bob) == 401
        assert await _as_bearer(client, new_bob) == 200

        listing = await run("users", "list")
        assert listing.code == 0
        lines = listing.out.splitlines()
        assert any(line.split()[:3] == ["ann", "agent", "disabled"] for line in lines)
        assert any(line.split()[:3] == ["bob", "admin", "active"] for line in lines)
        assert new_bob not in listing.out
    finally:
        await storage.close()


@pytest.mark.parametrize("action", ["disable", "rotate"])
def test_issue12_users_commands_name_an_unknown_user_in_one_sentence(
    cli: Cli, action: str
) -> None:
    result = cli("users", action, "nobody")
    assert result.code == 1
    assert result.err.strip() == "parley: there is no user named 'nobody'."
