"""Admins and agents in headless Chromium: an admin lowers a limit (a bad value first) and
the next offer keeps to it; an admin approves a plan beyond the limits; an agent cannot
reach /admin or its API. Needs Debian's ``chromium`` and ``playwright``; skips without."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from tests.engine_support import Clock
from tests.web_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PLAN_STEPS,
    WebDebtor,
    screenshot_path,
    token,
    web_app,
)

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists() and shutil.which("chromium") is None,
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
    pytest.mark.parametrize("storage", ["sqlite"], indirect=True),
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
UP_TO_THE_OFFER = PLAN_STEPS[:6]  # verified, situation told, "400" a month
# From the signed-in page: one change and one decision (with the CSRF token), four reads.
AS_SIGNED_IN = """async () => {
    const me = await (await fetch('/auth/me')).json();
    const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf};
    const body = JSON.stringify({limits: {max_term_months: '120'}});
    const put = await fetch('/api/policies/default', {method: 'PUT', headers, body});
    const approve = await fetch('/api/approvals/1/approve', {method: 'POST', headers});
    const reads = await Promise.all(
        ['/api/dashboard', '/api/audit', '/api/approvals', '/api/policies'].map(u => fetch(u)));
    return [put.status, approve.status, ...reads.map(r => r.status)];
}"""


async def _offered_terms(client: TestClient[Any, Any]) -> tuple[WebDebtor, list[int]]:
    """A new debtor (A-20001) up to the offer; the number of payments of each plan."""
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in UP_TO_THE_OFFER:
        await debtor.send(**step)
    offer = debtor.texts[-1]
    assert "Here is what I can offer" in offer
    return debtor, [int(n) for n in re.findall(r"× (\d+)", offer)]


async def _sign_in(page: Any, url: str, secret: str) -> None:
    await page.goto(url)
    await page.fill("#token", secret)
    await page.click("#sign-in-form button[type=submit]")


def _errors(page: Any) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda m: (
            found.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: found.append(str(e)))
    return found


async def test_an_admin_lowers_a_limit_and_the_next_offer_keeps_to_it(
    storage: Storage, aiohttp_server: Callable[..., Any], aiohttp_client: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage, Clock(datetime.now(UTC))))
    admin = await token(storage, "alice", "admin")
    _, before = await _offered_terms(await aiohttp_client(server))
    assert max(before) > 12  # the segment allows 18 months: this debtor got more than 12
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(**DESKTOP)
            page.set_default_timeout(10_000)
            errors = _errors(page)
            await _sign_in(page, str(server.make_url("/admin")), admin)
            await expect(page.locator("#who")).to_have_text("alice (admin)")
            await expect(page.locator("[data-figure='Conversations'] .value")).to_have_text("1")

            await page.click(".tab[data-tab=limits]")
            await page.click("#segments tr[data-segment='us-card-early']")
            term = page.locator("#limit-max_term_months")
            await expect(term).to_have_value("18")
            await term.fill("121")
            await page.click("#save-limits")
            await expect(page.locator("#limits-error")).to_contain_text(
                "max_term_months must be a whole number from 1 to 120"
            )
            await term.fill("12")
            await page.click("#save-limits")
            await expect(page.locator("#limits-saved")).to_have_text("Saved as version 2.")
            await expect(page.locator("#history")).to_contain_text("max_term_months: 18 → 12")
            await expect(page.locator("#editing")).to_contain_text("version 2, by alice")
            if (path := screenshot_path("admin-limits.png")) is not None:
                await page.screenshot(path=str(path), full_page=True)

            debtor, after = await _offered_terms(await aiohttp_client(server))
            assert after
            assert max(after) <= 12
            for step in PLAN_STEPS[len(UP_TO_THE_OFFER) :]:
                await debtor.send(**step)
            assert "Your plan is set up" in debtor.texts[-1]

            await page.click(".tab[data-tab=audit]")
            await page.fill("#audit-kind", "policy")
            await page.click("#audit-form button[type=submit]")
            await expect(page.locator("#audit-rows tr").first).to_contain_text("admin:alice")

            await page.click(".tab[data-tab=dashboard]")
            await page.click("[data-days='7']")
            await expect(page.locator("[data-figure='Offered a plan'] .value")).to_have_text("2")
            await expect(page.locator("[data-figure='Arrangements'] .value")).to_have_text("1")
            await expect(page.locator("[data-figure='Agreed (USD)'] .value")).to_have_text(
                re.compile(r"^\d+\.\d\d$")
            )
            await expect(page.locator("#chart-days svg rect")).to_have_count(14)
            if (path := screenshot_path("admin.png")) is not None:
                await page.screenshot(path=str(path), full_page=True)
            assert errors == []
        finally:
            await browser.close()


async def _handoff_with_approval(
    client: TestClient[Any, Any], agent: dict[str, str]
) -> tuple[WebDebtor, int]:
    """A verified debtor asks for a person; the agent asks to offer a plan beyond limits."""
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS[:2]:
        await debtor.send(**step)
    await debtor.send(text="/human")
    queue = await (await client.get("/api/handoffs", headers=agent)).json()
    handoff_id = queue["items"][0]["id"]
    claimed = await client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent)
    assert claimed.status == 200
    request = {"monthly": "120", "overrides": {"max_term_months": "48"}}
    url = f"/api/handoffs/{handoff_id}"
    calculation = await (await client.post(f"{url}/calculate", json=request, headers=agent)).json()
    beyond = next(i for i, o in enumerate(calculation["options"]) if o["breaches"])
    asked = await client.post(
        f"{url}/plans",
        json={**request, "option": beyond, "note": "Spread over four years."},
        headers=agent,
    )
    assert asked.status == 202, await asked.text()
    return debtor, handoff_id


async def test_an_admin_approves_a_plan_beyond_the_limits(
    storage: Storage, aiohttp_server: Callable[..., Any], aiohttp_client: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage, Clock(datetime.now(UTC))))
    client = await aiohttp_client(server)
    agent = {"Authorization": f"Bearer {await token(storage, 'bob', 'agent')}"}
    admin = await token(storage, "alice", "admin")
    debtor, _ = await _handoff_with_approval(client, agent)
    seen = max(m["id"] for reply in debtor.replies for m in reply["messages"])
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(**DESKTOP)
            page.set_default_timeout(10_000)
            errors = _errors(page)
            await _sign_in(page, str(server.make_url("/admin#approvals")), admin)
            await expect(page.locator("#approval-count")).to_have_text("1")
            card = page.locator(".approval").first
            await expect(card).to_contain_text("A-20001")
            await expect(card).to_contain_text("asked by bob")
            await expect(card).to_contain_text("max_term_months")
            await card.locator("button", has_text="Approve and send").click()
            await expect(page.locator("#approvals-note")).to_have_text(
                "No plans are waiting for a decision."
            )
            assert errors == []
        finally:
            await browser.close()
    polled = await (await client.get(f"/chat/poll?after={seen}&wait=5")).json()
    assert [m["from"] for m in polled["messages"]] == ["agent"]
    assert "four years" in polled["messages"][0]["text"]


async def test_an_agent_cannot_reach_admin_or_its_api(
    storage: Storage, aiohttp_server: Callable[..., Any], aiohttp_client: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage, Clock(datetime.now(UTC))))
    client = await aiohttp_client(server)
    agent = await token(storage, "bob", "agent")
    debtor = WebDebtor(client)
    await debtor.send(start="A-10001")
    await debtor.send(text="我想找人工客服")
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(**DESKTOP)
            page.set_default_timeout(10_000)
            errors = _errors(page)
            await _sign_in(page, str(server.make_url("/admin")), agent)
            await expect(page.locator("#forbidden")).to_be_visible()
            response = await page.goto(str(server.make_url("/admin")))
            assert response is not None
            assert response.status == 403
            await expect(page.locator("h1")).to_have_text("This page is for admins")
            statuses = await page.evaluate(AS_SIGNED_IN)
            assert statuses == [403, 403, 403, 403, 403, 200]

            await page.goto(str(server.make_url("/console")))
            row = page.locator("#queue tr[data-handoff-id]").first
            await expect(row).to_contain_text("A-10001")
            await row.click()
            await page.click("#claim")
            await expect(page.locator("#detail-status")).to_have_text("claimed by bob")
            if (path := screenshot_path("console.png")) is not None:
                await page.screenshot(path=str(path), full_page=True)
            assert errors == []
        finally:
            await browser.close()
    unchanged = await client.get(
        "/api/policies/default", headers={"Authorization": f"Bearer {agent}"}
    )
    assert (await unchanged.json())["limits"]["max_term_months"] == 12
