"""The demo world's facilities: a few platforms with real-sounding instruments, a year of
bookings and use (2025-12-01 to 2026-11-30), maintenance weeks, a beamline shutdown and
some upcoming bookings. Deterministic from the world's seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.models import Membership, Person
from labline.facilities.models import (
    Booking,
    Closure,
    Facility,
    Instrument,
    Qualification,
    UsageRecord,
)

if TYPE_CHECKING:
    from labline.demo.api import World

START = datetime(2025, 12, 1, tzinfo=UTC)
DAYS = 365
CST_OFFSET = timedelta(hours=8)

PLATFORMS = [
    ("SCMIC", "先进材料表征中心", "Advanced Materials Characterisation Centre", "imaging"),
    ("BIOPF", "生命科学公共仪器平台", "Life Sciences Core Facility", "laboratory"),
    ("SSRF-L", "光源线站用户中心", "Light Source Beamline User Office", "beamline"),
    ("NANOFAB", "微纳加工超净间", "Micro-Nano Fabrication Cleanroom", "cleanroom"),
]
# (platform, code, zh, en, kind, capabilities, internal, external, unit, qualification, approval)
INSTRUMENTS = [
    (
        0,
        "SEM-01",
        "场发射扫描电子显微镜",
        "Field-emission SEM",
        "electron microscope",
        "1 nm resolution at 15 kV; EDS mapping; EBSD",
        200,
        600,
        "hour",
        "em-safety",
        False,
    ),
    (
        0,
        "TEM-01",
        "球差校正透射电子显微镜",
        "Aberration-corrected TEM",
        "electron microscope",
        "0.08 nm STEM resolution; EELS; in-situ heating holder",
        600,
        1800,
        "hour",
        "em-safety",
        True,
    ),
    (
        0,
        "XRD-01",
        "高分辨X射线衍射仪",
        "High-resolution X-ray diffractometer",
        "x-ray",
        "Cu Kα; thin films, reciprocal space maps, 4-circle",
        150,
        450,
        "hour",
        "xray-safety",
        False,
    ),
    (
        0,
        "XPS-01",
        "X射线光电子能谱仪",
        "X-ray photoelectron spectrometer",
        "surface analysis",
        "monochromated Al Kα; depth profiling with Ar clusters",
        50,
        150,
        "sample",
        None,
        False,
    ),
    (
        1,
        "NMR-600",
        "600兆核磁共振波谱仪",
        "600 MHz NMR spectrometer",
        "spectroscopy",
        "cryoprobe; 1H/13C/15N; solution and HR-MAS",
        180,
        500,
        "hour",
        None,
        False,
    ),
    (
        1,
        "LCMS-01",
        "液相色谱-高分辨质谱联用仪",
        "LC high-resolution mass spectrometer",
        "mass spectrometry",
        "Orbitrap, 240k resolution; proteomics and metabolomics",
        80,
        240,
        "sample",
        None,
        False,
    ),
    (
        1,
        "CRYO-EM",
        "300千伏冷冻电子显微镜",
        "300 kV cryo-electron microscope",
        "cryo-EM",
        "K3 direct detector; single-particle and tomography",
        1000,
        3000,
        "hour",
        "cryo-training",
        True,
    ),
    (
        1,
        "FACS-01",
        "流式细胞分选仪",
        "Flow cytometry cell sorter",
        "cytometry",
        "5 lasers, 18 colours; 4-way sorting; BSL-2 cabinet",
        120,
        360,
        "hour",
        "bsl2",
        False,
    ),
    (
        2,
        "BL09U",
        "软X射线谱学线站 BL09U",
        "Soft X-ray spectroscopy beamline BL09U",
        "beamline",
        "XAS/XMCD 100–2000 eV; ambient-pressure XPS end station",
        0,
        2500,
        "hour",
        "beam-safety",
        True,
    ),
    (
        2,
        "BL15U",
        "硬X射线微聚焦线站 BL15U",
        "Hard X-ray microfocus beamline BL15U",
        "beamline",
        "2 µm focus; µ-XRF, µ-XRD, µ-XANES 5–20 keV",
        0,
        2500,
        "hour",
        "beam-safety",
        True,
    ),
    (
        3,
        "EBL-01",
        "电子束曝光系统",
        "Electron-beam lithography system",
        "lithography",
        "100 kV; 8 nm lines; 8-inch wafers",
        400,
        1200,
        "hour",
        "cleanroom",
        True,
    ),
    (
        3,
        "ICP-01",
        "电感耦合等离子体刻蚀机",
        "ICP reactive-ion etcher",
        "etching",
        "Si, SiO2, III-V; cryogenic process; 6-inch",
        250,
        750,
        "hour",
        "cleanroom",
        False,
    ),
]


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
    _year_of_use(
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


def _year_of_use(
    world: World,
    rng: Any,
    facilities: list[dict[str, Any]],
    instruments: list[dict[str, Any]],
    closures: list[dict[str, Any]],
    users: list[tuple[int, int]],
) -> None:
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
                status = (
                    "confirmed"
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
