"""Growth accounting from the web and the API: upload a PWT-style table, get TFP levels
and the decomposition of growth, drawn and downloadable. Registered before the indicator
pages (their /indicators/{indicator} would otherwise take /indicators/growth)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from labline import i18n
from labline.core.access import Actor, require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor
from labline.errors import FieldError, InvalidInput
from labline.indicators.service.growth import PARTS, GrowthRow, averages, growth_accounting
from labline.web.charts import Series, contribution_chart, line_chart
from labline.web.download import EXCEL, FORMATS, table_download
from labline.web.render import render

router = APIRouter()
COLUMNS = ("country", "year", "tfp", "dln_output", *PARTS)


def _run(actor: Actor, upload: UploadFile, base_year: int) -> list[GrowthRow]:
    require_signed_in(actor)
    if not 1950 <= base_year <= 2100:
        raise InvalidInput(
            f"Base year {base_year} is outside 1950–2100.",
            fields=[FieldError("base_year", "a year such as 2017")],
        )
    name = Path(upload.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        return growth_accounting(path, base_year=base_year)


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
    rows = await run_in_threadpool(_run, actor, file, base_year)
    return table_download("growth", COLUMNS, (r.__dict__ for r in rows), format)


@router.get("/indicators/growth", response_class=HTMLResponse, include_in_schema=False)
def growth_page(request: Request, actor: CurrentActor) -> Response:
    require_signed_in(actor)
    return render(request, "indicators/growth.html", {"base_year": 2017})


@router.post(
    "/indicators/growth",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[CsrfChecked],
)
async def growth_post(
    request: Request,
    actor: CurrentActor,
    file: Annotated[UploadFile, File()],
    base_year: Annotated[str, Form()] = "2017",
    countries: Annotated[str, Form()] = "",
    first_year: Annotated[str, Form()] = "",
    last_year: Annotated[str, Form()] = "",
) -> Response:
    try:
        years = [int(v) if v.strip() else None for v in (base_year, first_year, last_year)]
    except ValueError:
        raise InvalidInput(
            "Years must be whole numbers.",
            fields=[FieldError("base_year", "a year such as 2017")],
        ) from None
    rows = await run_in_threadpool(_run, actor, file, years[0] or 2017)
    spans = averages(rows, first_year=years[1], last_year=years[2])
    wanted = [c.strip() for c in countries.replace(",", " ").split() if c.strip()]
    shown = [c for c in wanted if any(r.country == c for r in rows)] or [
        a.country for a in spans[:6]
    ]
    parts = [i18n.gettext(p) for p in ("Capital", "Labour", "Human capital", "TFP")]
    ctx: dict[str, Any] = {
        "filename": file.filename,
        "base_year": years[0] or 2017,
        "spans": spans,
        "countries": sorted({r.country for r in rows}),
        "contributions": contribution_chart(
            [(a.country, (a.capital, a.labour, a.human_capital, a.tfp), a.output) for a in spans][
                :30
            ],
            parts,
            # The message is also a template's (where %% is a literal %).
            title=i18n.gettext("Average annual growth and its sources, per cent").replace(
                "%%", "%"
            ),
        ),
        "levels": line_chart(
            [Series(c, [(float(r.year), r.tfp) for r in rows if r.country == c]) for c in shown],
            title=i18n.gettext("TFP level (base year = 1)"),
        ),
    }
    return render(request, "indicators/growth.html", ctx)
