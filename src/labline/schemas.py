"""Shared schema pieces: strict input models, the text, address and date-time rules every
input obeys, and paginated output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from labline import clock, text

T = TypeVar("T")

MAX_PER_PAGE = 100
# Any date-time given to labline lies in this century; a year such as 1970 or 9999 is a
# mistake (a number read as Unix seconds, a typo) that would poison figures and schedules.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("value_error", message)


def _one_line(value: str) -> str:
    why = text.one_line_problem(value)
    if why:
        raise _refuse(why)
    return value


def _web_address(value: str) -> str:
    if value and not text.is_web_address(value):
        raise _refuse(text.URL_MESSAGE)
    return value


def _iso(kind: type, value: object) -> object:
    if isinstance(value, date):  # already parsed (a datetime is a date too)
        return value
    pattern = text.ISO_DATE if kind is date else text.ISO_DATETIME
    if not (isinstance(value, str) and pattern.match(value.strip())):
        # Pydantic would read 1700000000 (or "1700000000") as Unix seconds.
        raise _refuse(text.DATE_MESSAGE if kind is date else text.DATETIME_MESSAGE)
    return value


def _in_century(value: datetime) -> datetime:
    if value.tzinfo is not None and not EARLIEST <= value < LATEST:
        raise PydanticCustomError(
            "out_of_range",
            text.RANGE_MESSAGE,
            {"ge": EARLIEST.isoformat(), "lt": LATEST.isoformat()},
        )
    return value


# For query parameters (input models apply the same rules to every date and date-time).
IsoDateTime = Annotated[
    datetime, BeforeValidator(lambda v: _iso(datetime, v)), AfterValidator(_in_century)
]
IsoDate = Annotated[date, BeforeValidator(lambda v: _iso(date, v))]
# A name or a title: one line, no control or bidirectional characters.
Name = Annotated[str, AfterValidator(_one_line)]
# A web address people will follow: http(s) only (never javascript: or data:); "" clears it.
WebAddress = Annotated[str, AfterValidator(_web_address)]


@cache
def _temporal(model: type[BaseModel], name: str) -> type | None:
    """datetime or date when the field holds one (possibly optional), else None."""
    field = model.model_fields.get(name)
    todo = [field.annotation] if field is not None else []
    while todo:
        kind = todo.pop()
        if kind in (datetime, date):
            return kind
        todo.extend(get_args(kind))
    return None


def _check_text(value: object) -> None:
    items = value if isinstance(value, (list, tuple)) else (value,)
    for item in items:
        if isinstance(item, str):
            why = text.problem(item)
            if why:
                raise _refuse(why)


def within(
    value: datetime | None, *, past: timedelta, future: timedelta, now: datetime | None = None
) -> datetime | None:
    """A field's own sane range around now (e.g. usage is recorded after the fact)."""
    if value is None or value.tzinfo is None:  # naive times are refused by the model
        return value
    now = now or clock.now()
    low, high = now - past, now + future
    if not low <= value <= high:
        raise PydanticCustomError(
            "out_of_range",
            text.RANGE_MESSAGE,
            {"ge": low.isoformat(timespec="seconds"), "le": high.isoformat(timespec="seconds")},
        )
    return value


class StrictInput(BaseModel):
    """Input models reject unknown fields, control and bidirectional characters in text, and
    date-times that are not ISO 8601 strings; they trim whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain(cls, value: object, info: ValidationInfo) -> object:
        # PostgreSQL cannot store U+0000; control characters break exports and terminals.
        _check_text(value)
        kind = _temporal(cls, info.field_name) if info.field_name else None
        return value if kind is None or value is None else _iso(kind, value)

    @field_validator("*", mode="after")
    @classmethod
    def _sane_moment(cls, value: object) -> object:
        return _in_century(value) if isinstance(value, datetime) else value


class CrossChecked(StrictInput):
    """An input whose rules between fields (a search needs words, a need watch a need) are
    reported together with its fields' own errors: pydantic skips after-validators once a
    field fails, so a form would show its errors one round at a time. Subclasses state
    their rules in `cross_problems`, which reads the raw values when a field failed (every
    value may then be a string or missing) and the validated ones otherwise."""

    @classmethod
    def cross_problems(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(field, message) for each rule between fields that the values break."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _every_error(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            model = handler(data)
        except ValidationError as exc:
            if not isinstance(data, Mapping):
                raise
            failed = {e["loc"][0] for e in exc.errors() if e["loc"]}
            extra = [(f, m) for f, m in cls.cross_problems(data) if f not in failed]
            if not extra:
                raise
            raise _joined(cls.__name__, exc, extra, data) from None
        problems = cls.cross_problems(dict(model))
        if problems:
            raise _joined(cls.__name__, None, problems, data)
        return model


def _joined(
    title: str, exc: ValidationError | None, problems: list[tuple[str, str]], data: Any
) -> ValidationError:
    """One ValidationError with the fields' errors (as they were) and the cross-field ones."""
    lines: list[InitErrorDetails] = [
        {
            "type": PydanticCustomError(e["type"], e["msg"], e.get("ctx")),
            "loc": e["loc"],
            "input": e["input"],
        }
        for e in (exc.errors(include_url=False) if exc else [])
    ]
    raw = data if isinstance(data, Mapping) else {}
    lines += [
        {"type": _refuse(message), "loc": (name,), "input": raw.get(name)}
        for name, message in problems
    ]
    return ValidationError.from_exception_data(title, lines)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @model_validator(mode="after")
    def _aware_datetimes(self) -> Output:
        # SQLite hands back naive datetimes even for DateTime(timezone=True) columns; they
        # are stored in UTC, and the API promises RFC 3339 date-times (with an offset).
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, datetime) and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=UTC))
        return self


class PageParams(StrictInput):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=25, ge=1, le=MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class ErrorField(BaseModel):
    field: str
    message: str
    allowed: object | None = None


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    fields: list[ErrorField] = []


class ErrorResponse(BaseModel):
    """The one error shape of the JSON API."""

    error: ErrorBody
