"""What every command module shares.

A command module exposes ``register(subparsers)``; it adds its parser(s) and sets
``run=<async function(args, ctx) -> int>`` with ``set_defaults``. The function writes its
output to ``ctx.out``, and raises :class:`CommandError` with one sentence to fail: the CLI
prints it to stderr and exits 1. Storage is opened lazily (and migrated) with
``await ctx.storage()``; use ``async with ctx.uow() as uow: ...; await uow.commit()``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, secret_key
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.uow import SessionFactory, SqlUnitOfWork

# argparse gives the sub-parsers action no public name.
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandError(Exception):
    """A command failed; the message is one clear sentence for the user."""


@dataclass
class Storage:
    engine: AsyncEngine
    factory: SessionFactory
    key: bytes

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.factory)

    async def close(self) -> None:
        await self.engine.dispose()


@dataclass
class CommandContext:
    settings: Settings
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _storage: Storage | None = None

    async def storage(self) -> Storage:
        """Open the database named by the settings, applying migrations first."""
        if self._storage is None:
            key = secret_key(self.settings)
            engine = create_engine(self.settings.database_url)
            try:
                await upgrade(engine)
            except Exception:
                await engine.dispose()
                raise
            self._storage = Storage(engine, session_factory(engine), key)
        return self._storage

    async def uow(self) -> SqlUnitOfWork:
        return (await self.storage()).uow()

    async def close(self) -> None:
        if self._storage is not None:
            await self._storage.close()
            self._storage = None

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def emit_json(self, value: Any) -> None:
        """One JSON object per line (DESIGN §4)."""
        print(json.dumps(value, ensure_ascii=False, separators=(",", ":")), file=self.out)


Command = Callable[[argparse.Namespace, CommandContext], Awaitable[int]]
