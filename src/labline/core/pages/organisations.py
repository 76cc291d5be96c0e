"""Organisation directory: list with filters (htmx), detail, create, edit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core import refdata
from labline.core.access import Permission, can_manage_org, require, require_org_admin
from labline.core.deps import (
    CsrfChecked,
    CurrentActor,
    Db,
    Paging,
    SubmittedForm,
)
from labline.core.models import OrganisationKind, OrganisationSize
from labline.core.pages.forms import form_values, reject_unknown
from labline.core.schemas import (
    OrganisationCreate,
    OrganisationFilter,
    OrganisationUpdate,
)
from labline.core.service import organisations, people
from labline.errors import validation_fields
from labline.schemas import Page, PageParams
from labline.web.render import render

router = APIRouter(include_in_schema=False)

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
    values = form_values(form, ORG_FIELDS)
    reject_unknown(form, ORG_FIELDS)
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
    values = {k: "" if getattr(org, k) is None else getattr(org, k) for k in ORG_FIELDS}
    return render(request, "core/organisation_form.html", _org_form_context(org=org, values=values))


UPDATE_FIELDS = tuple(f for f in ORG_FIELDS if f not in ("country", "credit_code"))


@router.post("/organisations/{organisation_id}/edit", dependencies=[CsrfChecked])
def organisation_update(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int, form: SubmittedForm
) -> Response:
    org = organisations.get_organisation(db, actor=actor, organisation_id=organisation_id)
    require_org_admin(actor, org.id)
    values = form_values(form, UPDATE_FIELDS)
    reject_unknown(form, UPDATE_FIELDS)
    try:
        data = OrganisationUpdate.model_validate(values)
    except ValidationError as exc:
        ctx = _org_form_context(org=org, values=values, errors=validation_fields(exc.errors()))
        return render(request, "core/organisation_form.html", ctx, status=422)
    organisations.update_organisation(db, actor=actor, organisation_id=org.id, data=data)
    return RedirectResponse(f"/organisations/{organisation_id}", status_code=303)
