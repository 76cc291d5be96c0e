"""Domain errors. Services raise them; the web and CLI edges translate them once.

Every error carries an HTTP status, a stable machine code, a human message and,
for input problems, the fields at fault with what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labline import i18n, validation
from labline.fields import field_labels
from labline.i18n import N_


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    allowed: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out


RESERVED = frozenset({"status", "code", "message", "fields"})


class LablineError(Exception):
    """A domain error. Its message is read in the catalogue (the reader's language): a fixed
    English message as it is, or a template with `params` ("%(instrument)s is taken…")."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: list[FieldError] | None = None,
        params: dict[str, Any] | None = None,
        **extra: Any,
    ):
        text = i18n.gettext(message, **params) if params else i18n.gettext(message)
        super().__init__(text)
        clash = RESERVED & extra.keys()
        if clash:  # they would overwrite the error shape's own keys
            raise TypeError(f"error details may not be named {sorted(clash)}")
        self.template = message
        self.message = text
        self.fields = fields or []
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        body["fields"] = [f.as_dict() for f in self.fields]
        body.update(self.extra)
        return body


class InvalidInput(LablineError):
    status = 422
    code = "invalid_input"


class NotFound(LablineError):
    status = 404
    code = "not_found"


class NotSignedIn(LablineError):
    status = 401
    code = "not_signed_in"


class NotPermitted(LablineError):
    status = 403
    code = "not_permitted"


class Conflict(LablineError):
    status = 409
    code = "conflict"


class TooLarge(LablineError):
    status = 413
    code = "too_large"


class Unavailable(LablineError):
    """A service labline relies on (e.g. a configured language model) did not answer usably."""

    status = 503
    code = "unavailable"


class RateLimited(LablineError):
    status = 429
    code = "rate_limited"


@dataclass
class RowError:
    """One rejected row of an import, with every problem found in it."""

    row: int
    errors: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "errors": [e.as_dict() for e in self.errors]}


class ImportRejected(InvalidInput):
    code = "import_rejected"

    def __init__(self, rows: list[RowError], *, total: int) -> None:
        super().__init__(
            f"{len(rows)} of {total} rows were rejected; nothing was imported",
            rejected_rows=[r.as_dict() for r in rows],
        )
        self.rows = rows


# --- pydantic validation errors as field errors -------------------------------------------

FIELD_PREFIX = re.compile(r"^([a-z][a-z0-9_.]*): (.+)$", re.S)
_MODEL_LEVEL: tuple[str, ...] = ()
_LOCATIONS = ("body", "query", "path", "header", "form", "cookie")


def _field_name(loc: tuple[Any, ...]) -> str:
    # FastAPI puts where a value came from first ("body", "title"); a model's own field may
    # be called `query` or `body` itself (a saved search, a post), so only a leading
    # location followed by a name is cut.
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "request"


def validation_fields(errors: list[Any]) -> list[FieldError]:
    fields = []
    for err in errors:
        ctx = err.get("ctx") or {}
        allowed = ctx.get("expected") or (
            {
                # Limits may be Decimals (money, scores); the error body is JSON.
                k: float(v) if isinstance(v, Decimal) else v
                for k, v in ctx.items()
                if k in ("ge", "le", "gt", "lt", "max_length")
            }
            or None
        )
        message = str(err.get("msg", "invalid"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        name = _field_name(tuple(err.get("loc", ())))
        # Model-level validators name their field at the start of the message: "field: why".
        named = FIELD_PREFIX.match(message)
        # (A location alone, "body", is FastAPI's name for the whole model.)
        if named and name in ("request", *_LOCATIONS, *_MODEL_LEVEL):
            name, message = named.group(1), named.group(2)
        # In the reader's language (the request's locale), the field's path kept as it is.
        fields.append(FieldError(name, validation.message(err, message), allowed))
    return fields


def invalid_input(errors: list[Any]) -> InvalidInput:
    """The InvalidInput for a pydantic ValidationError's errors()."""
    fields = validation_fields(errors)
    return InvalidInput(invalid_summary(fields), fields=fields)


def invalid_summary(fields: list[FieldError]) -> str:
    """The summary of a form's errors: the fields' labels, not their paths."""
    return i18n.gettext(
        N_("Some fields are not valid: %(fields)s"),
        fields=field_labels([f.field for f in fields]),
    )
