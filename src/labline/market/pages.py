"""Market pages: the listings, posting a need or an achievement, a record with its
suggestions and actions, deals with their messages and contract, the figures and the
matching quality."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline import clock, i18n
from labline.core.access import Permission, require, require_signed_in
from labline.core.models import Organisation
from labline.errors import FieldError, InvalidInput, LablineError, validation_fields
from labline.market.deals.schemas import (
    ContractCreate,
    DealCreate,
    DealDue,
    DealTransition,
    MessageCreate,
)
from labline.market.deals.service import deadlines, deals
from labline.market.figures import service as figures
from labline.market.models import AchievementKind, DealState, Mode, State
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
from labline.web.charts import bar_chart
from labline.web.deps import CsrfChecked, CurrentActor, Db, Paging, SubmittedForm
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
DEAL_ACTIONS = (
    "message",
    "introduce",
    "accept_nda",
    "negotiate",
    "abandon",
    "deliver",
    "contract",
    "due",
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
        "modes": list(Mode),
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


def _record_page(
    request: Request, db: Db, actor: Any, kind: RecordKind, record_id: int, note: str | None
) -> Response:
    record = records.get_record(db, actor=actor, kind=kind, record_id=record_id)
    owner = records.is_owner(actor, record)
    suggestions: list[Any] = []
    team_suggestions: list[Any] = []
    if owner and record.state in records.LIVE_STATES:
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
        "full": records.can_read_details(db, actor, record),
        "owner": owner,
        "my_access": records.my_access(db, actor=actor, record=record),
        "requests": records.access_requests(db, actor=actor, record=record),
        "suggestions": suggestions,
        "team_suggestions": team_suggestions,
        "team": profiles.find_team(db, record.id) if kind == "achievement" else None,
        "actions": [
            a
            for a, (sources, _t, who) in records.TRANSITIONS.items()
            if record.state in sources
            and ((who == "operator" and actor.is_operator) or (who == "owner" and owner))
        ],
        "note": note,
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


@router.get("/market/deals", response_class=HTMLResponse)
def deals_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    state: DealState | None = None,
    overdue: bool = False,
) -> Response:
    rows = deals.list_deals(db, actor=actor, state=state, overdue=overdue)
    ctx = {
        "deals": rows,
        "state": state,
        "states": list(DealState),
        "overdue": overdue,
        "overdue_count": deadlines.overdue_count(db, actor=actor),
    }
    return render(request, "market/deals.html", ctx)


def _deal_context(db: Db, actor: Any, deal_id: int) -> dict[str, Any]:
    deal = deals.get_deal(db, actor=actor, deal_id=deal_id)
    limits = deadlines.DUE_DAYS.get(deal.state)
    today = deadlines.today()
    return {
        "deal": deal,
        "sides": deals.sides(actor, deal),
        "moves": deals.next_moves(db, actor, deal),
        "stages": [s for s in DealState if s != DealState.abandoned],
        "due_max": (today + timedelta(days=limits[1])).isoformat() if limits else None,
        "today": today.isoformat(),
        "values": {"signed_on": clock.today().isoformat(), "currency": "CNY"},
        "errors": [],
        "contract_kinds": ["development", "transfer", "licence", "consulting", "service"],
    }


@router.get("/market/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    deal_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    ctx = _deal_context(db, actor, deal_id)
    ctx["note"] = note
    return render(request, "market/deal.html", ctx)


@router.post("/market/deals/{deal_id}", dependencies=[CsrfChecked])
def deal_action(
    request: Request, db: Db, actor: CurrentActor, deal_id: int, form: SubmittedForm
) -> Response:
    action = form.get("action", "")
    if action not in DEAL_ACTIONS:
        raise InvalidInput(
            f"Unknown action {action!r}.",
            fields=[FieldError("action", "unknown", list(DEAL_ACTIONS))],
        )
    try:
        if action == "message":
            deals.add_message(
                db,
                actor=actor,
                deal_id=deal_id,
                data=MessageCreate(
                    body=form.get("body", ""),
                    proposed_amount=form.get("proposed_amount") or None,
                    proposed_terms=form.get("proposed_terms", ""),
                ),
            )
        elif action == "due":
            deals.set_due(
                db, actor=actor, deal_id=deal_id, data=DealDue(due_on=form.get("due_on", ""))
            )
        elif action == "contract":
            deals.sign_contract(
                db,
                actor=actor,
                deal_id=deal_id,
                data=ContractCreate(
                    kind=form.get("kind", ""),
                    amount=form.get("amount", ""),
                    currency=form.get("currency", "CNY"),
                    signed_on=form.get("signed_on", ""),
                    registration_no=form.get("registration_no", ""),
                ),
            )
        else:
            deals.move(
                db,
                actor=actor,
                deal_id=deal_id,
                data=DealTransition(
                    action=action,
                    reason=form.get("reason", ""),
                    side=form.get("side") or None,
                ),
            )
    except (ValidationError, LablineError) as exc:
        db.rollback()
        ctx = _deal_context(db, actor, deal_id)
        ctx["values"] = {k: v for k, v in form.items() if k != "csrf_token"}
        if isinstance(exc, ValidationError):
            ctx["errors"] = validation_fields(exc.errors())
            status = 422
        else:
            ctx["errors"], ctx["message"], status = exc.fields, exc.message, exc.status
        ctx["failed"] = action
        return render(request, "market/deal.html", ctx, status=status)
    return RedirectResponse(f"/market/deals/{deal_id}?note={action}", status_code=303)


@router.get("/market/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    region: Annotated[str | None, Query(pattern=r"^(\d{6})?$")] = None,
    industry: Annotated[str | None, Query(pattern=r"^(\d{2,4})?$")] = None,
) -> Response:
    require(actor, Permission.view_directory)
    year = year or clock.today().year
    region, industry = region or None, industry or None
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    total = figures.figures(db, actor=actor, start=start, end=end, region=region, industry=industry)
    # Every province for comparison (the industry filter applies, the region filter does not).
    regions = figures.breakdown(
        db, actor=actor, start=start, end=end, by="region", industry=industry
    )["rows"]
    tables = {
        by: figures.breakdown(
            db, actor=actor, start=start, end=end, by=by, region=region, industry=industry
        )["rows"]
        for by in ("organisation", "industry")
    }
    chart = bar_chart(
        [(m["month"], m["turnover_cny"] / 10_000) for m in total["by_month"]],
        title=i18n.gettext("Contract turnover per month (10,000 yuan)"),
    )
    top = [r for r in tables["organisation"] if r["contracts"]][:10]
    org_chart = bar_chart(
        [(i18n.pick(r["name_zh"], r["name_en"]), r["turnover_cny"] / 10_000) for r in top],
        title=i18n.gettext("Contract turnover of the ten leading sellers (10,000 yuan)"),
    )
    period = f"start={start.isoformat()}&end={end.isoformat()}"
    period += f"&industry={industry}" if industry else ""
    query = period + (f"&region={region}" if region else "")
    ctx = {
        "year": year,
        "region": region or "",
        "industry": industry or "",
        "f": total,
        "regions": regions,
        "organisations": tables["organisation"],
        "industries": tables["industry"],
        "chart": chart,
        "org_chart": org_chart,
        "download": f"/api/v1/market/figures?{query}",
        "download_regions": f"/api/v1/market/figures?{period}",
    }
    return render(request, "market/figures.html", ctx)


@router.get("/market/quality", response_class=HTMLResponse)
def quality_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    report = matching.quality(db, actor=actor)
    return render(request, "market/quality.html", {"q": report})
