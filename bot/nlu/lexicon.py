"""Per-language word lists for the parsers: `locales/<lang>/nlu/<name>.toml`.

Adding a language adds a folder of TOML files and no code. A parser asks for one named file
across every language, the debtor's own first: debtors mix languages ("ok", "两千五" in an
English chat), and the word lists of different scripts do not collide. Where two languages
disagree about a key, the debtor's language wins.

Every phrase is put through `text.normalize` when it is loaded, so a list is written in
natural spelling and still matches normalised input.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias, TypeVar

from bot.nlu.text import normalize

#: The repository's `locales/` directory: lexicons sit beside the translation catalogs.
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"

Table: TypeAlias = Mapping[str, object]
T = TypeVar("T")

_locales_dir = LOCALES_DIR
_clear_caches: list[Callable[[], None]] = []


class LexiconError(ValueError):
    """A lexicon file is missing a key or holds a value of the wrong type."""


def use_locales(directory: Path) -> None:
    """Read lexicons from `directory` from now on (an installed copy, or a test's)."""
    global _locales_dir
    _locales_dir = directory
    for clear in _clear_caches:
        clear()


def compiled(build: Callable[[str], T]) -> Callable[[str], T]:
    """Cache what a parser builds from one lexicon folder; `use_locales` empties it."""
    cached = lru_cache(maxsize=32)(build)
    _clear_caches.append(cached.cache_clear)
    return cached


@compiled
def _languages(_: str) -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in _locales_dir.glob("*/nlu") if p.is_dir()))


def languages() -> tuple[str, ...]:
    """The locale folders that ship NLU lexicons, sorted (e.g. `("en", "zh_CN")`)."""
    return _languages("")


def locale_parts(locale: str) -> tuple[str, str | None]:
    """(lexicon folder, region) for a tag such as `en`, `en_US`, `zh-Hans-CN`, `zh-cn`.

    An unknown language falls back to the first lexicon folder (sorted), so every parser
    still reads figures and the shipped languages.
    """
    parts = [p for p in locale.strip()[:35].replace("-", "_").split("_") if p]
    language = parts[0].casefold() if parts else ""
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    folders = languages()
    exact = [f for f in folders if f.casefold() == f"{language}_{region or ''}".casefold()]
    same = [f for f in folders if f.split("_")[0].casefold() == language]
    chosen = (exact or same or list(folders) or [""])[0]
    return chosen, region


@lru_cache(maxsize=256)
def _read(folder: str, name: str) -> Table:
    path = _locales_dir / folder / "nlu" / f"{name}.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{path}: {error}") from error


_clear_caches.append(_read.cache_clear)


def tables(locale: str, name: str) -> tuple[Table, ...]:
    """The `name` lexicon of every language, the one for `locale` first."""
    own, _ = locale_parts(locale)
    order = [own, *(f for f in languages() if f != own)]
    return tuple(t for t in (_read(folder, name) for folder in order if folder) if t)


def _section(table: Table, path: str) -> object:
    value: object = table
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def strings(found: Sequence[Table], path: str) -> tuple[str, ...]:
    """A list of phrases from every language, normalised, first occurrence kept."""
    out: dict[str, None] = {}
    for table in found:
        value = _section(table, path)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LexiconError(f"{path} must be a list of strings")
        out.update((p, None) for p in map(normalize, value) if p)
    return tuple(out)


def numbers(found: Sequence[Table], path: str) -> dict[str, int]:
    """A phrase -> integer table from every language; the debtor's language wins a clash."""
    out: dict[str, int] = {}
    for table in found:
        value = _section(table, path)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise LexiconError(f"{path} must be a table")
        for key, number in value.items():
            if not isinstance(number, int) or isinstance(number, bool):
                raise LexiconError(f"{path}.{key} must be an integer")
            out.setdefault(normalize(key), number)
    return out


def text_value(found: Sequence[Table], path: str, default: str) -> str:
    """A single string; the first language that defines it wins."""
    for table in found:
        value = _section(table, path)
        if isinstance(value, str):
            return value
        if value is not None:
            raise LexiconError(f"{path} must be a string")
    return default


def text_map(found: Sequence[Table], path: str) -> dict[str, str]:
    """A key -> string table (keys kept as written, e.g. region codes)."""
    out: dict[str, str] = {}
    for table in found:
        value = _section(table, path)
        if value is None:
            continue
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise LexiconError(f"{path} must be a table of strings")
        for key, item in value.items():
            out.setdefault(str(key), str(item))
    return out


def section_names(found: Sequence[Table], path: str) -> tuple[str, ...]:
    """The sub-table names under `path`, in first-seen order."""
    out: dict[str, None] = {}
    for table in found:
        value = _section(table, path)
        if isinstance(value, Mapping):
            out.update((str(k), None) for k in value)
    return tuple(out)
