"""Telegram through aiogram (default) or python-telegram-bot, chosen by
``PARLEY_TELEGRAM_LIBRARY``; long polling or webhook by ``PARLEY_TELEGRAM_MODE``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.telegram.agents import AgentGroup
from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.channel import CHANNEL, TelegramChannel
from bot.channels.telegram.outbox import Outbox, SendLimits
from bot.config import Settings
from bot.engine import Engine
from bot.handoff.desk import HandoffDesk

Stop = Callable[[], Awaitable[None]]


def make_api(library: str, token: str, api_base: str) -> TelegramApi:
    if library == "ptb":
        from bot.channels.telegram.ptb_api import PtbApi

        return PtbApi(token, api_base)
    from bot.channels.telegram.aiogram_api import AiogramApi

    return AiogramApi(token, api_base)


def make_channel(
    api: TelegramApi,
    engine: Engine,
    limits: SendLimits | None = None,
    desk: HandoffDesk | None = None,
    agent_chat_id: int | None = None,
) -> TelegramChannel:
    channel = TelegramChannel(api, engine, Outbox(api, engine, limits or SendLimits()))
    if desk is not None:
        channel.handler = desk.handle
        desk.deliveries[CHANNEL] = channel
        if agent_chat_id is not None:
            group = AgentGroup(api, desk, agent_chat_id)
            desk.observers.append(group)
            channel.agents = group
    return channel


async def start_telegram(
    settings: Settings,
    engine: Engine,
    app: web.Application | None = None,
    limits: SendLimits | None = None,
    desk: HandoffDesk | None = None,
) -> Stop | None:
    """Start the channel the settings ask for; returns a coroutine function that stops it.

    In webhook mode the route (the path of ``PARLEY_WEBHOOK_URL``) is added to ``app``,
    which the caller serves on the HTTP port; it must not have started yet. With the
    handoff ``desk``, debtor events go through it, agents' messages are pushed at once, and
    ``PARLEY_AGENT_CHAT_ID`` mirrors each handoff into a topic of that forum group.
    """
    if settings.telegram_token is None:
        return None
    api = make_api(
        settings.telegram_library,
        settings.telegram_token.get_secret_value(),
        settings.telegram_api_base,
    )
    channel = make_channel(api, engine, limits, desk, settings.agent_chat_id)
    await channel.recover()
    if settings.telegram_mode == "webhook":
        if app is None or settings.webhook_url is None:
            raise ValueError("webhook mode needs PARLEY_WEBHOOK_URL and the HTTP server")
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        path = urlsplit(settings.webhook_url).path or "/"
        app.router.add_post(path, channel.webhook_handler(secret))
        await api.set_webhook(settings.webhook_url, secret)
    else:
        await api.delete_webhook()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(channel.sweep(stop))]
    if settings.telegram_mode == "polling":
        tasks.append(asyncio.create_task(channel.poll(stop)))

    async def stop_channel() -> None:
        stop.set()
        for task in tasks:
            task.cancel()
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
            await channel.close()
        finally:
            await api.close()

    return stop_channel
