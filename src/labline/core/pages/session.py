"""Home, sign-in and sign-out, language switch."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from labline import i18n
from labline.core.deps import (
    SESSION_COOKIE,
    CsrfChecked,
    CurrentActor,
    Db,
    get_settings,
)
from labline.core.models import Role
from labline.core.pages.forms import client_address, safe_next
from labline.core.service import auth, visits
from labline.db import write_apart
from labline.errors import FieldError, InvalidInput, LablineError
from labline.i18n import N_
from labline.web.middleware import LANG_COOKIE
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db, actor: CurrentActor) -> Response:
    # Each module's lists of what waits on this person (the app hands in the providers
    # its module records declare: the core imports no domain).
    providers = getattr(request.app.state, "work", ())
    work = []
    if not actor.is_anonymous:
        # The visit is noted first: "new since your last visit" means since the visit before.
        # A short write of its own, given up when another request is writing: upgrading this
        # read to a write failed ("database is locked", 503 busy) once a peer had written.
        write_apart(db, lambda s: visits.record_visit(s, actor=actor), wait=False)
        work = [w for p in providers for w in p(db, actor=actor, holder=request.app.state)]
    return render(request, "core/home.html", {"cards": _home_cards(actor), "work": work})


ROLE_CARDS: dict[Role, tuple[str, str, str]] = {
    Role.platform_operator: (
        N_("Platform operation"),
        N_("Curate records, manage people and roles, read the audit trail."),
        "/audit",
    ),
    Role.org_admin: (
        N_("Your organisation"),
        N_("Keep your organisation's profile and members up to date."),
        "/organisations",  # the organisation's own page: see _home_cards
    ),
    Role.member: (N_("Your work"), N_("Your organisations, teams and API tokens."), "/account"),
    Role.reviewer: (N_("Reviews"), N_("Proposals assigned to you for review."), "/review"),
    Role.committee_member: (
        N_("Committee"),
        N_("Non-consensus projects awaiting deliberation."),
        "/review",
    ),
    Role.facility_manager: (
        N_("Facilities"),
        N_("Instruments, bookings and usage you manage."),
        "/facilities/bookings",
    ),
    Role.analyst: (N_("Indicators"), N_("Figures, indices and reports."), "/indicators"),
    Role.investor: (
        N_("Investing"),
        N_("Fields, regions, projects and teams you follow, and your deal flow."),
        "/market/investors",
    ),
}


def _home_cards(actor: Any) -> list[dict[str, str]]:
    """What each role comes to labline for; links to the pages that exist."""
    cards = [
        {
            "title": N_("Organisations"),
            "text": N_("Browse enterprises, universities, institutes and funds."),
            "href": "/organisations",
        }
    ]
    if actor.is_anonymous:
        return cards
    cards.append(
        {"title": N_("People"), "text": N_("Find people and their roles."), "href": "/people"}
    )
    for role in Role:
        if actor.has(role):
            title, text, href = ROLE_CARDS[role]
            if role == Role.org_admin:
                # The organisation the person keeps (the first one, when several).
                kept = sorted(o for o, r in actor.org_roles.items() if r == Role.org_admin)
                href = f"/organisations/{kept[0]}" if kept else "/organisations"
            cards.append({"title": title, "text": text, "href": href, "role": role.value})
    return cards


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return render(request, "core/sign_in.html", {"next": safe_next(next), "email": ""})


@router.post("/sign-in", dependencies=[CsrfChecked])
def sign_in(
    request: Request,
    db: Db,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    settings = get_settings(request)
    try:
        person = auth.authenticate(
            db, settings=settings, email=email, password=password, client=client_address(request)
        )
    except LablineError as exc:
        # The failed attempt must be kept for throttling even though we answer with an error.
        db.commit()
        ctx = {"next": safe_next(next), "email": email, "error": exc.as_dict()}
        refused = render(request, "core/sign_in.html", ctx, status=exc.status)
        if "retry_after_s" in exc.extra:
            refused.headers["Retry-After"] = str(exc.extra["retry_after_s"])
        return refused
    secret = auth.open_session(db, settings=settings, person=person)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )
    if person.locale in i18n.LOCALES:
        response.set_cookie(LANG_COOKIE, person.locale, samesite="lax", max_age=365 * 86400)
    return response


@router.post("/sign-out", dependencies=[CsrfChecked])
def sign_out(request: Request, db: Db) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        auth.close_session(db, secret=secret)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{locale}")
def switch_language(
    request: Request, locale: str, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    if locale not in i18n.LOCALES:
        raise InvalidInput(
            "Unknown language.",
            fields=[FieldError("locale", "not one of the offered languages", list(i18n.LOCALES))],
        )
    referer = request.headers.get("referer", "/")
    target = safe_next(next or urlparse(referer).path or "/")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, locale, samesite="lax", max_age=365 * 86400)
    return response
