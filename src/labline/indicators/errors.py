"""Specific errors for indicator input: each names the field, region and year at fault."""

from __future__ import annotations

from labline.errors import InvalidInput


class IndicatorError(InvalidInput, ValueError):
    """Base of every indicators error: an InvalidInput (a 422 with the one error shape on
    the web and exit code 2 on the command line) that is also a ValueError."""


class MixedUnits(IndicatorError):
    def __init__(self, *, indicator: str, units: list[str]) -> None:
        self.indicator, self.units = indicator, units
        super().__init__(
            f"indicator {indicator!r} has mixed units {sorted(units)} that cannot be converted "
            "to one unit"
        )


class UnknownUnit(IndicatorError):
    def __init__(self, *, unit: str, target: str) -> None:
        self.unit, self.target = unit, target
        super().__init__(f"no conversion from unit {unit!r} to {target!r}")


class DuplicateObservation(IndicatorError):
    def __init__(self, *, indicator: str, region: str, year: int) -> None:
        self.indicator, self.region, self.year = indicator, region, year
        super().__init__(f"duplicate value for indicator {indicator!r}, region {region!r}, {year}")


class WeightsDoNotSumToOne(IndicatorError):
    def __init__(self, *, node: str, total: float) -> None:
        self.node, self.total = node, total
        super().__init__(f"weights under {node!r} sum to {total:.12g}, not 1")


class InsufficientCoverage(IndicatorError):
    def __init__(
        self, *, node: str, region: str, year: int | None, coverage: float, minimum: float
    ):
        self.node, self.region, self.year = node, region, year
        self.coverage, self.minimum = coverage, minimum
        when = "" if year is None else f" in {year}"
        super().__init__(
            f"{node!r} for region {region!r}{when} has {coverage:.0%} of its indicators, "
            f"below the required {minimum:.0%}"
        )


class NonPositiveForLog(IndicatorError):
    def __init__(self, *, field: str, region: str, year: int | None, value: float) -> None:
        self.field, self.region, self.year, self.value = field, region, year, value
        when = "" if year is None else f" in {year}"
        super().__init__(
            f"{field} for {region!r}{when} is {float(value)!r}; a logarithm needs a positive value"
        )


class YearGap(IndicatorError):
    def __init__(self, *, region: str, after: int, before: int) -> None:
        self.region, self.after, self.before = region, after, before
        super().__init__(
            f"growth series for {region!r} has a gap between {after} and {before}; "
            "growth rates need consecutive years"
        )


class MissingColumn(IndicatorError):
    def __init__(self, *, column: str, where: str) -> None:
        self.column = column
        super().__init__(f"{where} has no column {column!r}")


class MissingBaseYear(IndicatorError):
    def __init__(self, *, region: str, year: int) -> None:
        self.region, self.year = region, year
        super().__init__(f"{region!r} has no value in base year {year} to normalise to 1")


class InvalidParameter(IndicatorError):
    """A parameter outside its domain (depreciation rate, draws, ...)."""
