"""Precise errors for indicator computations: which country, year or weight is at fault."""

from __future__ import annotations

from labline.errors import FieldError, InvalidInput


class IndicatorError(InvalidInput):
    code = "indicator_error"

    def __init__(self, message: str, *, field: str = "input") -> None:
        super().__init__(message, fields=[FieldError(field, message)])


class YearGap(IndicatorError):
    code = "year_gap"


class NonPositiveForLog(IndicatorError):
    code = "non_positive_for_log"


class WeightsDoNotSumToOne(IndicatorError):
    code = "weights_do_not_sum_to_one"


class MissingColumns(IndicatorError):
    code = "missing_columns"
