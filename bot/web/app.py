"""The application factory: one aiohttp app for the web chat, console, admin, API and
/metrics, with the security headers and limits every response and request shares."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.commands.base import Storage
from bot.config import Settings
from bot.engine import Engine
from bot.handoff import HandoffDesk
from bot.metrics import CONTENT_TYPE, Metrics
from bot.web import admin, api, webchat
from bot.web.auth import AUTH, Auth, auth_routes, require_role
from bot.web.console import DESK, setup_console
from bot.web.keys import (
    ENGINE,
    HANDLER,
    METRICS,
    SETTINGS,
    SHUTTING_DOWN,
    STEP_SLOTS,
    STORAGE,
)

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DESK",
    "ENGINE",
    "HANDLER",
    "METRICS",
    "SETTINGS",
    "SHUTTING_DOWN",
    "STEP_SLOTS",
    "STORAGE",
    "create_app",
]

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).with_name("static")
POSTGRES_STEPS = 64  # bounded, as DESIGN §9 measured for aiogram's task limit
# The largest body any route reads; JSON routes cap their own bodies at 16 KB.
MAX_REQUEST = 256 * 1024
# Nothing from other hosts, no inline script or style, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"
_JSON_PREFIXES = ("/api/", "/chat/")
_KEPT_HEADERS = {"allow", "retry-after", "www-authenticate", "location"}


def create_app(
    settings: Settings,
    storage: Storage,
    engine: Engine,
    metrics: Metrics | None = None,
) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST, middlewares=[_forwarded, _errors])
    app[SETTINGS] = settings
    app[STORAGE] = storage
    app[ENGINE] = engine
    app[METRICS] = metrics or Metrics()
    app[SHUTTING_DOWN] = asyncio.Event()
    app[STEP_SLOTS] = asyncio.Semaphore(1 if settings.is_sqlite else POSTGRES_STEPS)
    app[AUTH] = Auth(
        uow=storage.uow,
        key=storage.key,
        secure_cookies=True if settings.behind_tls else None,
        public_host=urlsplit(settings.public_url).netloc if settings.public_url else None,
    )
    app.on_response_prepare.append(_security_headers)
    app.on_shutdown.append(_stop_waiting)
    desk = HandoffDesk(engine)
    app[HANDLER] = desk  # channels give inbound events to the desk, not the bare engine
    webchat.setup(app)
    desk.deliveries[webchat.CHANNEL] = app[webchat.PUSH]
    app.add_routes(auth_routes())
    setup_console(app, desk)
    api.setup(app)
    admin.setup(app)
    app.router.add_get("/metrics", _metrics)
    app.router.add_static("/static/", STATIC_DIR, name="static", append_version=False)
    return app


async def _stop_waiting(app: web.Application) -> None:
    app[SHUTTING_DOWN].set()


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = "Parley"  # not which aiohttp, nor which Python
    if client_view(request, request.app[SETTINGS])[1] == "https":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def client_view(request: web.BaseRequest, settings: Settings) -> tuple[str, str]:
    """The real client's address and the scheme it used: ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed only from a ``PARLEY_TRUSTED_PROXIES`` address, and
    a ``PARLEY_PUBLIC_URL`` with https:// means every client came over TLS."""
    peer = request.remote or "unknown"
    scheme = request.scheme
    proxies = settings.proxy_networks()
    if proxies and _within(peer, proxies):
        hops = [
            h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
        ]
        client = peer
        for hop in reversed([h for h in hops if h]):  # the nearest hop first
            if _parse_ip(hop) is None:
                break
            client = hop
            if not _within(hop, proxies):
                break
        peer = client[:64]
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            scheme = proto
    if settings.behind_tls:
        scheme = "https"
    return peer, scheme


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _within(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    ip = _parse_ip(address)
    return ip is not None and any(ip in network for network in networks)


@web.middleware
async def _forwarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Handlers see the real client in ``request.remote`` and ``request.secure``."""
    remote, scheme = client_view(request, request.app[SETTINGS])
    if remote != request.remote or scheme != request.scheme:
        request = request.clone(remote=remote, scheme=scheme)
    return await handler(request)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """JSON routes answer errors as ``{"error": …}``; nothing unexpected leaks detail.

    The log names the route and the exception's type and frames, never its message: a
    message can quote what a debtor typed.
    """
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or not _is_json(request) or exc.empty_body:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() in _KEPT_HEADERS}
        return web.json_response({"error": exc.reason.lower()}, status=exc.status, headers=headers)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error(
            "unhandled %s in %s %s\n%s",
            type(exc).__name__,
            request.method,
            request.match_info.route.resource.canonical
            if request.match_info.route.resource
            else "?",
            frames,
        )
        if _is_json(request):
            return web.json_response({"error": "internal error"}, status=500)
        return web.Response(status=500, text="Internal error.")


def _is_json(request: web.Request) -> bool:
    return request.path.startswith(_JSON_PREFIXES)


async def _metrics(request: web.Request) -> web.Response:
    """Prometheus scrapes with ``authorization: {credentials: TOKEN}`` (any role)."""
    await require_role(request, "agent")
    text = await request.app[METRICS].exposition(request.app[STORAGE].factory)
    return web.Response(text=text, headers={"Content-Type": CONTENT_TYPE})
