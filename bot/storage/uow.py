"""The unit of work: one session, one transaction, per engine step or command."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.sql import (
    SqlAccounts,
    SqlApprovals,
    SqlArrangements,
    SqlAudit,
    SqlContacts,
    SqlConversations,
    SqlHandoffs,
    SqlIdentities,
    SqlMessages,
    SqlOffers,
    SqlPolicies,
    SqlUsers,
    SqlVerificationFailures,
)

SessionFactory = async_sessionmaker[AsyncSession]


class SqlUnitOfWork:
    """``async with SqlUnitOfWork(factory) as uow: ...; await uow.commit()``.

    Leaving the block without a commit rolls back, so nothing half-done is kept.
    """

    def __init__(self, factory: SessionFactory) -> None:
        self._factory = factory

    async def __aenter__(self) -> Self:
        self.session = self._factory()
        session = self.session
        self.accounts = SqlAccounts(session)
        self.identities = SqlIdentities(session)
        self.conversations = SqlConversations(session)
        self.messages = SqlMessages(session)
        self.offers = SqlOffers(session)
        self.arrangements = SqlArrangements(session)
        self.handoffs = SqlHandoffs(session)
        self.policies = SqlPolicies(session)
        self.audit = SqlAudit(session)
        self.contacts = SqlContacts(session)
        self.users = SqlUsers(session)
        self.approvals = SqlApprovals(session)
        self.verification_failures = SqlVerificationFailures(session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        # close() rolls back whatever was not committed, and keeps loaded objects readable.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
