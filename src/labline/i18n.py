"""Message catalogues (gettext .po files read with Babel) and the current locale.

English strings are the message ids; `locale/zh/LC_MESSAGES/messages.po` holds the
Chinese. Templates call `_()`; Python code calls `gettext()`. The locale of the
request lives in a context variable so both see the same one.

One English word may need two Chinese words ("Title": 职务 for a person, 标题 for a
document). Such a message carries a context: `pgettext("person", "Title")` in code,
`msgctxt "person"` in the catalogue. Plurals follow the locale's CLDR plural rules
(`ngettext`), read from `msgid_plural` entries.
"""

from __future__ import annotations

import contextvars
from functools import cache
from importlib import resources

from babel import Locale
from babel.messages.pofile import read_po

LOCALES = ("en", "zh")
LOCALE_NAMES = {"en": "English", "zh": "中文"}
DEFAULT_LOCALE = "en"

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("labline_locale", default="en")


# Each module keeps its own catalogue (labline/<module>/locale/zh/LC_MESSAGES/messages.po)
# so that modules evolve without editing one shared file; they are merged here.
CATALOGUE_MODULES = (
    "web",
    "core",
    "search",
    "market",
    "review",
    "facilities",
    "indicators",
    "intel",
)


CONTEXT_SEP = "\x04"  # gettext's key for a message with a context: "context\x04id"


def _key(context: str | None, message: str) -> str:
    return f"{context}{CONTEXT_SEP}{message}" if context else message


def _entries(locale: str) -> list[tuple[str, object]]:
    """Every translated entry of every module's catalogue: (key, msgstr or plural forms)."""
    out: list[tuple[str, object]] = []
    for module in CATALOGUE_MODULES:
        try:
            root = resources.files(f"labline.{module}")
        except ModuleNotFoundError:
            continue
        path = root / "locale" / locale / "LC_MESSAGES" / "messages.po"
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            cat = read_po(fh, locale=locale)
        for m in cat:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, str) and isinstance(m.string, str) and m.string:
                out.append((_key(m.context, m.id), m.string))
            elif isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string):
                out.append((_key(m.context, m.id[0]), tuple(str(x) for x in m.string)))
    return out


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Key (`id`, or `context\x04id`) → the translation, all modules merged."""
    if locale == "en":
        return {}
    return {k: v for k, v in _entries(locale) if isinstance(v, str)}


@cache
def plurals(locale: str) -> dict[str, tuple[str, ...]]:
    """Key of the singular → the plural forms, in the order of the locale's plural rule."""
    if locale == "en":
        return {}
    return {k: v for k, v in _entries(locale) if isinstance(v, tuple)}


_PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


@cache
def _plural_tags(locale: str) -> tuple[str, ...]:
    """The plural categories the locale uses, in gettext's msgstr[n] order."""
    rule = Locale.parse(locale).plural_form
    return tuple(t for t in _PLURAL_ORDER if t in rule.tags or t == "other")


def plural_index(locale: str, n: float) -> int:
    """Which msgstr[i] the count n takes in this locale (CLDR rules through Babel)."""
    tags = _plural_tags(locale)
    tag = Locale.parse(locale).plural_form(abs(n))
    return tags.index(tag) if tag in tags else len(tags) - 1


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translated where shown."""
    return message


def set_locale(locale: str) -> contextvars.Token[str]:
    return _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def reset_locale(token: contextvars.Token[str]) -> None:
    _locale.reset(token)


def get_locale() -> str:
    return _locale.get()


def gettext(message: str, **variables: object) -> str:
    text = catalogue(get_locale()).get(message, message)
    return text % variables if variables else text


def pgettext(context: str, message: str, **variables: object) -> str:
    """The message in the sense the context names (falls back to the English)."""
    text = catalogue(get_locale()).get(_key(context, message), message)
    return text % variables if variables else text


def plural_text(context: str | None, singular: str, plural: str, n: float) -> str:
    """The translated form for the count n, not yet formatted (templates format it)."""
    locale = get_locale()
    forms = plurals(locale).get(_key(context, singular))
    if forms:
        return forms[min(plural_index(locale, n), len(forms) - 1)]
    english = singular if plural_index("en", n) == 0 else plural
    return catalogue(locale).get(_key(context, english), english)


def npgettext(
    context: str | None, singular: str, plural: str, n: float, **variables: object
) -> str:
    variables.setdefault("num", n)
    return plural_text(context, singular, plural, n) % variables


def ngettext(singular: str, plural: str, n: float, **variables: object) -> str:
    """The form ("1 deal", "3 deals") the count takes in the reader's language."""
    return npgettext(None, singular, plural, n, **variables)


def pick(zh: str | None, en: str | None) -> str:
    """The record's text in the reader's language, falling back to the other one."""
    zh, en = zh or "", en or ""
    return (zh or en) if get_locale() == "zh" else (en or zh)


def other(zh: str | None, en: str | None) -> str:
    """The record's text in the language `pick` did not show, when it has one ("" if not)."""
    shown = pick(zh, en)
    alt = (en or "") if get_locale() == "zh" else (zh or "")
    return alt if alt and alt != shown else ""


def negotiate(accept_language: str | None) -> str:
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE
