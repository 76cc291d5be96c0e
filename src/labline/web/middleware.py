"""ASGI middleware: locale and CSRF cookie per request, body size limit, security headers."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from labline import i18n
from labline.config import Settings
from labline.web import csrf

LANG_COOKIE = "labline_lang"


def _cookies(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, val = part.strip().partition("=")
                if name:
                    out[name] = val
    return out


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


class _BodyTooLarge(HTTPException):
    """Raised from receive(): an HTTPException, so that FastAPI's body parsing lets it pass
    (it turns any other exception into 400) and the error handler answers 413."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


# Scripts only from our own files (no inline script, no eval, no other origin): an injected
# <script> or onclick= does not run. Inline style attributes are still used by templates.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


# Routes that take file uploads with their own, larger limit (the route checks it again).
UPLOAD_SUFFIXES = ("/documents",)
MULTIPART_SLACK = 64 * 1024  # room for the form's other fields and part headers


def body_limit(scope: Scope, settings: Settings) -> tuple[int, str]:
    """The body size limit for this request, and the message that refuses a larger one."""
    limit = settings.max_body_bytes
    if scope.get("method") == "POST" and str(scope.get("path", "")).endswith(UPLOAD_SUFFIXES):
        files = settings.document_max_bytes
        if files + MULTIPART_SLACK > limit:
            return files + MULTIPART_SLACK, (
                f"The file is larger than the limit of {files} bytes"
                f" ({files / 1024 / 1024:.0f} MB); nothing was stored."
            )
    return limit, f"The request body is larger than the limit of {limit} bytes."


class RequestContext:
    """Sets the locale and the CSRF token for the request; limits the body size."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        locale = cookies.get(LANG_COOKIE)
        if locale not in i18n.LOCALES:
            locale = i18n.negotiate(_header(scope, b"accept-language"))
        token = i18n.set_locale(locale)

        state: dict[str, Any] = scope.setdefault("state", {})
        csrf_cookie = cookies.get(csrf.COOKIE)
        new_csrf = None
        if not csrf.valid_cookie(self.settings.secret_key, csrf_cookie):
            new_csrf = csrf.new_token(self.settings.secret_key)
            csrf_cookie = new_csrf
        state["csrf_token"] = csrf_cookie

        if b"%00" in scope.get("query_string", b"") or "\x00" in str(scope.get("path", "")):
            await _refuse(
                scope,
                send,
                422,
                "invalid_input",
                "The address contains a NUL character (%00), which is not allowed.",
            )
            i18n._locale.reset(token)
            return

        limit, too_large = body_limit(scope, self.settings)
        length = _header(scope, b"content-length")
        if length and length.isdigit() and int(length) > limit:
            await _too_large(scope, send, too_large)
            i18n._locale.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(too_large)
            return message

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-language", locale.encode()),
                    (b"content-security-policy", CSP.encode()),
                ]
                if self.settings.is_production:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                # Only a page (whose forms carry the token) sets a new token: a stray request
                # without the cookie (the favicon of the page before, a script, a JSON call)
                # answered in between would replace the cookie a page's form was just given,
                # and its submit would be refused as expired.
                if new_csrf and _is_html(headers):
                    secure = "; Secure" if self.settings.is_production else ""
                    cookie = f"{csrf.COOKIE}={new_csrf}; Path=/; SameSite=Lax{secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if not started:
                await _too_large(scope, send, too_large)
        finally:
            i18n._locale.reset(token)


async def _too_large(scope: Scope, send: Send, message: str) -> None:
    await _refuse(scope, send, 413, "too_large", message)


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    """Answer before the app runs, in the one error shape."""
    body = {"error": {"status": status, "code": code, "message": message, "fields": []}}
    is_api = str(scope.get("path", "")).startswith("/api/")
    if is_api:
        payload, ctype = json.dumps(body).encode(), b"application/json"
    else:
        msg = body["error"]["message"]
        payload = (
            f"<!doctype html><title>{status}</title><h1>{status}</h1>"
            f'<p role="alert" data-code="{code}">{msg}</p><p><a href="/">labline</a></p>'
        ).encode()
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(payload)).encode()),
                (b"content-security-policy", CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
