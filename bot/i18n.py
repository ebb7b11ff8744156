"""Rendering dialog replies into text: tone variant, gettext catalog, babel formatting.

The dialog emits :class:`dialogs.model.Reply` values (a key, parameters, buttons). Here a
key becomes the English source text of the variant for the debtor's tone, that text is
translated with ``locales/<locale>/LC_MESSAGES/parley.mo`` (English when a catalog or an
entry is missing), and every parameter is formatted for the locale: money with its
currency's digits (JPY none), dates in the locale's medium form, numbers grouped.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from dialogs.messages import MESSAGES
from dialogs.model import Money, Param, Reply

__all__ = [
    "DOMAIN",
    "LOCALES_DIR",
    "Rendered",
    "available_locales",
    "catalog_locale",
    "client_locale",
    "format_param",
    "formatting_locale",
    "label",
    "render",
]

DOMAIN = "parley"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
FALLBACK = "en"
_SIMPLIFIED = {"zh", "zh_hans", "zh_cn", "zh_sg", "zh_hans_cn", "zh_hans_sg"}


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (button id, label)


@lru_cache(maxsize=1)
def available_locales() -> tuple[str, ...]:
    """Locales with a compiled catalog, e.g. ``("en", "zh_CN")``."""
    found = LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    return tuple(sorted(p.parents[1].name for p in found))


def _tag(code: str) -> str:
    return code.strip()[:35].replace("-", "_").casefold()


def client_locale(language_code: str | None, default: str) -> str:
    """The locale for a chat client's language (DESIGN §6).

    ``zh``, ``zh-hans``, ``zh-cn``, ``zh-sg`` -> ``zh_CN``; otherwise the primary subtag when
    we have a catalog for it, else ``default``.
    """
    if not language_code or not language_code.strip():
        return default
    tag = _tag(language_code)
    if tag in _SIMPLIFIED:
        return "zh_CN" if "zh_CN" in available_locales() else default
    primary = tag.split("_")[0]
    for name in available_locales():
        if name.casefold() == primary:
            return name
    return default


def catalog_locale(locale: str) -> str:
    """The catalog a locale reads: ``zh``/``zh_Hans_CN``/``zh-cn`` -> ``zh_CN``, else English."""
    tag = _tag(locale)
    by_fold = {name.casefold(): name for name in available_locales()}
    if tag in by_fold:
        return by_fold[tag]
    return client_locale(locale, FALLBACK)


@lru_cache(maxsize=16)
def _translations(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[locale], fallback=True)


@lru_cache(maxsize=64)
def formatting_locale(locale: str, catalog: str) -> Locale:
    """The locale used for formatting: the caller's own (``en_GB``) when babel knows it."""
    for candidate in (locale.strip().replace("-", "_"), catalog):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse(FALLBACK)


def format_param(value: Param, locale: Locale) -> str:
    """One parameter as text for the locale."""
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=locale)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_decimal(value, locale=locale)
    if isinstance(value, datetime):  # a moment, in its own zone: the date, then hh:mm
        day = format_date(value, "medium", locale=locale)
        return f"{day} {format_time(value, 'short', tzinfo=value.tzinfo, locale=locale)}"
    if isinstance(value, date):
        return format_date(value, "medium", locale=locale)
    if isinstance(value, tuple):
        if all(isinstance(item, tuple) for item in value):
            return "\n".join("• " + format_param(item, locale) for item in value)
        return " — ".join(format_param(item, locale) for item in value)
    return str(value)


def _text(key: str, params: Mapping[str, Param], tone: str, catalog: str, fmt: Locale) -> str:
    message = MESSAGES.get(key)
    if message is None:
        raise LookupError(f"no message for key {key!r}")
    source = message.variant(tone)
    translated = _translations(catalog).gettext(source)
    values = {name: format_param(value, fmt) for name, value in params.items()}
    try:
        return translated.format_map(values)
    except (KeyError, IndexError, ValueError):
        # A translation that names a parameter the code does not pass: use the source.
        return source.format_map(values)


def label(key: str, locale: str, params: Mapping[str, Param] | None = None) -> str:
    """A button label (or any neutral message) as the debtor would read it."""
    catalog = catalog_locale(locale)
    return _text(key, params or {}, "neutral", catalog, formatting_locale(locale, catalog))


def render(reply: Reply, locale: str, tone: str) -> Rendered:
    """The reply's text and button labels in ``locale``, in the variant for ``tone``."""
    catalog = catalog_locale(locale)
    fmt = formatting_locale(locale, catalog)
    lines = [_text(reply.key, reply.params, tone, catalog, fmt)]
    lines.extend(render(part, locale, tone).text for part in reply.parts)
    buttons = tuple((b.id, _text(b.key, b.params, "neutral", catalog, fmt)) for b in reply.buttons)
    return Rendered("\n".join(line for line in lines if line), buttons)
