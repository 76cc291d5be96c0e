"""CSRF protection for forms: a signed double-submit cookie.

The cookie holds `nonce.signature`; every unsafe form post (and htmx request) must
echo the same value in the `csrf_token` field or the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "labline_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def new_token(secret_key: str) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_sign(secret_key, nonce)}"


def _sign(secret_key: str, nonce: str) -> str:
    return hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()[:32]


def valid_cookie(secret_key: str, cookie: str | None) -> bool:
    if not cookie or "." not in cookie:
        return False
    nonce, sig = cookie.rsplit(".", 1)
    return hmac.compare_digest(sig, _sign(secret_key, nonce))


def matches(secret_key: str, cookie: str | None, submitted: str | None) -> bool:
    return (
        valid_cookie(secret_key, cookie)
        and submitted is not None
        and hmac.compare_digest(cookie or "", submitted)
    )
