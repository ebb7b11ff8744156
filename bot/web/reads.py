"""Read-only queries the web pages need and the repositories do not offer.

The repositories serve the engine's step; listing, searching and counting for people
reading (the web chat's delivery, the admin's dashboard and audit search, the API's lists)
lives here, on a session of its own that never writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from bot.storage.models import Message
from bot.storage.uow import SessionFactory

SHOWN_STATUSES = ("pending", "sent")  # outbound messages a debtor may see


async def outbound_after(
    factory: SessionFactory, conversation_id: int, after: int, limit: int = 100
) -> Sequence[Message]:
    """Outbound messages of a conversation newer than ``after`` that may be shown."""
    async with factory() as session:
        result = await session.execute(
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                col(Message.id) > after,
                Message.direction == "out",
                col(Message.status).in_(SHOWN_STATUSES),
            )
            .order_by(col(Message.id))
            .limit(limit)
        )
        return list(result.scalars())
