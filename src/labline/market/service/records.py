"""Needs and achievements: create, edit, screen, publish, close; who reads the details.

Lifecycle (both kinds): draft → screening → published → negotiating → closed, with the
operator sending a record back (returned, with reasons) instead of publishing it. Details
(a need's problem, requirements and budget; an achievement's details, patent numbers and
inventors) are read only by the owning organisation, operators and admitted people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, Permission, require, require_signed_in
from labline.core.models import Organisation, OrganisationKind, Person, Team
from labline.core.refdata import region_prefix
from labline.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    NotPermitted,
    invalid_input,
    invalid_summary,
)
from labline.market.models import (
    AccessGrant,
    AccessStatus,
    Achievement,
    CloseReason,
    State,
    TechnologyNeed,
)
from labline.market.schemas import (
    AccessDecision,
    AccessRequest,
    AchievementCreate,
    AchievementFields,
    AchievementPatch,
    NeedCreate,
    NeedFields,
    NeedPatch,
    Transition,
    check_deadline,
)
from labline.schemas import PageParams

RecordKind = Literal["need", "achievement"]
Record = TechnologyNeed | Achievement
MODELS: dict[str, type[TechnologyNeed] | type[Achievement]] = {
    "need": TechnologyNeed,
    "achievement": Achievement,
}
PUBLIC_STATES = (State.published, State.negotiating, State.closed)
LIVE_STATES = (State.published, State.negotiating)
BUYER_KINDS = (OrganisationKind.enterprise, OrganisationKind.hospital)
SELLER_KINDS = (
    OrganisationKind.university,
    OrganisationKind.research_institute,
    OrganisationKind.enterprise,
    OrganisationKind.hospital,
)
# action -> (states it may start from, state it leads to, who: owner | operator)
TRANSITIONS: dict[str, tuple[tuple[State, ...], State, str]] = {
    "submit": ((State.draft, State.returned), State.screening, "owner"),
    "publish": ((State.screening,), State.published, "operator"),
    "return": ((State.screening,), State.returned, "operator"),
    "negotiate": ((State.published,), State.negotiating, "owner"),
    "reopen": ((State.negotiating,), State.published, "owner"),
    "close": (
        (State.draft, State.returned, State.screening, State.published, State.negotiating),
        State.closed,
        "owner",
    ),
}


def now() -> datetime:
    return clock.now()


def kind_of(record: Record) -> RecordKind:
    return "need" if isinstance(record, TechnologyNeed) else "achievement"


def is_owner(actor: Actor, record: Record) -> bool:
    """Members of the record's organisation act for it; operators act for everyone."""
    return actor.is_operator or record.organisation_id in actor.org_roles


def is_admitted(session: Session, actor: Actor, record: Record) -> bool:
    if actor.person_id is None:
        return False
    return bool(
        session.scalar(
            select(func.count()).where(
                AccessGrant.record_kind == kind_of(record),
                AccessGrant.record_id == record.id,
                AccessGrant.person_id == actor.person_id,
                AccessGrant.status == AccessStatus.admitted,
            )
        )
    )


def can_read_details(session: Session, actor: Actor, record: Record) -> bool:
    return is_owner(actor, record) or is_admitted(session, actor, record)


def can_see(actor: Actor, record: Record) -> bool:
    """Drafts and records under screening are seen by their owners and operators only."""
    return record.state in PUBLIC_STATES or is_owner(actor, record)


# --- reading ------------------------------------------------------------------------------------


def is_live(record: Record) -> bool:
    """Published or negotiating: matched, open to deals and to requests for its details."""
    return record.state in LIVE_STATES


def allowed_actions(actor: Actor, record: Record) -> list[str]:
    """The transitions the actor may apply to the record in its state (pages offer these)."""
    owner = is_owner(actor, record)
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if record.state in sources
        and ((who == "operator" and actor.is_operator) or (who == "owner" and owner))
    ]


def get_record(session: Session, *, actor: Actor, kind: RecordKind, record_id: int) -> Record:
    require(actor, Permission.view_directory)
    record: Record | None = session.get(MODELS[kind], record_id)  # type: ignore[assignment]
    if record is None or not can_see(actor, record):
        # A draft is not acknowledged to outsiders: it does not exist for them.
        raise NotFound(f"There is no {kind} {record_id}.", record_id=record_id)
    return record


def list_records(
    session: Session,
    *,
    actor: Actor,
    kind: RecordKind,
    page: PageParams,
    q: str | None = None,
    industry_code: str | None = None,
    region_code: str | None = None,
    mine: bool = False,
    state: State | None = None,
) -> tuple[Sequence[Record], int]:
    """Published and negotiating records (or, with `mine`, the actor's organisations' own)."""
    require(actor, Permission.view_directory)
    model = MODELS[kind]
    stmt: Any = select(model)
    if mine:
        require_signed_in(actor)
        if not actor.is_operator:
            stmt = stmt.where(model.organisation_id.in_(list(actor.org_roles) or [0]))
        if state is not None:
            stmt = stmt.where(model.state == state)
    elif state is not None and state in PUBLIC_STATES:
        stmt = stmt.where(model.state == state)
    elif state is not None and actor.is_operator:
        stmt = stmt.where(model.state == state)  # the screening queue
    elif state is not None:
        require(actor, Permission.manage_organisations)
    else:
        stmt = stmt.where(model.state.in_(LIVE_STATES))
    if industry_code:
        stmt = stmt.where(model.industry_code.startswith(industry_code))
    if region_code:
        stmt = stmt.where(model.region_code.startswith(region_prefix(region_code)))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(model.title).like(like),
                func.lower(model.summary).like(like),
                func.lower(model.field).like(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(model.published_at.desc().nulls_last(), model.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return rows, total


def get_need(session: Session, *, actor: Actor, need_id: int) -> TechnologyNeed:
    record = get_record(session, actor=actor, kind="need", record_id=need_id)
    assert isinstance(record, TechnologyNeed)
    return record


def get_achievement(session: Session, *, actor: Actor, achievement_id: int) -> Achievement:
    record = get_record(session, actor=actor, kind="achievement", record_id=achievement_id)
    assert isinstance(record, Achievement)
    return record


# --- writing ------------------------------------------------------------------------------------


def _organisation(
    session: Session, actor: Actor, organisation_id: int, kinds: tuple[OrganisationKind, ...]
) -> Organisation:
    require_signed_in(actor)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise InvalidInput(
            "The organisation does not exist.",
            fields=[FieldError("organisation_id", f"no organisation {organisation_id}")],
        )
    if not (actor.is_operator or organisation_id in actor.org_roles):
        raise NotPermitted(
            "Only members of an organisation (or a platform operator) can post for it.",
            organisation_id=organisation_id,
        )
    if org.kind not in kinds:
        raise InvalidInput(
            f"A {str(org.kind).replace('_', ' ')} cannot post this.",
            fields=[
                FieldError(
                    "organisation_id",
                    f"must be one of these kinds of organisation: {', '.join(kinds)}",
                    list(kinds),
                )
            ],
        )
    return org


def modes_text(values: Any) -> str:
    """Cooperation modes as stored: "transfer,equity"."""
    return ",".join(m.value if hasattr(m, "value") else str(m) for m in values)


def create_need(session: Session, *, actor: Actor, data: NeedCreate) -> TechnologyNeed:
    org = _organisation(session, actor, data.organisation_id, BUYER_KINDS)
    values = data.model_dump()
    values["modes"] = modes_text(data.modes)
    need = TechnologyNeed(
        **values,
        region_code=org.region_code,
        created_by_id=actor.person_id,
        state=State.draft,
    )
    session.add(need)
    session.flush()
    return need


def create_achievement(session: Session, *, actor: Actor, data: AchievementCreate) -> Achievement:
    org = _organisation(session, actor, data.organisation_id, SELLER_KINDS)
    _check_team(session, data.team_id, org.id)
    values = data.model_dump()
    values["modes"] = modes_text(data.modes)
    achievement = Achievement(
        **values,
        region_code=org.region_code,
        created_by_id=actor.person_id,
        state=State.draft,
    )
    session.add(achievement)
    session.flush()
    return achievement


def _check_team(session: Session, team_id: int | None, organisation_id: int) -> None:
    if team_id is None:
        return
    team = session.get(Team, team_id)
    if team is None or team.organisation_id != organisation_id:
        raise InvalidInput(
            "The team is not one of the organisation's.",
            fields=[FieldError("team_id", f"no team {team_id} in organisation {organisation_id}")],
        )


def require_owner(actor: Actor, record: Record) -> None:
    if is_owner(actor, record):
        return
    require_signed_in(actor)
    raise NotPermitted(
        f"Only members of the {kind_of(record)}'s organisation (or an operator) can do this.",
        record_id=record.id,
    )


def update_record(
    session: Session,
    *,
    actor: Actor,
    kind: RecordKind,
    record_id: int,
    data: NeedPatch | AchievementPatch,
) -> Record:
    """Merge the sent fields with the record's and check them all again; nothing changes on
    an error. A published record goes back to screening when its public face changes."""
    record = get_record(session, actor=actor, kind=kind, record_id=record_id)
    require_owner(actor, record)
    if record.state == State.closed:
        raise Conflict("A closed record cannot be edited.", state=record.state.value)
    changes = data.model_dump(exclude_unset=True)
    fields_model: type[BaseModel] = NeedFields if kind == "need" else AchievementFields
    current = {k: getattr(record, k) for k in fields_model.model_fields}
    current["modes"] = [m for m in str(current["modes"]).split(",") if m]
    try:
        merged = fields_model.model_validate({**current, **changes})
        if kind == "need" and "deadline" in changes:
            check_deadline(changes["deadline"])
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    except ValueError as exc:
        fields = [FieldError("deadline", str(exc).split(": ", 1)[-1])]
        raise InvalidInput(invalid_summary(fields), fields=fields) from None
    if isinstance(record, Achievement) and "team_id" in changes:
        _check_team(session, changes["team_id"], record.organisation_id)
    for key in changes:
        value = getattr(merged, key)
        setattr(record, key, modes_text(value) if key == "modes" else value)
    public = {"title", "summary", "field", "industry_code"}
    if record.state in LIVE_STATES and public & set(changes) and not actor.is_operator:
        record.state = State.screening
        record.screening_note = ""
    session.flush()
    return record


def transition(
    session: Session, *, actor: Actor, kind: RecordKind, record_id: int, data: Transition
) -> Record:
    record = get_record(session, actor=actor, kind=kind, record_id=record_id)
    sources, target, who = TRANSITIONS[data.action]
    if who == "operator":
        if not actor.is_operator:
            require_signed_in(actor)
            raise NotPermitted("Only a platform operator screens records.")
    else:
        require_owner(actor, record)
    if record.state not in sources:
        raise Conflict(
            f"A {record.state.value} {kind} cannot be moved with '{data.action}'.",
            fields=[
                FieldError(
                    "action",
                    f"not allowed from {record.state.value}",
                    [a for a, (src, _t, _w) in TRANSITIONS.items() if record.state in src],
                )
            ],
            state=record.state.value,
        )
    record.state = target
    if data.action == "return":
        record.screening_note = data.reason
    elif data.action == "publish":
        record.screening_note = data.reason
        record.published_at = record.published_at or now()
    elif data.action == "close":
        record.close_reason = data.close_reason or CloseReason.withdrawn
        record.closed_at = now()
    session.flush()
    return record


# --- access to details ---------------------------------------------------------------------


def request_access(
    session: Session, *, actor: Actor, kind: RecordKind, record_id: int, data: AccessRequest
) -> AccessGrant:
    """Accept the record's NDA and ask its owner for the details."""
    require_signed_in(actor)
    record = get_record(session, actor=actor, kind=kind, record_id=record_id)
    if record.state not in LIVE_STATES:
        raise Conflict(f"Only a published {kind}'s details can be requested.")
    if is_owner(actor, record):
        raise Conflict("You already read this record's details.")
    grant = session.scalar(
        select(AccessGrant).where(
            AccessGrant.record_kind == kind,
            AccessGrant.record_id == record.id,
            AccessGrant.person_id == actor.person_id,
        )
    )
    if grant is not None:
        return grant
    grant = AccessGrant(
        record_kind=kind,
        record_id=record.id,
        person_id=actor.person_id,
        status=AccessStatus.requested,
        nda_accepted_at=now(),
    )
    session.add(grant)
    session.flush()
    return grant


def decide_access(
    session: Session,
    *,
    actor: Actor,
    kind: RecordKind,
    record_id: int,
    person_id: int,
    data: AccessDecision,
) -> AccessGrant:
    record = get_record(session, actor=actor, kind=kind, record_id=record_id)
    require_owner(actor, record)
    grant = session.scalar(
        select(AccessGrant).where(
            AccessGrant.record_kind == kind,
            AccessGrant.record_id == record.id,
            AccessGrant.person_id == person_id,
        )
    )
    if grant is None:
        raise NotFound(f"Person {person_id} has not asked for this {kind}'s details.")
    grant.status = AccessStatus.admitted if data.admit else AccessStatus.refused
    grant.decided_by_id = actor.person_id
    session.flush()
    return grant


def access_requests(session: Session, *, actor: Actor, record: Record) -> list[dict[str, Any]]:
    """Who asked for the record's details, for its owner."""
    if not is_owner(actor, record):
        return []
    rows = session.execute(
        select(AccessGrant, Person)
        .join(Person, Person.id == AccessGrant.person_id)
        .where(AccessGrant.record_kind == kind_of(record), AccessGrant.record_id == record.id)
        .order_by(AccessGrant.id)
    ).all()
    return [{"grant": g, "person": p} for g, p in rows]


def my_access(session: Session, *, actor: Actor, record: Record) -> AccessGrant | None:
    if actor.person_id is None:
        return None
    return session.scalar(
        select(AccessGrant).where(
            AccessGrant.record_kind == kind_of(record),
            AccessGrant.record_id == record.id,
            AccessGrant.person_id == actor.person_id,
        )
    )


def expire_needs(session: Session, *, actor: Actor, today: date | None = None) -> list[int]:
    """Close, as expired, the live needs whose deadline has passed (an operator's sweep)."""
    if not actor.is_operator:
        require_signed_in(actor)
        raise NotPermitted("Only a platform operator runs the expiry sweep.")
    today = today or clock.today()
    stale = session.scalars(
        select(TechnologyNeed).where(
            TechnologyNeed.state.in_(LIVE_STATES), TechnologyNeed.deadline < today
        )
    ).all()
    for need in stale:
        need.state = State.closed
        need.close_reason = CloseReason.expired
        need.closed_at = now()
    session.flush()
    return [n.id for n in stale]
