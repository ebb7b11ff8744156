"""The offer engine: exact money, policy limits, schedules, plans and negotiation (pure)."""
