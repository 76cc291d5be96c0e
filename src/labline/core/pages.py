"""HTML pages for the core: home, sign-in, language, directory, account, audit."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core import refdata
from labline.core.access import Permission, can_manage_org, require, require_org_admin
from labline.core.models import OrganisationKind, OrganisationSize, Role
from labline.core.schemas import (
    OrganisationCreate,
    OrganisationFilter,
    OrganisationUpdate,
    TokenCreate,
)
from labline.core.service import auth, organisations, people
from labline.core.service.audit_log import list_records
from labline.errors import FieldError, InvalidInput, LablineError, NotSignedIn, validation_fields
from labline.schemas import Page, PageParams
from labline.web import i18n
from labline.web.deps import (
    SESSION_COOKIE,
    CsrfChecked,
    CurrentActor,
    Db,
    Paging,
    SubmittedForm,
    get_settings,
)
from labline.web.i18n import N_
from labline.web.middleware import LANG_COOKIE
from labline.web.render import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect a user to another site after sign-in.
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form_data(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Non-empty submitted values for the given fields; empty inputs mean "not given"."""
    data: dict[str, Any] = {}
    for key in fields:
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            data[key] = value.strip()
    return data


def _reject_unknown(form: dict[str, str], fields: tuple[str, ...]) -> None:
    unknown = [k for k in form if k not in fields and k != "csrf_token"]
    if unknown:
        raise InvalidInput(
            "The form has fields labline does not know: " + ", ".join(unknown),
            fields=[FieldError(u, "unknown field", list(fields)) for u in unknown],
        )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "core/home.html", {"cards": _home_cards(actor)})


ROLE_CARDS: dict[Role, tuple[str, str, str]] = {
    Role.platform_operator: (
        N_("Platform operation"),
        N_("Curate records, manage people and roles, read the audit trail."),
        "/audit",
    ),
    Role.org_admin: (
        N_("Your organisation"),
        N_("Keep your organisation's profile and members up to date."),
        "/account",
    ),
    Role.member: (N_("Your work"), N_("Your organisations, teams and API tokens."), "/account"),
    Role.reviewer: (N_("Reviews"), N_("Proposals assigned to you for review."), "/account"),
    Role.committee_member: (
        N_("Committee"),
        N_("Non-consensus projects awaiting deliberation."),
        "/account",
    ),
    Role.facility_manager: (
        N_("Facilities"),
        N_("Instruments, bookings and usage you manage."),
        "/account",
    ),
    Role.analyst: (N_("Indicators"), N_("Figures, indices and reports."), "/account"),
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
            cards.append({"title": title, "text": text, "href": href, "role": role.value})
    return cards


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return render(request, "core/sign_in.html", {"next": _safe_next(next), "email": ""})


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
            db, settings=settings, email=email, password=password, client=_client(request)
        )
    except LablineError as exc:
        # The failed attempt must be kept for throttling even though we answer with an error.
        db.commit()
        ctx = {"next": _safe_next(next), "email": email, "error": exc.as_dict()}
        refused = render(request, "core/sign_in.html", ctx, status=exc.status)
        if "retry_after_s" in exc.extra:
            refused.headers["Retry-After"] = str(exc.extra["retry_after_s"])
        return refused
    secret = auth.open_session(db, settings=settings, person=person)
    response = RedirectResponse(_safe_next(next), status_code=303)
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
    target = _safe_next(next or urlparse(referer).path or "/")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, locale, samesite="lax", max_age=365 * 86400)
    return response


# --- organisations ---------------------------------------------------------------------------

ORG_FIELDS = (
    "name_zh",
    "name_en",
    "kind",
    "country",
    "region_code",
    "industry_code",
    "size",
    "credit_code",
    "website",
    "description",
)


def _org_form_context(**extra: Any) -> dict[str, Any]:
    return {
        "kinds": list(OrganisationKind),
        "sizes": list(OrganisationSize),
        "provinces": refdata.provinces(),
        "regions": refdata.regions(),
        "industries": [i for i in refdata.industries() if i.level in ("division", "class")],
        **extra,
    }


@router.get("/organisations", response_class=HTMLResponse)
def organisation_list(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    region_code: Annotated[str | None, Query(max_length=6)] = None,
    industry_code: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    filters = OrganisationFilter.model_validate(
        {
            k: v
            for k, v in {
                "q": q,
                "kind": kind,
                "region_code": region_code,
                "industry_code": industry_code,
            }.items()
            if v
        }
    )
    rows, total = organisations.list_organisations(db, actor=actor, filters=filters, page=paging)
    page: Page[Any] = Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)
    ctx = _org_form_context(
        page=page,
        filters=filters,
        can_create=Permission.manage_organisations in actor.permissions,
        can_export=Permission.import_export in actor.permissions,
    )
    template = (
        "core/_organisation_rows.html"
        if request.headers.get("hx-request")
        else "core/organisations.html"
    )
    return render(request, template, ctx)


@router.get("/organisations/new", response_class=HTMLResponse)
def organisation_new(request: Request, db: Db, actor: CurrentActor) -> Response:
    require(actor, Permission.manage_organisations)
    return render(request, "core/organisation_form.html", _org_form_context(org=None, values={}))


@router.post("/organisations/new", dependencies=[CsrfChecked])
def organisation_create(
    request: Request, db: Db, actor: CurrentActor, form: SubmittedForm
) -> Response:
    values = _form_data(form, ORG_FIELDS)
    _reject_unknown(form, ORG_FIELDS)
    try:
        data = OrganisationCreate.model_validate(values)
    except ValidationError as exc:
        ctx = _org_form_context(org=None, values=values, errors=validation_fields(exc.errors()))
        return render(request, "core/organisation_form.html", ctx, status=422)
    org = organisations.create_organisation(db, actor=actor, data=data)
    return RedirectResponse(f"/organisations/{org.id}", status_code=303)


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_detail(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int
) -> Response:
    org = organisations.get_organisation(db, actor=actor, organisation_id=organisation_id)
    members: list[Any] = []
    if Permission.view_people in actor.permissions:
        members, _total = people.list_people(
            db, actor=actor, page=PageParams(page=1, per_page=50), organisation_id=org.id
        )
    ctx = {
        "org": org,
        "region": refdata.region(org.region_code) if org.region_code else None,
        "industry": refdata.industry(org.industry_code) if org.industry_code else None,
        "country": refdata.country(org.country),
        "members": members,
        "can_edit": can_manage_org(actor, org.id),
    }
    return render(request, "core/organisation_detail.html", ctx)


@router.get("/organisations/{organisation_id}/edit", response_class=HTMLResponse)
def organisation_edit(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int
) -> Response:
    org = organisations.get_organisation(db, actor=actor, organisation_id=organisation_id)
    require_org_admin(actor, org.id)
    values = {k: getattr(org, k) for k in ORG_FIELDS}
    return render(request, "core/organisation_form.html", _org_form_context(org=org, values=values))


UPDATE_FIELDS = tuple(f for f in ORG_FIELDS if f not in ("country", "credit_code"))


@router.post("/organisations/{organisation_id}/edit", dependencies=[CsrfChecked])
def organisation_update(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int, form: SubmittedForm
) -> Response:
    org = organisations.get_organisation(db, actor=actor, organisation_id=organisation_id)
    require_org_admin(actor, org.id)
    values = _form_data(form, UPDATE_FIELDS)
    _reject_unknown(form, UPDATE_FIELDS)
    try:
        data = OrganisationUpdate.model_validate(values)
    except ValidationError as exc:
        ctx = _org_form_context(org=org, values=values, errors=validation_fields(exc.errors()))
        return render(request, "core/organisation_form.html", ctx, status=422)
    organisations.update_organisation(db, actor=actor, organisation_id=org.id, data=data)
    return RedirectResponse(f"/organisations/{organisation_id}", status_code=303)


# --- people -----------------------------------------------------------------------------------


@router.get("/people", response_class=HTMLResponse)
def people_list(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
    role: Role | None = None,
) -> Response:
    rows, total = people.list_people(db, actor=actor, page=paging, q=q, role=role)
    page: Page[Any] = Page(
        items=[people.person_read(actor, p) for p in rows],
        total=total,
        page=paging.page,
        per_page=paging.per_page,
    )
    can_add = Permission.manage_people in actor.permissions or Role.org_admin in actor.roles
    ctx = {"page": page, "q": q or "", "role": role, "roles": list(Role), "can_add": can_add}
    return render(request, "core/people.html", ctx)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_detail(request: Request, db: Db, actor: CurrentActor, person_id: int) -> Response:
    person = people.get_person(db, actor=actor, person_id=person_id)
    orgs = {m.organisation_id: m.organisation for m in person.memberships}
    ctx = {
        "person": people.person_read(actor, person),
        "orgs": orgs,
        "can_grant": Permission.grant_roles in actor.permissions,
        "grantable": people.PLATFORM,
    }
    return render(request, "core/person_detail.html", ctx)


# --- account ----------------------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: Db, actor: CurrentActor) -> Response:
    if actor.is_anonymous:
        raise NotSignedIn("Sign in to see your account.")
    person = people.get_person(db, actor=actor, person_id=actor.person_id or 0)
    return render(
        request,
        "core/account.html",
        {
            "person": people.person_read(actor, person),
            "orgs": {m.organisation_id: m.organisation for m in person.memberships},
            "tokens": auth.list_tokens(db, actor=actor),
            "new_token": None,
        },
    )


@router.post("/account/tokens", dependencies=[CsrfChecked])
def account_create_token(
    request: Request,
    db: Db,
    actor: CurrentActor,
    name: Annotated[str, Form(min_length=1, max_length=80)],
    expires_in_days: Annotated[int, Form(ge=1, le=3650)] = 90,
) -> Response:
    _token, secret = auth.create_token(
        db, actor=actor, data=TokenCreate(name=name, expires_in_days=expires_in_days)
    )
    person = people.get_person(db, actor=actor, person_id=actor.person_id or 0)
    return render(
        request,
        "core/account.html",
        {
            "person": people.person_read(actor, person),
            "orgs": {m.organisation_id: m.organisation for m in person.memberships},
            "tokens": auth.list_tokens(db, actor=actor),
            "new_token": secret,
        },
        status=201,
    )


@router.post("/account/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def account_revoke_token(db: Db, actor: CurrentActor, token_id: int) -> Response:
    auth.revoke_token(db, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    rows, total = list_records(db, actor=actor, page=paging, entity_type=entity_type)
    page: Page[Any] = Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)
    return render(request, "core/audit.html", {"page": page, "entity_type": entity_type or ""})
