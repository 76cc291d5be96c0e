"""Growth accounting pages: upload a PWT-style table, see TFP levels and the decomposition
of growth, drawn. Registered before the indicator pages (their /indicators/{indicator} would
otherwise take /indicators/growth)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from labline import i18n
from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor
from labline.errors import FieldError, InvalidInput, LablineError
from labline.indicators.growth.service import PWT_COLUMNS, averages
from labline.indicators.growth.upload import run_upload
from labline.web.charts import Series, contribution_chart, line_chart
from labline.web.render import render

router = APIRouter()


TABLE_REFUSED = "this table cannot be used: see the message above"
# The table's column names, written as code in a message (neither language's words).
COLUMN_NAMES = re.compile(
    r"\b(" + "|".join(("countrycode", "country", "year", "avh", "rtfpna", *PWT_COLUMNS)) + r")\b"
)


def _columns_as_code(message: str) -> Markup:
    return Markup(COLUMN_NAMES.sub(r"<code>\1</code>", str(escape(message))))


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
    require_signed_in(actor)
    typed = {"base_year": base_year, "first_year": first_year, "last_year": last_year}
    try:
        try:
            years = [int(v) if v.strip() else None for v in typed.values()]
        except ValueError:
            raise InvalidInput(
                i18n.gettext("Years must be whole numbers, such as 2017."),
                fields=[FieldError("base_year", "a year such as 2017")],
            ) from None
        rows = await run_in_threadpool(run_upload, actor, file, years[0] or 2017)
    except LablineError as exc:
        # The message goes on the form, which keeps what was typed (the file is chosen again).
        message = _columns_as_code(exc.message)
        ctx_bad: dict[str, Any] = {**typed, "countries_typed": countries, "message": message}
        # A table refused as a whole (missing columns, unreadable) is the file field's
        # error; the message above the form says why, in the reader's language.
        typed_wrong = [f for f in exc.fields if f.field != "file"]
        ctx_bad["errors"] = typed_wrong or [FieldError("file", TABLE_REFUSED)]
        return render(request, "indicators/growth.html", ctx_bad, status=exc.status)
    spans = averages(rows, first_year=years[1], last_year=years[2])
    wanted = [c.strip() for c in countries.replace(",", " ").split() if c.strip()]
    shown = [c for c in wanted if any(r.country == c for r in rows)] or [
        a.country for a in spans[:6]
    ]
    parts = [i18n.gettext(p) for p in ("Capital", "Labour", "Human capital", "TFP")]
    ctx: dict[str, Any] = {
        "filename": file.filename,
        **typed,
        "countries_typed": countries,
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
