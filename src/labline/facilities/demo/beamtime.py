"""The demo beamtime round: a cycle with proposals on the beamline, scored and ready to schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from labline.core.models import Membership
from labline.facilities.demo.data import CST_OFFSET
from labline.facilities.models import (
    Facility,
)

if TYPE_CHECKING:
    from labline.demo.api import World


# Beamtime: the spring 2027 round on the light-source beamlines has been reviewed (scores
# in, nothing scheduled yet: the manager drafts it with the solver), the summer round is open.
BEAMTIME_TOPICS = [
    ("钙钛矿薄膜原位结晶过程", "In-situ crystallisation of perovskite films", "GIWAXS"),
    ("锂电正极材料价态分布", "Valence mapping in Li-ion cathodes", "XANES"),
    ("高熵合金局域结构", "Local structure of high-entropy alloys", "XRD"),
    ("催化剂单原子配位环境", "Coordination of single-atom catalysts", "XANES"),
    ("蛋白质晶体结构解析", "Protein crystal structure determination", "MX"),
    ("页岩孔隙三维成像", "3D imaging of shale pores", "CT"),
    ("文物颜料无损分析", "Non-destructive analysis of heritage pigments", "XRF"),
    ("固态电解质界面演化", "Solid-electrolyte interphase evolution", "GIWAXS"),
    ("稀土永磁畴结构", "Domain structure of rare-earth magnets", "XRD"),
    ("土壤重金属形态", "Speciation of heavy metals in soil", "XANES"),
    ("二维材料应变工程", "Strain engineering of 2D materials", "XRD"),
    ("水泥水化产物演化", "Hydration products of cement", "CT"),
]


def step_beamtime(world: World) -> None:
    from labline.facilities.models import BeamtimeCycle, BeamtimeProposal

    rng = world.rng("beamtime")
    facility = world.session.scalar(select(Facility).where(Facility.code == "SSRF-L"))
    if facility is None:
        return
    beamlines = sorted(i.id for i in facility.instruments)
    users = world.session.execute(
        select(Membership.person_id, Membership.organisation_id).order_by(Membership.id)
    ).all()
    contacts = [
        int(p)
        for p in world.session.scalars(
            select(Membership.person_id).where(Membership.organisation_id == facility.operator_id)
        )
    ][:3] or [int(users[0][0])]
    stamp = datetime(2026, 10, 1, tzinfo=UTC)
    cycles = [
        (1, "2027-1", "2027 年春季机时 Spring 2027 beamtime", datetime(2027, 1, 4), 8, "reviewing"),
        (2, "2027-2", "2027 年夏季机时 Summer 2027 beamtime", datetime(2027, 4, 5), 8, "open"),
    ]
    world.bulk(
        "beamtime",
        BeamtimeCycle,
        [
            {
                "id": cid,
                "facility_id": facility.id,
                "code": code,
                "name": name,
                # Midnight in Shanghai: the shifts run 00-08, 08-16, 16-24 local time.
                "starts_at": (start - CST_OFFSET).replace(tzinfo=UTC),
                "ends_at": (start - CST_OFFSET + timedelta(weeks=weeks)).replace(tzinfo=UTC),
                "shift_hours": 8,
                "changeover_shifts": 1,
                "status": status,
                "instrument_ids": ",".join(str(b) for b in beamlines),
                "solve_report": "",
                "created_at": stamp,
                "updated_at": stamp,
            }
            for cid, code, name, start, weeks, status in cycles
        ],
    )
    proposals = []
    n = 36
    scores = [round(rng.uniform(2.0, 9.8), 2) for _ in range(n)]
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    rank = {i: r + 1 for r, i in enumerate(order)}
    for i in range(n):
        person, org = users[rng.randrange(len(users))]
        zh, en, setup = BEAMTIME_TOPICS[i % len(BEAMTIME_TOPICS)]
        requested = rng.choice([6, 9, 12, 15, 18, 21, 24])
        funded = rank[i] <= int(n * 0.8)  # oversubscribed: the bottom fifth gets nothing
        away_days = rng.sample(range(56), k=rng.randrange(0, 4))
        proposals.append(
            {
                "id": i + 1,
                "cycle_id": 1,
                "instrument_id": beamlines[i % len(beamlines)],
                "person_id": int(person),
                "organisation_id": int(org),
                "title": f"{zh} {en}",
                "abstract": "",
                "shifts_requested": requested,
                "setup": setup,
                "unavailable_dates": ",".join(
                    (datetime(2027, 1, 4) + timedelta(days=d)).date().isoformat()
                    for d in sorted(away_days)
                ),
                "local_contact_id": contacts[i % len(contacts)],
                "score": Decimal(str(scores[i])),
                "rank": rank[i],
                "shifts_awarded": (requested if rank[i] <= n // 2 else requested * 2 // 3)
                if funded
                else 0,
                "status": "awarded" if funded else "rejected",
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    world.bulk("beamtime", BeamtimeProposal, proposals)
