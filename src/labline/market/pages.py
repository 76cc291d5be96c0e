"""Market pages: the listings, posting a need or an achievement, a record with its
suggestions and actions, deals with their messages and contract, the figures and the
matching quality."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline import clock
from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, Paging, SubmittedForm
from labline.core.models import Organisation
from labline.errors import FieldError, InvalidInput, validation_fields
from labline.i18n import gettext
from labline.market.deals.schemas import (
    DealCreate,
)
from labline.market.deals.service import deadlines, deals
from labline.market.models import AchievementKind, Mode, State
from labline.market.profiles.service import matching as team_matching
from labline.market.profiles.service import teams as profiles
from labline.market.schemas import (
    AccessDecision,
    AccessRequest,
    AchievementCreate,
    FeedbackCreate,
    NeedCreate,
    Transition,
)
from labline.market.service import matching, records
from labline.market.service.records import RecordKind
from labline.schemas import Page, PageParams
from labline.web.render import render

router = APIRouter(include_in_schema=False)
PLURAL: dict[str, RecordKind] = {"needs": "need", "achievements": "achievement"}
RECORD_ACTIONS = (
    "submit",
    "publish",
    "return",
    "negotiate",
    "reopen",
    "close",
    "request-access",
    "admit",
    "refuse",
    "feedback",
    "open-deal",
)


@router.get("/market", response_class=HTMLResponse)
def market_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    kind: Literal["needs", "achievements"] = "needs",
    q: Annotated[str | None, Query(max_length=200)] = None,
    industry: Annotated[str | None, Query(max_length=4)] = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
    mine: bool = False,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    rows, total = records.list_records(
        db,
        actor=actor,
        kind=PLURAL[kind],
        page=paging,
        q=q,
        industry_code=industry,
        region_code=region,
        mine=mine,
    )
    page: Page[Any] = Page(
        items=list(rows), total=total, page=paging.page, per_page=paging.per_page
    )
    queue: list[Any] = []
    overdue = 0
    if actor.is_operator:
        overdue = deadlines.overdue_count(db, actor=actor)
        for k in ("need", "achievement"):
            waiting, _n = records.list_records(
                db, actor=actor, kind=k, page=PageParams(page=1, per_page=50), state=State.screening
            )
            queue += [(k, r) for r in waiting]
    ctx = {
        "page": page,
        "kind": kind,
        "q": q or "",
        "industry": industry or "",
        "region": region or "",
        "mine": mine,
        "queue": queue,
        "overdue_deals": overdue,
        "note": note,
    }
    return render(request, "market/index.html", ctx)


def _my_orgs(db: Db, actor: Any, kinds: tuple[Any, ...]) -> list[Organisation]:
    from sqlalchemy import select

    if actor.is_operator:
        stmt = select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.id)
        return list(db.scalars(stmt.limit(200)))
    ids = list(actor.org_roles) or [0]
    stmt = select(Organisation).where(Organisation.id.in_(ids), Organisation.kind.in_(kinds))
    return list(db.scalars(stmt))


def _form_context(db: Db, actor: Any, kind: RecordKind) -> dict[str, Any]:
    kinds = records.BUYER_KINDS if kind == "need" else records.SELLER_KINDS
    return {
        "kind": kind,
        "orgs": _my_orgs(db, actor, kinds),
        "modes": [(m.value, gettext(m.value.replace("_", " "))) for m in Mode],
        "chosen_modes": [Mode.transfer.value],
        "submit_now": True,
        # the deadline's first allowed day, as `schemas.check_deadline` counts it
        "tomorrow": (clock.today() + timedelta(days=1)).isoformat(),
        "achievement_kinds": list(AchievementKind),
        "values": {},
        "errors": [],
    }


@router.get("/market/new", response_class=HTMLResponse)
def new_page(
    request: Request, db: Db, actor: CurrentActor, kind: Literal["need", "achievement"] = "need"
) -> Response:
    require_signed_in(actor)
    return render(request, "market/new.html", _form_context(db, actor, kind))


@router.post("/market/new", dependencies=[CsrfChecked])
def create(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    require_signed_in(actor)
    kind: RecordKind = "achievement" if form.get("kind") == "achievement" else "need"
    ctx = _form_context(db, actor, kind)
    values = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    values.pop("kind", None)
    values.pop("submit_now", None)
    # Check boxes: none ticked posts nothing, which must not fall back to the default.
    values["modes"] = form.get("modes", "")
    ctx["chosen_modes"] = [m.strip() for m in values["modes"].split(",") if m.strip()]
    ctx["submit_now"] = form.get("submit_now") == "on"
    if kind == "achievement" and "achievement_kind" in values:
        values["kind"] = values.pop("achievement_kind")
    ctx["values"] = values
    try:
        if kind == "need":
            record: Any = records.create_need(db, actor=actor, data=NeedCreate(**values))
        else:
            record = records.create_achievement(db, actor=actor, data=AchievementCreate(**values))
        if form.get("submit_now") == "on":
            records.transition(
                db, actor=actor, kind=kind, record_id=record.id, data=Transition(action="submit")
            )
    except ValidationError as exc:
        ctx["errors"] = validation_fields(exc.errors())
        return render(request, "market/new.html", ctx, status=422)
    except InvalidInput as exc:
        db.rollback()
        ctx["errors"], ctx["message"] = exc.fields, exc.message
        return render(request, "market/new.html", ctx, status=422)
    plural = "needs" if kind == "need" else "achievements"
    return RedirectResponse(f"/market/{plural}/{record.id}?note=created", status_code=303)


def _panels(request: Request, db: Db, actor: Any, kind: RecordKind, record: Any) -> list[Any]:
    """What other modules show on this record's page (app.state.panels; no import of them)."""
    out = []
    for panel in getattr(request.app.state, "panels", {}).get(f"market.{kind}", ()):
        found = panel.context(db, actor=actor, holder=request.app.state, record=record)
        if found is not None:
            out.append((panel.template, found))
    return out


def _judged(note: str | None) -> dict[int, str]:
    """The suggestion just judged, from the note "judged-<judgement>-<id>"."""
    parts = (note or "").split("-")
    if len(parts) == 3 and parts[0] == "judged" and parts[2].isdigit():
        return {int(parts[2]): parts[1]}
    return {}


def _record_page(
    request: Request, db: Db, actor: Any, kind: RecordKind, record_id: int, note: str | None
) -> Response:
    record = records.get_record(db, actor=actor, kind=kind, record_id=record_id)
    owner = records.is_owner(actor, record)
    suggestions: list[Any] = []
    team_suggestions: list[Any] = []
    live = records.is_live(record)
    if owner and live:
        holder = request.app.state
        if kind == "need":
            pool = matching.suggest_for_need(
                db, actor=actor, holder=holder, need_id=record.id, k=team_matching.POOL
            )  # one engine call: the first ten are shown, all are pooled into teams
            suggestions = pool[:10]
            team_suggestions = team_matching.teams_from_hits(db, actor=actor, hits=pool)
        else:
            suggestions = matching.suggest_for_achievement(
                db, actor=actor, holder=holder, achievement_id=record.id
            )
    ctx = {
        "kind": kind,
        "plural": "needs" if kind == "need" else "achievements",
        "record": record,
        "panels": _panels(request, db, actor, kind, record),
        "full": records.can_read_details(db, actor, record),
        "owner": owner,
        "my_access": records.my_access(db, actor=actor, record=record),
        "requests": records.access_requests(db, actor=actor, record=record),
        "suggestions": suggestions,
        "team_suggestions": team_suggestions,
        "team": profiles.find_team(db, record.id) if kind == "achievement" else None,
        "actions": records.allowed_actions(actor, record),
        "live": live,
        "note": note,
        "judged": _judged(note),
        "modes": [m for m in record.modes.split(",") if m],
    }
    return render(request, "market/record.html", ctx)


@router.get("/market/needs/{record_id}", response_class=HTMLResponse)
def need_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    record_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return _record_page(request, db, actor, "need", record_id, note)


@router.get("/market/achievements/{record_id}", response_class=HTMLResponse)
def achievement_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    record_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return _record_page(request, db, actor, "achievement", record_id, note)


def _int(form: dict[str, str], name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise InvalidInput(
            f"{name} is missing.", fields=[FieldError(name, "give a whole number")]
        ) from None


def _record_action(
    db: Db, actor: Any, kind: RecordKind, record_id: int, form: dict[str, str]
) -> str:
    action = form.get("action", "")
    if action not in RECORD_ACTIONS:
        raise InvalidInput(
            f"Unknown action {action!r}.",
            fields=[FieldError("action", "unknown", list(RECORD_ACTIONS))],
        )
    try:
        if action in records.TRANSITIONS:
            data = Transition(
                action=action,
                reason=form.get("reason", ""),
                close_reason=form.get("close_reason") or None,
            )
            records.transition(db, actor=actor, kind=kind, record_id=record_id, data=data)
        elif action == "request-access":
            records.request_access(
                db,
                actor=actor,
                kind=kind,
                record_id=record_id,
                data=AccessRequest(nda_accepted=form.get("nda_accepted") == "on"),
            )
        elif action in ("admit", "refuse"):
            records.decide_access(
                db,
                actor=actor,
                kind=kind,
                record_id=record_id,
                person_id=_int(form, "person_id"),
                data=AccessDecision(admit=action == "admit"),
            )
        elif action == "feedback":
            other = _int(form, "other_id")
            need_id, achievement_id = (record_id, other) if kind == "need" else (other, record_id)
            matching.record_feedback(
                db,
                actor=actor,
                data=FeedbackCreate(
                    need_id=need_id,
                    achievement_id=achievement_id,
                    side=kind,
                    action=form.get("judgement", ""),
                    reason=form.get("reason", ""),
                    rank=int(form["rank"]) if form.get("rank", "").isdigit() else None,
                ),
            )
            # Back on the page, the suggestion says what was recorded.
            judgement = form.get("judgement", "")
            plural_ = "needs" if kind == "need" else "achievements"
            return f"/market/{plural_}/{record_id}?note=judged-{judgement}-{other}#s-{other}"
        else:  # open-deal
            other = _int(form, "other_id")
            if kind == "need":
                data_deal = DealCreate(achievement_id=other, need_id=record_id)
            else:
                data_deal = DealCreate(achievement_id=record_id, need_id=other)
            deal = deals.open_deal(db, actor=actor, data=data_deal)
            return f"/market/deals/{deal.id}?note=opened"
    except ValidationError as exc:
        fields = validation_fields(exc.errors())
        raise InvalidInput("Some fields are not valid.", fields=fields) from None
    plural = "needs" if kind == "need" else "achievements"
    return f"/market/{plural}/{record_id}?note={action}"


@router.post("/market/needs/{record_id}", dependencies=[CsrfChecked])
def need_action(db: Db, actor: CurrentActor, record_id: int, form: SubmittedForm) -> Response:
    return RedirectResponse(_record_action(db, actor, "need", record_id, form), status_code=303)


@router.post("/market/achievements/{record_id}", dependencies=[CsrfChecked])
def achievement_action(
    db: Db, actor: CurrentActor, record_id: int, form: SubmittedForm
) -> Response:
    return RedirectResponse(
        _record_action(db, actor, "achievement", record_id, form), status_code=303
    )


@router.get("/market/quality", response_class=HTMLResponse)
def quality_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    report = matching.quality(db, actor=actor)
    return render(request, "market/quality.html", {"q": report})
