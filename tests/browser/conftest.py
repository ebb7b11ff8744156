"""Browser tests wait a few seconds for what a page shows; the learned reader loads once per
process on first use (seconds on a busy machine), so it is loaded before any page opens,
as `parley serve` does before it listens (bot/serve.py `warm_up`)."""

from __future__ import annotations

import pytest

from bot.compliance.inbound import default_guard
from bot.nlu.intents import read


@pytest.fixture(scope="session", autouse=True)
def _reader_loaded() -> None:
    for text, locale in (("hello", "en"), ("你好", "zh_CN")):
        default_guard().detect(text, locale)
        read(text, locale)
