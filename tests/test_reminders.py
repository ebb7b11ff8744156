"""``parley reminders run``: proactive reminders under every outbound rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.commands.base import Storage
from bot.engine import Engine
from bot.reminders import run_reminders
from bot.storage.models import Arrangement, ChannelIdentity, Conversation, Instalment, pk
from tests.engine_support import demo_engine


async def _plan(
    storage: Storage,
    reference: str,
    due: date,
    *,
    channel: str = "telegram",
    language: str = "en",
    opted_out: bool = False,
) -> int:
    async with storage.uow() as uow:
        account = await uow.accounts.by_reference(reference)
        assert account is not None
        conversation = Conversation(
            channel=channel,
            chat_id="77",
            account_id=pk(account),
            state="closed",
            language=language,
        )
        uow.conversations.add(conversation)
        await uow.conversations.flush()
        when = datetime(2026, 11, 1, tzinfo=UTC)
        uow.identities.add(
            ChannelIdentity(
                channel=channel,
                address="77",
                account_id=pk(account),
                verified_at=when,
                opted_out_at=when if opted_out else None,
            )
        )
        arrangement = Arrangement(
            account_id=pk(account),
            conversation_id=pk(conversation),
            kind="instalments",
            currency=account.currency,
            total=Decimal("300.00"),
            payment_reference="PR-1",
            policy_version=1,
        )
        await uow.arrangements.add(
            arrangement,
            [
                Instalment(arrangement_id=0, seq=1, due=due, amount=Decimal("100.00")),
                Instalment(
                    arrangement_id=0, seq=2, due=due + timedelta(days=30), amount=Decimal("200.00")
                ),
            ],
        )
        await uow.commit()
        return pk(account)


async def _outbox(engine: Engine) -> list[str]:
    return [m.text for m in await engine.pending("telegram", datetime.max.replace(tzinfo=UTC))]


async def test_a_reminder_goes_once_with_the_opt_out_notice(storage: Storage) -> None:
    engine = await demo_engine(storage)
    account_id = await _plan(storage, "A-20001", date(2026, 12, 3))
    ten_am_chicago = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    (result,) = await run_reminders(engine, ten_am_chicago)
    assert result.outcome == "sent"
    (text,) = await _outbox(engine)
    assert "$100.00" in text
    assert "Reply STOP" in text
    assert "Parley Demo Lending" in text
    assert await run_reminders(engine, ten_am_chicago + timedelta(hours=1)) == []
    async with storage.uow() as uow:
        contacts = await uow.contacts.proactive_since(account_id, ten_am_chicago - timedelta(1))
    assert contacts == [ten_am_chicago]


async def test_quiet_hours_defer_a_reminder_to_the_morning(storage: Storage) -> None:
    engine = await demo_engine(storage)
    await _plan(storage, "A-20001", date(2026, 12, 3))
    ten_pm_chicago = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    (result,) = await run_reminders(engine, ten_pm_chicago)
    assert result.outcome == "deferred"
    assert result.defer_until is not None
    assert result.defer_until.astimezone(UTC) == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    assert await _outbox(engine) == []
    (later,) = await run_reminders(engine, datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    assert later.outcome == "sent"


async def test_the_contact_cap_holds_a_reminder_back(storage: Storage) -> None:
    engine = await demo_engine(storage)
    account_id = await _plan(storage, "A-20003", date(2026, 12, 3))  # US-MA: 2 per 7 days
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    async with storage.uow() as uow:
        for days in (2, 4):
            uow.contacts.record(account_id, "telegram", now - timedelta(days=days), proactive=True)
        await uow.commit()
    (result,) = await run_reminders(engine, now)
    assert result.outcome in ("deferred", "refused")
    assert any(reason.startswith("contact_cap") for reason in result.reasons)
    assert await _outbox(engine) == []


@pytest.mark.parametrize(
    ("channel", "opted_out", "why"),
    [
        ("telegram", True, "opted_out"),
        ("terminal", False, "cannot be reached"),
    ],
)
async def test_nothing_goes_where_it_may_not(
    storage: Storage, channel: str, opted_out: bool, why: str
) -> None:
    engine = await demo_engine(storage)
    await _plan(storage, "A-20001", date(2026, 12, 3), channel=channel, opted_out=opted_out)
    (result,) = await run_reminders(engine, datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    assert result.outcome == "skipped"
    assert why in result.reasons[0]


async def test_a_chinese_reminder_names_who_we_are(storage: Storage) -> None:
    engine = await demo_engine(storage)
    await _plan(storage, "A-10001", date(2026, 12, 3), language="zh_CN")
    (result,) = await run_reminders(engine, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert result.outcome == "sent", result.reasons
    (text,) = await _outbox(engine)
    assert "Parley Demo Lending" in text
    assert "退订" in text
    assert "¥100.00" in text


async def test_not_yet_in_the_window(storage: Storage) -> None:
    engine = await demo_engine(storage)
    await _plan(storage, "A-20001", date(2026, 12, 20))
    assert await run_reminders(engine, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)) == []


def test_the_command_refuses_a_naive_time(cli: object) -> None:
    from tests.conftest import Cli

    assert isinstance(cli, Cli)
    bad = cli("reminders", "run", "--now", "2026-12-01T09:00")
    assert bad.code == 1
    assert "UTC offset" in bad.err
    ok = cli("reminders", "run", "--now", "2026-12-01T09:00+00:00")
    assert ok.code == 0
    assert "0 reminders queued" in ok.out
