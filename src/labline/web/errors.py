"""One error shape for every error: JSON under /api/, an HTML page elsewhere.

{"error": {"status": 422, "code": "invalid_input", "message": "...",
           "fields": [{"field": "budget_max", "message": "...", "allowed": ...}]}}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from labline import i18n
from labline.db import is_busy
from labline.errors import LablineError, invalid_summary, validation_fields
from labline.i18n import N_
from labline.web.render import render

log = logging.getLogger("labline.web")
MAX_ID = 2**31 - 1  # INTEGER primary keys on PostgreSQL

HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    503: "busy",
}


NOT_SIGNED_IN = N_("Sign in to do this: the API needs a personal API token to change anything.")
# Whoever may not write at all learns that first, not what their request lacks.
NOT_SIGNED_IN_BODY = {
    "status": 401,
    "code": "not_signed_in",
    "message": NOT_SIGNED_IN,
    "fields": [],
}


def _anonymous_api_write(request: Request) -> bool:
    """An unsafe API call without a token: it acts as nobody (see web.deps.get_actor), and
    no API route lets nobody change anything."""
    return (
        request.url.path.startswith("/api/")
        and request.method not in ("GET", "HEAD", "OPTIONS")
        and not request.headers.get("authorization", "").lower().startswith("bearer ")
    )


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    todo = list(request.app.router.routes)
    while todo:
        route = todo.pop()
        inner = getattr(route, "original_router", None)  # a router included by FastAPI
        if inner is not None:
            todo.extend(inner.routes)
            continue
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    status = int(body["status"])
    headers = dict(headers or {})
    if status in (429, 503) and "retry_after_s" in body:
        headers["Retry-After"] = str(body["retry_after_s"])
    if _wants_json(request):
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    body = {**body, "message": i18n.gettext(body["message"])}
    response = render(request, "error.html", {"error": body}, status=status)
    response.headers.update(headers)
    return response


def invalid_input_body(errors: list[Any]) -> dict[str, Any]:
    fields = validation_fields(errors)
    return {
        "status": 422,
        "code": "invalid_input",
        "message": invalid_summary(fields),
        "fields": [f.as_dict() for f in fields],
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(LablineError)
    async def _domain(request: Request, exc: LablineError) -> Response:
        return error_response(request, exc.as_dict())

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> Response:
        if _anonymous_api_write(request):
            return error_response(request, NOT_SIGNED_IN_BODY)
        return error_response(request, invalid_input_body(list(exc.errors())))

    @app.exception_handler(ValidationError)
    async def _validation(request: Request, exc: ValidationError) -> Response:
        return error_response(request, invalid_input_body(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        if status == 400 and _anonymous_api_write(request):  # a body that cannot be parsed
            return error_response(request, NOT_SIGNED_IN_BODY)
        message = exc.detail if isinstance(exc.detail, str) else HTTP_CODES.get(status, "error")
        if status == 404:
            message = "There is no page at this address."
        elif status == 405:
            message = "This address does not accept this method."
        body = {
            "status": status,
            "code": HTTP_CODES.get(status, "error"),
            "message": message,
            "fields": [],
        }
        # 405 names every method the address accepts (Starlette names only the first
        # route's, and one path may be served by several routes).
        allow = _allowed_methods(request) if status == 405 else None
        return error_response(request, body, {"Allow": allow} if allow else None)

    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A number beyond what the database stores (an id such as 9223372036854775808):
        # SQLite cannot even bind it (OverflowError), PostgreSQL refuses it (integer out of
        # range). Say so instead of answering 500.
        orig = getattr(exc, "orig", None)
        if not isinstance(exc, OverflowError) and type(orig).__name__ != "NumericValueOutOfRange":
            return await _unexpected(request, exc)
        body = {
            "status": 422,
            "code": "invalid_input",
            "message": "A number in this request is larger than labline can store"
            f" (ids go up to {MAX_ID}).",
            "fields": [],
        }
        return error_response(request, body)

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)

    async def _busy(request: Request, exc: Exception) -> Response:
        # A full connection pool or a transient database refusal (SQLite's "database is
        # locked", PostgreSQL's deadlock or serialization failure) is not a bug in the
        # request: answer 503 with Retry-After so that clients (and the stress test) can tell.
        orig = getattr(exc, "orig", None)
        if not is_busy(exc):
            return await _unexpected(request, exc)
        log.warning("busy on %s %s: %s", request.method, request.url.path, type(orig or exc))
        body = {
            "status": 503,
            "code": "busy",
            "message": "labline is busy; try again in a moment.",
            "fields": [],
            "retry_after_s": 1,
        }
        return error_response(request, body)

    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(OperationalError, _busy)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        # This handler runs outside the request middleware: set the reader's language again.
        locale = request.cookies.get("labline_lang")
        i18n.set_locale(locale or i18n.negotiate(request.headers.get("accept-language")))
        body = {
            "status": 500,
            "code": "internal_error",
            "message": "Something went wrong on our side; it has been logged.",
            "fields": [],
        }
        return error_response(request, body)
