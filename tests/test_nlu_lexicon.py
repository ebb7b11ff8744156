"""The NLU word lists: shipped files load, locale tags resolve, a new language is files only."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.nlu import (
    Reason,
    Tone,
    YesNo,
    classify_reason,
    infer_tone,
    match_choice,
    parse_amount,
    parse_yes_no,
)
from bot.nlu.lexicon import LOCALES_DIR, languages, locale_parts, use_locales

SHIPPED = sorted(LOCALES_DIR.glob("*/nlu/*.toml"))


def test_shipped_languages() -> None:
    assert languages() == ("en", "zh_CN")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_lexicon_file_is_valid_toml(path: Path) -> None:
    with path.open("rb") as handle:
        assert tomllib.load(handle)


def test_every_language_has_the_same_files() -> None:
    files = {
        lang: frozenset(p.name for p in (LOCALES_DIR / lang / "nlu").glob("*.toml"))
        for lang in languages()
    }
    assert len(set(files.values())) == 1, files


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", ("en", None)),
        ("en_US", ("en", "US")),
        ("en-us", ("en", "US")),
        ("EN-GB", ("en", "GB")),
        ("zh_CN", ("zh_CN", "CN")),
        ("zh", ("zh_CN", None)),
        ("zh-Hans", ("zh_CN", None)),
        ("zh-Hans-CN", ("zh_CN", "CN")),
        ("zh_cn", ("zh_CN", "CN")),
        ("fr", ("en", None)),  # unknown: the first folder, figures still work
        ("", ("en", None)),
        ("-_-", ("en", None)),
        ("x" * 10_000, ("en", None)),
    ],
)
def test_locale_parts(tag: str, expected: tuple[str, str | None]) -> None:
    assert locale_parts(tag) == expected


@pytest.fixture
def with_french(tmp_path: Path) -> Iterator[Path]:
    for lang in languages():
        shutil.copytree(LOCALES_DIR / lang / "nlu", tmp_path / lang / "nlu")
    french = tmp_path / "fr" / "nlu"
    french.mkdir(parents=True)
    (french / "numbers.toml").write_text(
        'decimal_separator = ","\n'
        "[words]\ndeux = 2\ncinq = 5\ndix = 10\n"
        "[scales]\ncent = 100\ncents = 100\nmille = 1000\n",
        encoding="utf-8",
    )
    (french / "amounts.toml").write_text(
        'currency_after = ["euros", "€"]\nmonthly_cues = ["par mois"]\n', encoding="utf-8"
    )
    (french / "choices.toml").write_text(
        'yes = ["oui", "d\'accord"]\nno = ["non"]\n[ordinals]\n"deuxième" = 2\n', encoding="utf-8"
    )
    (french / "situation.toml").write_text(
        '[reasons.job_loss]\nstrong = ["licencié", "chômage"]\n', encoding="utf-8"
    )
    (french / "tone.toml").write_text('[cues.melancholic]\n"désolé" = 2\n', encoding="utf-8")
    use_locales(tmp_path)
    try:
        yield tmp_path
    finally:
        use_locales(LOCALES_DIR)


@pytest.mark.usefixtures("with_french")
def test_a_new_language_is_only_files() -> None:
    assert languages() == ("en", "fr", "zh_CN")
    assert parse_amount("deux mille cinq cents euros par mois", "fr") == Decimal(2500)
    assert parse_amount("1.200", "fr") == Decimal(1200)  # "." groups thousands in French
    assert parse_amount("1,20", "fr") == Decimal("1.20")
    assert parse_yes_no("D'accord", "fr") is YesNo.YES
    assert parse_yes_no("non", "fr") is YesNo.NO
    assert match_choice("deuxième", [("a", "A"), ("b", "B")], "fr") == "b"
    assert classify_reason("j'ai été licencié", "fr") is Reason.JOB_LOSS
    assert infer_tone(["désolé"], "fr") is Tone.MELANCHOLIC
    # the shipped languages still work beside it
    assert parse_amount("两千五", "fr") == Decimal(2500)


def test_switching_back_restores_the_shipped_lexicons() -> None:
    assert languages() == ("en", "zh_CN")
    assert parse_yes_no("oui", "en") is None
