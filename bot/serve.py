"""``parley serve``: one process serving the web chat, console, admin, API and /metrics on
``PARLEY_HTTP_HOST:PARLEY_HTTP_PORT``, and Telegram too when a token is set.

The composition root for the server: storage (already migrated by the command), the
engine, the aiohttp application and its runner. SIGINT and SIGTERM stop it gracefully:
Telegram stops taking updates first, then the HTTP server finishes the requests in flight
(long polls return at once) and the database is closed by the command.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from aiohttp import web

from bot.commands.base import CommandError, Storage
from bot.commands.users import add_user
from bot.config import Settings
from bot.demo import demo_csv, load_demo
from bot.engine import Engine
from bot.i18n import available_locales
from bot.metrics import Metrics
from bot.nlu.intents import read as read_intent
from bot.web.app import create_app
from bot.web.console import DESK
from bot.wiring import build_engine

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]
SHUTDOWN_SECONDS = 10.0  # what a request in flight gets to finish on stop


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    token: str


@dataclass(frozen=True)
class DemoAccount:
    reference: str
    full_name: str
    jurisdiction: str
    locale: str
    date_of_birth: str
    phone_last4: str


@dataclass
class Server:
    app: web.Application
    runner: web.AppRunner
    url: str
    stop_telegram: Stop | None

    async def close(self) -> None:
        """Stop taking Telegram updates, then finish the HTTP requests in flight."""
        try:
            if self.stop_telegram is not None:
                await self.stop_telegram()
        finally:
            await self.runner.cleanup()


async def start_telegram(
    settings: Settings, engine: Engine, storage: Storage, app: web.Application
) -> Stop | None:
    """The Telegram channel, in this process, when ``PARLEY_TELEGRAM_TOKEN`` is set.

    Called before the HTTP server starts, so that webhook mode can add its route to
    ``app``. Returns the coroutine function that stops it, or None without a token.
    Imported lazily: without a token neither Telegram library is loaded.
    """
    if settings.telegram_token is None:
        return None
    from bot.channels import telegram

    del storage  # the channel reaches storage through the engine
    # Debtor events go through the handoff desk, so the console and the agent group see them.
    return await telegram.start_telegram(settings, engine, app, desk=app.get(DESK))


async def start_server(
    settings: Settings, storage: Storage, *, host: str | None = None, port: int | None = None
) -> Server:
    """Build everything and listen; raises CommandError when the address cannot be used."""
    host = settings.http_host if host is None else host
    port = settings.http_port if port is None else port
    engine = build_engine(settings, storage)
    await asyncio.to_thread(warm_up, engine)
    app = create_app(settings, storage, engine, Metrics())
    stop_telegram = await start_telegram(settings, engine, storage, app)
    # No access log: it costs time on every request, and URLs can carry a reference.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except OSError as exc:
        await Server(app, runner, "", stop_telegram).close()
        raise CommandError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "set PARLEY_HTTP_HOST and PARLEY_HTTP_PORT to a free address."
        ) from None
    return Server(app, runner, _url(host, _bound_port(runner, port)), stop_telegram)


def warm_up(engine: Engine) -> None:
    """Compile the guard's lexicons and load the learned reader now (seconds) rather than in
    the first debtor's reply."""
    for locale in available_locales():
        engine.inbound_guard("hello", locale)
        read_intent("hello", locale)


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return asked


def _url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


async def prepare_demo(storage: Storage, today: date) -> tuple[int, list[DemoLogin]]:
    """Load the demo portfolio (idempotent) and create a fresh agent and admin.

    Returns (accounts added, logins). New users each run (``demo-agent-<n>``), so a token
    printed once is never printed again.
    """
    async with storage.uow() as uow:
        added = await load_demo(uow, storage.key, today)
        logins = []
        for role in ("agent", "admin"):
            number = 1
            while await uow.users.by_name(f"demo-{role}-{number}") is not None:
                number += 1
            name = f"demo-{role}-{number}"
            logins.append(DemoLogin(role, name, await add_user(uow, name, role)))
        await uow.commit()
    return added, logins


def demo_accounts() -> list[DemoAccount]:
    """The bundled demo accounts with what verification asks (they are made-up people)."""
    rows = csv.DictReader(io.StringIO(demo_csv().decode("utf-8")))
    return [
        DemoAccount(
            row["reference"],
            row["full_name"],
            row["jurisdiction"],
            row["locale"],
            row["date_of_birth"],
            row["phone"][-4:],
        )
        for row in rows
    ]


def banner(
    server: Server, settings: Settings, logins: Sequence[DemoLogin], demo: bool
) -> list[str]:
    url = server.url
    telegram = (
        f"on ({settings.telegram_library}, {settings.telegram_mode})"
        if settings.telegram_token is not None
        else "off (set PARLEY_TELEGRAM_TOKEN to run it here too)"
    )
    lines = [
        f"Parley is serving on {url}",
        f"  web chat   {url}/",
        f"  console    {url}/console   (agents)",
        f"  admin      {url}/admin     (admins)",
        f"  API        {url}/api       (OpenAPI: {url}/api/openapi.json)",
        f"  metrics    {url}/metrics   (Bearer token)",
        f"  Telegram   {telegram}",
    ]
    if logins:
        lines += ["", "Sign-in tokens, shown once (keep them safe; only their hash is stored):"]
        lines += [f"  {login.role:<6} {login.name:<16} {login.token}" for login in logins]
    if demo:
        lines += [
            "",
            "Demo accounts to try (made-up people; the bot asks for the date of birth, then "
            "the phone's last four digits):",
        ]
        for a in demo_accounts():
            lines.append(
                f"  {a.reference}  {a.full_name:<13} {a.jurisdiction:<6} {a.locale:<6} "
                f"born {a.date_of_birth}  phone ends {a.phone_last4}   {url}/?ref={a.reference}"
            )
    lines += ["", "Press Ctrl-C to stop."]
    return lines


async def serve(
    settings: Settings,
    storage: Storage,
    out: TextIO,
    *,
    demo: bool,
    today: date,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGINT or SIGTERM (or until ``stop`` is set)."""
    logins: list[DemoLogin] = []
    if demo:
        _, logins = await prepare_demo(storage, today)
    server = await start_server(settings, storage)
    stop = stop or asyncio.Event()
    installed = _on_signals(stop)
    try:
        print("\n".join(banner(server, settings, logins, demo)), file=out, flush=True)
        await stop.wait()
        print("Stopping…", file=out, flush=True)
    finally:
        for signum in installed:
            asyncio.get_running_loop().remove_signal_handler(signum)
        await server.close()


def _on_signals(stop: asyncio.Event) -> list[signal.Signals]:
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            continue
        installed.append(signum)
    return installed
