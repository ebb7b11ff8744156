"""The agent console at ``/console``: a live queue, claim, transcript, context, reply, plans,
approvals, return and close. Plain HTML and JavaScript served from ``bot/web/static``; no
build step, nothing loaded from another host.

Mounting (the app factory)::

    app[AUTH] = Auth(...)                 # bot.web.auth; the console needs it
    app.add_routes(auth_routes())
    hub = setup_console(app, desk)        # routes below, DESK and HUB keys, background tasks

``setup_console`` adds its routes to ``app`` itself (absolute paths) and a ``cleanup_ctx``
that runs the live hub and the desk's overdue check (waiting notices) every 30 seconds.
``approval_routes(prefix)`` gives the approval endpoints again for another prefix (e.g.
``/api/approvals`` in the JSON API).

Pages: ``GET /console`` (redirects to ``/console/login`` when not signed in),
``GET /console/login``, ``GET /console/static/{file}``. JSON (agent role; admin implies it;
unsafe methods need the session's CSRF token, see :mod:`bot.web.auth`)::

    GET  /console/api/queue                          {"items": [ticket], "now": iso}
    GET  /console/api/handoffs/{id}                  context panel and transcript
    POST /console/api/handoffs/{id}/claim            ticket | 409 claimed by someone else
    POST /console/api/handoffs/{id}/release          ticket
    POST /console/api/handoffs/{id}/messages         {"text"} -> 200 sent | 422 refused+reasons
    POST /console/api/handoffs/{id}/calculate        {"monthly","holiday_months","overrides"}
    POST /console/api/handoffs/{id}/plans            same + {"option","note"} -> 200 sent |
                                                     202 pending_approval | 422 refused
    POST /console/api/handoffs/{id}/return           {"state": "offer"} -> {"state": reached}
    POST /console/api/handoffs/{id}/close            {"note"}
    GET  /console/api/approvals                      admin: pending approvals
    POST /console/api/approvals/{id}/approve|deny    admin: {"note"}
    GET  /console/ws                                 live: hello, queue, handoff, approvals

Acting on a handoff someone else holds is 403; on one that is not claimed or has ended, 409.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from aiohttp import WSMsgType, web

from bot.handoff import (
    RESUMABLE,
    BaseObserver,
    CalculatorError,
    HandoffDesk,
    HandoffError,
    PlanRequest,
    Ticket,
)
from bot.web.auth import Principal, current_user, require_role, requires
from bot.web.http import loads, read_body

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
MAX_BODY: Final = 64 * 1024
QUEUE_SIZE: Final = 256
_FILES: Final = {
    "console.js": "application/javascript",
    "console.css": "text/css",
    "console-login.js": "application/javascript",
}
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Event = dict[str, Any]


class ConsoleHub(BaseObserver):
    """In-process fan-out to every open console: a handoff observer that coalesces changes
    (50 ms) and sends one fresh queue to all, plus which handoffs and approvals changed.
    Across several processes a Redis channel would feed :meth:`touch` (not built yet)."""

    def __init__(self, desk: HandoffDesk, debounce: float = 0.05) -> None:
        self.desk = desk
        self.debounce = debounce
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self._dirty = asyncio.Event()
        self._handoffs: set[int] = set()
        self._approvals = False

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    def touch(self, handoff_id: int | None = None, *, approvals: bool = False) -> None:
        if handoff_id is not None:
            self._handoffs.add(handoff_id)
        self._approvals = self._approvals or approvals
        self._dirty.set()

    async def snapshot(self) -> Event:
        items = await self.desk.queue()
        return {
            "type": "queue",
            "items": [t.as_json() for t in items],
            "now": self.desk.now().isoformat(),
        }

    async def run(self) -> None:
        while True:
            await self._dirty.wait()
            await asyncio.sleep(self.debounce)
            self._dirty.clear()
            handoffs, self._handoffs = self._handoffs, set()
            approvals, self._approvals = self._approvals, False
            if not self._subscribers:
                continue
            try:
                self._broadcast(await self.snapshot())
            except Exception as error:  # the next change tries again
                log.warning("console snapshot failed: %s", type(error).__name__)
                continue
            for handoff_id in sorted(handoffs):
                self._broadcast({"type": "handoff", "id": handoff_id})
            if approvals:
                self._broadcast({"type": "approvals"})

    def _broadcast(self, event: Event) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # a slow console: drop what it missed, make it reload
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait({"type": "resync"})

    async def opened(self, ticket: Ticket, summary: Mapping[str, Any]) -> None:
        self.touch(ticket.handoff_id)

    async def debtor_message(self, ticket: Ticket, text: str) -> None:
        self.touch(ticket.handoff_id)

    async def agent_message(self, ticket: Ticket, agent: str, text: str) -> None:
        self.touch(ticket.handoff_id)

    async def changed(self, ticket: Ticket, event: str) -> None:
        self.touch(ticket.handoff_id, approvals=event.startswith("approval"))

    async def closed(self, ticket: Ticket, outcome: str) -> None:
        self.touch(ticket.handoff_id, approvals=True)


DESK: Final = web.AppKey("parley_handoff_desk", HandoffDesk)
HUB: Final = web.AppKey("parley_console_hub", ConsoleHub)


def setup_console(
    app: web.Application, desk: HandoffDesk, *, overdue_interval: float = 30.0
) -> ConsoleHub:
    """Mount the console on ``app`` (which must hold ``AUTH``); returns the live hub."""
    hub = ConsoleHub(desk)
    desk.observers.append(hub)
    app[DESK] = desk
    app[HUB] = hub
    app.add_routes(_routes())
    app.add_routes(approval_routes("/console/api/approvals"))
    app.cleanup_ctx.append(_background(hub, desk, overdue_interval))
    return hub


def _background(
    hub: ConsoleHub, desk: HandoffDesk, interval: float
) -> Callable[[web.Application], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def running(_: web.Application) -> AsyncIterator[None]:
        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await desk.overdue()
                except Exception as error:  # keep ticking
                    log.warning("overdue check failed: %s", type(error).__name__)
                hub.touch()  # waiting times and changes made by other processes

        tasks = [asyncio.create_task(hub.run()), asyncio.create_task(tick())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return running


# --- pages --------------------------------------------------------------------------------


def _routes() -> web.RouteTableDef:
    routes = web.RouteTableDef()
    routes.get("/console")(_page)
    routes.get("/console/")(_page)
    routes.get("/console/login")(_login_page)
    routes.get("/console/static/{name}")(_static)
    routes.get("/console/ws")(_ws)
    api = "/console/api/handoffs/{id:\\d{1,18}}"
    routes.get("/console/api/queue")(_queue)
    routes.get(api)(_context)
    routes.post(f"{api}/claim")(_claim)
    routes.post(f"{api}/release")(_release)
    routes.post(f"{api}/messages")(_message)
    routes.post(f"{api}/calculate")(_calculate)
    routes.post(f"{api}/plans")(_plan)
    routes.post(f"{api}/return")(_return)
    routes.post(f"{api}/close")(_close)
    return routes


def approval_routes(prefix: str) -> web.RouteTableDef:
    """``GET {prefix}``, ``POST {prefix}/{id}/approve``, ``POST {prefix}/{id}/deny`` (admin)."""
    routes = web.RouteTableDef()
    routes.get(prefix)(_approvals)
    routes.post(prefix + "/{id:\\d{1,18}}/approve")(_approve)
    routes.post(prefix + "/{id:\\d{1,18}}/deny")(_deny)
    return routes


def _file(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _html(name: str) -> web.Response:
    return web.Response(
        body=_file(name), content_type="text/html", charset="utf-8", headers=SECURITY_HEADERS
    )


async def _page(request: web.Request) -> web.StreamResponse:
    if await current_user(request) is None:
        return web.Response(status=303, headers={"Location": "/console/login"})
    return _html("console.html")


async def _login_page(request: web.Request) -> web.StreamResponse:
    return _html("console-login.html")


async def _static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    kind = _FILES.get(name)
    if kind is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=_file(name), content_type=kind, charset="utf-8", headers=SECURITY_HEADERS
    )


# --- live ---------------------------------------------------------------------------------


async def _ws(request: web.Request) -> web.StreamResponse:
    user = await require_role(request, "agent")  # also refuses a foreign Origin
    hub = request.config_dict[HUB]
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    with hub.subscribe() as queue:
        await ws.send_json({"type": "hello", "user": {"name": user.name, "role": user.role}})
        await ws.send_json(await hub.snapshot())
        reader = asyncio.create_task(_drain(ws))
        try:
            while not ws.closed:
                event = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({event, reader}, return_when=asyncio.FIRST_COMPLETED)
                if event not in done:
                    event.cancel()
                    break
                await ws.send_json(event.result())
        finally:
            reader.cancel()
            await ws.close()
    return ws


async def _drain(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what the page sends, so pings and the close are seen."""
    async for message in ws:
        if message.type is WSMsgType.TEXT and message.data == '{"type":"ping"}':
            await ws.send_json({"type": "pong"})


# --- JSON API -----------------------------------------------------------------------------

Handler = Callable[[web.Request, Principal], Awaitable[web.StreamResponse]]


def _answers(handler: Handler) -> Handler:
    """Turn the desk's refusals into JSON errors with their HTTP status."""

    async def wrapped(request: web.Request, user: Principal) -> web.StreamResponse:
        try:
            return await handler(request, user)
        except HandoffError as error:
            return web.json_response({"error": str(error)}, status=error.status)
        except CalculatorError as error:
            return web.json_response({"error": str(error)}, status=400)

    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await read_body(request, MAX_BODY)  # all of it, however many packets it took
    if not raw.strip():
        return {}
    try:
        data = loads(raw)
    except ValueError:
        raise HandoffError("The body must be a JSON object.") from None
    if not isinstance(data, dict):
        raise HandoffError("The body must be a JSON object.")
    return data


MAX_ID: Final = 2**31 - 1  # row ids are 32-bit integers


def _id(request: web.Request) -> int:
    value = int(request.match_info["id"])
    if value > MAX_ID:  # no such row, and PostgreSQL would refuse the parameter
        raise web.HTTPNotFound(text='{"error": "no such item"}', content_type="application/json")
    return value


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise HandoffError(f"{key} must be text.")
    return value[:limit]


def _desk(request: web.Request) -> HandoffDesk:
    return request.config_dict[DESK]


@requires("agent")
@_answers
async def _queue(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response(await request.config_dict[HUB].snapshot())


@requires("agent")
@_answers
async def _context(request: web.Request, user: Principal) -> web.StreamResponse:
    body = await _desk(request).context(_id(request))
    body["you"] = {"id": user.id, "name": user.name, "role": user.role}
    body["resumable"] = list(RESUMABLE)
    return web.json_response(body)


@requires("agent")
@_answers
async def _claim(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response((await _desk(request).claim(_id(request), user)).as_json())


@requires("agent")
@_answers
async def _release(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response((await _desk(request).release(_id(request), user)).as_json())


@requires("agent")
@_answers
async def _message(request: web.Request, user: Principal) -> web.StreamResponse:
    data = await _body(request)
    sent = await _desk(request).reply(_id(request), user, _text(data, "text", 20_000))
    return web.json_response(sent.as_json(), status=200 if sent.sent else 422)


@requires("agent")
@_answers
async def _calculate(request: web.Request, user: Principal) -> web.StreamResponse:
    plan = PlanRequest.from_json(await _body(request))
    return web.json_response((await _desk(request).calculate(_id(request), plan)).as_json())


_PLAN_STATUS: Final = {"sent": 200, "pending_approval": 202, "refused": 422}


@requires("agent")
@_answers
async def _plan(request: web.Request, user: Principal) -> web.StreamResponse:
    data = await _body(request)
    option = data.get("option")
    if not isinstance(option, int) or isinstance(option, bool):
        raise HandoffError("option must be the number of a calculated plan.")
    outcome = await _desk(request).offer_plan(
        _id(request), user, PlanRequest.from_json(data), option, _text(data, "note", 2000)
    )
    return web.json_response(outcome.as_json(), status=_PLAN_STATUS.get(outcome.status, 200))


@requires("agent")
@_answers
async def _return(request: web.Request, user: Principal) -> web.StreamResponse:
    state = _text(await _body(request), "state", 32) or "offer"
    reached = await _desk(request).return_to_bot(_id(request), user, state)
    return web.json_response({"state": reached})


@requires("agent")
@_answers
async def _close(request: web.Request, user: Principal) -> web.StreamResponse:
    note = _text(await _body(request), "note", 2000)
    return web.json_response({"state": await _desk(request).close(_id(request), user, note)})


@requires("admin")
@_answers
async def _approvals(request: web.Request, user: Principal) -> web.StreamResponse:
    return web.json_response({"items": await _desk(request).approvals()})


@requires("admin")
@_answers
async def _approve(request: web.Request, user: Principal) -> web.StreamResponse:
    note = _text(await _body(request), "note", 2000)
    outcome = await _desk(request).approve(_id(request), user, note)
    return web.json_response(outcome.as_json(), status=200 if outcome.status == "sent" else 422)


@requires("admin")
@_answers
async def _deny(request: web.Request, user: Principal) -> web.StreamResponse:
    note = _text(await _body(request), "note", 2000)
    return web.json_response((await _desk(request).deny(_id(request), user, note)).as_json())
