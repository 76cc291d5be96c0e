"""People, their memberships and their platform roles."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import (
    Actor,
    Permission,
    can_manage_org,
    require,
    require_org_admin,
    require_signed_in,
)
from labline.core.models import (
    PLATFORM_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleGrant,
)
from labline.core.schemas import MembershipRead, PersonCreate, PersonRead, PersonUpdate
from labline.core.service.passwords import hash_password
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.schemas import PageParams


def get_person(session: Session, *, actor: Actor, person_id: int) -> Person:
    if actor.person_id != person_id:
        require(actor, Permission.view_people)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No person with id {person_id}.")
    return person


def may_see_contact(actor: Actor, person: Person) -> bool:
    if actor.person_id == person.id or Permission.view_contacts in actor.permissions:
        return True
    return any(can_manage_org(actor, m.organisation_id) for m in person.memberships)


def person_read(actor: Actor, person: Person) -> PersonRead:
    """The person as this actor may see them (contacts hidden unless allowed)."""
    return PersonRead(
        id=person.id,
        display_name=person.display_name,
        name_en=person.name_en,
        email=person.email if may_see_contact(actor, person) else None,
        locale=person.locale,
        time_zone=person.time_zone,
        is_active=person.is_active,
        roles=sorted({g.role for g in person.roles} | {m.role for m in person.memberships}),
        memberships=[MembershipRead.model_validate(m) for m in person.memberships],
    )


def list_people(
    session: Session,
    *,
    actor: Actor,
    page: PageParams,
    q: str | None = None,
    organisation_id: int | None = None,
    role: Role | None = None,
) -> tuple[list[Person], int]:
    require(actor, Permission.view_people)
    stmt = select(Person).options(selectinload(Person.memberships), selectinload(Person.roles))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Person.display_name.ilike(like), Person.name_en.ilike(like)))
    if organisation_id is not None:
        stmt = stmt.where(
            Person.id.in_(
                select(Membership.person_id).where(Membership.organisation_id == organisation_id)
            )
        )
    if role is not None:
        if role in (Role.org_admin, Role.member):
            stmt = stmt.where(
                Person.id.in_(select(Membership.person_id).where(Membership.role == role))
            )
        else:
            stmt = stmt.where(
                Person.id.in_(select(RoleGrant.person_id).where(RoleGrant.role == role))
            )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Person.id).offset(page.offset).limit(page.per_page)).all()
    return list(rows), total


def create_person(session: Session, *, actor: Actor, data: PersonCreate) -> Person:
    # An org admin may add people to their own organisation; everything else is operator work.
    if data.organisation_id is not None and can_manage_org(actor, data.organisation_id):
        pass
    else:
        require(actor, Permission.manage_people)
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise NotFound(
            "No such organisation.",
            fields=[FieldError("organisation_id", f"no organisation {data.organisation_id}")],
        )
    if session.scalar(select(Person.id).where(Person.email == data.email)) is not None:
        raise Conflict(
            "This e-mail address is already registered.",
            fields=[FieldError("email", "already registered")],
        )
    person = Person(
        email=data.email,
        display_name=data.display_name,
        name_en=data.name_en,
        locale=data.locale,
        password_hash=hash_password(data.password) if data.password else None,
    )
    session.add(person)
    session.flush()
    if data.organisation_id is not None:
        session.add(
            Membership(
                person_id=person.id,
                organisation_id=data.organisation_id,
                role=Role(data.membership_role),
                title=data.title,
            )
        )
        session.flush()
    return person


def update_person(session: Session, *, actor: Actor, person_id: int, data: PersonUpdate) -> Person:
    person = get_person(session, actor=actor, person_id=person_id)
    changes = data.model_dump(exclude_unset=True)
    if actor.person_id != person_id or "is_active" in changes:
        require(actor, Permission.manage_people)
    for key, value in changes.items():
        setattr(person, key, value)
    session.flush()
    return person


def grant_role(
    session: Session, *, actor: Actor, person_id: int, role: Role, organisation_id: int | None
) -> RoleGrant:
    require(actor, Permission.grant_roles)
    person = get_person(session, actor=actor, person_id=person_id)
    if role in (Role.org_admin, Role.member):
        raise Conflict(
            "org_admin and member come from a membership, not a grant.",
            fields=[FieldError("role", "not a platform role", allowed=[r.value for r in PLATFORM])],
        )
    org = session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation_id is not None and org is None:
        raise InvalidInput(
            f"No organisation with id {organisation_id}.",
            fields=[FieldError("organisation_id", "no organisation with this id")],
        )
    if role == Role.investor:
        _check_investing_organisation(org)
    existing = session.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person.id,
            RoleGrant.role == role,
            RoleGrant.organisation_id.is_(None)
            if organisation_id is None
            else RoleGrant.organisation_id == organisation_id,
        )
    )
    if existing is not None:
        return existing
    grant = RoleGrant(person_id=person.id, role=role, organisation_id=organisation_id)
    session.add(grant)
    session.flush()
    return grant


# An investor invests for a fund (guidance or venture) or for a company (corporate venture).
INVESTING_KINDS = (OrganisationKind.investment_fund, OrganisationKind.enterprise)


def _check_investing_organisation(org: Organisation | None) -> None:
    allowed = [k.value for k in INVESTING_KINDS]
    if org is None:
        raise InvalidInput(
            "An investor invests for an organisation: say which fund or company.",
            fields=[FieldError("organisation_id", "required for the investor role", allowed)],
        )
    if org.kind not in INVESTING_KINDS:
        raise InvalidInput(
            f"Organisation {org.id} is a {OrganisationKind(org.kind).value}: an investor"
            " invests for a fund or a company.",
            fields=[
                FieldError("organisation_id", f"is a {OrganisationKind(org.kind).value}", allowed)
            ],
        )


def revoke_role(session: Session, *, actor: Actor, person_id: int, role: Role) -> int:
    require(actor, Permission.grant_roles)
    if actor.person_id == person_id and role == Role.platform_operator:
        raise NotPermitted("An operator cannot remove their own operator role.")
    grants = session.scalars(
        select(RoleGrant).where(RoleGrant.person_id == person_id, RoleGrant.role == role)
    ).all()
    for grant in grants:
        session.delete(grant)
    session.flush()
    return len(grants)


def set_membership(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    organisation_id: int,
    role: Role = Role.member,
    title: str = "",
) -> Membership:
    require_org_admin(actor, organisation_id)
    require_signed_in(actor)
    existing = session.scalar(
        select(Membership).where(
            Membership.person_id == person_id, Membership.organisation_id == organisation_id
        )
    )
    if existing is None:
        existing = Membership(person_id=person_id, organisation_id=organisation_id)
        session.add(existing)
    existing.role = role
    existing.title = title
    session.flush()
    return existing


PLATFORM = PLATFORM_ROLES  # the roles an operator grants (the list lives with the model)
