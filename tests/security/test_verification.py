"""Issue 12, item 1: verification failures count per account over a rolling window.

Every channel, every chat, atomically on PostgreSQL; a lock running out does not hand out
a fresh set of guesses per new web-chat session.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import func, select

from bot.commands.base import Storage
from bot.engine import Engine
from bot.storage.models import Account, VerificationFailure
from tests.engine_support import Clock, Debtor, demo_engine

REF = "A-20001"  # Maria Lopez: born 1985-02-14, phone ends 0142
BALANCE = ("4,655", "4655", "4,200", "4200")


async def _account(storage: Storage) -> Account:
    async with storage.uow() as uow:
        account = await uow.accounts.by_reference(REF)
    assert account is not None
    return account


async def _failure_rows(storage: Storage) -> int:
    async with storage.uow() as uow:
        query = select(func.count()).select_from(VerificationFailure)
        return int((await uow.session.execute(query)).scalar_one())


def _commits_meet(engine: Engine) -> None:
    """Hold each step's commit until another step reaches its own (1 s at most), so two
    steps run truly side by side: both have read the account before either writes."""
    barrier = asyncio.Barrier(2)
    make = engine.uow

    def factory() -> object:
        uow = make()
        commit = uow.commit

        async def meeting() -> None:
            with contextlib.suppress(TimeoutError, asyncio.BrokenBarrierError):
                await asyncio.wait_for(barrier.wait(), 1.0)
            await commit()

        uow.commit = meeting  # type: ignore[method-assign]
        return uow

    engine.uow = factory  # type: ignore[assignment]


async def _wrong_pair(debtor: Debtor) -> list[str]:
    await debtor.say("1985-02-15")
    return await debtor.say("9999")


async def test_issue12_an_expired_lock_does_not_give_each_new_session_fresh_guesses(
    storage: Storage,
) -> None:
    clock = Clock()
    engine = await demo_engine(storage, clock)
    first = Debtor(engine, chat_id="w-first", channel="web")
    await first.say(f"/start {REF}")
    for _ in range(3):
        await _wrong_pair(first)
    locked = await _account(storage)
    assert locked.verification_locked_until is not None
    clock.advance(hours=24, minutes=1)  # the lock has run out
    # Each new browser session guesses once: the third failure in the fresh window locks.
    for n in range(3):
        session = Debtor(engine, chat_id=f"w-session-{n}", channel="web")
        await session.say(f"/start {REF}")
        await _wrong_pair(session)
    relocked = await _account(storage)
    assert relocked.verification_locked_until is not None
    assert relocked.verification_locked_until > clock.now
    # So the right answers, in yet another session, disclose nothing.
    last = Debtor(engine, chat_id="w-session-last", channel="web")
    await last.say(f"/start {REF}")
    await last.say("1985-02-14")
    replies = "\n".join(await last.say("0142"))
    for piece in BALANCE:
        assert piece not in replies


async def test_issue12_failures_on_any_channel_share_one_rolling_window(
    storage: Storage,
) -> None:
    clock = Clock()
    engine = await demo_engine(storage, clock)
    telegram = Debtor(engine, chat_id="t-1", channel="telegram")
    web = Debtor(engine, chat_id="w-1", channel="web")
    await telegram.say(f"/start {REF}")
    await web.say(f"/start {REF}")
    await _wrong_pair(telegram)
    clock.advance(hours=20)
    await _wrong_pair(web)
    clock.advance(hours=5)  # the first failure is now 25 hours old: out of the window
    await _wrong_pair(telegram)
    assert (await _account(storage)).verification_locked_until is None
    clock.advance(hours=1)
    await _wrong_pair(web)  # three within 24 hours (20h, 25h, 26h): locked
    assert (await _account(storage)).verification_locked_until is not None


async def test_issue12_one_date_read_several_ways_is_one_guess(storage: Storage) -> None:
    engine = await demo_engine(storage)
    debtor = Debtor(engine, chat_id="w-1", channel="web")
    await debtor.say(f"/start {REF}")
    await debtor.say("03/04/1985")  # read as 3 April and as 4 March
    await debtor.say("9999")
    assert await _failure_rows(storage) == 1
    assert (await _account(storage)).verification_failures == 1


async def test_issue12_two_concurrent_wrong_guesses_count_two(storage: Storage) -> None:
    engine = await demo_engine(storage)
    if storage.engine.dialect.name == "postgresql":
        engine.writers = None  # let the two steps really run at once
    one = Debtor(engine, chat_id="w-one", channel="web")
    two = Debtor(engine, chat_id="w-two", channel="web")
    three = Debtor(engine, chat_id="t-three", channel="telegram")
    for debtor in (one, two, three):
        await debtor.say(f"/start {REF}")
    await _wrong_pair(three)  # one failure already counted
    await one.say("1985-02-15")
    await two.say("1985-02-15")
    _commits_meet(engine)
    await asyncio.gather(one.say("9999"), two.say("9999"))
    account = await _account(storage)
    assert await _failure_rows(storage) == 3
    assert account.verification_failures == 3
    assert account.verification_locked_until is not None  # the third failure locks
    assert account.verification_locked_until > engine.clock() + timedelta(hours=23)
