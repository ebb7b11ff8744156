"""Every persona table: the core ones (tests/personas.py) and those added per issue, each in
its own module so that work on different issues never edits the same table."""

from __future__ import annotations

from tests import (
    personas,
    personas_conversation,
    personas_guard,
    personas_intents,
    personas_negotiation,
    personas_security,
)
from tests.personas import Persona

_MODULES = (
    personas_guard,
    personas_intents,
    personas_security,
    personas_negotiation,
    personas_conversation,
)

PERSONAS: tuple[Persona, ...] = (
    *personas.PERSONAS,
    *(persona for module in _MODULES for persona in module.PERSONAS),
)
EXTRA_GUARD_CATEGORIES: dict[str, set[str]] = {
    name: categories for module in _MODULES for name, categories in module.GUARD_CATEGORIES.items()
}
