"""JSON API for indicator panels."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from labline import i18n
from labline.core.access import Actor, Permission, require
from labline.indicators import labels, regions
from labline.indicators.schemas import (
    CoverageRead,
    ImportRead,
    IndexRead,
    IndexRowRead,
    LiveRead,
    Point,
    ProfileRow,
    RankingRead,
    RankingRow,
    SeriesRead,
)
from labline.indicators.service import live, read, store
from labline.indicators.service.index import build_index
from labline.web.deps import CurrentActor, Db
from labline.web.download import EXCEL, FORMATS, table_download

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])


def live_providers(request: Request) -> Mapping[str, live.Provider]:
    """The modules' live-figure providers, which the app took from the module records."""
    providers: Mapping[str, live.Provider] = request.app.state.live_figures
    return providers


LiveProviders = Annotated[Mapping[str, live.Provider], Depends(live_providers)]
Code = Annotated[str, Query(min_length=1, max_length=64)]


@router.get("", response_model=list[CoverageRead], summary="Indicators with stored data")
def list_indicators(db: Db, actor: CurrentActor) -> list[CoverageRead]:
    require(actor, Permission.view_directory)
    return [
        CoverageRead(**c.__dict__, name=labels.name(c.indicator_code)) for c in read.coverage(db)
    ]


@router.get("/live", response_model=list[LiveRead], summary="Indicators from labline's records")
def live_figures(
    db: Db,
    actor: CurrentActor,
    providers: LiveProviders,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> list[LiveRead]:
    return [
        LiveRead(**f.__dict__, name=labels.name(f.indicator))
        for f in live.live_figures(db, actor=actor, year=year, providers=providers)
    ]


@router.get(
    "/live/export",
    summary="Live indicators as CSV, Excel or JSON",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, EXCEL: {}, "application/json": {}}}},
)
def export_live(
    db: Db,
    actor: CurrentActor,
    providers: LiveProviders,
    year: Annotated[int, Query(ge=2000, le=2100)],
    format: Annotated[str, Query(pattern=FORMATS)] = "csv",
) -> Response:
    rows = [
        {
            **f.__dict__,
            "year": year,
            "region_zh": regions.label(f.region, "zh"),
            "region_en": regions.label(f.region, "en"),
        }
        for f in live.live_figures(db, actor=actor, year=year, providers=providers)
    ]
    columns = ("indicator", "region", "region_zh", "region_en", "year", "value", "unit")
    return table_download(f"labline-live-{year}", (*columns, "module"), rows, format)


@router.post(
    "/live/store",
    response_model=ImportRead,
    status_code=201,
    summary="File a year of live indicators in the stored panel",
)
def store_live(
    db: Db,
    actor: CurrentActor,
    providers: LiveProviders,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> ImportRead:
    stored = live.store_live(db, actor=actor, year=year, providers=providers)
    return stored


@router.get("/index", response_model=IndexRead, summary="A composite index with rank intervals")
def composite_index(
    db: Db,
    actor: CurrentActor,
    indicator: Annotated[list[str], Query(min_length=2, max_length=60)],
    year: Annotated[int, Query(ge=1800, le=2200)],
    weighting: Literal["entropy", "equal"] = "entropy",
    draws: Annotated[int, Query(ge=10, le=10_000)] = 1000,
) -> IndexRead:
    """Entropy weights + TOPSIS (or equal weights + min–max sum) over the regions that
    report every indicator, with 5–95% rank intervals from Monte Carlo over weights and
    normalisations."""
    require(actor, Permission.view_directory)
    result = build_index(db, indicators=indicator, year=year, weighting=weighting, draws=draws)
    return IndexRead(
        year=result.year,
        indicators=result.indicators,
        weights=result.weights,
        rows=[
            IndexRowRead(**r.__dict__, region=regions.label(r.region_code, i18n.get_locale()))
            for r in result.rows
        ],
    )


@router.get(
    "/index/export",
    summary="A composite index as CSV, Excel or JSON",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, EXCEL: {}, "application/json": {}}}},
)
def export_index(
    db: Db,
    actor: CurrentActor,
    indicator: Annotated[list[str], Query(min_length=2, max_length=60)],
    year: Annotated[int, Query(ge=1800, le=2200)],
    weighting: Literal["entropy", "equal"] = "entropy",
    format: Annotated[str, Query(pattern=FORMATS)] = "csv",
) -> Response:
    require(actor, Permission.view_directory)
    result = build_index(db, indicators=indicator, year=year, weighting=weighting)
    rows = [
        {
            **r.__dict__,
            "region_zh": regions.label(r.region_code, "zh"),
            "region_en": regions.label(r.region_code, "en"),
            "year": result.year,
            "weighting": weighting,
        }
        for r in result.rows
    ]
    columns = ("rank", "region_code", "region_zh", "region_en", "score", "rank_low", "rank_high")
    return table_download(f"index-{result.year}", (*columns, "year", "weighting"), rows, format)


@router.get(
    "/{indicator}/export",
    summary="An indicator's stored panel as CSV, Excel or JSON",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, EXCEL: {}, "application/json": {}}}},
)
def export_indicator(
    db: Db,
    actor: CurrentActor,
    indicator: str,
    format: Annotated[str, Query(pattern=FORMATS)] = "csv",
) -> Response:
    require(actor, Permission.view_directory)
    rows = [
        {
            **r,
            "region_zh": regions.label(r["region_code"], "zh"),
            "region_en": regions.label(r["region_code"], "en"),
        }
        for r in read.panel_rows(db, indicator=indicator)
    ]
    columns = ("indicator_code", "region_code", "region_zh", "region_en", "year", "value")
    return table_download(indicator, (*columns, "unit", "source"), rows, format)


@router.get("/regions/{region}", response_model=list[ProfileRow])
def region_profile(db: Db, actor: CurrentActor, region: str) -> list[ProfileRow]:
    require(actor, Permission.view_directory)
    rows = read.profile(db, region=regions.resolve(region) or region)
    return [
        ProfileRow(indicator_code=c, name=labels.name(c), year=y, value=v, score=s)
        for c, y, v, s in rows
    ]


@router.get("/{indicator}/series", response_model=SeriesRead)
def indicator_series(
    db: Db,
    actor: CurrentActor,
    indicator: str,
    region: Annotated[list[str] | None, Query(max_length=50)] = None,
    year_from: Annotated[int | None, Query(ge=1800, le=2200)] = None,
    year_to: Annotated[int | None, Query(ge=1800, le=2200)] = None,
) -> SeriesRead:
    require(actor, Permission.view_directory)
    codes = [regions.resolve(r) or r for r in region] if region else None
    data = read.series(db, indicator=indicator, regions=codes, year_from=year_from, year_to=year_to)
    return SeriesRead(
        indicator_code=indicator,
        series={r: [Point(year=y, value=v) for y, v in pts] for r, pts in data.items()},
    )


@router.get("/{indicator}/ranking", response_model=RankingRead)
def indicator_ranking(
    db: Db,
    actor: CurrentActor,
    indicator: str,
    year: Annotated[int | None, Query(ge=1800, le=2200)] = None,
) -> RankingRead:
    require(actor, Permission.view_directory)
    year_, rows = read.ranking(
        db, indicator=indicator, year=year, higher_is_better=labels.higher_is_better(indicator)
    )
    return RankingRead(
        indicator_code=indicator,
        year=year_,
        rows=[
            RankingRow(rank=i, region_code=r, region=regions.label(r, i18n.get_locale()), value=v)
            for i, (r, v) in enumerate(rows, 1)
        ],
    )


def import_upload(db: Db, actor: Actor, upload: UploadFile, source: str) -> ImportRead:
    """Store an uploaded panel file (the API's and the import page's shared step)."""
    require(actor, Permission.import_export)
    suffix = Path(upload.filename or "upload.csv").suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(upload.filename or "upload").stem + suffix)
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        return store.import_file(db, actor=actor, path=path, source=source)


@router.post("/import", response_model=ImportRead, status_code=201)
async def import_panel(
    db: Db,
    actor: CurrentActor,
    file: Annotated[
        UploadFile, File(description="long format: indicator, region, year, value, unit")
    ],
    source: Annotated[str, Query(max_length=300)] = "",
) -> ImportRead:
    """All or nothing: any bad row (unknown region, mixed units, duplicate region-year…)
    refuses the file and lists every bad row."""
    stored = await run_in_threadpool(import_upload, db, actor, file, source)
    return stored
