"""Growth accounting as JSON, CSV or Excel: TFP levels and the decomposition of growth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from labline.indicators.growth.service import PARTS
from labline.indicators.growth.upload import run_upload
from labline.web.deps import CurrentActor
from labline.web.download import EXCEL, FORMATS, table_download

router = APIRouter()
COLUMNS = ("country", "year", "tfp", "dln_output", *PARTS)


@router.post(
    "/api/v1/indicators/growth",
    tags=["indicators"],
    summary="Growth accounting (TFP and its decomposition) on an uploaded PWT-style table",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/csv": {}, EXCEL: {}}}},
)
async def growth_api(
    actor: CurrentActor,
    file: Annotated[
        UploadFile, File(description="CSV or Excel: country, year, rgdpna, rkna, emp, hc, labsh")
    ],
    base_year: Annotated[int, Query(ge=1950, le=2100)] = 2017,
    format: Annotated[str, Query(pattern=FORMATS)] = "json",
) -> Response:
    rows = await run_in_threadpool(run_upload, actor, file, base_year)
    return table_download("growth", COLUMNS, (r.__dict__ for r in rows), format)
