"""A local Telegram Bot API over real HTTP, for tests and the benchmark.

    async with StandIn() as api:
        bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base)))
        api.user_sends(42, "/start A-10001", language_code="zh-hans")
        [reply] = await api.wait_for(42, 1)

Methods are served at ``{base}/bot{token}/{method}`` (GET or POST; query, JSON, urlencoded
or multipart bodies), answer in the Bot API's JSON, and refuse what Telegram refuses.
The users' side is driven from Python: ``user_sends``, ``user_presses``, ``group_sends``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from tests.standin.cloud import Cloud, Json, Topic, Webhook, command_entities
from tests.standin.faults import Faults
from tests.standin.methods import (
    METHODS,
    ApiError,
    Result,
    bad_request,
    normalise,
    set_allowed_updates,
)
from tests.standin.webhook import Delivery, WebhookSender

TOKEN = "7000000001:AAFstand-in_token_for_tests_0000000"
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
_CANONICAL = {name.lower(): name for name in [*METHODS, "getUpdates"]}
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLER = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass
class ApiCall:
    """One method call as the stand-in saw it; parameters are decoded to JSON types."""

    method: str
    params: Json
    at: float  # time.monotonic() on arrival
    status: int | None = None  # HTTP status answered; None while in flight
    result: Any = None
    via: str = "http"  # or "webhook-reply"


class StandIn:
    def __init__(
        self,
        *,
        token: str = TOKEN,
        seed: int = 0,
        bot_username: str = "parley_test_bot",
        webhook_timeout: float = 10.0,
        webhook_retry_delays: Sequence[float] = (0.05, 0.1, 0.2, 0.5, 1.0),
    ) -> None:
        self.token = token
        self.cloud = Cloud(
            {
                "id": int(token.split(":")[0]),
                "is_bot": True,
                "first_name": "Parley Test",
                "username": bot_username,
            }
        )
        self.faults = Faults(seed)
        self.calls: list[ApiCall] = []
        self._webhook = WebhookSender(
            self.cloud,
            self.faults,
            self._run_reply,
            timeout=webhook_timeout,
            retry_delays=webhook_retry_delays,
        )
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._poller: asyncio.Future[str] | None = None
        self._redeliver: list[Json] = []
        self._watchers: set[asyncio.Future[None]] = set()
        self._closing = asyncio.Event()
        self.cloud.on_update.append(self._wake)
        self.cloud.on_change.append(self._notify)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        await self._webhook.start()

    async def stop(self) -> None:
        self._closing.set()
        self._wake("closing")
        await self._webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base(self) -> str:
        """The Bot API root, e.g. ``http://127.0.0.1:41234`` (PARLEY_TELEGRAM_API_BASE)."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_user(self) -> Json:
        return dict(self.cloud.bot_user)

    # -- the users' side ----------------------------------------------------------------

    def user_sends(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> Json:
        """A user writes to the bot in a private chat (or a plain group); returns the update."""
        user = self.cloud.user(chat_id if user_id is None else user_id, language_code)
        chat = self.cloud.chats.get(chat_id)
        if chat is None and chat_id != user["id"]:
            raise ValueError(f"unknown chat {chat_id}; add_forum() it first")
        if chat is None:
            chat = self.cloud.private_chat(user)
        if chat_id in self.cloud.blocked:
            self.user_unblocks(chat_id)  # writing again means restarting the bot
        message = self.cloud.new_message(
            chat, user, text=text, entities=command_entities(text) or None
        )
        return self.cloud.enqueue("message", copy.deepcopy(message))

    def user_presses(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> Json:
        """A user presses an inline button on one of the bot's messages; returns the update."""
        message = self.cloud.messages.get((chat_id, message_id))
        if message is None or message["from"]["id"] != self.cloud.bot_user["id"]:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        offered = [button.get("callback_data") for row in rows for button in row]
        if data not in offered:
            raise ValueError(f"message {message_id} has no button {data!r}, only {offered}")
        user = self.cloud.user(chat_id if user_id is None else user_id)
        return self.cloud.new_callback_query(user, message, data)

    def group_sends(self, chat_id: int, thread_id: int | None, text: str, user: int) -> Json:
        """Someone (an agent) writes in a forum group's topic; None or 1 is General."""
        chat = self.add_forum(chat_id)
        sender = self.cloud.user(user)
        fields: Json = {"text": text, "entities": command_entities(text) or None}
        if thread_id not in (None, 1):
            topic = self.cloud.topics.get((chat_id, thread_id))
            if topic is None:
                raise ValueError(f"no topic {thread_id} in chat {chat_id}")
            fields.update(
                message_thread_id=thread_id,
                is_topic_message=True,
                reply_to_message=self.cloud.messages.get((chat_id, thread_id)),
            )
        message = self.cloud.new_message(chat, sender, **fields)
        return self.cloud.enqueue("message", copy.deepcopy(message))

    def add_forum(self, chat_id: int, title: str = "Parley agents") -> Json:
        """A forum supergroup where the bot is an administrator."""
        return self.cloud.add_forum(chat_id, title)

    def user_blocks(self, chat_id: int) -> Json:
        """The user blocks the bot: sends then get 403, and a my_chat_member update comes."""
        self.cloud.blocked.add(chat_id)
        return self._member_update(chat_id, "member", "kicked")

    def user_unblocks(self, chat_id: int) -> Json:
        self.cloud.blocked.discard(chat_id)
        return self._member_update(chat_id, "kicked", "member")

    def _member_update(self, chat_id: int, old: str, new: str) -> Json:
        chat, user = self.cloud.chats[chat_id], self.cloud.user(chat_id)
        bot, now = self.cloud.bot_user, int(time.time())
        new_member: Json = {"user": bot, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        change = {
            "chat": chat,
            "from": user,
            "date": now,
            "old_chat_member": {"user": bot, "status": old},
            "new_chat_member": new_member,
        }
        return self.cloud.enqueue("my_chat_member", copy.deepcopy(change))

    # -- what the bot did ---------------------------------------------------------------

    def sent(self, chat_id: int, *, thread_id: int | None = None) -> list[Json]:
        """The bot's messages in a chat, oldest first, as they are now (edits applied)."""
        messages = self.cloud.bot_messages(chat_id)
        if thread_id is None:
            return messages
        return [m for m in messages if m.get("message_thread_id") == thread_id]

    # A default timeout on the helpers keeps a broken bot from hanging the test run.
    async def wait_for(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        thread_id: int | None = None,
    ) -> list[Json]:
        """Waits until the bot has sent at least ``count`` messages there; returns them all."""
        await self.wait_until(
            lambda: len(self.sent(chat_id, thread_id=thread_id)) >= count,
            timeout,
            f"{count} bot message(s) in chat {chat_id}, got "
            f"{[m.get('text') for m in self.sent(chat_id, thread_id=thread_id)]}",
        )
        return self.sent(chat_id, thread_id=thread_id)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> None:
        """Re-checks ``condition`` after every call the bot makes; TimeoutError if never."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            watcher = loop.create_future()
            self._watchers.add(watcher)
            try:
                await asyncio.wait_for(watcher, max(deadline - loop.time(), 0))
            except TimeoutError:
                raise TimeoutError(f"waited {timeout}s for {what}") from None
            finally:
                self._watchers.discard(watcher)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def callback_answer(self, callback_query_id: str) -> Json | None:
        query = self.cloud.callback_queries.get(callback_query_id)
        return None if query is None else query.answer

    def topics(self, chat_id: int) -> list[Topic]:
        return [topic for (chat, _), topic in self.cloud.topics.items() if chat == chat_id]

    @property
    def pending_updates(self) -> list[Json]:
        """Updates not yet confirmed by the bot (getUpdates offset or webhook 2xx)."""
        return copy.deepcopy(self.cloud.pending)

    @property
    def webhook(self) -> Webhook | None:
        return self.cloud.webhook

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        return self._webhook.deliveries

    def subscribe(self, listener: Callable[[Json], None]) -> Callable[[], None]:
        """Calls ``listener(message)`` for each message the bot sends; returns unsubscribe.
        The message is the live record: read it, do not change it."""
        self.cloud.on_bot_message.append(listener)
        return lambda: self.cloud.on_bot_message.remove(listener)

    # -- HTTP ---------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return _json(ApiError(404, "Not Found").body(), 404)

    async def _handle(self, request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            if _TOKEN_SHAPE.fullmatch(token):
                return _json(ApiError(401, "Unauthorized").body(), 401)
            return _json(ApiError(404, "Not Found").body(), 404)
        method = _CANONICAL.get(name.lower())
        try:
            params = normalise(await _read_params(request))
        except ApiError as error:
            return _json(error.body(), error.status)
        call = ApiCall(method or name, params, time.monotonic())
        self.calls.append(call)
        self._notify()
        try:
            if method is None:
                call.status = 404
                return _json(ApiError(404, "Not Found").body(), 404)
            body = await self._answer(call)
            return _json(body, call.status or 200)
        finally:
            self._notify()
            self._webhook.wake()

    async def _answer(self, call: ApiCall) -> Json:
        half_trip = self.faults.delay / 2
        if half_trip:
            await asyncio.sleep(half_trip)
        hang = self.faults.hang_for(call.method)
        if hang is not None and not hang.apply:
            await self._pause(hang.seconds)
        try:
            refusal = self.faults.refusal(call.method) or self.faults.flood_refusal(
                call.method, call.params.get("chat_id")
            )
            if refusal is not None:
                raise refusal
            result = await self._run(call.method, call.params)
            call.status, call.result = 200, result.value
            body: Json = {"ok": True, "result": result.value}
            if result.description:
                body["description"] = result.description
        except ApiError as error:
            call.status, body = error.status, error.body()
        if hang is not None and hang.apply:
            await self._pause(hang.seconds)
        if half_trip:
            await asyncio.sleep(half_trip)
        return body

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _run(self, method: str, params: Json) -> Result:
        if method == "getUpdates":
            return await self._get_updates(params)
        return METHODS[method](self.cloud, params)

    async def _run_reply(self, name: str, params: Json) -> None:
        method = _CANONICAL.get(name.lower())
        call = ApiCall(method or name, normalise(params), time.monotonic(), via="webhook-reply")
        self.calls.append(call)
        if method is None or method == "getUpdates":
            call.status = 404 if method is None else 400
            return
        try:
            call.status, call.result = 200, METHODS[method](self.cloud, call.params).value
        except ApiError as error:
            call.status = error.status
        self._notify()

    # -- long polling -------------------------------------------------------------------

    async def _get_updates(self, params: Json) -> Result:
        if self.cloud.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset, limit, timeout = (params.get(k) for k in ("offset", "limit", "timeout"))
        for name, value in (("offset", offset), ("limit", limit), ("timeout", timeout)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise bad_request(f'field "{name}" must be of type Integer')
        limit = min(max(limit or 100, 1), 100)
        set_allowed_updates(self.cloud, params)
        self._wake("conflict")  # a newer getUpdates ends the one still waiting
        self.cloud.confirm(offset or 0)
        batch = self._take(limit)
        if batch or not timeout or self._closing.is_set():
            return Result(batch)
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._poller = waiter
        try:
            reason = await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            return Result([])
        finally:
            if self._poller is waiter:
                self._poller = None
        if reason == "conflict":
            raise ApiError(409, CONFLICT_POLLER)
        if reason == "closing" or self.cloud.webhook is not None:
            return Result([])
        return Result(self._take(limit))

    def _take(self, limit: int) -> list[Json]:
        redelivered, self._redeliver = self._redeliver, []
        batch = self.cloud.deliverable(limit)
        self._redeliver = [update for update in batch if self.faults.duplicate()]
        return redelivered + batch

    def _wake(self, reason: str = "update") -> None:
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(reason)
        if reason == "update":
            self._webhook.wake()

    def _notify(self) -> None:
        for watcher in self._watchers:
            if not watcher.done():
                watcher.set_result(None)


async def _read_params(request: web.Request) -> Json:
    params: Json = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            params[name] = value if isinstance(value, str) else "<file>"
    return params


def _json(body: Json, status: int) -> web.Response:
    return web.json_response(body, status=status)
