"""People directory and a person's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.access import Permission
from labline.core.deps import (
    CurrentActor,
    Db,
    Paging,
)
from labline.core.models import Role
from labline.core.service import people
from labline.schemas import Page
from labline.web.render import render

router = APIRouter(include_in_schema=False)

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
