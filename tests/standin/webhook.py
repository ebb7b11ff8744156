"""Webhook delivery as Telegram does it: POST each update with the secret header, retry
until a 2xx, at most ``max_connections`` at once and one at a time per chat, and run the
method a bot may put in its answer (aiogram's "reply into webhook")."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp

from tests.standin.cloud import Cloud, Json, Webhook, update_chat_id
from tests.standin.faults import Faults

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RunReply = Callable[[str, Json], Awaitable[None]]


@dataclass(frozen=True)
class Delivery:
    """One POST to the webhook: its HTTP status, or the error Telegram would report."""

    update_id: int
    status: int | None
    error: str | None
    at: float


class WebhookSender:
    def __init__(
        self,
        cloud: Cloud,
        faults: Faults,
        run_reply: RunReply,
        *,
        timeout: float,
        retry_delays: Sequence[float],
    ) -> None:
        self.deliveries: list[Delivery] = []
        self._cloud = cloud
        self._faults = faults
        self._run_reply = run_reply
        self._timeout = timeout
        self._retry_delays = tuple(retry_delays) or (1.0,)
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._busy_chats: set[int] = set()
        self._session: aiohttp.ClientSession | None = None
        self._loop_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._loop_task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [*self._in_flight.values(), *([self._loop_task] if self._loop_task else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            hook = self._cloud.webhook
            if hook is not None:
                self._dispatch(hook)

    def _dispatch(self, hook: Webhook) -> None:
        for update in self._cloud.deliverable(len(self._cloud.pending)):
            if len(self._in_flight) >= hook.max_connections:
                return
            update_id, chat_id = update["update_id"], update_chat_id(update)
            if update_id in self._in_flight or chat_id in self._busy_chats:
                continue  # a chat's updates go one at a time, in order
            if chat_id is not None:
                self._busy_chats.add(chat_id)
            self._in_flight[update_id] = asyncio.create_task(self._deliver(hook, update))

    async def _deliver(self, hook: Webhook, update: Json) -> None:
        try:
            attempt = 0
            while self._cloud.webhook is hook:
                if await self._post(hook, update):
                    self._cloud.remove_pending(update["update_id"])
                    if self._faults.duplicate():
                        await self._post(hook, update)
                    return
                await asyncio.sleep(self._retry_delays[min(attempt, len(self._retry_delays) - 1)])
                attempt += 1
        finally:
            del self._in_flight[update["update_id"]]
            chat_id = update_chat_id(update)
            if chat_id is not None:
                self._busy_chats.discard(chat_id)
            self._cloud.changed()
            self.wake()

    async def _post(self, hook: Webhook, update: Json) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        status, error = None, None
        try:
            async with self._session.post(
                hook.url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                status = response.status
                if 200 <= status < 300:
                    await self._reply(response)
                else:
                    error = f"Wrong response from the webhook: {status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError as failure:
            error = f"Connection error: {type(failure).__name__}"
        self.deliveries.append(Delivery(update["update_id"], status, error, time.monotonic()))
        if error is not None:
            hook.last_error_date, hook.last_error_message = int(time.time()), error
        self._cloud.changed()
        return error is None

    async def _reply(self, response: aiohttp.ClientResponse) -> None:
        """A method in the webhook's answer is run as if the bot had called it."""
        params: Json = {}
        if response.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader.from_response(response)
            async for part in reader:
                if isinstance(part, aiohttp.BodyPartReader) and part.name:
                    params[part.name] = await part.text()
        elif response.content_type == "application/json":
            try:
                body = json.loads(await response.read() or b"{}")
            except ValueError:
                return
            params = body if isinstance(body, dict) else {}
        method = params.pop("method", None)
        if isinstance(method, str):
            await self._run_reply(method, params)
