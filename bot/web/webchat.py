"""The web chat channel: the page at ``/`` and its JSON transport under ``/chat``.

A browser holds one conversation through a signed cookie carrying a random chat id, so a
reload or a dropped connection carries on where it was. ``POST /chat/send`` hands one
event to the engine and answers with the bot's messages; ``GET /chat/history`` returns the
transcript; ``GET /chat/poll`` waits for messages written later (an agent's reply while the
conversation is handed off). Delivery on this channel is "the page fetched it": whatever a
response carries is marked sent. The page renders every text with ``textContent``.

Issue 12: the session is reissued when the debtor verifies (a new random chat id, the
conversation and its identity moved to it, a new cookie), so a chat id known before the
checks (fixation, a shared device) never reaches what comes after them. When a verified
chat has been idle for ``Engine.reverify_after`` (30 minutes), the history and the page hide
every message from the first that carried debt details on, and the engine asks the debtor to
verify again before anything more; once they have, all of it shows again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.resources import files
from typing import Any

from aiohttp import web

from bot.channels.inbound import classify
from bot.commands.base import Storage
from bot.engine import Inbound, Outgoing
from bot.storage.models import Conversation, Message
from bot.storage.ports import UnitOfWork
from bot.web.http import error, read_json_body
from bot.web.keys import ENGINE, HANDLER, METRICS, SHUTTING_DOWN, STEP_SLOTS, STORAGE
from bot.web.ratelimit import RateLimiter
from bot.web.reads import SHOWN_STATUSES, outbound_after
from dialogs.model import EventKind

CHANNEL = "web"
COOKIE = "parley_chat"
COOKIE_MAX_AGE = 90 * 24 * 3600
MAX_TEXT = 4096  # characters of typed text
POLL_SECONDS = 25
POLL_EVERY = 2.0  # a look at the database, for messages written by another process
_CHAT_ID = re.compile(r"w[A-Za-z0-9_-]{24}")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,36}")
_BUTTON = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}")
_SHOWN_KINDS = {"text", "button", "help", "human"}  # inbound kinds echoed in the history
# Message keys of states past the checks (bot messages stored before the ``debt`` flag).
_DEBT_KEY_PREFIXES = frozenset({"disclose", "situation", "offer", "negotiate", "agree"})

routes = web.RouteTableDef()
STATIC = files(__package__).joinpath("static")

# A person types far slower than this; a script gets 429 with Retry-After.
SESSION_LIMIT = web.AppKey("parley.webchat.session_limit", RateLimiter)
ADDRESS_LIMIT = web.AppKey("parley.webchat.address_limit", RateLimiter)
# New chats (a send without a chat cookie) per address: each one is a conversation row.
NEW_CHAT_LIMIT = web.AppKey("parley.webchat.new_chat_limit", RateLimiter)


@dataclass
class WebPush:
    """The web channel's delivery hook (``HandoffDesk.deliveries["web"]``).

    A page fetches its messages itself, so pushing only wakes that chat's waiting poll;
    what was pushed stays pending until the page has it.
    """

    _waiting: dict[str, set[asyncio.Event]] = field(default_factory=dict)

    async def push(self, messages: Sequence[Outgoing]) -> None:
        for message in messages:
            for event in self._waiting.get(message.chat_id, ()):
                event.set()

    def wake_all(self) -> None:
        for events in self._waiting.values():
            for event in events:
                event.set()

    @contextlib.contextmanager
    def waiting(self, chat_id: str) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._waiting.setdefault(chat_id, set()).add(event)
        try:
            yield event
        finally:
            events = self._waiting.get(chat_id, set())
            events.discard(event)
            if not events:
                self._waiting.pop(chat_id, None)


PUSH = web.AppKey("parley.webchat.push", WebPush)


def setup(app: web.Application) -> None:
    app[SESSION_LIMIT] = RateLimiter(capacity=20, per_second=0.5)
    # Generous: many people can share one address (mobile carriers, offices).
    app[ADDRESS_LIMIT] = RateLimiter(capacity=600, per_second=20)
    app[NEW_CHAT_LIMIT] = RateLimiter(capacity=20, per_second=1 / 6)
    app[PUSH] = WebPush()
    app.on_shutdown.append(_wake_polls)
    app.add_routes(routes)


async def _wake_polls(app: web.Application) -> None:
    app[PUSH].wake_all()


# --- the signed session cookie ---------------------------------------------------------


def _cookie_key(key: bytes) -> bytes:
    return hmac.new(key, b"parley.webchat.cookie", hashlib.sha256).digest()


def sign_chat_id(key: bytes, chat_id: str) -> str:
    mac = hmac.new(_cookie_key(key), chat_id.encode(), hashlib.sha256).digest()
    return f"{chat_id}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def read_chat_id(key: bytes, value: str | None) -> str | None:
    """The chat id in a cookie value, or None when it is missing, malformed or forged."""
    if not value or len(value) > 128:
        return None
    chat_id, _, _ = value.partition(".")
    if not _CHAT_ID.fullmatch(chat_id):
        return None
    return chat_id if hmac.compare_digest(sign_chat_id(key, chat_id), value) else None


def _session(request: web.Request) -> tuple[str, bool]:
    """(chat id, whether it is new and the cookie must be set)."""
    found = read_chat_id(request.app[STORAGE].key, request.cookies.get(COOKIE))
    if found is not None:
        return found, False
    return "w" + secrets.token_urlsafe(18), True


def _set_cookie(request: web.Request, response: web.StreamResponse, chat_id: str) -> None:
    response.set_cookie(
        COOKIE,
        sign_chat_id(request.app[STORAGE].key, chat_id),
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=request.secure,
    )


def _json(request: web.Request, body: dict[str, Any], chat_id: str, new: bool) -> web.Response:
    response = web.json_response(body, headers={"Cache-Control": "no-store"})
    if new:
        _set_cookie(request, response, chat_id)
    return response


# --- requests ---------------------------------------------------------------------------


def _limit(request: web.Request, chat_id: str | None, new: bool = False) -> None:
    """Refuse (429) a session or a client address that sends faster than a person types,
    or (``new``) starts chats faster than people open the page."""
    wait = request.app[ADDRESS_LIMIT].take(request.remote or "unknown")
    if new:
        wait = max(wait, request.app[NEW_CHAT_LIMIT].take(request.remote or "unknown"))
    if chat_id is not None:
        wait = max(wait, request.app[SESSION_LIMIT].take(chat_id))
    if wait > 0:
        request.app[METRICS].count(
            "parley_webchat_rate_limited_total", "Web chat requests refused as too fast."
        )
        raise error(
            429, "too many messages at once; wait a moment", {"Retry-After": str(int(wait) + 1)}
        )


def _text_field(body: dict[str, Any], name: str, pattern: re.Pattern[str] | None) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise error(400, f"{name} must be a string")
    if pattern is not None and not pattern.fullmatch(value):
        raise error(400, f"{name} is not valid")
    return value


def parse_event(body: dict[str, Any], chat_id: str, client_language: str | None) -> Inbound:
    """The engine event for one ``/chat/send`` body: exactly one of text, button, start,
    language; ``id`` (optional) makes a retried request count once."""
    given = [name for name in ("text", "button", "start", "language") if name in body]
    if len(given) != 1:
        raise error(400, "send exactly one of text, button, start or language")
    client_id = _text_field(body, "id", _CLIENT_ID)
    platform_id = f"{chat_id}:{client_id}" if client_id else None
    base = Inbound(
        CHANNEL,
        chat_id,
        EventKind.TEXT,
        platform_id=platform_id,
        client_language=client_language,
    )
    if (text := _text_field(body, "text", None)) is not None:
        if len(text) > MAX_TEXT:
            raise error(413, f"a message must be at most {MAX_TEXT} characters")
        if not text.strip():
            raise error(400, "the message is empty")
        kind, body_text, ref = classify(text)
        return replace(base, kind=kind, text=body_text, start_ref=ref)
    if (button := _text_field(body, "button", _BUTTON)) is not None:
        return replace(base, kind=EventKind.BUTTON, button=button)
    if "start" in body:
        ref = _text_field(body, "start", _REFERENCE) if body["start"] is not None else None
        return replace(base, kind=EventKind.START, text=ref or "", start_ref=ref)
    language = _text_field(body, "language", _LANGUAGE) or ""
    return replace(base, kind=EventKind.LANGUAGE, text=language)


def client_language(request: web.Request) -> str | None:
    """The browser's first preferred language (``Accept-Language``), if well formed."""
    header = request.headers.get("Accept-Language", "")[:200]
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return first if _LANGUAGE.fullmatch(first) else None


# --- responses --------------------------------------------------------------------------


def _buttons(payload: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"id": str(b.get("id", "")), "label": str(b.get("label", ""))}
        for b in payload.get("buttons", [])
        if isinstance(b, dict)
    ]


def _shown_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "from": message.sender,
        "text": message.text,
        "buttons": _buttons(message.payload),
    }


def _shown_outgoing(message: Outgoing) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "from": "bot",
        "text": message.text,
        "buttons": [{"id": b, "label": label} for b, label in message.buttons],
    }


def transcript_items(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """What the debtor sees on reload: their own words (a pressed button by its label),
    and every message that was or is being delivered to them."""
    items: list[dict[str, Any]] = []
    labels: dict[str, str] = {}
    for message in messages:
        if message.direction == "out":
            if message.status not in SHOWN_STATUSES:
                continue
            item = _shown_out(message)
            labels = {b["id"]: b["label"] for b in item["buttons"]} or labels
            items.append(item)
            continue
        kind = message.payload.get("kind", "text")
        if kind not in _SHOWN_KINDS:
            continue
        if kind == "button":
            text = labels.get(str(message.payload.get("button")), "")
        elif kind in ("help", "human"):
            text = f"/{kind}"
        else:
            text = message.text
        if text:
            items.append({"id": message.id, "from": "you", "text": text, "buttons": []})
    return items


async def _conversation(request: web.Request, chat_id: str) -> Conversation | None:
    async with request.app[STORAGE].uow() as uow:
        return await uow.conversations.for_chat(CHANNEL, chat_id)


def _status(request: web.Request, conversation: Conversation | None) -> dict[str, Any]:
    if conversation is None:
        return {"state": None, "mode": "bot", "language": None, "hidden": False}
    return {
        "state": conversation.state,
        "mode": conversation.mode,
        "language": conversation.language,
        "hidden": _hidden_from(request, conversation) is not None,
    }


def _hidden_from(request: web.Request, conversation: Conversation) -> int | None:
    """See :meth:`Engine.disclosure_hidden` (None: nothing hidden)."""
    engine = request.app[ENGINE]
    return engine.disclosure_hidden(conversation, engine.clock())


def carries_debt(message: Message) -> bool:
    """A message that says something about the debt: the bot's (``debt`` flag, or a state
    past the checks for messages stored before the flag), an agent's, or a plan."""
    payload = message.payload
    if message.direction != "out":
        return False
    key = str(payload.get("key", ""))
    return (
        bool(payload.get("debt"))
        or message.sender == "agent"
        or payload.get("kind") == "plan"
        or key.split(".", 1)[0] in _DEBT_KEY_PREFIXES
    )


def hide_disclosed(messages: Sequence[Message], shown_from: int) -> list[Message]:
    """Without every message from the first that carried debt details up to (not
    including) ``shown_from`` (0: to the end): the debtor's own words after it too."""
    first = next((m.id for m in messages if m.id is not None and carries_debt(m)), None)
    if first is None:
        return list(messages)
    return [
        m
        for m in messages
        if m.id is not None and (m.id < first or (shown_from and m.id >= shown_from))
    ]


async def _deliver(
    storage: Storage, chat_id: str, items: Sequence[dict[str, Any]]
) -> Conversation | None:
    """What a response carries has reached the page: mark it sent and read the
    conversation's state, in one transaction (``Engine.delivered`` commits per message)."""
    async with storage.uow() as uow:
        await _mark_sent(uow, items)
        conversation = await uow.conversations.for_chat(CHANNEL, chat_id)
        await uow.commit()
    return conversation


async def _mark_sent(uow: UnitOfWork, items: Sequence[dict[str, Any]]) -> None:
    for item in items:
        if item["from"] == "you":
            continue
        message = await uow.messages.get(int(item["id"]))
        if message is not None and message.status != "sent":
            message.status = "sent"
            message.attempts += 1


# --- routes -----------------------------------------------------------------------------


@routes.get("/")
async def index(request: web.Request) -> web.StreamResponse:
    chat_id, new = _session(request)
    page = STATIC.joinpath("chat.html").read_bytes()
    response = web.Response(
        body=page, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-store"}
    )
    if new:
        _set_cookie(request, response, chat_id)
    return response


@routes.post("/chat/send")
async def send(request: web.Request) -> web.Response:
    body = await read_json_body(request)
    chat_id, new = _session(request)
    inbound = parse_event(body, chat_id, client_language(request))
    _limit(request, chat_id, new)
    engine = request.app[ENGINE]
    started = engine.clock()
    async with request.app[STEP_SLOTS]:
        result = await request.app[METRICS].handle(request.app[HANDLER], inbound)
        messages = [_shown_outgoing(m) for m in result.messages]
        conversation = await _deliver(request.app[STORAGE], chat_id, messages)
        if conversation is not None and await _verified_since(request, chat_id, started):
            chat_id, new = await _reissue(request, chat_id), True
    reply = {
        "messages": messages,
        "duplicate": result.duplicate,
        "handoffs": list(result.handoffs),
        **_status(request, conversation),
    }
    return _json(request, reply, chat_id, new)


async def _verified_since(request: web.Request, chat_id: str, started: datetime) -> bool:
    async with request.app[STORAGE].uow() as uow:
        identity = await uow.identities.get(CHANNEL, chat_id)
    verified_at = identity.verified_at if identity is not None else None
    return verified_at is not None and verified_at >= started


async def _reissue(request: web.Request, old: str) -> str:
    """A new chat id for the session that has just verified: the conversation and this
    chat's identity move to it, the old id leads nowhere from now on."""
    engine = request.app[ENGINE]
    new = "w" + secrets.token_urlsafe(18)
    async with engine.locks(f"{CHANNEL}:{old}"), request.app[STORAGE].uow() as uow:
        conversation = await uow.conversations.for_chat(CHANNEL, old)
        identity = await uow.identities.get(CHANNEL, old)
        if conversation is None:
            return old
        conversation.chat_id = new
        if identity is not None:
            identity.address = new
        uow.audit.append(
            "webchat.session_reissued",
            "bot",
            {},
            account_id=conversation.account_id,
            conversation_id=conversation.id,
        )
        await uow.commit()
    return new


@routes.get("/chat/history")
async def history(request: web.Request) -> web.Response:
    chat_id, new = _session(request)
    _limit(request, None)
    items: list[dict[str, Any]] = []
    conversation = None
    if not new:
        async with request.app[STORAGE].uow() as uow:
            conversation = await uow.conversations.for_chat(CHANNEL, chat_id)
            if conversation is not None and conversation.id is not None:
                messages = await uow.messages.transcript(conversation.id, limit=300)
                shown_from = _hidden_from(request, conversation)
                if shown_from is not None:
                    messages = hide_disclosed(messages, shown_from)
                items = transcript_items(messages)
                await _mark_sent(uow, items)
                await uow.commit()
    return _json(request, {"messages": items, **_status(request, conversation)}, chat_id, new)


@routes.get("/chat/poll")
async def poll(request: web.Request) -> web.Response:
    chat_id, new = _session(request)
    after = _query_number(request, "after", 0, 2**31 - 1, 0)  # message ids are 32-bit
    wait = _query_number(request, "wait", 0, POLL_SECONDS, POLL_SECONDS)
    _limit(request, None)
    items = [] if new else await _wait_for_messages(request, chat_id, after, wait)
    conversation = None if new else await _deliver(request.app[STORAGE], chat_id, items)
    return _json(request, {"messages": items, **_status(request, conversation)}, chat_id, new)


def _query_number(request: web.Request, name: str, low: int, high: int, default: int) -> int:
    try:
        value = int(request.query.get(name, str(default)))
    except ValueError:
        raise error(400, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise error(400, f"{name} must be from {low} to {high}")
    return value


async def _wait_for_messages(
    request: web.Request, chat_id: str, after: int, wait: float
) -> list[dict[str, Any]]:
    """Outbound messages newer than ``after``, waiting up to ``wait`` seconds for one."""
    storage, stopping = request.app[STORAGE], request.app[SHUTTING_DOWN]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    conversation_id: int | None = None
    with request.app[PUSH].waiting(chat_id) as pushed:
        while True:
            pushed.clear()
            if conversation_id is None:
                conversation = await _conversation(request, chat_id)
                conversation_id = conversation.id if conversation else None
            if conversation_id is not None:
                found = await outbound_after(storage.factory, conversation_id, after)
                if found:
                    return [_shown_out(m) for m in found]
            remaining = deadline - loop.time()
            if remaining <= 0 or stopping.is_set():
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pushed.wait(), min(POLL_EVERY, remaining))
