"""Indicator pages: the catalogue of stored panels, an indicator's ranking and trends,
a region's profile, two regions compared, and importing a panel."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from labline import clock, i18n
from labline.core.access import Permission, require
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.errors import FieldError, ImportRejected, InvalidInput, invalid_summary
from labline.indicators import labels, regions
from labline.indicators.api import LiveProviders, import_upload
from labline.indicators.errors import InsufficientCoverage
from labline.indicators.service import live, read
from labline.indicators.service.index import build_index
from labline.indicators.unit_labels import unit_label
from labline.web.charts import Series, bar_chart, line_chart, radar_chart
from labline.web.maps import SCRIPTS as MAP_SCRIPTS
from labline.web.maps import Area, province_map
from labline.web.render import render

router = APIRouter(include_in_schema=False)


def _label(code: str) -> str:
    return regions.label(code, i18n.get_locale())


def _map(
    values: list[tuple[str, float]], *, title: str, unit: str, marked: tuple[str, ...] = ()
) -> Any:
    """The provinces among the values on a map of China (None when there are none), the
    `marked` regions outlined."""
    areas = [
        Area(key, _label(code), value)
        for code, value in values
        if (key := regions.map_key(code)) is not None
    ]
    if not areas:
        return None
    keys = [k for c in marked if (k := regions.map_key(c)) is not None]
    caption = i18n.gettext("By province")
    names = regions.map_names(i18n.get_locale())
    return province_map(areas, title=title, unit=unit, caption=caption, marked=keys, names=names)


def _region_map(
    db: Db, mine: list[tuple[str, int, float, float]], chosen: str | None, marked: tuple[str, ...]
) -> tuple[str | None, Any]:
    """A region's page map: the chosen indicator (else the first of its profile that has
    provinces) in every province that year, the page's regions outlined."""
    years = {c: y for c, y, _v, _s in mine}
    order = [chosen] if chosen is not None and chosen in years else [c for c, *_ in mine][:12]
    for code in order:
        year, ranked = read.ranking(db, indicator=code, year=years[code])
        title = f"{labels.name(code)} ({year})"
        found = _map(ranked, title=title, unit=labels.unit(code), marked=marked)
        if found is not None:
            return code, found
    return None, None


def _region_choices(codes: list[str]) -> list[tuple[str, str]]:
    """The regions with figures, for a picker: each named in both languages."""
    out = []
    for code in codes:
        zh, en = regions.label(code, "zh"), regions.label(code, "en")
        out.append((code, zh if zh == en else i18n.pick(f"{zh} · {en}", f"{en} · {zh}")))
    return out


@router.get("/indicators", response_class=HTMLResponse)
def catalogue_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    require(actor, Permission.view_directory)
    rows = [(c, labels.name(c.indicator_code)) for c in read.coverage(db)]
    ctx = {
        "rows": rows,
        "unit_label": unit_label,
        "can_import": Permission.import_export in actor.permissions,
    }
    return render(request, "indicators/catalogue.html", ctx)


@router.get("/indicators/import", response_class=HTMLResponse)
def import_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    require(actor, Permission.import_export)
    return render(request, "indicators/import.html", {})


@router.post("/indicators/import", dependencies=[CsrfChecked])
async def import_post(
    request: Request, db: Db, actor: CurrentActor, file: Annotated[UploadFile, File()]
) -> Response:
    ctx: dict[str, Any] = {"filename": file.filename}
    try:
        ctx["stored"] = await run_in_threadpool(import_upload, db, actor, file, "")
        status = 201
    except ImportRejected as exc:
        db.rollback()
        ctx.update(message=exc.message, rejected=exc.extra["rejected_rows"][:500])
        status = 422
    except InvalidInput as exc:
        db.rollback()
        ctx.update(message=exc.message, fields=[f.as_dict() for f in exc.fields])
        status = 422
    return render(request, "indicators/import.html", ctx, status=status)


@router.get("/indicators/index", response_class=HTMLResponse)
def index_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    indicator: Annotated[list[str] | None, Query(max_length=60)] = None,
    typed_year: Annotated[str, Query(alias="year", max_length=12)] = "",
    weighting: Annotated[str, Query(pattern="^(entropy|equal)$")] = "entropy",
) -> Response:
    require(actor, Permission.view_directory)
    available = read.coverage(db)
    ctx: dict[str, Any] = {
        "available": [(c, labels.name(c.indicator_code)) for c in available],
        "chosen": indicator or [],
        "year": typed_year,
        "weighting": weighting,
        "errors": [],
    }
    year = int(typed_year) if typed_year.strip().isdigit() else None
    if typed_year.strip() and (year is None or not 1800 <= year <= 2200):
        # On the form, beside the year, with the choice kept (not an error page).
        ctx["errors"] = [FieldError("year", "a year between 1800 and 2200")]
        ctx["message"] = invalid_summary(ctx["errors"])
        ctx["code"] = InvalidInput.code
        return render(request, "indicators/index.html", ctx, status=422)
    if indicator and year:
        try:
            result = build_index(db, indicators=indicator, year=year, weighting=weighting)  # type: ignore[arg-type]
        except InsufficientCoverage as exc:
            # On the form, which keeps the choice: which region falls short, and what to do.
            ctx["message"] = i18n.gettext(
                "%(region)s has values for %(share)s of the chosen indicators in %(year)s;"
                " every region needs %(minimum)s. Choose other indicators or another year.",
                region=_label(exc.region),
                share=f"{exc.coverage:.0%}",
                minimum=f"{exc.minimum:.0%}",
                year=exc.year,
            )
            ctx["code"] = exc.code
            return render(request, "indicators/index.html", ctx, status=422)
        except InvalidInput as exc:
            ctx["message"] = exc.message
            ctx["code"] = exc.code
            return render(request, "indicators/index.html", ctx, status=exc.status)
        ctx["result"] = result
        ctx["export_query"] = urlencode(
            [("indicator", c) for c in indicator] + [("year", year), ("weighting", weighting)]
        )
        ctx["labels"] = {r.region_code: _label(r.region_code) for r in result.rows}
        ctx["chart"] = bar_chart(
            [(_label(r.region_code), r.rank) for r in result.rows],
            intervals=[(r.rank_low, r.rank_high) for r in result.rows],
            title=i18n.gettext("Rank and its 5–95% interval"),
        )
    return render(request, "indicators/index.html", ctx)


@router.get("/indicators/regions/{region}", response_class=HTMLResponse)
def region_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    region: str,
    compare: Annotated[str | None, Query(max_length=40)] = None,
    on_map: Annotated[str | None, Query(alias="map", max_length=60)] = None,
) -> Response:
    require(actor, Permission.view_directory)
    code = regions.resolve(region) or region
    mine = read.profile(db, region=code)
    profiles = [(_label(code), {c: s for c, _y, _v, s in mine})]
    other_code = regions.resolve(compare) if compare else None
    if compare and other_code:
        theirs = read.profile(db, region=other_code)
        profiles.append((_label(other_code), {c: s for c, _y, _v, s in theirs}))
    axes = [c for c, *_ in mine][:12]
    chart = radar_chart(
        [labels.name(a) for a in axes],
        [(name, [scores.get(a, 0.0) for a in axes]) for name, scores in profiles],
        title=i18n.gettext("Profile of %(region)s", region=_label(code)),
    )
    marked = (code, other_code) if other_code else (code,)
    map_code, region_map = _region_map(db, mine, on_map, marked)
    ctx = {
        "code": code,
        "name": _label(code),
        "rows": [(c, labels.name(c), y, v, s) for c, y, v, s in mine],
        "chart": chart,
        "compare": other_code,
        "compare_name": _label(other_code) if other_code else "",
        "others": sorted({r for c in read.coverage(db) for r in [c.indicator_code]}),
        "compare_choices": _region_choices([c for c in read.region_codes(db) if c != code]),
        "map": region_map,
        "map_code": map_code,
        "map_choices": [(c, labels.name(c)) for c, *_ in mine],
        "map_scripts": MAP_SCRIPTS,
    }
    return render(request, "indicators/region.html", ctx)


@router.get("/indicators/live", response_class=HTMLResponse)
def live_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    providers: LiveProviders,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:

    year = year or clock.now().year
    figures = live.live_figures(db, actor=actor, year=year, providers=providers)
    codes = sorted({f.indicator for f in figures})
    table: dict[str, dict[str, float]] = {}
    for f in figures:
        table.setdefault(f.region, {})[f.indicator] = f.value
    charts = []
    for code in codes:
        bars = sorted(
            ((_label(r), v[code]) for r, v in table.items() if code in v), key=lambda b: -b[1]
        )
        name = f"{labels.name(code)} ({year})"
        values = [(r, v[code]) for r, v in table.items() if code in v]
        charts.append(
            (
                name,
                bar_chart(bars[:31], title=name, unit=labels.unit(code)),
                _map(values, title=name, unit=labels.unit(code)),
            )
        )
    ctx = {
        "year": year,
        "codes": [(c, labels.name(c)) for c in codes],
        "units": {f.indicator: unit_label(f.unit) for f in figures},
        "rows": sorted(((r, _label(r), v) for r, v in table.items()), key=lambda x: x[1]),
        "charts": charts,
        "maps": any(m is not None for _n, _c, m in charts),
        "map_scripts": MAP_SCRIPTS,
        "can_store": Permission.import_export in actor.permissions,
        "note": note,
    }
    return render(request, "indicators/live.html", ctx)


@router.post("/indicators/live", dependencies=[CsrfChecked])
def store_live_post(
    request: Request, db: Db, actor: CurrentActor, providers: LiveProviders, form: SubmittedForm
) -> Response:
    try:
        year = int(form.get("year", ""))
    except ValueError:
        raise InvalidInput(
            "Choose a year.", fields=[FieldError("year", "a year such as 2026")]
        ) from None
    stored = live.store_live(db, actor=actor, year=year, providers=providers)
    return RedirectResponse(
        f"/indicators/live?year={year}&note=stored-{stored.rows_stored}", status_code=303
    )


@router.get("/indicators/{indicator}", response_class=HTMLResponse)
def indicator_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    indicator: str,
    year: Annotated[int | None, Query(ge=1800, le=2200)] = None,
    region: Annotated[list[str] | None, Query(max_length=12)] = None,
) -> Response:
    require(actor, Permission.view_directory)
    higher = labels.higher_is_better(indicator)
    year_, ranked = read.ranking(db, indicator=indicator, year=year, higher_is_better=higher)
    ranked_regions = [r for r, _v in ranked if r != regions.NATIONAL]
    chosen = [regions.resolve(r) or r for r in region] if region else ranked_regions[:6]
    data = read.series(db, indicator=indicator, regions=chosen)
    name = labels.name(indicator)
    ctx = {
        "indicator": indicator,
        "name": name,
        "year": year_,
        "ranked": [(i, r, _label(r), v) for i, (r, v) in enumerate(ranked, 1)],
        "bars": bar_chart(
            [(_label(r), v) for r, v in ranked if r != regions.NATIONAL][:31],
            title=f"{name} ({year_})",
            unit=labels.unit(indicator),
        ),
        "lines": line_chart(
            [Series(_label(r), [(float(y), v) for y, v in pts]) for r, pts in data.items()],
            title=name,
            y_label=labels.unit(indicator),
        ),
        "chosen": chosen,
        "map": _map(ranked, title=f"{name} ({year_})", unit=labels.unit(indicator)),
        "map_scripts": MAP_SCRIPTS,
    }
    return render(request, "indicators/indicator.html", ctx)
