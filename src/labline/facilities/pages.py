"""Facility pages: the instrument catalogue, an instrument's week with its booking form,
my bookings and the approval queue, invoices, and the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline import clock, i18n
from labline.core.access import Permission, require, require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, Paging, SubmittedForm
from labline.errors import Conflict, FieldError, InvalidInput, NotPermitted, validation_fields
from labline.facilities import qualifications
from labline.facilities.manage.pages import weekday_names
from labline.facilities.models import Instrument, WaitlistEntry
from labline.facilities.schemas import BookingCreate, CheckOut
from labline.facilities.service import attendance, bookings, catalogue, figures, usage
from labline.facilities.service.catalogue import can_manage, utc
from labline.schemas import IsoDate, Page
from labline.web.charts import bar_chart
from labline.web.render import lend_globals, render

router = APIRouter(include_in_schema=False)
# Qualification codes are named in the reader's language on every facilities page.
lend_globals(
    qualification_name=qualifications.qualification_name,
    qualification_named=qualifications.is_named,
)

ACTIONS = ("cancel", "check-in", "check-out", "approve", "reject", "no-show")


@router.get("/facilities", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
    facility_id: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    rows, total = catalogue.list_instruments(
        db, actor=actor, page=paging, q=q, facility_id=facility_id
    )
    page: Page[Any] = Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)
    ctx = {
        "page": page,
        "q": q or "",
        "facility_id": facility_id,
        "facilities": catalogue.list_facilities(db, actor=actor),
    }
    return render(request, "facilities/catalogue.html", ctx)


def _week(instrument: Instrument, week: date | None) -> tuple[ZoneInfo, date, datetime, datetime]:
    zone = ZoneInfo(instrument.facility.timezone)
    first = week or clock.now().astimezone(zone).date()
    start = datetime.combine(first, time(0), zone)
    return zone, first, start, start + timedelta(days=7)


def _blocks(items: list[Any], day_start: datetime, label: Any) -> list[dict[str, Any]]:
    """Bars for one day's timeline: left and width in percent of the day."""
    out = []
    for item in items:
        s, e = utc(item.starts_at), utc(item.ends_at)
        lo = max(s, day_start.astimezone(UTC))
        hi = min(e, (day_start + timedelta(days=1)).astimezone(UTC))
        if hi <= lo:
            continue
        left = (lo - day_start.astimezone(UTC)).total_seconds() / 864
        width = (hi - lo).total_seconds() / 864
        out.append({"left": round(left, 2), "width": round(width, 2), **label(item)})
    return out


def _instrument_context(
    db: Db, actor: Any, instrument: Instrument, week: date | None
) -> dict[str, Any]:
    zone, first, start, end = _week(instrument, week)
    full, busy = bookings.calendar(
        db, actor=actor, instrument_id=instrument.id, start=start, end=end
    )
    closures = list(
        catalogue.closures_between(db, instrument_id=instrument.id, start=start, end=end)
    )
    days = []
    for n in range(7):
        day_start = start + timedelta(days=n)
        bars = (
            _blocks(list(full), day_start, lambda b: {"kind": "mine", "text": f"#{b.id}"})
            + _blocks(list(busy), day_start, lambda b: {"kind": "busy", "text": ""})
            + _blocks(closures, day_start, lambda c: {"kind": "closed", "text": str(c.kind)})
        )
        days.append({"date": day_start.date(), "bars": bars})
    return {
        "instrument": instrument,
        "facility": instrument.facility,
        "zone": zone.key,
        "weekdays": weekday_names(),
        "days": days,
        "week": first,
        "prev_week": first - timedelta(days=7),
        "next_week": first + timedelta(days=7),
        "full": full,
        "can_book": not actor.is_anonymous,
        "is_manager": can_manage(actor, instrument.facility),
        "values": {
            "day": (first + timedelta(days=1)).isoformat(),
            "start": "09:00",
            "end": "11:00",
        },
    }


@router.get("/facilities/instruments/{instrument_id}", response_class=HTMLResponse)
def instrument_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    instrument_id: int,
    week: IsoDate | None = None,
) -> Response:
    instrument = catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)
    return render(
        request, "facilities/instrument.html", _instrument_context(db, actor, instrument, week)
    )


def _form_times(form: dict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    errors = []
    values: dict[str, Any] = {}
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        errors.append(FieldError("day", "give a date as YYYY-MM-DD"))
        day = None
    # Named as the booking's own fields (starts_at, ends_at), shown beside the time boxes.
    for name, field in (("start", "starts_at"), ("end", "ends_at")):
        try:
            values[name] = time.fromisoformat(form.get(name, ""))
        except ValueError:
            errors.append(FieldError(field, "give a time as HH:MM"))
    if errors or day is None:
        raise InvalidInput("The booking form is not complete.", fields=errors)
    starts = datetime.combine(day, values["start"], zone)
    ends = datetime.combine(day, values["end"], zone)
    if values["end"] == time(0):
        ends += timedelta(days=1)  # "until 00:00" means midnight at the end of the day
    return {"starts_at": starts, "ends_at": ends}


@router.post("/facilities/instruments/{instrument_id}/book", dependencies=[CsrfChecked])
def book(
    request: Request, db: Db, actor: CurrentActor, instrument_id: int, form: SubmittedForm
) -> Response:
    require_signed_in(actor)
    instrument = catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)
    zone = ZoneInfo(instrument.facility.timezone)
    ctx = _instrument_context(db, actor, instrument, None)
    ctx["values"] = {k: form.get(k, "") for k in ("day", "start", "end", "purpose", "waitlist")}
    try:
        data = BookingCreate(
            instrument_id=instrument.id,
            purpose=form.get("purpose", ""),
            waitlist=form.get("waitlist") == "on",
            **_form_times(form, zone),
        )
        result = bookings.create_booking(db, actor=actor, data=data)
    except ValidationError as exc:
        ctx["errors"] = validation_fields(exc.errors())
        return render(request, "facilities/instrument.html", ctx, status=422)
    except InvalidInput as exc:
        db.rollback()
        ctx["errors"] = exc.fields
        ctx["message"] = exc.message
        return render(request, "facilities/instrument.html", ctx, status=422)
    except (Conflict, NotPermitted) as exc:
        db.rollback()
        ctx["message"] = exc.message
        return render(request, "facilities/instrument.html", ctx, status=exc.status)
    note = "waitlisted" if isinstance(result, WaitlistEntry) else f"booked-{result.id}"
    return RedirectResponse(f"/facilities/bookings?note={note}", status_code=303)


@router.get("/facilities/bookings", response_class=HTMLResponse)
def bookings_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    require_signed_in(actor)
    mine = bookings.my_bookings(db, actor=actor)
    manages = catalogue.managed_operator_ids(actor) != set()
    queue = bookings.pending_for(db, actor=actor) if manages else []
    ctx = {
        "mine": mine,
        "actions": {b.id: attendance.booker_actions(b) for b in mine},
        "queue": queue,
        "manages": manages,
        "note": note,
        "invoices": usage.list_invoices(db, actor=actor),
        "now": clock.now(),
    }
    return render(request, "facilities/bookings.html", ctx)


@router.post("/facilities/bookings/{booking_id}", dependencies=[CsrfChecked])
def booking_action(
    request: Request, db: Db, actor: CurrentActor, booking_id: int, form: SubmittedForm
) -> Response:
    action = form.get("action", "")
    if action not in ACTIONS:
        raise InvalidInput(
            f"Unknown action {action!r}.",
            fields=[FieldError("action", "unknown", list(ACTIONS))],
        )
    if action == "cancel":
        bookings.cancel(db, actor=actor, booking_id=booking_id)
    elif action == "check-in":
        attendance.check_in(db, actor=actor, booking_id=booking_id)
    elif action == "check-out":
        attendance.check_out(db, actor=actor, booking_id=booking_id, data=CheckOut())
    elif action == "no-show":
        attendance.mark_no_show(db, actor=actor, booking_id=booking_id)
    else:
        bookings.decide(
            db,
            actor=actor,
            booking_id=booking_id,
            approve=action == "approve",
            note=form.get("note", "")[:500],
        )
    return RedirectResponse(f"/facilities/bookings?note={action}", status_code=303)


@router.get("/facilities/invoices/{invoice_id}", response_class=HTMLResponse)
def invoice_page(request: Request, db: Db, actor: CurrentActor, invoice_id: int) -> Response:
    invoice = usage.get_invoice(db, actor=actor, invoice_id=invoice_id)
    return render(request, "facilities/invoice.html", {"invoice": invoice})


@router.get("/facilities/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    require(actor, Permission.view_directory)
    year = year or clock.now().year
    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    platform = figures.figures(
        db, actor=actor, scope="platform", scope_id=None, start=start, end=end
    )
    per_facility = []
    for facility in catalogue.list_facilities(db, actor=actor):
        if facility.instruments:
            f = figures.figures(
                db, actor=actor, scope="facility", scope_id=facility.id, start=start, end=end
            )
            per_facility.append((facility, f))
    months = figures.monthly_hours(
        db, actor=actor, scope="platform", scope_id=None, start=start, end=end
    )
    chart = bar_chart(
        [(m, internal + external) for m, internal, external in months],
        title=i18n.gettext("Service hours per month"),
    )
    ctx = {
        "year": year,
        "platform": platform,
        "per_facility": per_facility,
        "months": months,
        "chart": chart,
    }
    return render(request, "facilities/figures.html", ctx)
