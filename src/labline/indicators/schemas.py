"""API shapes for indicator panels."""

from __future__ import annotations

from labline.schemas import Output


class CoverageRead(Output):
    indicator_code: str
    name: str
    unit: str
    observations: int
    regions: int
    first_year: int
    last_year: int


class Point(Output):
    year: int
    value: float


class SeriesRead(Output):
    indicator_code: str
    series: dict[str, list[Point]]


class RankingRow(Output):
    rank: int
    region_code: str
    region: str
    value: float


class RankingRead(Output):
    indicator_code: str
    year: int
    rows: list[RankingRow]


class ProfileRow(Output):
    indicator_code: str
    name: str
    year: int
    value: float
    score: float


class IndexRowRead(Output):
    region_code: str
    region: str
    score: float
    rank: int
    rank_low: float
    rank_high: float


class IndexRead(Output):
    year: int
    indicators: list[str]
    weights: list[float]
    rows: list[IndexRowRead]


class ImportRead(Output):
    import_id: int
    rows_read: int
    rows_stored: int
    indicators: list[str]
    regions: list[str]
    years: tuple[int, int] | None


class LiveRead(Output):
    module: str
    region: str
    indicator: str
    name: str
    value: float
    unit: str
