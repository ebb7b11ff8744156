"""The real aiogram 3 and python-telegram-bot 22 against the stand-in, over real HTTP.

This is how the channels point each library at ``PARLEY_TELEGRAM_API_BASE``:
aiogram via ``AiohttpSession(api=TelegramAPIServer.from_base(base))``, ptb via
``base_url(f"{base}/bot")``. Faults must reach each library as its own exception types.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import telegram
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.standin import StandIn

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="yes")]]
)


@pytest.fixture
async def api() -> AsyncIterator[StandIn]:
    async with StandIn() as stand_in:
        yield stand_in


# -- aiogram ----------------------------------------------------------------------------


def aiogram_bot(api: StandIn, timeout: float = 60.0) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base), timeout=timeout)
    return Bot(api.token, session=session)


def aiogram_echo() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer(f"you chose {query.data}")

    return dispatcher


async def test_aiogram_echoes_by_long_polling(api: StandIn) -> None:
    dispatcher, bot = aiogram_echo(), aiogram_bot(api)
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        for chat_id, text in [(42, "hello"), (43, "你好"), (42, "again")]:
            api.user_sends(chat_id, text)
        # aiogram handles updates as concurrent tasks: one chat's order is not guaranteed.
        assert sorted(m["text"] for m in await api.wait_for(42, 2)) == ["again", "hello"]
        assert [m["text"] for m in await api.wait_for(43, 1)] == ["你好"]
        sent = await bot.send_message(42, "Pick one", reply_markup=KEYBOARD)
        query_id = api.user_presses(42, sent.message_id, "yes")["callback_query"]["id"]
        await api.wait_until(lambda: api.callback_answer(query_id) is not None)
        assert (api.callback_answer(query_id) or {})["text"] == "you chose yes"
    finally:
        await dispatcher.stop_polling()
        await polling
    # aiogram asks only for the update types it has handlers for.
    assert api.calls_to("getUpdates")[0].params["allowed_updates"] == ["callback_query", "message"]


async def test_aiogram_replies_into_the_webhook(api: StandIn) -> None:
    dispatcher, bot = Dispatcher(), aiogram_bot(api)

    @dispatcher.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(message.text or "")

    app = web.Application()
    handler = SimpleRequestHandler(
        dispatcher, bot, secret_token="s3cret", handle_in_background=False
    )
    handler.register(app, path="/telegram/webhook")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram/webhook"
        assert await bot.set_webhook(url, secret_token="s3cret")
        api.user_sends(42, "hello")
        assert [m["text"] for m in await api.wait_for(42, 1)] == ["hello"]
        assert api.calls[-1].via == "webhook-reply"
        assert [d.status for d in api.webhook_deliveries] == [200]
    finally:
        await runner.cleanup()
        await bot.session.close()


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, TelegramRetryAfter), (500, TelegramServerError), (400, TelegramBadRequest)],
)
async def test_aiogram_sees_refusals_as_its_exceptions(
    api: StandIn, status: int, error: type[Exception]
) -> None:
    api.user_sends(42, "hi")
    api.faults.refuse("sendMessage", status=status, retry_after=3)
    bot = aiogram_bot(api)
    try:
        with pytest.raises(error) as refused:
            await bot.send_message(42, "x")
        if isinstance(refused.value, TelegramRetryAfter):
            assert refused.value.retry_after == 3
        assert (await bot.send_message(42, "y")).text == "y"
    finally:
        await bot.session.close()


async def test_aiogram_unescaped_html_and_timeouts(api: StandIn) -> None:
    api.user_sends(42, "hi")
    bot = aiogram_bot(api, timeout=0.3)
    api.faults.hang("sendMessage", seconds=30)
    try:
        with pytest.raises(TelegramNetworkError, match="Request timeout error"):
            await bot.send_message(42, "x")
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(42, "balance < 100", parse_mode="HTML")
    finally:
        await bot.session.close()


# -- python-telegram-bot ------------------------------------------------------------------


def ptb_request() -> HTTPXRequest:
    # trust_env=False: no HTTP(S)_PROXY from the environment may divert loopback traffic.
    return HTTPXRequest(read_timeout=0.5, httpx_kwargs={"trust_env": False})


def ptb_application(api: StandIn) -> Application:  # type: ignore[type-arg]
    return (
        Application.builder()
        .token(api.token)
        .base_url(f"{api.base}/bot")
        .base_file_url(f"{api.base}/file/bot")
        .request(ptb_request())
        .get_updates_request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .build()
    )


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"start {' '.join(context.args or [])}")


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(f"you chose {update.callback_query.data}")


async def test_ptb_echoes_by_long_polling(api: StandIn) -> None:
    app = ptb_application(api)
    app.add_handler(CommandHandler("start", _start))  # needs the bot_command entity
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(CallbackQueryHandler(_pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()
        try:
            for chat_id, text in [(42, "hello"), (43, "/start A-10001"), (42, "again")]:
                api.user_sends(chat_id, text)
            # ptb handles updates one after another by default: order is kept.
            assert [m["text"] for m in await api.wait_for(42, 2)] == ["hello", "again"]
            assert [m["text"] for m in await api.wait_for(43, 1)] == ["start A-10001"]
            keyboard = [[telegram.InlineKeyboardButton("Yes", callback_data="yes")]]
            markup = telegram.InlineKeyboardMarkup(keyboard)
            sent = await app.bot.send_message(42, "Pick one", reply_markup=markup)
            query_id = api.user_presses(42, sent.message_id, "yes")["callback_query"]["id"]
            await api.wait_until(lambda: api.callback_answer(query_id) is not None)
            assert (api.callback_answer(query_id) or {})["text"] == "you chose yes"
        finally:
            await app.updater.stop()
            await app.stop()
    # ptb clears any webhook before polling.
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, telegram.error.RetryAfter),
        (500, telegram.error.NetworkError),
        (400, telegram.error.BadRequest),
    ],
)
async def test_ptb_sees_refusals_as_its_exceptions(
    api: StandIn, monkeypatch: pytest.MonkeyPatch, status: int, error: type[Exception]
) -> None:
    # Without PTB_TIMEDELTA, reading RetryAfter.retry_after warns (deprecated int form).
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user_sends(42, "hi")
    api.faults.refuse("sendMessage", status=status, retry_after=3)
    bot = telegram.Bot(api.token, base_url=f"{api.base}/bot", request=ptb_request())
    async with bot:
        with pytest.raises(error) as refused:
            await bot.send_message(42, "x")
        if isinstance(refused.value, telegram.error.RetryAfter):
            assert refused.value.retry_after == timedelta(seconds=3)
        assert (await bot.send_message(42, "y")).text == "y"


async def test_ptb_unescaped_html_and_timeouts(api: StandIn) -> None:
    api.user_sends(42, "hi")
    api.faults.hang("sendMessage", seconds=30)
    bot = telegram.Bot(api.token, base_url=f"{api.base}/bot", request=ptb_request())
    async with bot:
        with pytest.raises(telegram.error.TimedOut):
            await bot.send_message(42, "x")
        with pytest.raises(telegram.error.BadRequest, match="parse entities"):
            await bot.send_message(42, "balance < 100", parse_mode="HTML")
