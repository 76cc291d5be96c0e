"""The facility manager's page for one instrument: booking rules and fees, maintenance
windows and shutdowns, and the qualifications users need."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from labline import clock
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.models import Person
from labline.core.pages.forms import failed_form
from labline.errors import FieldError, InvalidInput, LablineError, invalid_input
from labline.facilities.models import Qualification
from labline.facilities.schemas import ClosureCreate, InstrumentPatch, QualificationGrant
from labline.facilities.service import catalogue
from labline.facilities.service.catalogue import require_manager, utc
from labline.i18n import get_locale
from labline.web.render import render

router = APIRouter(include_in_schema=False)

# Form fields of the rules form, as the instrument stores them.
RULE_FIELDS = (
    "rate_internal",
    "rate_external",
    "min_minutes",
    "max_minutes",
    "lead_minutes",
    "setup_minutes",
    "cleanup_minutes",
    "late_cancel_hours",
    "open_weekdays",
    "qualification_code",
)


def weekday_names() -> list[tuple[str, str]]:
    """(ISO weekday digit, its name in the reader's language), Monday first (CLDR via Babel)."""
    names = get_day_names("abbreviated", locale="zh_CN" if get_locale() == "zh" else "en")
    return [(str(i + 1), str(names[i])) for i in range(7)]


def _hhmm(value: str, name: str) -> int:
    try:
        t = time.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a time HH:MM.", fields=[FieldError(name, "a time such as 08:00")]
        ) from None
    return t.hour * 60 + t.minute


@router.get("/facilities/instruments/{instrument_id}/manage", response_class=HTMLResponse)
def manage_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    instrument_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return render(
        request, "facilities/manage.html", _manage_context(db, actor, instrument_id, note)
    )


# A closure is entered by days: its instants' errors are shown beside the day fields.
_FORM_FIELD = {"starts_at": "from", "ends_at": "to", "person_id": "email", "expires_at": "expires"}


def _kept(
    request: Request,
    db: Db,
    actor: Any,
    instrument_id: int,
    which: str,
    form: dict[str, str],
    act: Callable[[], Response],
) -> Response:
    """Run a manage form's action; when it fails, the page comes back with that form's values
    kept and each error beside its field (not an error page)."""
    try:
        return act()
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "facilities/manage.html",
            lambda: _manage_context(db, actor, instrument_id, None),
            values=dict(form),
            field_names=_FORM_FIELD,
            failed=which,
        )


def _manage_context(db: Db, actor: Any, instrument_id: int, note: str | None) -> dict[str, Any]:
    instrument = catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)
    require_manager(actor, instrument.facility)
    zone = ZoneInfo(instrument.facility.timezone)
    now = clock.now().astimezone(zone)
    closures = catalogue.closures_between(
        db,
        instrument_id=instrument.id,
        start=now - timedelta(days=30),
        end=now + timedelta(days=730),
    )
    holders = []
    if instrument.qualification_code:
        holders = list(
            db.execute(
                select(Qualification, Person)
                .join(Person, Person.id == Qualification.person_id)
                .where(Qualification.code == instrument.qualification_code)
                .order_by(Qualification.expires_at.is_(None), Qualification.expires_at)
                .limit(50)
            ).all()
        )
    ctx = {
        "instrument": instrument,
        "facility": instrument.facility,
        "zone": zone.key,
        "closures": closures,
        "holders": holders,
        "note": note,
        "opens": f"{instrument.opens_minute // 60:02d}:{instrument.opens_minute % 60:02d}",
        "closes": f"{instrument.closes_minute // 60:02d}:{instrument.closes_minute % 60:02d}",
        "today": now.date(),
        "weekdays": weekday_names(),
        "local": lambda value: utc(value).astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "failed": None,
        "values": {},
        "errors": [],
    }
    return ctx


@router.post("/facilities/instruments/{instrument_id}/manage/rules", dependencies=[CsrfChecked])
def update_rules(
    request: Request, db: Db, actor: CurrentActor, instrument_id: int, form: SubmittedForm
) -> Response:
    return _kept(
        request,
        db,
        actor,
        instrument_id,
        "rules",
        form,
        lambda: _rules(db, actor, instrument_id, form),
    )


def _rules(db: Db, actor: Any, instrument_id: int, form: dict[str, str]) -> Response:
    values: dict[str, Any] = {k: form[k].strip() for k in RULE_FIELDS if k in form}
    # One check box a day (1 = Monday): the ticked ones, in order; none is an error.
    days = "".join(sorted({c for c in form.get("open_weekdays", "") if c in "1234567"}))
    if not days:
        raise InvalidInput(
            "Choose at least one day the instrument is open.",
            fields=[FieldError("open_weekdays", "choose at least one day")],
        )
    values["open_weekdays"] = days
    if "qualification_code" in values and not values["qualification_code"]:
        values["qualification_code"] = None
    values["opens_minute"] = _hhmm(form.get("opens", ""), "opens")
    closes = form.get("closes", "")
    values["closes_minute"] = 1440 if closes in ("24:00", "00:00") else _hhmm(closes, "closes")
    values["requires_approval"] = form.get("requires_approval") == "on"
    values["is_active"] = form.get("is_active") == "on"
    try:
        data = InstrumentPatch.model_validate(values)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    catalogue.update_instrument(db, actor=actor, instrument_id=instrument_id, data=data)
    return RedirectResponse(
        f"/facilities/instruments/{instrument_id}/manage?note=rules", status_code=303
    )


@router.post("/facilities/instruments/{instrument_id}/manage/closures", dependencies=[CsrfChecked])
def add_closure(
    request: Request, db: Db, actor: CurrentActor, instrument_id: int, form: SubmittedForm
) -> Response:
    return _kept(
        request,
        db,
        actor,
        instrument_id,
        "closures",
        form,
        lambda: _closure(db, actor, instrument_id, form),
    )


def _closure(db: Db, actor: Any, instrument_id: int, form: dict[str, str]) -> Response:
    instrument = catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)
    zone = ZoneInfo(instrument.facility.timezone)
    try:
        first = date.fromisoformat(form.get("from", ""))
        last = date.fromisoformat(form.get("to", ""))
    except ValueError:
        raise InvalidInput(
            "Give the first and the last day of the closure as YYYY-MM-DD.",
            fields=[FieldError("from", "a date"), FieldError("to", "a date")],
        ) from None
    try:
        data = ClosureCreate(
            kind=form.get("kind", ""),
            starts_at=datetime.combine(first, time(0), zone),
            # Whole days: the last day is included.
            ends_at=datetime.combine(last + timedelta(days=1), time(0), zone),
            reason=form.get("reason", ""),
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    catalogue.add_closure(db, actor=actor, instrument_id=instrument_id, data=data)
    return RedirectResponse(
        f"/facilities/instruments/{instrument_id}/manage?note=closure", status_code=303
    )


@router.post(
    "/facilities/instruments/{instrument_id}/manage/qualifications", dependencies=[CsrfChecked]
)
def grant_qualification(
    request: Request, db: Db, actor: CurrentActor, instrument_id: int, form: SubmittedForm
) -> Response:
    return _kept(
        request,
        db,
        actor,
        instrument_id,
        "qualifications",
        form,
        lambda: _qualification(db, actor, instrument_id, form),
    )


def _qualification(db: Db, actor: Any, instrument_id: int, form: dict[str, str]) -> Response:
    instrument = catalogue.get_instrument(db, actor=actor, instrument_id=instrument_id)
    require_manager(actor, instrument.facility)
    email = form.get("email", "").strip().lower()
    person = db.scalar(select(Person).where(Person.email == email))
    if person is None:
        raise InvalidInput(
            f"Nobody signs in as {email!r}.",
            fields=[FieldError("email", "no person with this e-mail address")],
        )
    expires = form.get("expires", "").strip()
    try:
        # Valid through the whole day named, as the facility's clock counts it.
        until = (
            datetime.combine(
                date.fromisoformat(expires),
                time(23, 59, 59),
                ZoneInfo(instrument.facility.timezone),
            )
            if expires
            else None
        )
    except ValueError:
        raise InvalidInput(
            "The expiry must be a date YYYY-MM-DD (or empty for none).",
            fields=[FieldError("expires", "a date such as 2027-12-31")],
        ) from None
    try:
        data = QualificationGrant(
            person_id=person.id,
            code=form.get("code", "") or (instrument.qualification_code or ""),
            expires_at=until,
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    catalogue.grant_qualification(db, actor=actor, facility_id=instrument.facility_id, data=data)
    return RedirectResponse(
        f"/facilities/instruments/{instrument_id}/manage?note=qualification", status_code=303
    )
