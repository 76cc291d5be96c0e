"""HTML pages for managing people: add a person, grant and revoke platform roles."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from labline.core.access import Actor, Permission, require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.models import Membership, Organisation, Role
from labline.core.pages.forms import form_values, reject_unknown
from labline.core.schemas import PersonCreate, RoleGrantCreate
from labline.core.service import people
from labline.errors import Conflict, InvalidInput, NotPermitted, validation_fields
from labline.web.render import render

router = APIRouter(include_in_schema=False)

PERSON_FIELDS = (
    "email",
    "display_name",
    "name_en",
    "password",
    "locale",
    "organisation_id",
    "membership_role",
    "title",
)


def _manageable_orgs(db: Db, actor: Actor) -> list[Organisation]:
    """Organisations this actor may add people to (all of them for an operator)."""
    if Permission.manage_people in actor.permissions:
        return list(db.scalars(select(Organisation).order_by(Organisation.id).limit(500)))
    ids = [oid for oid, role in actor.org_roles.items() if role == Role.org_admin]
    return list(db.scalars(select(Organisation).where(Organisation.id.in_(ids))))


def _require_can_add(db: Db, actor: Actor) -> list[Organisation]:
    require_signed_in(actor)
    orgs = _manageable_orgs(db, actor)
    if Permission.manage_people not in actor.permissions and not orgs:
        raise NotPermitted("Only a platform operator or an organisation admin can add people.")
    return orgs


@router.get("/people/new", response_class=HTMLResponse)
def person_new(request: Request, db: Db, actor: CurrentActor) -> Response:
    orgs = _require_can_add(db, actor)
    return render(request, "core/person_form.html", {"orgs": orgs, "values": {}, "errors": []})


@router.post("/people/new", dependencies=[CsrfChecked])
def person_create(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    orgs = _require_can_add(db, actor)
    reject_unknown(form, PERSON_FIELDS)
    values = form_values(form, PERSON_FIELDS)
    try:
        data = PersonCreate.model_validate(values)
        person = people.create_person(db, actor=actor, data=data)
    except ValidationError as exc:
        ctx = {"orgs": orgs, "values": values, "errors": validation_fields(list(exc.errors()))}
        return render(request, "core/person_form.html", ctx, status=422)
    except (InvalidInput, Conflict) as exc:
        # An address already registered, an organisation not theirs: the form comes back.
        db.rollback()
        ctx = {"orgs": orgs, "values": values, "errors": exc.fields}
        return render(request, "core/person_form.html", ctx, status=exc.status)
    return RedirectResponse(f"/people/{person.id}", status_code=303)


@router.post("/people/{person_id}/roles", dependencies=[CsrfChecked])
def person_grant_role(db: Db, actor: CurrentActor, person_id: int, form: SubmittedForm) -> Response:
    data = RoleGrantCreate.model_validate(
        {k: v for k, v in form.items() if k in ("role", "organisation_id") and v}
    )
    people.grant_role(
        db,
        actor=actor,
        person_id=person_id,
        role=Role(data.role),
        organisation_id=data.organisation_id,
    )
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/roles/{role}/revoke", dependencies=[CsrfChecked])
def person_revoke_role(db: Db, actor: CurrentActor, person_id: int, role: Role) -> Response:
    people.revoke_role(db, actor=actor, person_id=person_id, role=role)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


def memberships_of(db: Db, person_id: int) -> list[Membership]:
    return list(db.scalars(select(Membership).where(Membership.person_id == person_id)))
