"""The demo world's facilities: a few platforms with real-sounding instruments, a year of
bookings and use (2025-12-01 to 2026-11-30), maintenance weeks, a beamline shutdown and
some upcoming bookings. Deterministic from the world's seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.models import Membership
from labline.facilities.demo.beamtime import step_beamtime
from labline.facilities.demo.data import INSTRUMENTS, PLATFORMS, START
from labline.facilities.demo.usage import year_of_use
from labline.facilities.models import (
    Closure,
    Facility,
    Instrument,
)

if TYPE_CHECKING:
    from labline.demo.api import World


def step_facilities(world: World) -> None:
    rng = world.rng("facilities")
    operators = world.orgs_by_kind.get("facility_operator") or world.orgs_by_kind["university"]
    facilities: list[dict[str, Any]] = []
    instruments: list[dict[str, Any]] = []
    for n, (code, zh, en, kind) in enumerate(PLATFORMS):
        facilities.append(
            {
                "id": n + 1,
                # The demo's facility manager runs the imaging centre and the light source.
                "operator_id": operators[(0, 1, 0, 2)[n] % len(operators)],
                "code": code,
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "location": "",
                "description": "",
                "timezone": "Asia/Shanghai",
                "created_at": START,
                "updated_at": START,
            }
        )
    for n, (p, code, zh, en, kind, caps, r_in, r_out, unit, qual, approval) in enumerate(
        INSTRUMENTS
    ):
        beamline = kind == "beamline"
        instruments.append(
            {
                "id": n + 1,
                "facility_id": p + 1,
                "code": code,
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "capabilities": caps,
                "location": "",
                "photo_url": None,
                "rate_unit": unit,
                "rate_internal": Decimal(r_in),
                "rate_external": Decimal(r_out),
                "min_minutes": 60 if beamline else 30,
                "max_minutes": 24 * 60 if beamline else 8 * 60,
                "lead_minutes": 24 * 60 if approval else 60,
                "setup_minutes": 0 if beamline else 15,
                "cleanup_minutes": 0 if beamline else 15,
                "opens_minute": 0 if beamline else 8 * 60,
                "closes_minute": 1440 if beamline else 22 * 60,
                "open_weekdays": "1234567" if beamline else "123456",
                "requires_approval": approval,
                "qualification_code": qual,
                "late_cancel_hours": 48 if approval else 24,
                "is_active": True,
                "created_at": START,
                "updated_at": START,
            }
        )
    world.bulk("facilities", Facility, facilities)
    world.bulk("facilities", Instrument, instruments)

    closures: list[dict[str, Any]] = []
    for inst in instruments:
        week = rng.randrange(20, 300)
        closures.append(
            _closure(
                len(closures) + 1,
                inst["id"],
                "maintenance",
                START + timedelta(days=week),
                5,
                "年度维护 annual maintenance",
            )
        )
        if inst["kind"] == "beamline":
            closures.append(
                _closure(
                    len(closures) + 1,
                    inst["id"],
                    "shutdown",
                    datetime(2026, 1, 20, tzinfo=UTC),
                    28,
                    "冬季停机 winter shutdown",
                )
            )
    world.bulk("facilities", Closure, closures)

    users = world.session.execute(
        select(Membership.person_id, Membership.organisation_id).order_by(Membership.id)
    ).all()
    users = users[: max(60, len(users) // 3)]
    year_of_use(
        world, rng, facilities, instruments, closures, [(int(u[0]), int(u[1])) for u in users]
    )
    step_beamtime(world)


def _closure(
    cid: int, inst: int, kind: str, start: datetime, days: int, reason: str
) -> dict[str, Any]:
    return {
        "id": cid,
        "instrument_id": inst,
        "kind": kind,
        "starts_at": start,
        "ends_at": start + timedelta(days=days),
        "reason": reason,
        "created_at": START,
        "updated_at": START,
    }
