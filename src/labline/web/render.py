"""Jinja2 environment shared by every module's pages, and the render helper."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from labline import clock, i18n
from labline.fields import field_label

MODULES = ("web", "core", "market", "review", "facilities", "indicators", "intel")


def _template_dirs() -> list[str]:
    dirs = []
    for module in MODULES:
        try:
            path = resources.files(f"labline.{module}") / "templates"
        except ModuleNotFoundError:
            continue
        if Path(str(path)).is_dir():
            dirs.append(str(path))
    return dirs


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params)


# Helpers that modules lend to every template (e.g. the core's region and industry names):
# registered by the app, so that this shared layer imports no domain.
_LENT: dict[str, Any] = {}


def lend_globals(**helpers: Any) -> None:
    _LENT.update(helpers)
    if environment.cache_info().currsize:
        environment().globals.update(helpers)


@pass_context
def _csrf_field(context: Any) -> Markup:
    """The hidden CSRF input every form carries (one definition, not one per template)."""
    token = escape(context.get("csrf_token") or "")
    return Markup(f'<input type="hidden" name="csrf_token" value="{token}">')


def _number(value: Any) -> str:
    """A quantity as the reader writes it: no trailing zeros ("3", not "3.00"), grouped."""
    if value is None:
        return "—"
    return format_decimal(value, locale=i18n.get_locale(), decimal_quantization=False)


def _money(value: Any) -> str:
    """An amount as the reader writes money: grouped, two decimals ("20,000,000.00")."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.00", locale=i18n.get_locale())


def _localtime(
    value: datetime | str | None, zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M"
) -> str:
    """A stored (UTC) time as the clock on the wall shows it in that zone (a facility's), by
    default the reader's (`clock.display_zone`); an ISO text (the audit trail's) too."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    if value is None:
        return "—"
    return clock.in_zone(value, zone or clock.display_zone()).strftime(fmt)


def _period(start: datetime | None, end: datetime | None, zone: str) -> str:
    """A period [start, end) by its first and last local day: "2026-01-01 – 2026-11-30"."""
    if start is None or end is None:
        return "—"
    first, last = clock.local_dates(start, end, zone)
    return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"


@cache  # one environment per process: templates compile once
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext,
        # Jinja fills in %(num)s and the other variables itself.
        ngettext=lambda s, p, n: i18n.plural_text(None, s, p, n),
        pgettext=i18n.pgettext,
        npgettext=i18n.plural_text,
        newstyle=True,
    )
    env.filters["number"] = _number
    env.filters["money"] = _money
    env.filters["localtime"] = _localtime
    env.filters["period"] = _period
    env.filters["localdates"] = clock.local_dates
    env.globals.update(
        pick=i18n.pick,
        other=i18n.other,
        locales=i18n.LOCALE_NAMES,
        query=_query,
        # A message that is data (a field error), looked up in the catalogue as it is.
        translated=i18n.gettext,
        csrf_field=_csrf_field,
        field_label=field_label,
        **_LENT,
    )
    return env


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    ctx = {
        "request": request,
        "actor": getattr(request.state, "actor", None),
        "locale": i18n.get_locale(),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "htmx": request.headers.get("hx-request") == "true",
    }
    ctx.update(context or {})
    with clock.reading_in(reader_zone(request)):
        html = environment().get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status)


def reader_zone(request: Request) -> str:
    """The time zone the page's reader reads times in: their account's, else the platform's."""
    actor = getattr(request.state, "actor", None)
    mine = getattr(actor, "time_zone", None)
    if mine:
        return str(mine)
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "time_zone", None) or clock.DISPLAY_ZONE)


def reader_today(request: Request) -> date:
    """Today in the page's reader's zone: the day a form offers by default."""
    return clock.local_today(reader_zone(request))
