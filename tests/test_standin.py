"""The Bot API stand-in over raw HTTP: each method, each error shape, long polling,
webhook delivery and the injected faults."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.standin import SECRET_HEADER, StandIn
from tests.standin.cloud import FIRST_UPDATE_ID, Json

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
FORUM = -1001234567890


@pytest.fixture
async def api() -> AsyncIterator[StandIn]:
    async with StandIn(webhook_retry_delays=(0.01,)) as stand_in:
        yield stand_in


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _form_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


async def call(
    http: aiohttp.ClientSession,
    api: StandIn,
    method: str,
    params: Json | None = None,
    *,
    encoding: str = "json",
    timeout: float = 5.0,  # noqa: ASYNC109 -- the client's own timeout, part of what is tested
) -> tuple[int, Json]:
    """One Bot API call as a client library would make it; (HTTP status, JSON body)."""
    url = f"{api.base}/bot{api.token}/{method}"
    fields = {name: _form_value(value) for name, value in (params or {}).items()}
    request: Any
    if encoding == "json":
        request = http.post(url, json=params or {}, timeout=aiohttp.ClientTimeout(timeout))
    elif encoding == "query":
        request = http.get(url, params=fields, timeout=aiohttp.ClientTimeout(timeout))
    else:
        form = aiohttp.FormData(fields, default_to_multipart=encoding == "multipart")
        request = http.post(url, data=form, timeout=aiohttp.ClientTimeout(timeout))
    async with request as response:
        return response.status, await response.json()


async def ok(http: aiohttp.ClientSession, api: StandIn, method: str, **params: Any) -> Any:
    status, body = await call(http, api, method, params)
    assert (status, body["ok"]) == (200, True), body
    return body["result"]


# -- requests and answers ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
async def test_every_encoding_is_read_the_same(
    api: StandIn, http: aiohttp.ClientSession, encoding: str
) -> None:
    api.user_sends(42, "hi")
    params = {
        "chat_id": 42,
        "text": "<b>Hello</b>",
        "parse_mode": "HTML",
        "reply_markup": KEYBOARD,
    }
    status, body = await call(http, api, "sendMessage", params, encoding=encoding)
    assert status == 200
    message = body["result"]
    assert (message["text"], message["chat"]["id"]) == ("Hello", 42)
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert message["reply_markup"] == KEYBOARD
    assert api.calls_to("sendMessage")[0].params == params
    assert api.sent(42) == [message]


async def test_get_me_describes_the_bot(api: StandIn, http: aiohttp.ClientSession) -> None:
    me = await ok(http, api, "getMe")
    assert me["id"] == int(api.token.split(":")[0])
    assert (me["is_bot"], me["username"]) == (True, "parley_test_bot")


async def test_method_names_are_case_insensitive(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    assert (await ok(http, api, "GETME"))["is_bot"] is True
    assert api.calls[-1].method == "getMe"


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        ("/bot{token}/noSuchMethod", 404, "Not Found"),
        ("/bot7000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", 401, "Unauthorized"),
        ("/botnot-a-token/getMe", 404, "Not Found"),
        ("/getMe", 404, "Not Found"),
    ],
)
async def test_unknown_paths_and_tokens(
    api: StandIn, http: aiohttp.ClientSession, path: str, status: int, description: str
) -> None:
    async with http.post(api.base + path.format(token=api.token)) as response:
        assert response.status == status
        assert await response.json() == {
            "ok": False,
            "error_code": status,
            "description": description,
        }


LONG = "x" * 4097
BAD_BUTTON = {"inline_keyboard": [[{"text": "A", "callback_data": "d" * 65}]]}
TEXT_BUTTON = {"inline_keyboard": [[{"text": "A"}]]}


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"chat_id": 7, "text": "hi"}, "chat not found"),
        ("sendMessage", {"text": "hi"}, "chat_id is empty"),
        ("sendMessage", {"chat_id": 42}, "message text is empty"),
        ("sendMessage", {"chat_id": 42, "text": " \n "}, "message text is empty"),
        ("sendMessage", {"chat_id": 42, "text": LONG}, "message is too long"),
        (
            "sendMessage",
            {"chat_id": 42, "text": "1 < 2", "parse_mode": "HTML"},
            'can\'t parse entities: Unsupported start tag "" at byte offset 2',
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "Pay 1.00 now", "parse_mode": "MarkdownV2"},
            "can't parse entities: Character '.' is reserved and must be escaped with "
            "the preceding '\\'",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "<b>open", "parse_mode": "HTML"},
            "can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "parse_mode": "BBCode"},
            "unsupported parse_mode",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "reply_markup": BAD_BUTTON},
            "BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "reply_markup": TEXT_BUTTON},
            "can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "reply_parameters": {"message_id": 99}},
            "message to be replied not found",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "message_thread_id": 5},
            "message thread not found",
        ),
        (
            "editMessageText",
            {"chat_id": 42, "message_id": 99, "text": "x"},
            "message to edit not found",
        ),
        (
            "editMessageText",
            {"chat_id": 42, "message_id": 1, "text": "x"},
            "message can't be edited",
        ),
        (
            "answerCallbackQuery",
            {"callback_query_id": "123"},
            "query is too old and response timeout expired or query ID is invalid",
        ),
        (
            "sendChatAction",
            {"chat_id": 42, "action": "dancing"},
            "wrong parameter action in request",
        ),
        ("createForumTopic", {"chat_id": 42, "name": "x"}, "the chat is not a forum"),
        (
            "setWebhook",
            {"url": "ftp://example.org/hook"},
            "bad webhook: An HTTPS URL must be provided for webhook",
        ),
        (
            "setWebhook",
            {"url": "http://127.0.0.1:1/hook", "secret_token": "no spaces"},
            "secret token contains unallowed characters",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "Help!", "description": "x"}]},
            "BOT_COMMAND_INVALID",
        ),
    ],
)
async def test_bad_requests_are_refused_like_telegram(
    api: StandIn, http: aiohttp.ClientSession, method: str, params: Json, description: str
) -> None:
    api.user_sends(42, "hi")
    status, body = await call(http, api, method, params)
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
    assert api.sent(42) == []


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("x" * 4096, True),
        ("😀" * 2048, True),
        ("😀" * 2049, False),
        (" " + "x" * 4096 + "\n", True),
    ],
)
async def test_text_length_is_counted_in_utf16_after_trimming(
    api: StandIn, http: aiohttp.ClientSession, text: str, accepted: bool
) -> None:
    api.user_sends(42, "hi")
    status, _ = await call(http, api, "sendMessage", {"chat_id": 42, "text": text})
    assert (status == 200) is accepted


async def test_reply_to_a_users_message(api: StandIn, http: aiohttp.ClientSession) -> None:
    asked = api.user_sends(42, "how much do I owe?")["message"]
    for reply in ({"reply_to_message_id": asked["message_id"]},
                  {"reply_parameters": {"message_id": asked["message_id"]}}):  # fmt: skip
        message = await ok(http, api, "sendMessage", chat_id=42, text="Let me check.", **reply)
        assert message["reply_to_message"]["text"] == "how much do I owe?"


async def test_users_commands_carry_bot_command_entities(api: StandIn) -> None:
    update = api.user_sends(42, "/start A-10001", language_code="zh-hans")
    message = update["message"]
    assert update["update_id"] == FIRST_UPDATE_ID
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["language_code"] == "zh-hans"
    assert "entities" not in api.user_sends(42, "no command here")["message"]


# -- long polling ---------------------------------------------------------------------------


async def test_get_updates_waits_until_a_user_writes(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(call(http, api, "getUpdates", {"timeout": 30}))
    await api.wait_until(lambda: bool(api.calls_to("getUpdates")), what="the poll to arrive")
    assert not poll.done()
    api.user_sends(42, "hello")
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 200
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]


async def test_offset_confirms_and_limit_caps(api: StandIn, http: aiohttp.ClientSession) -> None:
    ids = [api.user_sends(42, f"m{i}")["update_id"] for i in range(3)]
    first = await ok(http, api, "getUpdates", limit=2)
    assert [u["update_id"] for u in first] == ids[:2]
    again = await ok(http, api, "getUpdates")  # nothing confirmed yet
    assert [u["update_id"] for u in again] == ids
    rest = await ok(http, api, "getUpdates", offset=ids[1] + 1)
    assert [u["update_id"] for u in rest] == ids[2:]
    assert [u["update_id"] for u in api.pending_updates] == ids[2:]


async def test_negative_offset_keeps_only_the_latest(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    ids = [api.user_sends(42, f"m{i}")["update_id"] for i in range(3)]
    assert [u["update_id"] for u in await ok(http, api, "getUpdates", offset=-1)] == ids[2:]


async def test_allowed_updates_filters_and_is_remembered(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    api.user_sends(42, "dropped")
    message = await ok(http, api, "sendMessage", chat_id=42, text="Pick", reply_markup=KEYBOARD)
    pressed = api.user_presses(42, message["message_id"], "yes")
    only = await ok(http, api, "getUpdates", allowed_updates=["callback_query"])
    assert [u["update_id"] for u in only] == [pressed["update_id"]]
    api.user_sends(42, "also dropped")
    assert await ok(http, api, "getUpdates", offset=pressed["update_id"] + 1) == []


async def test_a_second_poller_ends_the_first_with_409(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    first = asyncio.create_task(call(http, api, "getUpdates", {"timeout": 30}))
    await api.wait_until(lambda: bool(api.calls_to("getUpdates")))
    second = asyncio.create_task(call(http, api, "getUpdates", {"timeout": 30}))
    status, body = await asyncio.wait_for(first, 5)
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    api.user_sends(42, "hello")
    assert (await asyncio.wait_for(second, 5))[0] == 200


# -- callback queries, edits, topics ------------------------------------------------------


async def test_button_press_and_its_single_answer(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    api.user_sends(42, "hi")
    message = await ok(http, api, "sendMessage", chat_id=42, text="Pick", reply_markup=KEYBOARD)
    with pytest.raises(ValueError, match="no button"):
        api.user_presses(42, message["message_id"], "no")
    query = api.user_presses(42, message["message_id"], "yes")["callback_query"]
    assert (query["data"], query["message"]["text"], query["from"]["id"]) == ("yes", "Pick", 42)
    assert await ok(http, api, "answerCallbackQuery", callback_query_id=query["id"], text="OK")
    assert api.callback_answer(query["id"]) == {
        "text": "OK",
        "show_alert": False,
        "url": None,
        "cache_time": 0,
    }
    status, _ = await call(http, api, "answerCallbackQuery", {"callback_query_id": query["id"]})
    assert status == 400


async def test_edits_follow_telegrams_rules(api: StandIn, http: aiohttp.ClientSession) -> None:
    api.user_sends(42, "hi")
    sent = await ok(http, api, "sendMessage", chat_id=42, text="Pick", reply_markup=KEYBOARD)
    target = {"chat_id": 42, "message_id": sent["message_id"]}
    status, body = await call(
        http, api, "editMessageText", {**target, "text": "Pick", "reply_markup": KEYBOARD}
    )
    assert (status, body["description"].split(":")[1]) == (400, " message is not modified")
    edited = await ok(http, api, "editMessageText", **target, text="Chosen: yes")
    assert "reply_markup" not in edited  # editing text without a keyboard drops it
    assert edited["edit_date"] >= edited["date"]
    with_keyboard = await ok(http, api, "editMessageReplyMarkup", **target, reply_markup=KEYBOARD)
    assert with_keyboard["reply_markup"] == KEYBOARD
    await ok(http, api, "editMessageReplyMarkup", **target)
    assert api.sent(42)[0]["text"] == "Chosen: yes"
    assert "reply_markup" not in api.sent(42)[0]
    assert await ok(http, api, "deleteMessage", **target)
    assert api.sent(42) == []


async def test_forum_topics_lifecycle(api: StandIn, http: aiohttp.ClientSession) -> None:
    api.add_forum(FORUM)
    topic = await ok(http, api, "createForumTopic", chat_id=FORUM, name="A-10001 · dispute")
    thread = topic["message_thread_id"]
    assert topic == {
        "message_thread_id": thread,
        "name": "A-10001 · dispute",
        "icon_color": 7322096,
    }
    posted = await ok(
        http, api, "sendMessage", chat_id=FORUM, message_thread_id=thread, text="Handoff"
    )
    assert (posted["message_thread_id"], posted["is_topic_message"]) == (thread, True)
    assert posted["reply_to_message"]["forum_topic_created"]["name"] == "A-10001 · dispute"
    agent = api.group_sends(FORUM, thread, "/return", user=501)["message"]
    assert (agent["message_thread_id"], agent["from"]["id"]) == (thread, 501)
    topic_call = {"chat_id": FORUM, "message_thread_id": thread}
    assert await ok(http, api, "editForumTopic", **topic_call, name="A-10001 · closed")
    assert await ok(http, api, "closeForumTopic", **topic_call)
    assert (await call(http, api, "closeForumTopic", topic_call))[1]["description"] == (
        "Bad Request: TOPIC_NOT_MODIFIED"
    )
    assert await ok(http, api, "reopenForumTopic", **topic_call)
    assert [(t.name, t.closed) for t in api.topics(FORUM)] == [("A-10001 · closed", False)]
    assert await ok(http, api, "deleteForumTopic", **topic_call)
    assert api.topics(FORUM) == []
    status, body = await call(http, api, "sendMessage", {**topic_call, "text": "late"})
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")


async def test_chat_action_and_commands(api: StandIn, http: aiohttp.ClientSession) -> None:
    api.user_sends(42, "hi")
    assert await ok(http, api, "sendChatAction", chat_id=42, action="typing") is True
    commands = [{"command": "help", "description": "What I can do"}]
    assert await ok(http, api, "setMyCommands", commands=commands)
    assert await ok(http, api, "getMyCommands") == commands


async def test_a_user_who_blocked_the_bot(api: StandIn, http: aiohttp.ClientSession) -> None:
    api.user_sends(42, "hi")
    update = api.user_blocks(42)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    status, body = await call(http, api, "sendMessage", {"chat_id": 42, "text": "hello?"})
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    api.user_sends(42, "/start")  # writing again unblocks
    assert (await call(http, api, "sendMessage", {"chat_id": 42, "text": "hello"}))[0] == 200


# -- webhook --------------------------------------------------------------------------------


class Receiver:
    """A bot's webhook endpoint: answers with the given statuses in turn, then 200."""

    def __init__(self, statuses: list[int], reply: Json | None = None) -> None:
        self.statuses = statuses
        self.reply = reply
        self.seen: list[tuple[str | None, Json]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.headers.get(SECRET_HEADER), await request.json()))
        if self.statuses:
            return web.Response(status=self.statuses.pop(0))
        return web.json_response(self.reply or {})


@pytest.fixture
async def receiver_url() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver([500], {"method": "sendMessage", "chat_id": 42, "text": "via webhook"})
    app = web.Application()
    app.router.add_post("/telegram/webhook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield receiver, f"http://127.0.0.1:{runner.addresses[0][1]}/telegram/webhook"
    await runner.cleanup()


async def test_webhook_round_trip_with_secret_and_retry(
    api: StandIn, http: aiohttp.ClientSession, receiver_url: tuple[Receiver, str]
) -> None:
    receiver, url = receiver_url
    result = await call(http, api, "setWebhook", {"url": url, "secret_token": "s3cret-_"})
    assert result == (200, {"ok": True, "result": True, "description": "Webhook was set"})
    update = api.user_sends(42, "hello")
    await api.wait_for(42, 1)
    assert receiver.seen == [("s3cret-_", update), ("s3cret-_", update)]
    assert [d.status for d in api.webhook_deliveries] == [500, 200]
    assert api.sent(42)[0]["text"] == "via webhook"
    assert api.calls[-1].via == "webhook-reply"
    info = await ok(http, api, "getWebhookInfo")
    assert (info["url"], info["pending_update_count"]) == (url, 0)
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    status, body = await call(http, api, "getUpdates")
    assert (status, body["description"].split(";")[0]) == (
        409,
        "Conflict: can't use getUpdates method while webhook is active",
    )


async def test_delete_webhook_can_drop_pending_updates(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    await ok(http, api, "setWebhook", url="http://127.0.0.1:9/unreachable")
    api.user_sends(42, "lost")
    await api.wait_until(lambda: bool(api.webhook_deliveries))
    assert api.webhook_deliveries[0].error == "Connection refused"
    assert await ok(http, api, "deleteWebhook", drop_pending_updates=True)
    assert (api.webhook, api.pending_updates) == (None, [])
    assert await ok(http, api, "getWebhookInfo") == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


# -- faults ---------------------------------------------------------------------------------


async def test_refused_calls_carry_retry_after(api: StandIn, http: aiohttp.ClientSession) -> None:
    api.user_sends(42, "hi")
    api.faults.refuse("sendMessage", times=2, retry_after=3)
    api.faults.refuse("getMe", nth=[2], status=500)
    for _ in range(2):
        assert await call(http, api, "sendMessage", {"chat_id": 42, "text": "x"}) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        )
    assert (await call(http, api, "sendMessage", {"chat_id": 42, "text": "x"}))[0] == 200
    statuses = [(await call(http, api, "getMe"))[0] for _ in range(3)]
    assert statuses == [200, 500, 200]
    assert api.faults.injected == {"429 sendMessage": 2, "500 getMe": 1}


async def _refusal_pattern(seed: int) -> list[int]:
    async with StandIn(seed=seed) as api, aiohttp.ClientSession() as http:
        api.faults.refuse("getMe", rate=0.3)
        return [(await call(http, api, "getMe"))[0] for _ in range(40)]


async def test_a_refusal_rate_is_reproducible_by_seed() -> None:
    first, again, other = [await _refusal_pattern(seed) for seed in (7, 7, 8)]
    assert first == again
    assert first != other
    assert 4 <= first.count(429) <= 20


async def test_injected_delay_is_added_to_every_call(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    api.faults.delay = 0.05
    started = time.perf_counter()
    await ok(http, api, "getMe")
    assert time.perf_counter() - started >= 0.05


@pytest.mark.parametrize("apply", [False, True])
async def test_a_hung_call_times_the_client_out(
    api: StandIn, http: aiohttp.ClientSession, apply: bool
) -> None:
    api.user_sends(42, "hi")
    api.faults.hang("sendMessage", seconds=30, apply=apply)
    with pytest.raises(TimeoutError):
        await call(http, api, "sendMessage", {"chat_id": 42, "text": "x"}, timeout=0.2)
    # apply=True: the message went out although the client never heard so.
    assert len(api.sent(42)) == (1 if apply else 0)
    assert (await call(http, api, "sendMessage", {"chat_id": 42, "text": "y"}))[0] == 200


async def test_duplicate_update_delivery_by_polling(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    api.faults.duplicate_updates(times=1)
    update_id = api.user_sends(42, "once")["update_id"]
    first = await ok(http, api, "getUpdates")
    second = await ok(http, api, "getUpdates", offset=update_id + 1)
    assert [u["update_id"] for u in first + second] == [update_id, update_id]


async def test_duplicate_update_delivery_by_webhook(
    api: StandIn, http: aiohttp.ClientSession, receiver_url: tuple[Receiver, str]
) -> None:
    receiver, url = receiver_url
    receiver.statuses.clear()
    api.faults.duplicate_updates(times=1)
    await ok(http, api, "setWebhook", url=url)
    update_id = api.user_sends(42, "once")["update_id"]
    await api.wait_until(lambda: len(api.webhook_deliveries) == 2)
    assert [d.update_id for d in api.webhook_deliveries] == [update_id, update_id]


async def test_flood_control_refuses_bursts_to_one_chat(
    api: StandIn, http: aiohttp.ClientSession
) -> None:
    api.user_sends(42, "hi")
    api.faults.limit_sends()
    statuses = [
        (await call(http, api, "sendMessage", {"chat_id": 42, "text": f"{i}"}))[0]
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert api.calls[-1].status == 429
