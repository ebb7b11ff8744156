"""The storage contract, run against SQLite always and PostgreSQL when configured."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.commands.base import Storage
from bot.storage.db import downgrade, upgrade
from bot.storage.models import (
    Account,
    Arrangement,
    Conversation,
    Handoff,
    Instalment,
    Message,
    User,
    metadata,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _account(reference: str = "A-1", **overrides: object) -> Account:
    values: dict[str, object] = {
        "reference": reference,
        "full_name": "Wang Fang",
        "dob_hash": "d" * 64,
        "phone_last4_hash": "p" * 64,
        "currency": "CNY",
        "principal": Decimal("12000.10"),
        "interest": Decimal("860.505"),
        "fees": Decimal("0"),
        "apr": Decimal("18.25"),
        "days_past_due": 45,
        "segment": "cn-card-early",
        "jurisdiction": "CN",
        "timezone": "Asia/Shanghai",
        "locale": "zh_CN",
    }
    values.update(overrides)
    return Account.model_validate(values)


async def _conversation(storage: Storage, chat_id: str = "42") -> int:
    async with storage.uow() as uow:
        conversation = Conversation(channel="telegram", chat_id=chat_id)
        uow.conversations.add(conversation)
        await uow.conversations.flush()
        await uow.commit()
        assert conversation.id is not None
        return conversation.id


async def test_migrations_create_every_table_and_run_down_and_up(storage: Storage) -> None:
    expected = {
        "account",
        "channel_identity",
        "conversation",
        "message",
        "offer",
        "arrangement",
        "instalment",
        "handoff",
        "policy",
        "audit_event",
        "contact_log",
        "app_user",
    }
    async with storage.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert expected <= tables
    await upgrade(storage.engine)  # a second upgrade is a no-op
    await downgrade(storage.engine, "base")
    async with storage.engine.connect() as conn:
        left = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert not (expected & left)
    await upgrade(storage.engine)


async def test_per_message_lookups_are_indexed(storage: Storage) -> None:
    def index_columns(conn: object) -> dict[str, list[list[str]]]:
        inspector = inspect(conn)
        found: dict[str, list[list[str]]] = {}
        for table in (
            "account",
            "conversation",
            "message",
            "channel_identity",
            "policy",
            "handoff",
            "contact_log",
            "app_user",
        ):
            cols = [list(ix["column_names"]) for ix in inspector.get_indexes(table)]
            cols += [list(uq["column_names"]) for uq in inspector.get_unique_constraints(table)]
            found[table] = cols
        return found

    async with storage.engine.connect() as conn:
        found = await conn.run_sync(index_columns)
    assert ["reference"] in found["account"]
    assert ["channel", "chat_id"] in found["conversation"]
    assert ["channel", "platform_id"] in found["message"]
    assert ["conversation_id", "id"] in found["message"]
    assert ["status", "next_attempt_at"] in found["message"]
    assert ["channel", "address"] in found["channel_identity"]
    assert ["segment", "version"] in found["policy"]
    assert ["conversation_id", "status"] in found["handoff"]
    assert ["account_id", "at"] in found["contact_log"]
    assert ["token_hash"] in found["app_user"]


async def test_money_and_times_round_trip_exactly(storage: Storage) -> None:
    locked = datetime(2026, 11, 29, 3, 4, 5, tzinfo=UTC)
    async with storage.uow() as uow:
        uow.accounts.add(
            _account(verification_locked_until=locked, validation_end=date(2027, 1, 2))
        )
        await uow.commit()
    async with storage.uow() as uow:
        account = await uow.accounts.by_reference("A-1")
    assert account is not None
    assert account.principal == Decimal("12000.10")
    assert account.interest == Decimal("860.505")
    assert isinstance(account.fees, Decimal)
    assert account.verification_locked_until == locked
    assert account.verification_locked_until.tzinfo is not None
    assert account.validation_end == date(2027, 1, 2)
    assert account.created_at.tzinfo is not None


async def test_leaving_without_commit_keeps_nothing(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.accounts.add(_account())
        await uow.session.flush()
    async with storage.uow() as uow:
        assert await uow.accounts.by_reference("A-1") is None


async def test_references_are_unique(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.accounts.add(_account())
        await uow.commit()
    async with storage.uow() as uow:
        uow.accounts.add(_account())
        with pytest.raises(IntegrityError):
            await uow.commit()


async def test_bulk_insert_update_and_existing_references(storage: Storage) -> None:
    rows = [
        _account(f"A-{i}").model_dump(exclude={"id", "created_at", "updated_at"})
        for i in range(1203)
    ]
    async with storage.uow() as uow:
        await uow.accounts.insert_many(rows)
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.accounts.existing_references([f"A-{i}" for i in range(1200, 1300)])
        await uow.accounts.update_many([{"reference": "A-7", "principal": Decimal("1.23")}])
        await uow.commit()
    assert found == {"A-1200", "A-1201", "A-1202"}
    async with storage.uow() as uow:
        account = await uow.accounts.by_reference("A-7")
    assert account is not None
    assert account.principal == Decimal("1.23")


async def test_a_duplicate_inbound_update_is_stored_once(storage: Storage) -> None:
    conversation_id = await _conversation(storage)
    async with storage.uow() as uow:
        first = await uow.messages.add_inbound(conversation_id, "telegram", "u:1", "hi", {})
        again = await uow.messages.add_inbound(conversation_id, "telegram", "u:1", "hi", {})
        other = await uow.messages.add_inbound(conversation_id, "web", "u:1", "hi", {})
        await uow.commit()
    assert isinstance(first, int)
    assert again is None
    assert other is not None
    async with storage.uow() as uow:
        later = await uow.messages.add_inbound(conversation_id, "telegram", "u:1", "hi", {})
        transcript = await uow.messages.transcript(conversation_id)
    assert later is None
    assert [m.channel for m in transcript] == ["telegram", "web"]


async def test_one_conversation_per_chat(storage: Storage) -> None:
    conversation_id = await _conversation(storage, "7")
    async with storage.uow() as uow:
        found = await uow.conversations.for_chat("telegram", "7")
        assert found is not None
        assert found.id == conversation_id
        assert await uow.conversations.for_chat("web", "7") is None
        uow.conversations.add(Conversation(channel="telegram", chat_id="7"))
        with pytest.raises(IntegrityError):
            await uow.commit()


async def test_conversation_context_is_json(storage: Storage) -> None:
    conversation_id = await _conversation(storage)
    async with storage.uow() as uow:
        conversation = await uow.conversations.get(conversation_id)
        assert conversation is not None
        conversation.context = {"funnel": {"reason": "job_loss"}, "amount": "1200.50"}
        conversation.state = "offer"
        await uow.commit()
    async with storage.uow() as uow:
        conversation = await uow.conversations.get(conversation_id)
    assert conversation is not None
    assert conversation.context == {"funnel": {"reason": "job_loss"}, "amount": "1200.50"}
    assert conversation.state == "offer"


async def test_outbox_returns_due_pending_messages_in_order(storage: Storage) -> None:
    conversation_id = await _conversation(storage)
    async with storage.uow() as uow:
        for index, (status, due) in enumerate(
            [
                ("pending", None),
                ("sent", None),
                ("pending", NOW + timedelta(minutes=5)),
                ("pending", NOW - timedelta(seconds=1)),
            ]
        ):
            uow.messages.add(
                Message(
                    conversation_id=conversation_id,
                    channel="telegram",
                    direction="out",
                    sender="bot",
                    text=f"m{index}",
                    status=status,
                    next_attempt_at=due,
                )
            )
        await uow.commit()
    async with storage.uow() as uow:
        due_now = await uow.messages.due_outbox(NOW, limit=10)
    assert [m.text for m in due_now] == ["m0", "m3"]


async def test_policy_changes_are_new_versions(storage: Storage) -> None:
    async with storage.uow() as uow:
        first = await uow.policies.add_version(
            "gb", {"max_term_months": "12"}, {"max_term_months": (None, "12")}, "alice"
        )
        second = await uow.policies.add_version(
            "gb", {"max_term_months": "24"}, {"max_term_months": ("12", "24")}, "bob"
        )
        await uow.policies.add_version("cn", {"max_term_months": "6"}, {}, "alice")
        await uow.commit()
    assert (first.version, second.version) == (1, 2)
    async with storage.uow() as uow:
        latest = await uow.policies.latest("gb")
        history = await uow.policies.history("gb")
        segments = await uow.policies.segments()
        missing = await uow.policies.latest("nope")
    assert latest is not None
    assert latest.limits == {"max_term_months": "24"}
    assert latest.created_by == "bob"
    assert [p.version for p in history] == [1, 2]
    assert history[1].changes == {"max_term_months": ["12", "24"]}
    assert segments == ["cn", "gb"]
    assert missing is None


async def test_audit_events_cannot_be_changed_or_deleted(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.audit.append("guard.inbound", "bot", {"category": "dispute"}, conversation_id=3)
        await uow.commit()
    for statement in ("UPDATE audit_event SET kind = 'x'", "DELETE FROM audit_event"):
        async with storage.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(text(statement))
    async with storage.uow() as uow:
        events = await uow.audit.for_conversation(3)
        recent = await uow.audit.recent("guard.inbound")
    assert [e.data for e in events] == [{"category": "dispute"}]
    assert len(recent) == 1


async def test_contact_log_counts_proactive_contacts_in_a_window(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.accounts.add(_account())
        await uow.session.flush()
        account = await uow.accounts.by_reference("A-1")
        assert account is not None
        assert account.id is not None
        for days_ago, proactive in [(8, True), (3, True), (2, False), (1, True)]:
            uow.contacts.record(
                account.id, "telegram", NOW - timedelta(days=days_ago), proactive=proactive
            )
        await uow.commit()
        account_id = account.id
    async with storage.uow() as uow:
        times = await uow.contacts.proactive_since(account_id, NOW - timedelta(days=7))
    assert times == [NOW - timedelta(days=3), NOW - timedelta(days=1)]


async def test_handoff_queue_is_by_priority_then_age(storage: Storage) -> None:
    conversation_id = await _conversation(storage)
    async with storage.uow() as uow:
        for reason, priority, minutes in [
            ("dispute", 3, 10),
            ("self_harm", 0, 1),
            ("human_requested", 3, 20),
            ("complaint", 4, 30),
        ]:
            uow.handoffs.add(
                Handoff(
                    conversation_id=conversation_id,
                    reason=reason,
                    priority=priority,
                    created_at=NOW - timedelta(minutes=minutes),
                )
            )
        uow.handoffs.add(
            Handoff(
                conversation_id=conversation_id, reason="closed_one", priority=0, status="closed"
            )
        )
        await uow.commit()
    async with storage.uow() as uow:
        queue = await uow.handoffs.queue()
        open_one = await uow.handoffs.open_for(conversation_id)
    assert [h.reason for h in queue] == ["self_harm", "human_requested", "dispute", "complaint"]
    assert open_one is not None
    assert open_one.status == "queued"


async def test_arrangement_with_instalments(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.accounts.add(_account())
        await uow.session.flush()
        account = await uow.accounts.by_reference("A-1")
        assert account is not None
        assert account.id is not None
        arrangement = Arrangement(
            account_id=account.id,
            kind="instalments",
            currency="CNY",
            total=Decimal("300.01"),
            payment_reference="PR-1",
            policy_version=1,
        )
        amounts = [Decimal("100.00"), Decimal("100.00"), Decimal("100.01")]
        await uow.arrangements.add(
            arrangement,
            [
                Instalment(
                    arrangement_id=0,
                    seq=i + 1,
                    due=date(2027, 1 + i, 31 if i != 1 else 28),
                    amount=amount,
                )
                for i, amount in enumerate(amounts)
            ],
        )
        await uow.commit()
        account_id = account.id
    async with storage.uow() as uow:
        (stored,) = await uow.arrangements.for_account(account_id)
        assert stored.id is not None
        instalments = await uow.arrangements.instalments(stored.id)
    assert sum(i.amount for i in instalments) == stored.total
    assert [i.due for i in instalments] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]


async def test_users_are_found_by_token_hash(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.users.add(User(name="alice", role="agent", token_hash="h" * 64))
        await uow.commit()
    async with storage.uow() as uow:
        by_hash = await uow.users.by_token_hash("h" * 64)
        by_name = await uow.users.by_name("alice")
        nobody = await uow.users.by_token_hash("x" * 64)
    assert by_hash is not None
    assert by_hash.role == "agent"
    assert by_name is not None
    assert nobody is None


async def test_the_migrations_build_exactly_the_models(storage: Storage) -> None:
    def differences(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        return list(compare_metadata(context, metadata))

    async with storage.engine.connect() as conn:
        found = await conn.run_sync(differences)
    assert found == []
