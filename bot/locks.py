"""Per-conversation locks, taken before the conversation is loaded (aiogram learned this the
hard way): one debtor's messages are handled in order, different debtors concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import LockError


class ConversationLocks(Protocol):
    def __call__(self, key: str) -> AbstractAsyncContextManager[None]: ...


class LocalLocks:
    """In-process locks. An entry lives only while someone holds or waits for it, so memory
    does not grow with the number of finished conversations."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def __call__(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            _, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class RedisLocks:
    """Locks shared by every worker that uses the same Redis (``PARLEY_REDIS_URL``).

    An in-process lock is taken first, so one worker's own waiters queue locally instead of
    polling Redis; the Redis lock then orders the workers. The lock expires after
    ``timeout`` seconds so a killed worker cannot hold a conversation forever.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "parley:lock:",
        timeout: float = 30.0,
        wait: float = 60.0,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.timeout = timeout
        self.wait = wait
        self._local = LocalLocks()

    @asynccontextmanager
    async def __call__(self, key: str) -> AsyncIterator[None]:
        async with self._local(key):
            lock = self.client.lock(
                self.prefix + key, timeout=self.timeout, blocking_timeout=self.wait, sleep=0.005
            )
            if not await lock.acquire():
                raise TimeoutError(f"conversation {key} stayed locked for {self.wait} s")
            try:
                yield
            finally:
                with suppress(LockError):  # it expired while held: nothing left to release
                    await lock.release()

    async def close(self) -> None:
        await self.client.aclose()


def redis_locks(url: str) -> RedisLocks:
    return RedisLocks(Redis.from_url(url))
