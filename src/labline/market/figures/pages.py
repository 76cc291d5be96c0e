"""The market figures page: the period in total and a chart by month."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline import i18n
from labline.core.access import Permission, require
from labline.core.deps import CurrentActor, Db
from labline.market.figures import service as figures
from labline.web.charts import bar_chart
from labline.web.render import reader_today, render

router = APIRouter(include_in_schema=False)


@router.get("/market/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    region: Annotated[str | None, Query(pattern=r"^(\d{6})?$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^(\d{2,4})?$")] = None,
) -> Response:
    require(actor, Permission.view_directory)
    year = year or reader_today(request).year
    region, industry = region or None, industry or None
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    total = figures.figures(db, actor=actor, start=start, end=end, region=region, industry=industry)
    # Every province for comparison (the industry filter applies, the region filter does not).
    regions = figures.breakdown(
        db, actor=actor, start=start, end=end, by="region", industry=industry
    )["rows"]
    tables = {
        by: figures.breakdown(
            db, actor=actor, start=start, end=end, by=by, region=region, industry=industry
        )["rows"]
        for by in ("organisation", "industry")
    }
    chart = bar_chart(
        [(m["month"], m["turnover_cny"] / 10_000) for m in total["by_month"]],
        title=i18n.gettext("Contract turnover per month (10,000 yuan)"),
    )
    top = [r for r in tables["organisation"] if r["contracts"] and r["turnover_cny"]][:10]
    org_chart = bar_chart(
        [(i18n.pick(r["name_zh"], r["name_en"]), r["turnover_cny"] / 10_000) for r in top],
        title=i18n.gettext("Contract turnover of the ten leading sellers (10,000 yuan)"),
        record_labels=True,
    )
    period = f"start={start.isoformat()}&end={end.isoformat()}"
    period += f"&industry={industry}" if industry else ""
    query = period + (f"&region={region}" if region else "")
    ctx = {
        "year": year,
        "region": region or "",
        "industry": industry or "",
        "f": total,
        "regions": regions,
        "organisations": tables["organisation"],
        "industries": tables["industry"],
        "chart": chart,
        "org_chart": org_chart,
        "download": f"/api/v1/market/figures?{query}",
        "download_regions": f"/api/v1/market/figures?{period}",
    }
    return render(request, "market/figures.html", ctx)
