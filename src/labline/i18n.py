"""Message catalogues (gettext .po files read with Babel) and the current locale.

English strings are the message ids; `locale/zh/LC_MESSAGES/messages.po` holds the
Chinese. Templates call `_()`; Python code calls `gettext()`. The locale of the
request lives in a context variable so both see the same one.
"""

from __future__ import annotations

import contextvars
from functools import cache
from importlib import resources

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


@cache
def catalogue(locale: str) -> dict[str, str]:
    if locale == "en":
        return {}
    merged: dict[str, str] = {}
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
        merged.update(
            {
                str(m.id): str(m.string)
                for m in cat
                if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
            }
        )
    return merged


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


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = gettext(singular if n == 1 else plural)
    variables.setdefault("num", n)
    return text % variables


def pick(zh: str | None, en: str | None) -> str:
    """The record's text in the reader's language, falling back to the other one."""
    zh, en = zh or "", en or ""
    return (zh or en) if get_locale() == "zh" else (en or zh)


def negotiate(accept_language: str | None) -> str:
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE
