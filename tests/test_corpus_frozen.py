"""The frozen test sets of corpus/ (corpus/README.md) are what their hashes say: a change to
one, even a fix, is a new test set and must be said so, not slipped in."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FROZEN = (
    "guard/test_en.tsv",
    "guard/test_zh_CN.tsv",
    "intents/test_en.tsv",
    "intents/test_zh_CN.tsv",
)


def _recorded() -> dict[str, str]:
    lines = (CORPUS / "FROZEN.sha256").read_text(encoding="utf-8").splitlines()
    pairs = (line.split(maxsplit=1) for line in lines if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in pairs}


def test_every_test_set_has_a_recorded_hash() -> None:
    assert set(FROZEN) <= set(_recorded())


@pytest.mark.parametrize("name", FROZEN)
def test_the_test_set_is_unchanged(name: str) -> None:
    digest = hashlib.sha256((CORPUS / name).read_bytes()).hexdigest()
    assert digest == _recorded()[name], f"corpus/{name} changed after it was frozen"
