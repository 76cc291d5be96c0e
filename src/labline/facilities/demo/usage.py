"""A demo year of bookings and use on the demo instruments: demand by weekday and season,
cancellations, no-shows, and some upcoming bookings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.models import Person
from labline.facilities.demo.data import CST_OFFSET, DAYS, START
from labline.facilities.models import (
    Booking,
    Qualification,
    UsageRecord,
)

if TYPE_CHECKING:
    from labline.demo.api import World


def year_of_use(
    world: World,
    rng: Any,
    facilities: list[dict[str, Any]],
    instruments: list[dict[str, Any]],
    closures: list[dict[str, Any]],
    users: list[tuple[int, int]],
) -> None:
    """Bookings, use and qualifications for the demo year on every instrument."""

    operator_of = {f["id"]: f["operator_id"] for f in facilities}
    bookings: list[dict[str, Any]] = []
    uses: list[dict[str, Any]] = []
    quals: dict[tuple[int, str], dict[str, Any]] = {}
    for inst in instruments:
        closed = [
            (c["starts_at"], c["ends_at"]) for c in closures if c["instrument_id"] == inst["id"]
        ]
        beamline = inst["kind"] == "beamline"
        for day in range(DAYS + 21):
            local_midnight = START + timedelta(days=day) - CST_OFFSET
            if str((START + timedelta(days=day)).isoweekday()) not in inst["open_weekdays"]:
                continue
            cursor = local_midnight + timedelta(minutes=inst["opens_minute"] + 30)
            close = local_midnight + timedelta(minutes=inst["closes_minute"])
            for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4))):
                hours = rng.choice((8, 12, 24)) if beamline else rng.choice((1, 1.5, 2, 3, 4))
                start = cursor + timedelta(minutes=30 * rng.randrange(0, 3))
                end = start + timedelta(hours=hours)
                if end > close:
                    break
                cursor = end + timedelta(minutes=60)
                if any(s < end and e > start for s, e in closed):
                    continue
                person, org = rng.choice(users)
                if rng.random() < 0.3:  # the operator's own researchers
                    org = operator_of[inst["facility_id"]]
                future = start >= START + timedelta(days=DAYS)
                roll = rng.random()
                # Ahead: confirmed, but a third of the requests to instruments that need a
                # manager's approval still wait for it (the manager's queue on the home page).
                waiting = inst["requires_approval"] and len(bookings) % 3 == 0
                status = (
                    ("pending" if waiting else "confirmed")
                    if future
                    else "completed"
                    if roll < 0.86
                    else "no_show"
                    if roll < 0.91
                    else "late_cancelled"
                    if roll < 0.95
                    else "cancelled"
                )
                bid = len(bookings) + 1
                setup = timedelta(minutes=inst["setup_minutes"])
                cleanup = timedelta(minutes=inst["cleanup_minutes"])
                bookings.append(
                    {
                        "id": bid,
                        "instrument_id": inst["id"],
                        "person_id": person,
                        "organisation_id": org,
                        "starts_at": start,
                        "ends_at": end,
                        "block_start": start - setup,
                        "block_end": end + cleanup,
                        "status": status,
                        "purpose": "",
                        "samples": rng.randint(1, 12),
                        "decided_by_id": None,
                        "decision_note": "",
                        "cancelled_at": None,
                        "checked_in_at": start if status == "completed" else None,
                        "beamtime_slot_id": None,
                        "created_at": start - timedelta(days=7),
                        "updated_at": start,
                    }
                )
                if inst["qualification_code"]:
                    quals.setdefault(
                        (person, inst["qualification_code"]),
                        {
                            "id": len(quals) + 1,
                            "person_id": person,
                            "code": inst["qualification_code"],
                            "granted_by_id": None,
                            "granted_on": START - timedelta(days=30),
                            "expires_at": None,
                            "created_at": START,
                            "updated_at": START,
                        },
                    )
                if status == "completed":
                    used = end - timedelta(minutes=15 * rng.randrange(0, 3))
                    uses.append(
                        {
                            "id": len(uses) + 1,
                            "instrument_id": inst["id"],
                            "booking_id": bid,
                            "person_id": person,
                            "organisation_id": org,
                            "started_at": start,
                            "ended_at": used,
                            "hours": Decimal((used - start).total_seconds() / 3600).quantize(
                                Decimal("0.01")
                            ),
                            "samples": bookings[-1]["samples"],
                            "external": org != operator_of[inst["facility_id"]],
                            "source": "check_out",
                            "corrects_id": None,
                            "note": "",
                            "recorded_by_id": None,
                            "recorded_at": used,
                        }
                    )
    # The demo member may use the electron microscopes and the X-ray lab.
    found = world.session.scalar(select(Person.id).where(Person.email == "member@labline.demo"))
    member = int(found or 0)
    for code in ("em-safety", "xray-safety") if member else ():
        quals.setdefault(
            (member, code),
            {
                "id": len(quals) + 1,
                "person_id": member,
                "code": code,
                "granted_by_id": None,
                "granted_on": START,
                "expires_at": None,
                "created_at": START,
                "updated_at": START,
            },
        )
    world.bulk("facilities", Qualification, list(quals.values()))
    world.bulk("facilities", Booking, bookings)
    world.bulk("facilities", UsageRecord, uses)
