"""Personas for issue 11: the inbound guard (third parties, first-person death talk).

Same tables as tests/personas.py (see its docstring); tests/all_personas.py joins them all.
"""

from __future__ import annotations

from tests.personas import Persona

PERSONAS: tuple[Persona, ...] = ()

# Guard categories (DESIGN §7) each persona must trip, read back from the audit log.
GUARD_CATEGORIES: dict[str, set[str]] = {}
