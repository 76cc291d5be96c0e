"""The web application factory: one app for pages, the JSON API and its documentation."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from labline import __version__
from labline.config import Settings, get_settings
from labline.core import audit_keys
from labline.db import make_engine, make_sessionmaker
from labline.schemas import ErrorResponse
from labline.web import errors
from labline.web.middleware import RequestContext

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


def create_app(
    settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    from labline import registry

    settings = settings or get_settings()
    app = FastAPI(
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
    # The audit chain's key, kept outside the database: a missing or unreadable key stops
    # the app here, not at its first write.
    audit_keys.configure(settings)
    audit_keys.current_key()
    if session_factory is None:
        session_factory = make_sessionmaker(make_engine(settings.resolved_database_url))
    app.state.sessionmaker = session_factory
    # The indicators compute live figures with the providers the module records declare.
    app.state.live_figures = registry.live_figure_providers()

    errors.install(app)
    app.add_middleware(RequestContext, settings=settings)

    static = resources.files("labline.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        # Served from the vendored swagger-ui-dist (npm, pinned): nothing comes from a CDN.
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="labline API",
            swagger_js_url="/static/vendor/swagger-ui-5.32.0/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui-5.32.0/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    for router in registry.routers():
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
