"""Every facilities route against every actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.facilities.beamtime.schemas import CycleCreate
from labline.facilities.beamtime.service import cycles
from labline.facilities.models import (
    BeamtimeProposal,
    BeamtimeSlot,
    Booking,
    BookingStatus,
    CycleStatus,
)
from labline.facilities.schemas import InvoiceCreate, UsageCreate
from labline.facilities.service import usage
from tests.factories import make_facility, make_instrument, make_org, make_person
from tests.permissions import ACTORS, ALL, Case, fill, only, request_as, signed_in

MANAGERS = ("platform_operator", "facility_manager")
OWNER_OR_MANAGER = ("member", *MANAGERS)
PAYER = ("org_admin", *MANAGERS)
START = (datetime.now(UTC) + timedelta(days=5)).replace(hour=2, minute=0, second=0, microsecond=0)
WHEN = {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=1)).isoformat()}
DUE = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
PERIOD = "start=2026-01-01T00:00:00%2B08:00&end=2026-02-01T00:00:00%2B08:00"

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/facilities"): Case(ALL),
    ("POST", "/api/v1/facilities"): Case(
        only(201, MANAGERS),
        body={"operator_id": "{operator_id}", "code": "{actor}", "name_zh": "平台", "name_en": "P"},
    ),
    ("GET", "/api/v1/facilities/instruments"): Case(ALL),
    ("POST", "/api/v1/facilities/instruments"): Case(
        only(201, MANAGERS),
        body={"facility_id": "{facility_id}", "code": "X{actor}", "name_zh": "仪", "name_en": "I"},
    ),
    ("GET", "/api/v1/facilities/instruments/{instrument_id}"): Case(ALL),
    ("PATCH", "/api/v1/facilities/instruments/{instrument_id}"): Case(
        only(200, MANAGERS), body={"max_minutes": 600}
    ),
    ("POST", "/api/v1/facilities/instruments/{instrument_id}/closures"): Case(
        only(201, MANAGERS), body={"kind": "maintenance", **WHEN}
    ),
    ("GET", "/api/v1/facilities/instruments/{instrument_id}/calendar?" + PERIOD): Case(ALL),
    ("POST", "/api/v1/facilities/bookings"): Case(
        signed_in(201), body={"instrument_id": "{instrument_id}", **WHEN}
    ),
    ("GET", "/api/v1/facilities/bookings"): Case(signed_in()),
    ("GET", "/api/v1/facilities/bookings/pending"): Case(only(200, PAYER)),
    ("GET", "/api/v1/facilities/bookings/{booking_id}"): Case(only(200, OWNER_OR_MANAGER)),
    ("POST", "/api/v1/facilities/bookings/{pending_id}/decision"): Case(
        only(200, MANAGERS), body={"approve": True}
    ),
    ("POST", "/api/v1/facilities/bookings/{booking_id}/cancel"): Case(only(200, OWNER_OR_MANAGER)),
    ("POST", "/api/v1/facilities/bookings/{soon_id}/check-in"): Case(only(200, OWNER_OR_MANAGER)),
    ("POST", "/api/v1/facilities/bookings/{in_id}/check-out"): Case(
        only(200, OWNER_OR_MANAGER), body={}
    ),
    ("POST", "/api/v1/facilities/bookings/{booking_id}/no-show"): Case(only(200, MANAGERS)),
    ("POST", "/api/v1/facilities/usage"): Case(
        only(201, MANAGERS),
        body={
            "instrument_id": "{instrument_id}",
            "person_id": "{member_id}",
            "started_at": "2026-01-05T09:00:00+08:00",
            "ended_at": "2026-01-05T10:00:00+08:00",
        },
    ),
    ("GET", "/api/v1/facilities/invoices"): Case(signed_in()),
    ("POST", "/api/v1/facilities/invoices"): Case(
        only(201, MANAGERS),
        body={
            "facility_id": "{facility_id}",
            "organisation_id": "{org}",
            "period_start": "2026-01-01T00:00:00+08:00",
            "period_end": "2026-03-01T00:00:00+08:00",
        },
    ),
    ("GET", "/api/v1/facilities/invoices/{invoice_id}"): Case(only(200, PAYER)),
    ("GET", f"/api/v1/facilities/figures?{PERIOD}"): Case(ALL),
    ("GET", "/api/v1/facilities/{facility_id}"): Case(ALL),
    ("POST", "/api/v1/facilities/{facility_id}/qualifications"): Case(
        only(201, MANAGERS), body={"person_id": "{member_id}", "code": "safety"}
    ),
    ("GET", "/api/v1/facilities/{facility_id}/usage"): Case(only(200, MANAGERS)),
    # pages
    ("GET", "/facilities"): Case(ALL),
    ("GET", "/facilities/instruments/{instrument_id}"): Case(ALL),
    ("POST", "/facilities/instruments/{instrument_id}/book"): Case(
        signed_in(303),
        form={"day": START.date().isoformat(), "start": "10:00", "end": "11:00"},
    ),
    ("GET", "/facilities/bookings"): Case(signed_in()),
    ("POST", "/facilities/bookings/{booking_id}"): Case(
        only(303, OWNER_OR_MANAGER), form={"action": "cancel"}
    ),
    ("GET", "/facilities/invoices/{invoice_id}"): Case(only(200, PAYER)),
    ("GET", "/facilities/figures"): Case(ALL),
    # managing an instrument
    ("GET", "/facilities/instruments/{instrument_id}/manage"): Case(only(200, MANAGERS)),
    ("POST", "/facilities/instruments/{instrument_id}/manage/rules"): Case(
        only(303, MANAGERS),
        form={
            "rate_internal": "120",
            "rate_external": "360",
            "min_minutes": "30",
            "max_minutes": "240",
            "lead_minutes": "60",
            "setup_minutes": "0",
            "cleanup_minutes": "0",
            "late_cancel_hours": "24",
            "open_weekdays": "12345",
            "qualification_code": "",
            "opens": "08:00",
            "closes": "20:00",
            "is_active": "on",
        },
    ),
    ("POST", "/facilities/instruments/{instrument_id}/manage/closures"): Case(
        only(303, MANAGERS),
        form={"kind": "maintenance", "from": "2027-02-01", "to": "2027-02-03", "reason": "x"},
    ),
    ("POST", "/facilities/instruments/{instrument_id}/manage/qualifications"): Case(
        only(303, MANAGERS), form={"email": "{member_email}", "code": "safety"}
    ),
    # beamtime
    ("GET", "/api/v1/facilities/cycles"): Case(ALL),
    ("POST", "/api/v1/facilities/cycles"): Case(
        only(201, MANAGERS),
        body={
            "facility_id": "{facility_id}",
            "code": "C{actor}",
            "name": "Cycle",
            "starts_at": "2027-03-01T00:00:00+08:00",
            "ends_at": "2027-03-08T00:00:00+08:00",
            "instrument_ids": ["{instrument_id}"],
        },
    ),
    ("GET", "/api/v1/facilities/cycles/{cycle_id}"): Case(ALL),
    ("POST", "/api/v1/facilities/cycles/{cycle_id}/close"): Case(only(200, MANAGERS)),
    ("GET", "/api/v1/facilities/cycles/{cycle_id}/proposals"): Case(signed_in()),
    ("POST", "/api/v1/facilities/cycles/{cycle_id}/proposals"): Case(
        signed_in(201),
        body={"instrument_id": "{instrument_id}", "title": "Powder XRD", "shifts_requested": 2},
    ),
    ("PUT", "/api/v1/facilities/cycles/{review_cycle_id}/proposals/{review_proposal_id}/score"): (
        Case(only(200, MANAGERS), body={"score": "7.5"})
    ),
    ("POST", "/api/v1/facilities/cycles/{review_cycle_id}/review"): Case(
        only(200, ("platform_operator",)), body={"reviews_due": DUE}
    ),
    ("POST", "/api/v1/facilities/cycles/{review_cycle_id}/review-scores"): Case(
        only(409, MANAGERS)  # managers may; this cycle was never sent to review
    ),
    ("POST", "/api/v1/facilities/cycles/{review_cycle_id}/solve?time_limit=1"): Case(
        only(200, MANAGERS)
    ),
    ("GET", "/api/v1/facilities/cycles/{sched_cycle_id}/schedule"): Case(only(200, MANAGERS)),
    ("PUT", "/api/v1/facilities/cycles/{sched_cycle_id}/schedule/{sched_proposal_id}"): Case(
        only(200, MANAGERS), body={"start_shift": 3}
    ),
    ("POST", "/api/v1/facilities/cycles/{sched_cycle_id}/publish"): Case(only(200, MANAGERS)),
    ("GET", "/facilities/cycles"): Case(ALL),
    ("POST", "/facilities/cycles"): Case(
        only(303, MANAGERS),
        form={
            "facility_id": "{facility_id}",
            "code": "P{actor}",
            "name": "Cycle",
            "start": "2027-03-01",
            "end": "2027-03-08",
            "shift_hours": "8",
            "changeover_shifts": "0",
            "instrument_{instrument_id}": "{instrument_id}",
        },
    ),
    ("GET", "/facilities/cycles/{cycle_id}"): Case(ALL),
    ("POST", "/facilities/cycles/{cycle_id}"): Case(only(303, MANAGERS), form={"action": "close"}),
    ("POST", "/facilities/cycles/{cycle_id}/proposals"): Case(
        signed_in(303),
        form={"instrument_id": "{instrument_id}", "title": "Powder XRD", "shifts_requested": "2"},
    ),
    ("POST", "/facilities/cycles/{review_cycle_id}/proposals/{review_proposal_id}"): Case(
        only(303, MANAGERS), form={"score": "8", "shifts_awarded": "2"}
    ),
    ("POST", "/facilities/cycles/{sched_cycle_id}/schedule/{sched_proposal_id}"): Case(
        only(303, MANAGERS), form={"start_shift": "3"}
    ),
}

# Route templates as the app declares them (the matrix fills some with specific bookings).
ALIASES = {
    "{pending_id}": "{booking_id}",
    "{soon_id}": "{booking_id}",
    "{in_id}": "{booking_id}",
    "{review_cycle_id}": "{cycle_id}",
    "{sched_cycle_id}": "{cycle_id}",
    "{review_proposal_id}": "{proposal_id}",
    "{sched_proposal_id}": "{proposal_id}",
}


def declared(route: tuple[str, str]) -> tuple[str, str]:
    method, path = route
    for alias, name in ALIASES.items():
        path = path.replace(alias, name)
    return method, path.split("?")[0]


@pytest.fixture()
def world(db):
    operator = make_org(db, kind="facility_operator")
    org = make_org(db)
    people = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=org, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    facility = make_facility(db, operator=operator)
    instrument = make_instrument(db, facility=facility)
    member = people["member"]
    now = datetime.now(UTC)

    def booking(start: datetime, minutes: int = 60, **extra: Any) -> Booking:
        end = start + timedelta(minutes=minutes)
        b = Booking(
            instrument_id=instrument.id,
            person_id=member.id,
            organisation_id=org.id,
            starts_at=start,
            ends_at=end,
            block_start=start,
            block_end=end,
            status=extra.pop("status", BookingStatus.confirmed),
            **extra,
        )
        db.add(b)
        db.flush()
        return b

    later = booking(now + timedelta(days=3))
    pending = booking(now + timedelta(days=3, hours=2), status=BookingStatus.pending)
    soon = booking(now + timedelta(minutes=10))
    checked_in = booking(
        now - timedelta(minutes=50), minutes=55, checked_in_at=now - timedelta(minutes=51)
    )
    system = actor_for(db, people["platform_operator"].id)
    usage.add_usage(
        db,
        actor=system,
        data=UsageCreate(
            instrument_id=instrument.id,
            person_id=member.id,
            organisation_id=org.id,
            started_at=datetime(2025, 6, 1, 9, tzinfo=UTC),
            ended_at=datetime(2025, 6, 1, 11, tzinfo=UTC),
        ),
    )
    invoice = usage.issue_invoice(
        db,
        actor=system,
        data=InvoiceCreate(
            facility_id=facility.id,
            organisation_id=org.id,
            period_start=datetime(2025, 1, 1, tzinfo=UTC),
            period_end=datetime(2026, 1, 1, tzinfo=UTC),
        ),
    )
    usage.add_usage(  # not yet invoiced
        db,
        actor=system,
        data=UsageCreate(
            instrument_id=instrument.id,
            person_id=member.id,
            organisation_id=org.id,
            started_at=datetime(2026, 1, 10, 9, tzinfo=UTC),
            ended_at=datetime(2026, 1, 10, 11, tzinfo=UTC),
        ),
    )
    cycles = _cycles(db, system, facility, instrument, member)
    return {
        "org": org,
        "people": people,
        "target": member,
        "token": None,
        "ids": {
            **cycles,
            "{operator_id}": operator.id,
            "{facility_id}": facility.id,
            "{instrument_id}": instrument.id,
            "{booking_id}": later.id,
            "{pending_id}": pending.id,
            "{soon_id}": soon.id,
            "{in_id}": checked_in.id,
            "{invoice_id}": invoice.id,
            "{member_id}": member.id,
            "{member_email}": member.email,
        },
    }


def _cycles(db: Any, system: Any, facility: Any, instrument: Any, member: Any) -> dict[str, int]:
    """Three beamtime cycles: open, in review with a scored proposal, and with a draft."""
    ids: dict[str, int] = {}
    for name in ("cycle", "review", "sched"):
        cycle = cycles.create_cycle(
            db,
            actor=system,
            data=CycleCreate(
                facility_id=facility.id,
                code=f"T-{name}",
                name=name,
                starts_at=datetime(2027, 3, 1, tzinfo=UTC),
                ends_at=datetime(2027, 3, 8, tzinfo=UTC),
                instrument_ids=[instrument.id],
            ),
        )
        ids["{cycle_id}" if name == "cycle" else f"{{{name}_cycle_id}}"] = cycle.id
        if name == "cycle":
            continue
        proposal = BeamtimeProposal(
            cycle_id=cycle.id,
            instrument_id=instrument.id,
            person_id=member.id,
            title="Diffraction",
            shifts_requested=2,
            shifts_awarded=2,
            score=5,
            rank=1,
            status="awarded",
        )
        db.add(proposal)
        db.flush()
        ids[f"{{{name}_proposal_id}}"] = proposal.id
        cycle.status = CycleStatus.reviewing
        if name == "sched":
            cycle.status = CycleStatus.scheduled
            db.add(
                BeamtimeSlot(
                    cycle_id=cycle.id,
                    proposal_id=proposal.id,
                    instrument_id=instrument.id,
                    start_shift=0,
                    end_shift=2,
                )
            )
    db.flush()
    return ids


def _resolve(value: Any, world: dict[str, Any], actor: str) -> Any:
    """A placeholder standing alone becomes the id (a number); inside text, its digits."""
    if not isinstance(value, str):
        return value
    if value in world["ids"]:
        return world["ids"][value]
    filled = fill(value, world, actor)
    if filled != value and filled.isdigit():
        return int(filled)
    for key, number in world["ids"].items():
        filled = filled.replace(key, str(number))
    return filled


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(client, db, world, settings, route, actor):
    method, template = route
    case = MATRIX[route]
    url = _resolve(template, world, actor)
    if isinstance(case.body, dict):
        body = {
            k: [_resolve(x, world, actor) for x in v]
            if isinstance(v, list)
            else _resolve(v, world, actor)
            for k, v in case.body.items()
        }
        case = Case(case.expect, body=body)
    if case.form is not None:
        form = {
            str(_resolve(k, world, actor)): str(_resolve(v, world, actor))
            for k, v in case.form.items()
        }
        case = Case(case.expect, form=form)
    r = request_as(client, db, settings, world, actor, method, url, case)
    assert r.status_code == case.expect[actor], f"{method} {url} as {actor}: {r.text[:300]}"
