"""JSON API for the market figures: in total, or a breakdown table (JSON, CSV or Excel)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from labline.core.deps import CurrentActor, Db
from labline.market.figures import service as figures
from labline.market.figures.schemas import FiguresBreakdown, FiguresRead
from labline.schemas import IsoDate
from labline.web.download import EXCEL, table_download

router = APIRouter(prefix="/api/v1/market", tags=["market"])


Format = Literal["csv", "xlsx", "json"]


@router.get(
    "/figures",
    response_model=FiguresRead | FiguresBreakdown,
    summary="Contracts, turnover, transformation (in total, or by organisation, region...)",
    responses={200: {"content": {"text/csv": {}, EXCEL: {}}}},
)
def market_figures(
    db: Db,
    actor: CurrentActor,
    start: IsoDate,
    end: IsoDate,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^\d{2,4}$")] = None,
    by: Annotated[
        Literal["organisation", "region", "industry"] | None,
        Query(description="One row per selling organisation, province or industry division"),
    ] = None,
    format: Format = "json",
) -> Any:
    """The period's figures; with `by`, one row per organisation (the seller), province or
    industry division, as JSON or as a CSV or Excel table."""
    if by is None:
        if format != "json":
            raise figures.needs_breakdown()
        return figures.figures(
            db, actor=actor, start=start, end=end, region=region, industry=industry
        )
    table = figures.breakdown(
        db, actor=actor, start=start, end=end, by=by, region=region, industry=industry
    )
    if format == "json":
        return table
    name = f"market-figures-by-{by}-{start.isoformat()}"
    return table_download(name, figures.BREAKDOWN_COLUMNS, table["rows"], format)
