"""An agent in headless Chromium: signs in, claims, has a threatening reply refused with its
reason, sends a good one that reaches the debtor, and returns the conversation to the bot.

Needs Debian's ``chromium`` at /usr/bin/chromium and the ``playwright`` package (its own
browser download is never used); skips cleanly without either.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.commands.base import Storage
from tests.handoff_support import console_app, make_world

CHROMIUM = Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else None
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
    pytest.mark.parametrize("storage", ["sqlite"], indirect=True),
]


async def test_an_agent_takes_over_and_hands_back_in_a_browser(
    storage: Storage, aiohttp_server: Callable[..., Any]
) -> None:
    world = await make_world(storage)
    server = await aiohttp_server(console_app(world))
    debtor = world.person()
    handoff_id = await world.handoff(debtor)
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        assert CHROMIUM is not None
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            page.set_default_timeout(5000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: _script_error(message, errors))
            await page.goto(str(server.make_url("/console")))
            await expect(page).to_have_url(str(server.make_url("/console/login")))
            await page.fill("#token", world.tokens["ann"])
            await page.click("#login-button")
            await expect(page).to_have_url(str(server.make_url("/console")))
            await expect(page.locator("#live")).to_have_text("live")

            await page.click(f'#queue tr[data-handoff-id="{handoff_id}"]')
            await page.click("#claim")
            await expect(page.locator("#detail-status")).to_have_text("claimed by ann")

            await page.fill("#reply-text", "Pay today or the police will come to arrest you.")
            await page.click("#reply-send")
            await expect(page.locator("#refusal")).to_be_visible()
            await expect(page.locator("#refusal-reasons")).to_contain_text("banned.threat")
            assert world.pushed.messages == []  # nothing reached the debtor

            await page.fill("#reply-text", "Hello, I'm Ann. Let's find a plan that works for you.")
            await page.click("#reply-send")
            await expect(page.locator("#notice")).to_have_text("Sent.")
            await expect(page.locator("#refusal")).to_be_hidden()
            await expect(page.locator("#transcript")).to_contain_text("I'm Ann")
            assert [m.text for m in world.pushed.messages] == [
                "Hello, I'm Ann. Let's find a plan that works for you."
            ]

            await page.fill("#calc-monthly", "600")
            await page.click("#calc-run")
            await expect(page.locator("#calc-results")).to_contain_text("Offer this")
            await expect(page.locator("#limits-source")).to_contain_text("cn-card-early")

            await page.select_option("#return-state", "offer")
            await page.click("#return")
            await expect(page.locator("#notice")).to_have_text("Returned to the bot (offer).")
            assert errors == []
        finally:
            await browser.close()
    agent_rows = [(m.status, m.text[:5]) for m in await world.outbox(debtor, "agent")]
    assert agent_rows == [("blocked", "Pay t"), ("pending", "Hello")]
    row = await world.handoff_row(handoff_id)
    assert row.status == "returned"
    assert world.pushed.messages[1].text.startswith("Thanks for waiting")
    assert world.pushed.messages[1].state == "offer"


def _script_error(message: Any, errors: list[str]) -> None:
    """Errors a script logged (a CSP violation, an exception); answers such as the 422 of
    a refused message are the API working, not errors."""
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)
