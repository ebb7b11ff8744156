"""Rendering replies and the catalogs behind them (issue 5, item 5)."""

from __future__ import annotations

import io
import string
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Rendered, catalog_locale, client_locale, format_param, render
from dialogs.messages import MESSAGES, TONES
from dialogs.model import Button, Money, Reply

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ["en", "zh_CN"]


def _po(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "parley.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"N_": None}, comment_tags=()
    )
    return {str(message) for _, _, message, _, _ in found}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("locale", CATALOGS)
def test_every_catalog_entry_is_translated_and_not_fuzzy(locale: str) -> None:
    catalog = _po(locale)
    entries = [m for m in catalog if m.id]
    assert entries
    problems = [m.id for m in entries if not m.string or m.fuzzy]
    assert problems == []
    assert not catalog.fuzzy
    assert list(catalog.obsolete) == []


@pytest.mark.parametrize("locale", CATALOGS)
def test_the_catalog_holds_exactly_what_the_code_marks(locale: str) -> None:
    ids = {str(m.id) for m in _po(locale) if m.id}
    assert ids == _extracted(), "re-run pybabel extract/update (see babel.cfg)"


def test_every_message_of_the_registry_is_extracted() -> None:
    source = {text for message in MESSAGES.values() for text in message.texts()}
    assert source == _extracted()


@pytest.mark.parametrize("locale", CATALOGS)
def test_translations_keep_the_placeholders(locale: str) -> None:
    for message in _po(locale):
        if message.id:
            assert _fields(str(message.string)) == _fields(str(message.id)), message.id


@pytest.mark.parametrize("locale", CATALOGS)
def test_the_committed_mo_is_compiled_from_the_po(locale: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po(locale))
    committed = (LOCALES_DIR / locale / "LC_MESSAGES" / "parley.mo").read_bytes()
    assert committed == compiled.getvalue(), "re-run pybabel compile (see babel.cfg)"


def test_english_is_its_own_translation() -> None:
    assert all(m.string == m.id for m in _po("en") if m.id)


def _sample(name: str) -> object:
    if name in {"balance", "principal", "interest", "fees", "monthly", "total", "saved"}:
        return Money(Decimal("1234.50"), "USD")
    if name in {"amount", "min_monthly"}:
        return Money(Decimal("150"), "USD")
    if name in {"expires", "date", "first_due"}:
        return date(2026, 12, 20)
    if name == "until":
        return datetime(2026, 12, 20, 15, 30, tzinfo=UTC)
    if name == "schedule":
        return ((date(2026, 1, 1), Money(Decimal("10"), "USD")),)
    return 3 if name in {"n", "count", "days", "left"} else "X"


@pytest.mark.parametrize("locale", CATALOGS)
@pytest.mark.parametrize("tone", TONES)
def test_every_message_renders_in_every_tone(locale: str, tone: str) -> None:
    for key, message in MESSAGES.items():
        fields = _fields(message.variant(tone))
        reply = Reply(key, {name: _sample(name) for name in fields})  # type: ignore[misc]
        text = render(reply, locale, tone).text
        assert text, key
        assert "{" not in text, key


@pytest.mark.parametrize(
    ("tone", "expected"),
    [
        ("neutral", MESSAGES["offer.present"].neutral),
        ("choleric", MESSAGES["offer.present"].choleric),
        ("no-such-tone", MESSAGES["offer.present"].neutral),
    ],
)
def test_the_tone_variant_is_picked_with_neutral_as_fallback(tone: str, expected: str) -> None:
    reply = Reply("offer.present", {"expires": date(2026, 12, 20)})
    assert render(reply, "en", tone).text == expected.format(expires="Dec 20, 2026")


def test_a_message_without_variants_is_the_same_in_every_tone() -> None:
    reply = Reply("help.text")
    assert {render(reply, "en", tone).text for tone in TONES} == {MESSAGES["help.text"].neutral}


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [
        ("en", Money(Decimal("1234.5"), "USD"), "$1,234.50"),
        ("en", Money(Decimal("1234"), "JPY"), "¥1,234"),
        ("en", Money(Decimal("12000.00"), "CNY"), "CN¥12,000.00"),
        ("zh_CN", Money(Decimal("12000.00"), "CNY"), "¥12,000.00"),
        ("en_GB", Money(Decimal("99.9"), "GBP"), "£99.90"),
        ("en", date(2026, 12, 20), "Dec 20, 2026"),
        ("en_GB", date(2026, 12, 20), "20 Dec 2026"),
        ("zh_CN", date(2026, 12, 20), "2026年12月20日"),
        ("en", 12345, "12,345"),
        ("zh_CN", Decimal("1234.5"), "1,234.5"),
        ("en", "as is", "as is"),
    ],
)
def test_parameters_are_formatted_for_the_locale(
    locale: str, value: object, expected: str
) -> None:
    from bot.i18n import formatting_locale

    assert format_param(value, formatting_locale(locale, catalog_locale(locale))) == expected  # type: ignore[arg-type]


def test_a_reply_renders_its_parts_and_buttons_in_the_locale() -> None:
    reply = Reply(
        "agree.summary",
        parts=(Reply("button.option", {"n": 2}), Reply("agree.ask_consent")),
        buttons=(Button("yes", "button.agree"), Button("plan:2", "button.option", {"n": 2})),
    )
    zh = render(reply, "zh-cn", "neutral")
    assert zh == Rendered(
        "您选择的是：\n方案 2\n您同意这个方案吗？只有在您确认同意后，方案才会生效。",
        (("yes", "是，我同意"), ("plan:2", "方案 2")),
    )
    en = render(reply, "fr", "neutral")
    assert en.text.startswith("You chose:\nOption 2\n")


def test_an_unknown_key_is_an_error() -> None:
    with pytest.raises(LookupError):
        render(Reply("no.such.key"), "en", "neutral")


@pytest.mark.parametrize(
    ("locale", "catalog"),
    [
        ("zh", "zh_CN"),
        ("zh_Hans_CN", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("ZH-CN", "zh_CN"),
        ("zh_CN", "zh_CN"),
        ("en", "en"),
        ("en_US", "en"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("", "en"),
    ],
)
def test_catalog_locale_resolution(locale: str, catalog: str) -> None:
    assert catalog_locale(locale) == catalog


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh", "zh_CN"),
        ("zh-hans", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("zh-sg", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("en", "en"),
        ("en-US", "en"),
        ("fr", "de"),  # no catalog: the default
        ("zh-tw", "de"),  # primary subtag "zh" has no catalog of its own
        (None, "de"),
        ("", "de"),
    ],
)
def test_client_locale_follows_design_section_6(code: str | None, expected: str) -> None:
    assert client_locale(code, "de") == expected
