"""Cross-worker conversation locks on Redis (run when PARLEY_TEST_REDIS_URL is set)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from bot.commands.base import Storage
from bot.engine import Inbound
from bot.locks import RedisLocks, redis_locks
from dialogs.model import EventKind
from tests.engine_support import demo_engine

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(REDIS_URL is None, reason="PARLEY_TEST_REDIS_URL is not set")


@pytest.fixture
async def workers() -> AsyncIterator[tuple[RedisLocks, RedisLocks]]:
    assert REDIS_URL is not None
    # Two workers: separate connections, the same Redis; a unique prefix per test run.
    prefix = f"parley-test:{os.getpid()}:{id(object())}:"
    first, second = redis_locks(REDIS_URL), redis_locks(REDIS_URL)
    first.prefix = second.prefix = prefix
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_redis_lock_excludes_another_worker(workers: tuple[RedisLocks, RedisLocks]) -> None:
    first, second = workers
    order: list[str] = []

    async def hold(locks: RedisLocks, name: str) -> None:
        async with locks("telegram:1"):
            order.append(f"{name}+")
            await asyncio.sleep(0.05)
            order.append(f"{name}-")

    await asyncio.gather(hold(first, "a"), hold(second, "b"), hold(first, "c"))
    # Never two holders at once: each acquire is followed by its own release.
    assert all(order[i][0] == order[i + 1][0] for i in range(0, len(order), 2))
    assert len(order) == 6


async def test_a_failing_holder_releases_the_lock(workers: tuple[RedisLocks, RedisLocks]) -> None:
    first, second = workers
    with pytest.raises(RuntimeError):
        async with first("web:9"):
            raise RuntimeError("boom")
    async with asyncio.timeout(2), second("web:9"):
        pass


async def test_two_workers_never_step_one_conversation_at_once(
    storage: Storage, workers: tuple[RedisLocks, RedisLocks]
) -> None:
    engines = [await demo_engine(storage), await demo_engine(storage)]
    for engine, locks in zip(engines, workers, strict=True):
        engine.locks = locks
    first = Inbound(
        "telegram",
        "shared",
        EventKind.START,
        text="A-30002",
        start_ref="A-30002",
        platform_id="r:start",
        client_language="en",
    )
    await engines[0].handle(first)
    # Which worker gets a chat's update is up to the platform; what the lock guarantees is
    # that two of them never load and step the same conversation at once (no lost step).
    results = await asyncio.gather(
        *(
            engines[index % 2].handle(
                Inbound(
                    "telegram",
                    "shared",
                    EventKind.TEXT,
                    text=f"hello {index}",
                    platform_id=f"r:{index}",
                    client_language="en",
                )
            )
            for index in range(6)
        )
    )
    assert not any(result.duplicate for result in results)
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat("telegram", "shared")
    assert conversation is not None
    assert conversation.step_count == 7
