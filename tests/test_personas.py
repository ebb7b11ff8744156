"""Every persona of tests/personas.py, through the real engine on a real database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.commands.base import Storage
from bot.storage.models import AuditEvent, Handoff
from tests.all_personas import EXTRA_GUARD_CATEGORIES, PERSONAS
from tests.engine_support import Clock, Debtor, demo_engine
from tests.personas import Driver, Persona, play

STATES = {
    "greet",
    "verify",
    "disclose",
    "situation",
    "offer",
    "negotiate",
    "agree",
    "handoff",
    "closed",
    "stopped",
}
CATEGORIES = {
    "self_harm",
    "deceased",
    "bankruptcy",
    "attorney",
    "cease_contact",
    "dispute",
    "servicemember",
    "third_party",
    "complaint",
    "vulnerability",
    "human_requested",
    "abuse",
    "hardship",
}

# Guard categories (DESIGN §7) each persona must trip, read back from the audit log.
# /human is a command, not text the guard reads, so human_requested shows as a handoff.
GUARD_CATEGORIES: dict[str, set[str]] = {
    "en-wife-he-passed-away": {"deceased"},
    "zh-wife-he-passed-away": {"deceased"},
    "en-wrong-number": {"third_party"},
    "zh-wrong-number": {"third_party"},
    "en-us-self-harm-while-negotiating": {"self_harm"},
    "en-gb-self-harm-while-negotiating": {"self_harm"},
    "zh-cn-self-harm-while-negotiating": {"self_harm"},
    "en-stop-then-keeps-writing": {"cease_contact"},
    "zh-unsubscribe-then-keeps-writing": {"cease_contact"},
    "en-time-barred-bankruptcy": {"bankruptcy"},
    "zh-personal-bankruptcy": {"bankruptcy"},
    "en-attorney": {"attorney"},
    "zh-attorney": {"attorney"},
    "en-us-dispute": {"dispute"},
    "zh-us-ny-dispute": {"dispute"},
    "en-servicemember": {"servicemember"},
    "zh-servicemember": {"servicemember"},
    "en-gb-complaint": {"complaint"},
    "zh-complaint": {"complaint"},
    "en-gb-vulnerable": {"vulnerability"},
    "zh-vulnerable": {"vulnerability"},
    "en-abusive": {"abuse"},
    "zh-abusive": {"abuse"},
    "en-hardship-in-own-words": {"hardship"},
    "zh-hardship-in-own-words": {"hardship"},
    **EXTRA_GUARD_CATEGORIES,
}


@dataclass
class EngineDriver:
    """The ``Driver`` of tests/personas.py on the engine itself and its database."""

    debtor: Debtor
    storage: Storage
    clock: Clock

    async def say(self, text: str) -> list[str]:
        return await self.debtor.say(text)

    async def press(self, button: str) -> list[str]:
        return await self.debtor.press(button)

    async def _conversation_id(self) -> int:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat(
                self.debtor.channel, self.debtor.chat_id
            )
        assert conversation is not None
        assert conversation.id is not None
        return conversation.id

    async def state(self) -> str:
        async with self.storage.uow() as uow:
            conversation = await uow.conversations.for_chat(
                self.debtor.channel, self.debtor.chat_id
            )
        assert conversation is not None
        return conversation.state

    async def handoff_reasons(self) -> list[str]:
        conversation_id = await self._conversation_id()
        async with self.storage.uow() as uow:
            rows = await uow.session.execute(
                select(col(Handoff.reason))
                .where(col(Handoff.conversation_id) == conversation_id)
                .order_by(col(Handoff.id))
            )
        return [str(reason) for reason in rows.scalars()]

    async def guard_categories(self) -> set[str]:
        conversation_id = await self._conversation_id()
        async with self.storage.uow() as uow:
            rows = await uow.session.execute(
                select(col(AuditEvent.data)).where(
                    col(AuditEvent.kind) == "guard.inbound",
                    col(AuditEvent.conversation_id) == conversation_id,
                )
            )
        return {str(data.get("category")) for data in rows.scalars() if data}

    async def next_day(self) -> None:
        self.clock.advance(days=1)


async def _driver(storage: Storage, persona: Persona) -> EngineDriver:
    clock = Clock()
    engine = await demo_engine(storage, clock)
    debtor = Debtor(engine, chat_id=f"persona:{persona.name}", language=persona.language)
    return EngineDriver(debtor, storage, clock)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
async def test_persona(storage: Storage, persona: Persona) -> None:
    driver = await _driver(storage, persona)
    checked: Driver = driver
    await play(persona, checked)
    expected = GUARD_CATEGORIES.get(persona.name, set())
    seen = await driver.guard_categories()
    assert expected <= seen, f"{persona.name}: guard saw {seen!r}, expected {expected!r}"


def test_the_table_covers_every_state_category_and_both_languages() -> None:
    states = {t.state for p in PERSONAS for t in p.turns if t.state}
    handoffs = {t.handoff for p in PERSONAS for t in p.turns if t.handoff}
    guarded = set().union(*GUARD_CATEGORIES.values())
    names = [p.name for p in PERSONAS]
    assert len(PERSONAS) >= 24
    assert len(set(names)) == len(names)
    assert states == STATES
    assert guarded | handoffs >= CATEGORIES
    assert set(GUARD_CATEGORIES) <= set(names)
    for language in ("en", "zh-hans"):
        assert sum(p.language == language for p in PERSONAS) >= 12
    assert all(p.language in ("en", "zh-hans") for p in PERSONAS)
