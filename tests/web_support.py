"""The real web application on a test database, and a debtor talking to it over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.commands.users import add_user
from bot.config import load_settings
from bot.metrics import Metrics
from bot.web.app import create_app
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
