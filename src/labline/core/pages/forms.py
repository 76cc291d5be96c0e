"""Helpers shared by the core's form pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from fastapi import Request

from labline.errors import FieldError, InvalidInput


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
