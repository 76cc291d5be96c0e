"""Live indicators from labline's own records, by province and year.

Each module that keeps records the indicators describe offers a provider in its module
record (`live_figures`): a function (session, start, end) -> [(region, indicator code,
value)]. The app and the command line hand them in (`providers=`), so this package never
imports the other domains, and none is skipped silently. They are computed on request,
so they follow the records as they change; `store_live` files a year of them in the stored
panel (replacing that year's earlier live values), where indices and charts can use them
beside imported statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.errors import FieldError, InvalidInput
from labline.indicators import catalogue
from labline.indicators.schemas import ImportRead
from labline.indicators.service.store import store_rows

Provider = Callable[..., list[tuple[str, str, float]]]

SOURCE = "labline live records"


@dataclass(frozen=True)
class LiveFigure:
    module: str
    region: str
    indicator: str
    value: float
    unit: str


def year_bounds(year: int) -> tuple[datetime, datetime]:
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            f"{year} is not a year labline keeps records for.",
            fields=[FieldError("year", "between 2000 and 2100")],
        )
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def live_figures(
    session: Session, *, actor: Actor, year: int, providers: Mapping[str, Provider]
) -> list[LiveFigure]:
    """Every live indicator for every province in a calendar year (aggregates are public),
    from each module's provider (module name -> provider, as the module records declare)."""
    require(actor, Permission.view_directory)
    start, end = year_bounds(year)
    known = catalogue.catalogue()
    out: list[LiveFigure] = []
    for module, provider in providers.items():
        for region, code, value in provider(session, start=start, end=end):
            unit = known[code].unit if code in known else ""
            out.append(LiveFigure(module, region, code, float(value), unit))
    return sorted(out, key=lambda f: (f.indicator, f.region))


def store_live(
    session: Session, *, actor: Actor, year: int, providers: Mapping[str, Provider]
) -> ImportRead:
    """File a year of live figures in the stored panel, as one import."""
    require(actor, Permission.import_export)
    figures = live_figures(session, actor=actor, year=year, providers=providers)
    if not figures:
        raise InvalidInput(
            f"labline has no records for {year} to compute indicators from.",
            fields=[FieldError("year", "no facility use, contracts or calls that year")],
        )
    rows = [
        {
            "indicator_code": f.indicator,
            "region": f.region,
            "year": year,
            "value": f.value,
            "unit": f.unit,
            "source": f"{SOURCE} ({f.module})",
        }
        for f in figures
    ]
    return store_rows(
        session, actor=actor, rows=rows, filename=f"live-{year}.json", source=SOURCE, first_row=1
    )
