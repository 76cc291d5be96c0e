"""The web application factory: one app for pages, the JSON API and its documentation."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib import resources

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from labline import __version__, clock
from labline.config import Settings, get_settings
from labline.core import audit_keys
from labline.db import make_engine, make_sessionmaker
from labline.schemas import ErrorResponse
from labline.web import errors, render
from labline.web.deps import Admission
from labline.web.middleware import RequestContext
from labline.web.routing import guard

log = logging.getLogger("labline.app")

API_ERRORS = {
    code: {"model": ErrorResponse, "description": desc}
    for code, desc in {
        400: "Malformed request (e.g. a body that cannot be parsed)",
        401: "Not signed in",
        403: "Not permitted",
        404: "Not found",
        409: "Conflict",
        413: "Too large",
        422: "Invalid input",
        429: "Rate limited",
    }.items()
}

SWAGGER = "/static/vendor/swagger-ui-5.32.0"
SWAGGER_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>labline API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/static/labline-swagger.js"></script>
</body></html>
"""


def request_threads(settings: Settings) -> int:
    """Threads for synchronous routes and dependencies: more than the requests admitted at
    once (labline.web.deps.Admission), so that an admitted request always finds one."""
    return max(40, settings.db_pool_size + 8)


def warm_up(app: FastAPI) -> None:
    """Each module's warm-ups (the core's opens every index that has a snapshot, and the
    query encoder), run before this process accepts requests: under `serve --workers N`
    every process opens its own, and a request must not wait for it. A failure is logged,
    never fatal: the first request that needs the index opens it, as before."""
    from labline import registry

    began = time.perf_counter()
    for warm in registry.warm_ups():
        name = f"{warm.__module__}.{warm.__qualname__}"
        started = time.perf_counter()
        try:
            with app.state.sessionmaker() as session:
                warm(session, app.state)
        except Exception:  # whatever went wrong, the app still serves
            log.exception("warm-up %s failed; the first request will do it", name)
        else:
            log.info("warm-up %s: %.1f s", name, time.perf_counter() - started)
    log.info("warmed up in %.1f s: taking requests", time.perf_counter() - began)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building the app imports every module: about 200,000 objects that live as long as
    the process, and next to no garbage (a few hundred objects). The cyclic collector, run
    by the count of objects made, walked them all again and again as they were made: 15% of
    a fresh process's create_app() CPU time. Paused while building, as it was before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def create_app(
    settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    with _collector_paused():
        return _build_app(settings, session_factory)


def _build_app(settings: Settings | None, session_factory: sessionmaker[Session] | None) -> FastAPI:
    from labline import registry
    from labline.core import names

    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = request_threads(settings)
        if settings.env != "test":  # the suite's apps open their indexes when asked
            # What this process has made so far (every module's classes, tables, schemas and
            # routes) lives as long as it does: the cyclic collector need never walk it again.
            gc.freeze()
            await anyio.to_thread.run_sync(warm_up, app_)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="labline",
        version=__version__,
        description="From the lab to the production line. Authenticate with a personal API"
        " token: `Authorization: Bearer llt_...` (create one on your account page or with"
        ' `labline users token`). Every error has the same shape: `{"error": {...}}`.',
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        responses=API_ERRORS,  # type: ignore[arg-type]
    )
    app.state.settings = settings
    clock.use_platform_zone(settings.time_zone)
    # The audit chain's key, kept outside the database: a missing or unreadable key stops
    # the app here, not at its first write.
    audit_keys.configure(settings)
    audit_keys.current_key()
    if session_factory is None:
        engine = make_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)
        session_factory = make_sessionmaker(engine)
    app.state.sessionmaker = session_factory
    # The indicators compute live figures with the providers the module records declare.
    app.state.live_figures = registry.live_figure_providers()
    # The home page lists each role's work with the providers the module records declare.
    app.state.work = registry.work_providers()
    app.state.panels = registry.panels()
    # The one search box asks every kind of record the module records make findable.
    app.state.searchables = registry.searchables()
    app.state.db_admission = Admission(settings.admitted_requests)
    render.lend_globals(**names.TEMPLATE_GLOBALS)

    errors.install(app)
    app.add_middleware(RequestContext, settings=settings)

    static = resources.files("labline.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        # Served from the vendored swagger-ui-dist (npm, pinned): nothing comes from a CDN,
        # and it starts from a static file: the Content-Security-Policy allows no inline script.
        return HTMLResponse(SWAGGER_PAGE)

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    for router in registry.routers():
        guard(router)  # refuses foreign paths before trying its routes
        app.include_router(router)
    _declare_token_auth(app)
    return app


def _declare_token_auth(app: FastAPI) -> None:
    """Tell OpenAPI (and Swagger's Authorize button) about personal API tokens."""
    from typing import Any

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = {
            "token": {"type": "http", "scheme": "bearer", "description": "A personal API token"}
        }
        schema["security"] = [{"token": []}, {}]  # most reads also work anonymously
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
