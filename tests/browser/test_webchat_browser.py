"""A debtor in headless Chromium on a phone-sized screen: from a link in a letter to an
agreed plan, buttons and typing, a reload that keeps the conversation, and text that stays
text. Needs Debian's ``chromium`` and the ``playwright`` package; skips cleanly without."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from bot.commands.base import Storage
from tests.web_support import CHROMIUM, CHROMIUM_ARGS, screenshot_path, web_app

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists() and shutil.which("chromium") is None,
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
    pytest.mark.parametrize("storage", ["sqlite"], indirect=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _errors(page: Any) -> list[str]:
    """Script errors and CSP violations the page logs (a 4xx answer is not one)."""
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


async def test_a_debtor_agrees_a_plan_on_a_phone(
    storage: Storage, aiohttp_server: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage))
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(**PHONE, locale="en-US")
            page = await context.new_page()
            page.set_default_timeout(10_000)
            errors = _errors(page)
            log = page.locator("#log")
            await page.goto(str(server.make_url("/?ref=A-20001")))
            await expect(log).to_contain_text("What is your date of birth?")
            assert not page.url.endswith("ref=A-20001")  # the link is used once

            async def say(text: str, expect_text: str) -> None:
                await page.fill("#text", text)
                await page.press("#text", "Enter")
                await expect(log).to_contain_text(expect_text)

            async def press(label: str, expect_text: str) -> None:
                await page.locator(".choice:not([disabled])", has_text=label).click()
                await expect(log).to_contain_text(expect_text)

            await say("1985-02-14", "last four digits")
            await say("0142", "Here is where your account stands")
            await press("Let's look at options", "what has made paying hard")
            await press("Job loss or less income", "When might your income recover?")
            await press("In 1–3 months", "how much could you pay each month")
            await say("400", "Here is what I can offer")
            await press("Option 1", "Do you agree to this plan?")
            await press("Yes, I agree", "Your plan is set up")
            await expect(log).to_contain_text("Schedule:")
            assert await page.locator(".choice:not([disabled])").count() == 0
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390  # nothing wider than the phone
            if (path := screenshot_path("webchat.png")) is not None:
                await page.screenshot(path=str(path))

            shown = await log.inner_text()
            await page.reload()
            await expect(log).to_contain_text("Your plan is set up")
            # The same conversation, in order; the verification answers come back as the
            # placeholders the server stored instead of what was typed (issue 12 item 2).
            stored = shown.replace("1985-02-14", "[date of birth]").replace(
                "0142", "[phone digits]"
            )
            assert await log.inner_text() == stored
            assert errors == []
        finally:
            await browser.close()


async def test_language_switch_and_text_that_stays_text(
    storage: Storage, aiohttp_server: Callable[..., Any]
) -> None:
    server = await aiohttp_server(await web_app(storage))
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(10_000)
            errors = _errors(page)
            await page.goto(str(server.make_url("/")))
            log = page.locator("#log")
            await expect(log).to_contain_text("please type the reference")
            await page.click('.lang[data-lang="zh_CN"]')
            await expect(page.locator("#send")).to_have_text("发送")
            await expect(log.locator(".msg.bot").last).to_have_text(re.compile(r"[\u4e00-\u9fff]"))
            await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
            if (path := screenshot_path("webchat-zh.png")) is not None:
                await page.set_viewport_size({"width": 900, "height": 560})
                await page.screenshot(path=str(path))

            hostile = '<img src=x onerror="window.hacked=1"><b>bold</b>'
            await page.fill("#text", hostile)
            await page.click("#send")
            mine = log.locator(".msg.you").last
            await expect(mine).to_have_text(hostile)
            await expect(page.locator("#send")).to_be_enabled()  # the bot has answered
            assert await log.locator("img, b").count() == 0
            assert await page.evaluate("window.hacked === undefined")
            assert errors == []
        finally:
            await browser.close()
