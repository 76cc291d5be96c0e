"""Helpers shared by the form pages (the core's and the domains')."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlparse

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from labline.errors import FieldError, InvalidInput, LablineError, validation_fields
from labline.web.render import render


def safe_next(target: str | None) -> str:
    # Only local paths: never redirect a user to another site after sign-in.
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def form_values(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Non-empty submitted values for the given fields; empty inputs mean "not given"."""
    data: dict[str, Any] = {}
    for key in fields:
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            data[key] = value.strip()
    return data


def reject_unknown(form: dict[str, str], fields: tuple[str, ...]) -> None:
    unknown = [k for k in form if k not in fields and k != "csrf_token"]
    if unknown:
        raise InvalidInput(
            "The form has fields labline does not know: " + ", ".join(unknown),
            fields=[FieldError(u, "unknown field", list(fields)) for u in unknown],
        )


def failed_form(
    request: Request,
    db: Session,
    exc: ValidationError | LablineError,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    values: Mapping[str, Any] | None = None,
    field_names: Mapping[str, str] | None = None,
    passthrough: Collection[int] = (401, 403, 404),
    **extra: Any,
) -> HTMLResponse:
    """The comeback of a form whose POST failed: the page again, with the submitted values
    kept and each error beside its field (not an error page).

    The change is rolled back before `context()` builds the page. Domain errors whose status
    is in `passthrough` (not signed in, not permitted, not found) are raised on to the error
    page. `values` (when given) replaces the page's values; `field_names` moves an error to the
    form field it was entered in; `extra` goes into the page's context as it is.
    """
    if isinstance(exc, LablineError) and exc.status in passthrough:
        raise exc
    db.rollback()
    if isinstance(exc, ValidationError):
        errors, message, status = validation_fields(exc.errors()), None, 422
    else:
        errors, message, status = exc.fields, exc.message, exc.status
    if field_names:
        errors = [
            FieldError(field_names.get(e.field, e.field), e.message, e.allowed) for e in errors
        ]
    ctx = context()
    if values is not None:
        ctx["values"] = values
    ctx.update(errors=errors, message=message, **extra)
    return render(request, template, ctx, status=status)
