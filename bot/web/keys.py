"""Typed application keys for the services every web module reads.

They live apart from :mod:`bot.web.app` so that route modules (the web chat, the console,
the admin, the API) can import them without importing the application factory.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.commands.base import Storage
from bot.config import Settings
from bot.engine import Engine
from bot.metrics import InboundHandler, Metrics

SETTINGS = web.AppKey("parley.settings", Settings)
STORAGE = web.AppKey("parley.storage", Storage)
ENGINE = web.AppKey("parley.engine", Engine)
METRICS = web.AppKey("parley.metrics", Metrics)
# What channels give inbound events to: the handoff desk (engine step plus handoff follow-up).
HANDLER = web.AppKey[InboundHandler]("parley.handler")
# How many engine steps may run at once in this process: one on SQLite (a single writer;
# concurrent writers wait on the file lock with sleeps, which made the p99 6x worse), more
# on PostgreSQL. Every channel in the process should take a slot around its step.
STEP_SLOTS = web.AppKey("parley.step_slots", asyncio.Semaphore)
# Set when the server begins to shut down, so long polls return at once.
SHUTTING_DOWN = web.AppKey("parley.shutting_down", asyncio.Event)
