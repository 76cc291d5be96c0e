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


def fill(template: str, world: dict[str, Any], actor: str) -> str:
    """Fill {placeholders} from the test's world (only those the template uses)."""
    values = {
        "{organisation_id}": lambda: world["org"].id,
        "{org}": lambda: world["org"].id,
        "{person_id}": lambda: world["target"].id,
        "{token_id}": lambda: world["token"].id,
        "{role}": lambda: "reviewer",
        "{locale}": lambda: "zh",
        "{actor}": lambda: actor,
    }
    for key, value in values.items():
        if key in template:
            template = template.replace(key, str(value()))
    return template


def body(body: Any, world: dict[str, Any], actor: str) -> Any:
    if isinstance(body, dict):
        out = {}
        for k, v in body.items():
            v = fill(v, world, actor) if isinstance(v, str) else v
            out[k] = int(v) if k == "organisation_id" else v
        return out
    return body


def request_as(
    client: Any,
    db: Any,
    settings: Any,
    world: dict[str, Any],
    actor: str,
    method: str,
    url: str,
    case: Case,
) -> Any:
    """Send the case's request as this actor: a session cookie for pages, a token for the API."""
    from labline.core.schemas import TokenCreate
    from labline.core.service import auth

    headers: dict[str, str] = {}
    if actor != "anonymous":
        person = world["people"][actor]
        if url.startswith("/api/"):
            _t, secret = auth.create_token(
                db, actor=auth.actor_for(db, person.id), data=TokenCreate(name="m")
            )
            headers["Authorization"] = f"Bearer {secret}"
        else:
            secret = auth.open_session(db, settings=settings, person=person)
            client.cookies.set("labline_session", secret)
        db.flush()
    if case.upload is not None:
        client.get("/sign-in")
        files = {"file": ("upload.csv", case.upload.encode(), "text/csv")}
        data = {"csrf_token": client.cookies.get("labline_csrf") or ""}
        return client.request(
            method, url, files=files, data=data, headers=headers, follow_redirects=False
        )
    if case.form is not None:
        client.get("/sign-in")  # obtain the CSRF cookie like a browser would
        form = {k: fill(v, world, actor) for k, v in case.form.items()}
        form["csrf_token"] = client.cookies.get("labline_csrf") or ""
        return client.request(method, url, data=form, headers=headers, follow_redirects=False)
    return client.request(
        method, url, json=body(case.body, world, actor), headers=headers, follow_redirects=False
    )


def fill_ids(value: Any, ids: dict[str, int], actor: str) -> Any:
    """Fill {placeholders} named in a shared world's `ids` (and {actor}) in a URL or body."""
    if isinstance(value, dict):
        return {k: fill_ids(v, ids, actor) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_ids(v, ids, actor) for v in value]
    if not isinstance(value, str):
        return value
    if value in ids:
        return ids[value]
    for key, number in ids.items():
        value = value.replace(key, str(number))
    return value.replace("{actor}", actor.replace("_", "-"))


def request_in_shared_world(shared: Any, route: tuple[str, str], case: Case, actor: str) -> Any:
    """Send one matrix row as `actor` against a world built once (`shared`: conn, db, client,
    settings, world, ids), inside a savepoint rolled back afterwards. Returns (url, response)."""
    method, template = route
    url = fill_ids(template, shared.ids, actor)
    filled = Case(
        case.expect,
        body=fill_ids(case.body, shared.ids, actor),
        form={k: str(v) for k, v in fill_ids(case.form, shared.ids, actor).items()}
        if case.form is not None
        else None,
        upload=fill_ids(case.upload, shared.ids, actor),
    )
    shared.client.cookies.clear()
    savepoint = shared.conn.begin_nested()
    try:
        r = request_as(
            shared.client, shared.db, shared.settings, shared.world, actor, method, url, filled
        )
    finally:
        savepoint.rollback()
        shared.db.expire_all()
    return url, r
