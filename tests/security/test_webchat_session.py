"""Issue 12, item 5: the web-chat session is reissued on verification, and what was
disclosed is hidden again after 30 minutes idle until the debtor verifies again.

A reload within that time still carries on the same conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.web.webchat import COOKIE
from tests.engine_support import Clock
from tests.web_support import WebDebtor, web_app

Client = Callable[..., Any]
REF = "A-20001"  # Maria Lopez: born 1985-02-14, phone ends 0142; owes $4,655.25
BALANCE = ("4,655.25", "4655.25", "4,200.00")


def _cookie(client: TestClient[Any, Any]) -> str:
    found = client.session.cookie_jar.filter_cookies(client.make_url("/")).get(COOKIE)
    assert found is not None
    return found.value


def _texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def _shows_balance(reply: dict[str, Any]) -> bool:
    text = _texts(reply)
    return any(piece in text for piece in BALANCE)


async def _verified(debtor: WebDebtor) -> dict[str, Any]:
    await debtor.send(start=REF)
    await debtor.send(text="1985-02-14")
    reply = await debtor.send(text="0142")
    assert reply["state"] == "disclose"
    assert _shows_balance(reply)
    return reply


async def test_issue12_the_session_is_reissued_on_verification(
    storage: Storage, aiohttp_client: Client
) -> None:
    app = await web_app(storage)
    browser: TestClient[Any, Any] = await aiohttp_client(app)
    debtor = WebDebtor(browser)
    await debtor.send(start=REF)
    before = _cookie(browser)
    await debtor.send(text="1985-02-14")
    assert _cookie(browser) == before  # nothing changes before the verdict
    await debtor.send(text="0142")
    after = _cookie(browser)
    assert after != before
    assert after.split(".")[0] != before.split(".")[0]  # a new chat id, not just a new mac
    # The same debtor carries on, on the new session.
    shown = await debtor.history()
    assert shown["state"] == "disclose"
    assert _shows_balance(shown)
    # Whoever kept the old cookie (fixation) has nothing.
    stranger: TestClient[Any, Any] = await aiohttp_client(app)
    stranger.session.cookie_jar.update_cookies({COOKIE: before})
    old = await WebDebtor(stranger).history()
    assert old["messages"] == []
    assert old["state"] is None


async def test_issue12_disclosure_is_hidden_after_30_minutes_idle_until_verified_again(
    storage: Storage, aiohttp_client: Client
) -> None:
    clock = Clock()
    browser: TestClient[Any, Any] = await aiohttp_client(await web_app(storage, clock))
    debtor = WebDebtor(browser)
    await _verified(debtor)
    clock.advance(minutes=10)
    assert _shows_balance(await debtor.history())  # a reload within the time: all there
    clock.advance(minutes=21)  # 31 minutes since the debtor last wrote
    shown = await debtor.history()
    assert not _shows_balance(shown)
    assert shown["messages"]  # the greeting and the checks are still there
    back = await debtor.send(text="hello, what do I owe?")
    assert back["state"] == "verify"
    assert not _shows_balance(back)
    assert "date of birth" in _texts(back)
    assert not _shows_balance(await debtor.history())
    await debtor.send(text="1985-02-14")
    again = await debtor.send(text="0142")
    assert again["state"] == "disclose"
    assert _shows_balance(await debtor.history())
