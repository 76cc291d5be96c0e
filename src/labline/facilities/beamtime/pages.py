"""Beamtime pages: the cycles, one cycle's call and proposals, the managers' review table,
the solver's draft drawn as a chart per beamline, edits and publication."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline import clock
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.errors import FieldError, InvalidInput, invalid_input
from labline.facilities.beamtime.schemas import CycleCreate, ProposalCreate, ProposalScore
from labline.facilities.beamtime.service import cycles, schedule
from labline.facilities.models import CycleStatus, Facility, Instrument
from labline.facilities.service import beamtime_review, catalogue
from labline.facilities.service.catalogue import can_manage
from labline.review.service.calls import is_manager as is_programme_manager
from labline.web.render import reader_today, render

router = APIRouter(include_in_schema=False)

CYCLE_ACTIONS = ("close", "solve", "publish", "review", "review-scores")


def _int(form: dict[str, str], name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise InvalidInput(
            f"{name} must be a whole number.", fields=[FieldError(name, "not a whole number")]
        ) from None


@router.get("/facilities/cycles", response_class=HTMLResponse)
def cycles_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    listed = cycles.list_cycles(db, actor=actor)
    facilities = [f for f in catalogue.list_facilities(db, actor=actor) if can_manage(actor, f)]
    ctx = {
        "cycles": listed,
        "facilities": facilities,
        "names": {f.id: f for f in catalogue.list_facilities(db, actor=actor)},
    }
    return render(request, "facilities/cycles.html", ctx)


@router.post("/facilities/cycles", dependencies=[CsrfChecked])
def create_cycle(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    facility = db.get(Facility, _int(form, "facility_id"))
    zone = ZoneInfo(facility.timezone if facility else "Asia/Shanghai")
    try:
        first = date.fromisoformat(form.get("start", ""))
        last = date.fromisoformat(form.get("end", ""))
    except ValueError:
        raise InvalidInput(
            "Give the cycle's first and last day as YYYY-MM-DD.",
            fields=[FieldError("start", "a date YYYY-MM-DD"), FieldError("end", "a date")],
        ) from None
    ids = [int(v) for k, v in form.items() if k.startswith("instrument_") and v.isdigit()]
    try:
        data = CycleCreate(
            facility_id=_int(form, "facility_id"),
            code=form.get("code", ""),
            name=form.get("name", ""),
            starts_at=datetime.combine(first, time(0), zone),
            # The last day is included: the cycle ends when the next local day begins.
            ends_at=datetime.combine(last + timedelta(days=1), time(0), zone),
            shift_hours=_int(form, "shift_hours"),
            changeover_shifts=_int(form, "changeover_shifts"),
            instrument_ids=ids,
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    cycle = cycles.create_cycle(db, actor=actor, data=data)
    return RedirectResponse(f"/facilities/cycles/{cycle.id}", status_code=303)


def _chart(cycle: Any, slots: list[Any], names: dict[int, Instrument]) -> list[dict[str, Any]]:
    """One row per beamline; bars in percent of the cycle."""
    n = cycles.n_shifts(cycle)
    rows = []
    for iid in cycles.instrument_ids(cycle):
        bars = [
            {
                "left": round(100 * s.start_shift / n, 2),
                "width": round(100 * (s.end_shift - s.start_shift) / n, 2),
                "text": f"#{s.proposal_id}",
            }
            for s in slots
            if s.instrument_id == iid
        ]
        inst = names.get(iid)
        rows.append({"instrument": inst, "bars": bars})
    return rows


@router.get("/facilities/cycles/{cycle_id}", response_class=HTMLResponse)
def cycle_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    cycle_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    cycle = cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)
    facility = db.get(Facility, cycle.facility_id)
    manager = facility is not None and can_manage(actor, facility)
    proposals = (
        [] if actor.is_anonymous else cycles.list_proposals(db, actor=actor, cycle_id=cycle.id)
    )
    instruments = {
        i.id: i
        for i in db.query(Instrument).filter(Instrument.id.in_(cycles.instrument_ids(cycle)))
    }
    show_schedule = manager or cycle.status == CycleStatus.published
    slots = list(schedule.slots(db, actor=actor, cycle_id=cycle.id)) if show_schedule else []
    ctx = {
        "cycle": cycle,
        "facility": facility,
        "manager": manager,
        "cycle_actions": cycles.allowed_actions(cycle),
        "proposals": proposals,
        "instruments": instruments,
        "n_shifts": cycles.n_shifts(cycle),
        "slots": slots,
        "slot_of": {s.proposal_id: s for s in slots},
        "chart": _chart(cycle, slots, instruments),
        "report": schedule.solve_report(cycle),
        "shift_time": lambda i: cycles.shift_time(cycle, i).astimezone(
            ZoneInfo(facility.timezone if facility else "UTC")
        ),
        "note": note,
        "first_day": clock.in_zone(
            cycles.shift_time(cycle, 0), facility.timezone if facility else "UTC"
        ).date(),
        "can_review": is_programme_manager(actor),
        "due_default": reader_today(request) + timedelta(days=21),
    }
    return render(request, "facilities/cycle.html", ctx)


@router.post("/facilities/cycles/{cycle_id}/proposals", dependencies=[CsrfChecked])
def submit_proposal(
    request: Request, db: Db, actor: CurrentActor, cycle_id: int, form: SubmittedForm
) -> Response:
    dates = [d.strip() for d in form.get("unavailable_dates", "").replace(",", " ").split()]
    try:
        data = ProposalCreate(
            instrument_id=_int(form, "instrument_id"),
            title=form.get("title", ""),
            abstract=form.get("abstract", ""),
            shifts_requested=_int(form, "shifts_requested"),
            setup=form.get("setup", "") or "standard",
            unavailable_dates=dates,
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    cycles.submit_proposal(db, actor=actor, cycle_id=cycle_id, data=data)
    return RedirectResponse(f"/facilities/cycles/{cycle_id}?note=proposed", status_code=303)


@router.post("/facilities/cycles/{cycle_id}/proposals/{proposal_id}", dependencies=[CsrfChecked])
def score_proposal(
    request: Request,
    db: Db,
    actor: CurrentActor,
    cycle_id: int,
    proposal_id: int,
    form: SubmittedForm,
) -> Response:
    cycles.get_cycle(db, actor=actor, cycle_id=cycle_id)
    try:
        score = Decimal(form.get("score", ""))
    except InvalidOperation:
        raise InvalidInput(
            "The score must be a number.", fields=[FieldError("score", "not a number")]
        ) from None
    awarded = form.get("shifts_awarded", "").strip()
    try:
        data = ProposalScore(score=score, shifts_awarded=int(awarded) if awarded else None)
    except (ValidationError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise invalid_input(exc.errors()) from None
        raise InvalidInput(
            "Shifts awarded must be a whole number.",
            fields=[FieldError("shifts_awarded", "not a whole number")],
        ) from None
    cycles.score_proposal(db, actor=actor, proposal_id=proposal_id, data=data)
    return RedirectResponse(f"/facilities/cycles/{cycle_id}?note=scored", status_code=303)


@router.post("/facilities/cycles/{cycle_id}/schedule/{proposal_id}", dependencies=[CsrfChecked])
def move_slot(
    request: Request,
    db: Db,
    actor: CurrentActor,
    cycle_id: int,
    proposal_id: int,
    form: SubmittedForm,
) -> Response:
    raw = form.get("start_shift", "").strip()
    start = None if raw in ("", "-") else _int(form, "start_shift")
    schedule.move_slot(
        db, actor=actor, cycle_id=cycle_id, proposal_id=proposal_id, start_shift=start
    )
    return RedirectResponse(f"/facilities/cycles/{cycle_id}?note=moved", status_code=303)


@router.post("/facilities/cycles/{cycle_id}", dependencies=[CsrfChecked])
def cycle_action(
    request: Request, db: Db, actor: CurrentActor, cycle_id: int, form: SubmittedForm
) -> Response:
    action = form.get("action", "")
    if action not in CYCLE_ACTIONS:
        raise InvalidInput(
            f"Unknown action {action!r}.",
            fields=[FieldError("action", "unknown", list(CYCLE_ACTIONS))],
        )
    if action == "close":
        cycles.close_cycle(db, actor=actor, cycle_id=cycle_id)
    elif action == "review":
        try:
            due = date.fromisoformat(form.get("reviews_due", ""))
        except ValueError:
            raise InvalidInput(
                "Give the date reviews are due.",
                fields=[FieldError("reviews_due", "a date YYYY-MM-DD")],
            ) from None
        beamtime_review.send_to_review(db, actor=actor, cycle_id=cycle_id, reviews_due=due)
    elif action == "review-scores":
        beamtime_review.scores_from_review(db, actor=actor, cycle_id=cycle_id)
    elif action == "solve":
        schedule.solve(db, actor=actor, cycle_id=cycle_id, time_limit_s=10)
    else:
        schedule.publish(db, actor=actor, cycle_id=cycle_id)
    return RedirectResponse(f"/facilities/cycles/{cycle_id}?note={action}", status_code=303)
