"""JSON API for facilities, instruments, bookings, usage, invoices and figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from labline.core.deps import CurrentActor, Db, Paging
from labline.errors import FieldError, InvalidInput
from labline.facilities.models import WaitlistEntry
from labline.facilities.schemas import (
    BookingCreate,
    BookingDecision,
    BookingRead,
    BusyRead,
    CalendarRead,
    CheckOut,
    ClosureCreate,
    ClosureRead,
    FacilityCreate,
    FacilityRead,
    FiguresRead,
    InstrumentCreate,
    InstrumentPatch,
    InstrumentRead,
    InvoiceCreate,
    InvoiceRead,
    QualificationGrant,
    QualificationRead,
    UsageCreate,
    UsageRead,
    WaitlistRead,
)
from labline.facilities.service import attendance, bookings, catalogue, figures, usage
from labline.schemas import IsoDateTime, Page

router = APIRouter(prefix="/api/v1/facilities", tags=["facilities"])


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(
            f"{name} needs a time zone offset.",
            fields=[FieldError(name, "give an offset, e.g. 2026-12-01T00:00:00+08:00")],
        )
    return value


# --- catalogue ----------------------------------------------------------------------------------


@router.get("", response_model=list[FacilityRead], summary="Facilities")
def list_facilities(db: Db, actor: CurrentActor) -> Any:
    return catalogue.list_facilities(db, actor=actor)


@router.post("", response_model=FacilityRead, status_code=201, summary="Add a facility")
def create_facility(db: Db, actor: CurrentActor, data: FacilityCreate) -> Any:
    return catalogue.create_facility(db, actor=actor, data=data)


@router.get("/instruments", response_model=Page[InstrumentRead], summary="Find instruments")
def list_instruments(
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
    facility_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    rows, total = catalogue.list_instruments(
        db, actor=actor, page=paging, q=q, facility_id=facility_id
    )
    return Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)


@router.post("/instruments", response_model=InstrumentRead, status_code=201)
def create_instrument(db: Db, actor: CurrentActor, data: InstrumentCreate) -> Any:
    return catalogue.create_instrument(db, actor=actor, data=data)


@router.get("/instruments/{instrument_id}", response_model=InstrumentRead)
def get_instrument(db: Db, actor: CurrentActor, instrument_id: int) -> Any:
    return catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)


@router.patch("/instruments/{instrument_id}", response_model=InstrumentRead)
def update_instrument(
    db: Db, actor: CurrentActor, instrument_id: int, data: InstrumentPatch
) -> Any:
    return catalogue.update_instrument(db, actor=actor, instrument_id=instrument_id, data=data)


@router.post("/instruments/{instrument_id}/closures", response_model=ClosureRead, status_code=201)
def add_closure(db: Db, actor: CurrentActor, instrument_id: int, data: ClosureCreate) -> Any:
    return catalogue.add_closure(db, actor=actor, instrument_id=instrument_id, data=data)


@router.get("/instruments/{instrument_id}/calendar", response_model=CalendarRead)
def instrument_calendar(
    db: Db, actor: CurrentActor, instrument_id: int, start: IsoDateTime, end: IsoDateTime
) -> Any:
    """Bookings in full for their owner and for managers; others see only busy times."""
    start, end = _aware("start", start), _aware("end", end)
    full, busy = bookings.calendar(
        db, actor=actor, instrument_id=instrument_id, start=start, end=end
    )
    closures = catalogue.closures_between(db, instrument_id=instrument_id, start=start, end=end)
    return CalendarRead(
        bookings=[BookingRead.model_validate(b) for b in full],
        busy=[BusyRead.model_validate(b) for b in busy],
        closures=[ClosureRead.model_validate(c) for c in closures],
    )


# --- bookings -----------------------------------------------------------------------------------


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingRead | WaitlistRead,
    responses={409: {"description": "the time is taken: names the booking it hit"}},
    summary="Book an instrument (or join its waiting list)",
)
def create_booking(db: Db, actor: CurrentActor, data: BookingCreate) -> Any:
    result = bookings.create_booking(db, actor=actor, data=data)
    if isinstance(result, WaitlistEntry):
        return JSONResponse(
            WaitlistRead.model_validate(result).model_dump(mode="json"), status_code=202
        )
    return result


@router.get("/bookings", response_model=list[BookingRead], summary="My bookings")
def my_bookings(db: Db, actor: CurrentActor, upcoming: bool = False) -> Any:
    return bookings.my_bookings(db, actor=actor, upcoming_only=upcoming)


@router.get("/bookings/pending", response_model=list[BookingRead], summary="Approval queue")
def pending(db: Db, actor: CurrentActor) -> Any:
    return bookings.pending_for(db, actor=actor)


@router.get("/bookings/{booking_id}", response_model=BookingRead)
def get_booking(db: Db, actor: CurrentActor, booking_id: int) -> Any:
    return bookings.get_booking(db, actor=actor, booking_id=booking_id)


@router.post("/bookings/{booking_id}/decision", response_model=BookingRead)
def decide(db: Db, actor: CurrentActor, booking_id: int, data: BookingDecision) -> Any:
    return bookings.decide(
        db, actor=actor, booking_id=booking_id, approve=data.approve, note=data.note
    )


@router.post("/bookings/{booking_id}/cancel", response_model=BookingRead)
def cancel(db: Db, actor: CurrentActor, booking_id: int) -> Any:
    return bookings.cancel(db, actor=actor, booking_id=booking_id)


@router.post("/bookings/{booking_id}/check-in", response_model=BookingRead)
def check_in(db: Db, actor: CurrentActor, booking_id: int) -> Any:
    return attendance.check_in(db, actor=actor, booking_id=booking_id)


@router.post("/bookings/{booking_id}/check-out", response_model=UsageRead)
def check_out(db: Db, actor: CurrentActor, booking_id: int, data: CheckOut) -> Any:
    return attendance.check_out(db, actor=actor, booking_id=booking_id, data=data)


@router.post("/bookings/{booking_id}/no-show", response_model=BookingRead)
def no_show(db: Db, actor: CurrentActor, booking_id: int) -> Any:
    return attendance.mark_no_show(db, actor=actor, booking_id=booking_id)


# --- usage, invoices, figures -------------------------------------------------------------------


@router.post("/usage", response_model=UsageRead, status_code=201, summary="Record use by hand")
def add_usage(db: Db, actor: CurrentActor, data: UsageCreate) -> Any:
    return usage.add_usage(db, actor=actor, data=data)


@router.get("/invoices", response_model=list[InvoiceRead])
def list_invoices(db: Db, actor: CurrentActor) -> Any:
    return usage.list_invoices(db, actor=actor)


@router.post("/invoices", response_model=InvoiceRead, status_code=201, summary="Issue an invoice")
def issue_invoice(db: Db, actor: CurrentActor, data: InvoiceCreate) -> Any:
    return usage.issue_invoice(db, actor=actor, data=data)


@router.get("/invoices/{invoice_id}", response_model=InvoiceRead)
def get_invoice(db: Db, actor: CurrentActor, invoice_id: int) -> Any:
    return usage.get_invoice(db, actor=actor, invoice_id=invoice_id)


@router.get("/figures", response_model=FiguresRead, summary="Service hours, utilisation, ...")
def get_figures(
    db: Db,
    actor: CurrentActor,
    start: IsoDateTime,
    end: IsoDateTime,
    scope: Annotated[str, Query(pattern="^(instrument|facility|operator|platform)$")] = "platform",
    scope_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    return figures.figures(
        db,
        actor=actor,
        scope=scope,
        scope_id=scope_id,
        start=_aware("start", start),
        end=_aware("end", end),
    )


@router.get("/{facility_id}", response_model=FacilityRead)
def get_facility(db: Db, actor: CurrentActor, facility_id: int) -> Any:
    return catalogue.get_facility(db, actor=actor, facility_id=facility_id)


@router.post("/{facility_id}/qualifications", response_model=QualificationRead, status_code=201)
def grant_qualification(
    db: Db, actor: CurrentActor, facility_id: int, data: QualificationGrant
) -> Any:
    return catalogue.grant_qualification(db, actor=actor, facility_id=facility_id, data=data)


@router.get("/{facility_id}/usage", response_model=list[UsageRead], summary="The usage log")
def usage_log(db: Db, actor: CurrentActor, facility_id: int) -> Any:
    return usage.usage_log(db, actor=actor, facility_id=facility_id)
