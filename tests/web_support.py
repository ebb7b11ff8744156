"""The real web application on a test database, and a debtor talking to it over HTTP."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.commands.users import add_user
from bot.config import load_settings
from bot.metrics import Metrics
from bot.storage.db import create_engine, session_factory, upgrade
from bot.web.app import create_app
from tests.conftest import TEST_KEY
from tests.engine_support import Clock, demo_engine

# A-20001 (Maria Lopez, US, us-card-early) from greeting to an agreed plan.
PLAN_STEPS: tuple[dict[str, str], ...] = (
    {"text": "1985-02-14"},
    {"text": "0142"},
    {"button": "options"},
    {"button": "reason:job_loss"},
    {"button": "recovery:months"},
    {"text": "400"},
    {"button": "plan:1"},
    {"button": "yes"},
)


async def web_app(storage: Storage, clock: Clock | None = None) -> web.Application:
    """The app as ``parley serve`` builds it, on the demo portfolio, at the demo date."""
    engine = await demo_engine(storage, clock)
    return create_app(load_settings({}), storage, engine, Metrics(cache_seconds=0))


async def token(storage: Storage, name: str, role: str) -> str:
    async with storage.uow() as uow:
        value = await add_user(uow, name, role)
        await uow.commit()
    return value


@dataclass
class WebDebtor:
    """One browser: the client keeps the chat cookie between requests."""

    client: TestClient[Any, Any]
    replies: list[dict[str, Any]] = field(default_factory=list)
    _sent: int = 0

    async def send(self, **body: Any) -> dict[str, Any]:
        self._sent += 1
        response = await self.client.post("/chat/send", json={"id": f"m{self._sent}", **body})
        assert response.status == 200, await response.text()
        reply: dict[str, Any] = await response.json()
        self.replies.append(reply)
        return reply

    async def history(self) -> dict[str, Any]:
        response = await self.client.get("/chat/history")
        assert response.status == 200
        value: dict[str, Any] = await response.json()
        return value

    @property
    def texts(self) -> list[str]:
        return [m["text"] for reply in self.replies for m in reply["messages"]]


@dataclass(frozen=True)
class ThreadServer:
    url: str
    tokens: dict[str, str]  # role -> token (users agent-1 and admin-1)
    storage: Storage
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the server's loop (e.g. a storage query) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


@contextmanager
def serve_in_thread(database: Path) -> Iterator[ThreadServer]:
    """The real app on 127.0.0.1 (a free port) in a thread of its own, for clients that
    block: schemathesis, a browser driven by Playwright's sync API."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="web-test-server", daemon=True)
    thread.start()

    async def start() -> tuple[web.AppRunner, ThreadServer]:
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        await upgrade(engine)
        storage = Storage(engine, session_factory(engine), TEST_KEY)
        app = await web_app(storage)
        tokens = {role: await token(storage, f"{role}-1", role) for role in ("agent", "admin")}
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        return runner, ThreadServer(f"http://127.0.0.1:{port}", tokens, storage, loop)

    runner, server = asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    try:
        yield server
    finally:
        server.run(runner.cleanup())
        server.run(server.storage.close())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


# --- headless Chromium (Debian's, never Playwright's download) --------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOCS = Path(__file__).resolve().parents[1] / "docs"


def screenshot_path(name: str) -> Path | None:
    """Where to save a README screenshot; None unless PARLEY_SCREENSHOTS=1 asks for them."""
    import os

    if os.environ.get("PARLEY_SCREENSHOTS") != "1":
        return None
    DOCS.mkdir(exist_ok=True)
    return DOCS / name
