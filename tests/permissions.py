"""Shared pieces of the permission matrices.

Each module's `tests/<module>/test_permissions.py` defines `MATRIX`: (method, path) -> Case,
and tests its rows against every actor. `tests/test_route_coverage.py` fails when the
app has a route that no module's matrix covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labline.core.models import Role

ACTORS = ["anonymous", *[r.value for r in Role]]
ALL = dict.fromkeys(ACTORS, 200)


def only(
    ok: int, allowed: tuple[str, ...], *, anon: int = 401, others: int = 403
) -> dict[str, int]:
    return {a: ok if a in allowed else (anon if a == "anonymous" else others) for a in ACTORS}


def signed_in(ok: int = 200) -> dict[str, int]:
    return {a: 401 if a == "anonymous" else ok for a in ACTORS}


OPERATOR = ("platform_operator",)
ORG_MANAGERS = ("platform_operator", "org_admin")


@dataclass
class Case:
    expect: dict[str, int]
    body: Any = None
    form: dict[str, str] | None = None
    upload: str | None = None  # CSV text sent as a multipart file


def app_routes() -> set[tuple[str, str]]:
    from labline.app import create_app
    from labline.config import Settings

    app = create_app(Settings(env="test", database_url="sqlite://"))
    found = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)  # FastAPI's included routers
            if inner is not None:
                walk(inner.routes)
                continue
            path = getattr(route, "path", "")
            if path == "/api/openapi.json" or path.startswith("/static"):
                continue
            for method in (getattr(route, "methods", None) or set()) - {"HEAD", "OPTIONS"}:
                found.add((method, path))

    walk(app.routes)
    return found
