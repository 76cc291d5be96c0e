"""Every review route against every actor.

The world and the app are built once per module (and backend); each case runs inside a
savepoint that is rolled back, so cases that change things do not affect each other.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from labline.app import create_app
from labline.config import Settings
from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.review.committee.service import decisions
from labline.review.demo.documents import tiny_pdf
from labline.review.documents import service as documents
from labline.review.letters import service as letters
from labline.review.models import CallStatus, Proposal, ProposalStatus, ReviewAssignment
from labline.review.schemas import DecideRequest, PanelAdd
from labline.review.service import calls
from tests.factories import make_call, make_org, make_person, make_proposal
from tests.permissions import ACTORS, ALL, Case, fill, only, request_as, signed_in
from tests.review.committee.committee_matrix import (
    COMMITTEE_ALIASES,
    COMMITTEE_MATRIX,
    build_committee_world,
)

OP = ("platform_operator",)
COMMITTEE = ("platform_operator", "committee_member")
SEE_PROPOSAL = ("platform_operator", "member", "reviewer", "committee_member")
APPLICANT = ("platform_operator", "member")
DOC_READERS = ("platform_operator", "member", "committee_member")  # no reviewer assigned
PERIOD = "start=2026-01-01&end=2027-01-01"
SCORES = {
    "scores": [
        {"criterion": "originality", "score": 7},
        {"criterion": "value", "score": 6},
        {"criterion": "feasibility", "score": 5},
    ]
}
CALL = {
    "code": "N{actor}",
    "title_zh": "新指南",
    "title_en": "New call",
    "budget": "1000000",
    "opens_on": "2026-12-01",
    "closes_on": "2026-12-31",
    "reviews_due": "2027-01-31",
    "criteria": [{"code": "a", "name_zh": "原创性", "name_en": "Originality"}],
}


def _submit_expect() -> dict[str, int]:
    # Only members of the organisation may apply for it; applying for another is refused.
    return {
        a: 401 if a == "anonymous" else 201 if a in ("org_admin", "member") else 403 for a in ACTORS
    }


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/review/calls"): Case(ALL),
    ("POST", "/api/v1/review/calls"): Case(only(201, OP), body=CALL),
    ("GET", "/api/v1/review/calls/{call_id}"): Case(ALL),
    ("PUT", "/api/v1/review/calls/{draft_id}"): Case(
        only(200, OP), body={**CALL, "code": "E{actor}"}
    ),
    ("POST", "/api/v1/review/calls/{draft_id}/open"): Case(only(200, OP)),
    ("POST", "/api/v1/review/calls/{open_id}/close"): Case(only(200, OP)),
    ("POST", "/api/v1/review/calls/{call_id}/panel"): Case(
        only(200, OP), body={"person_ids": ["{spare_id}"]}
    ),
    ("GET", "/api/v1/review/calls/{call_id}/proposals"): Case(signed_in()),
    ("POST", "/api/v1/review/calls/{call_id}/conflicts"): Case(only(200, OP)),
    ("GET", "/api/v1/review/calls/{call_id}/conflicts"): Case(only(200, OP)),
    ("POST", "/api/v1/review/calls/{call_id}/assignment"): Case(only(200, OP), body={}),
    ("GET", "/api/v1/review/calls/{call_id}/assignments"): Case(only(200, OP)),
    ("POST", "/api/v1/review/calls/{call_id}/analysis"): Case(only(200, OP)),
    ("GET", "/api/v1/review/calls/{call_id}/ranking"): Case(only(200, COMMITTEE)),
    ("POST", "/api/v1/review/calls/{committee_id}/decision"): Case(only(200, OP), body={"seed": 7}),
    ("POST", "/api/v1/review/calls/{decided_id}/lottery/replay"): Case(signed_in()),
    ("POST", "/api/v1/review/proposals"): Case(
        _submit_expect(),
        body={
            "call_id": "{open_id}",
            "organisation_id": "{org}",
            "title_zh": "钙钛矿",
            "abstract_zh": "摘要",
            "requested_budget": "100000",
        },
    ),
    ("GET", "/api/v1/review/proposals/mine"): Case(signed_in()),
    ("GET", "/api/v1/review/assignments/mine"): Case(signed_in()),
    ("GET", "/api/v1/review/proposals/{proposal_id}"): Case(only(200, SEE_PROPOSAL)),
    ("POST", "/api/v1/review/proposals/{proposal_id}/withdraw"): Case(only(200, APPLICANT)),
    ("POST", "/api/v1/review/proposals/{proposal_id}/avoid"): Case(
        only(200, APPLICANT), body={"reviewer_ids": ["{spare_id}"]}
    ),
    ("POST", "/api/v1/review/proposals/{proposal_id}/conflict"): Case(
        only(201, ("platform_operator", "reviewer", "committee_member")),
        body={"reason": "we share a lab"},
    ),
    ("POST", "/api/v1/review/proposals/{proposal_id}/override"): Case(
        only(200, OP), body={"add_reviewer_id": "{r2_id}", "reason": "more expertise"}
    ),
    ("POST", "/api/v1/review/proposals/{proposal_id}/reviews"): Case(
        only(201, ("reviewer",)), body=SCORES
    ),
    ("GET", "/api/v1/review/proposals/{proposal_id}/reviews"): Case(only(200, SEE_PROPOSAL)),
    ("POST", "/api/v1/review/proposals/{proposal_id}/golden-ticket"): Case(
        only(201, ("committee_member",)), body={"reason": "a genuinely new direction"}
    ),
    ("GET", "/api/v1/review/proposals/{proposal_id}/notes"): Case(only(200, COMMITTEE)),
    ("POST", "/api/v1/review/proposals/{proposal_id}/notes"): Case(
        only(201, COMMITTEE), body={"stance": "advocate", "text": "bold"}
    ),
    ("POST", "/api/v1/review/publications"): Case(
        only(201, ("platform_operator", "reviewer")),
        body={"title": "Perovskite", "year": 2025, "author_ids": ["{reviewer_id}"]},
    ),
    ("POST", "/api/v1/review/aliases"): Case(
        only(201, OP), body={"organisation_id": "{campus_id}", "same_as_id": "{org}"}
    ),
    ("GET", f"/api/v1/review/figures?{PERIOD}"): Case(ALL),
    # pages
    ("GET", "/review"): Case(ALL),
    ("GET", "/review/calls/{call_id}"): Case(ALL),
    ("POST", "/review/calls/{open_id}/step"): Case(
        only(303, OP), form={"step": "close", "confirm": "yes"}
    ),
    ("GET", "/review/calls/{open_id}/apply"): Case(signed_in()),
    ("GET", "/review/calls/new"): Case(only(200, OP)),
    ("POST", "/review/calls/new"): Case(
        only(303, OP),
        form={
            "code": "W{actor}",
            "title_zh": "新指南",
            "title_en": "New call",
            "budget": "1000000",
            "opens_on": "2026-12-01",
            "closes_on": "2026-12-31",
            "reviews_due": "2027-01-31",
            "criteria.0.code": "a",
            "criteria.0.name_zh": "原创性",
            "criteria.0.name_en": "Originality",
            "criteria.0.scale": "1-9",
            "criteria.0.weight": "1",
            "originality": "0",
        },
    ),
    ("GET", "/review/calls/{draft_id}/edit"): Case(only(200, OP)),
    ("POST", "/review/calls/{draft_id}/edit"): Case(
        only(303, OP),
        form={
            "code": "E{actor}",
            "title_zh": "改过的指南",
            "title_en": "Changed call",
            "budget": "1000000",
            "opens_on": "2026-12-01",
            "closes_on": "2026-12-31",
            "reviews_due": "2027-01-31",
            "criteria.0.name_zh": "原创性",
            "criteria.0.name_en": "Originality",
            "criteria.0.scale": "1-9",
            "criteria.0.weight": "1",
            "originality": "0",
        },
    ),
    ("GET", "/review/calls/{call_id}/panel"): Case(only(200, OP)),
    ("POST", "/review/calls/{call_id}/panel"): Case(
        only(303, OP), form={"emails": "{spare_email}", "max_load": "4"}
    ),
    ("GET", "/review/publications"): Case(signed_in()),
    ("POST", "/review/publications"): Case(
        signed_in(303), form={"title": "Perovskite cells", "year": "2025", "kind": "paper"}
    ),
    ("GET", "/review/aliases"): Case(only(200, OP)),
    ("POST", "/review/aliases"): Case(
        only(303, OP), form={"organisation_id": "{campus_id}", "same_as_id": "{org}"}
    ),
    ("POST", "/review/calls/{open_id}/apply"): Case(
        {a: 303 if a in ("org_admin", "member") else v for a, v in _submit_expect().items()},
        form={
            "organisation_id": "{org}",
            "title_en": "Perovskite",
            "abstract_en": "Cells",
            "requested_budget": "100000",
        },
    ),
    ("GET", "/review/proposals/{proposal_id}"): Case(only(200, SEE_PROPOSAL)),
    ("POST", "/review/proposals/{proposal_id}/review"): Case(
        only(303, ("reviewer",)),
        form={"score_originality": "8", "score_value": "7", "score_feasibility": "6"},
    ),
    ("POST", "/review/proposals/{proposal_id}/note"): Case(
        only(303, COMMITTEE), form={"stance": "critic", "text": "too risky"}
    ),
    # documents and decision letters
    ("GET", "/api/v1/review/proposals/{proposal_id}/documents"): Case(only(200, SEE_PROPOSAL)),
    ("POST", "/api/v1/review/proposals/{doc_proposal_id}/documents"): Case(
        only(201, ("member",)), upload="budget, 100000\n"
    ),
    ("GET", "/api/v1/review/proposals/{doc_proposal_id}/documents/{document_id}/file"): Case(
        only(200, DOC_READERS)
    ),
    ("GET", "/api/v1/review/proposals/{decided_proposal_id}/letter"): Case(only(200, APPLICANT)),
    ("POST", "/api/v1/review/calls/{decided2_id}/letters/issue"): Case(only(201, OP)),
    ("POST", "/review/proposals/{doc_proposal_id}/documents"): Case(
        only(303, ("member",)), upload="budget, 100000\n"
    ),
    ("GET", "/review/proposals/{doc_proposal_id}/documents/{document_id}"): Case(
        only(200, DOC_READERS)
    ),
    ("GET", "/review/proposals/{decided_proposal_id}/letter"): Case(only(200, APPLICANT)),
    ("POST", "/review/calls/{decided2_id}/letters"): Case(only(303, OP), form={}),
}

MATRIX.update(COMMITTEE_MATRIX)

ALIASES = {
    "{draft_id}": "{call_id}",
    "{open_id}": "{call_id}",
    "{committee_id}": "{call_id}",
    "{decided_id}": "{call_id}",
    **COMMITTEE_ALIASES,
    "{decided2_id}": "{call_id}",
    "{doc_proposal_id}": "{proposal_id}",
    "{decided_proposal_id}": "{proposal_id}",
}


def declared(route: tuple[str, str]) -> tuple[str, str]:
    method, path = route
    for alias, name in ALIASES.items():
        path = path.replace(alias, name)
    return method, path.split("?")[0]


# --- one world and one app per module -----------------------------------------------------------


@pytest.fixture(scope="module")
def mod_conn(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture(scope="module")
def mod_factory(mod_conn: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=mod_conn, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def _build(db: Session) -> dict[str, Any]:
    system = command_line_actor("test")
    org = make_org(db, kind="university")
    people = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=org, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    r2 = make_person(db, org=make_org(db, kind="research_institute"), roles=(Role.reviewer,))
    spare = make_person(db, org=make_org(db, kind="research_institute"), roles=(Role.reviewer,))
    campus = make_org(db, kind="university")
    today = datetime.now(UTC).date()
    draft = make_call(db, status="draft")
    open_call = make_call(db)
    make_proposal(db, call=open_call)
    rev = make_call(
        db,
        status="reviewing",
        reviewers_per_proposal=1,
        max_load=5,
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
    )
    proposal = make_proposal(
        db, call=rev, applicant=people["member"], org=org, status=ProposalStatus.under_review
    )
    make_proposal(db, call=rev, status=ProposalStatus.under_review)
    calls.add_to_panel(
        db, actor=system, call_id=rev.id, data=PanelAdd(person_ids=[people["reviewer"].id, r2.id])
    )
    db.add(
        ReviewAssignment(
            call_id=rev.id,
            proposal_id=proposal.id,
            reviewer_id=people["reviewer"].id,
            source="manual",
        )
    )
    in_committee = make_call(db, status="committee")
    for score in (0.8, 0.4):
        make_proposal(
            db,
            call=in_committee,
            status=ProposalStatus.under_review,
            calibrated_score=score,
            raw_score=score,
        )
    decided = make_call(db, status="committee", budget="100000")
    for n in range(3):
        mine = {"applicant": people["member"], "org": org} if n == 0 else {}
        make_proposal(
            db,
            call=decided,
            status=ProposalStatus.under_review,
            calibrated_score=0.5,
            requested_budget=Decimal("100000"),
            **mine,
        )
    report = decisions.decide(
        db, actor=system, call_id=decided.id, data=DecideRequest(seed=11, waitlist=1)
    )
    assert report.lottery is not None and decided.status == CallStatus.decided
    letters.issue_letters(db, actor=system, call_id=decided.id)
    decided2 = make_call(db, status="committee")
    make_proposal(db, call=decided2, status=ProposalStatus.under_review, calibrated_score=0.5)
    decisions.decide(db, actor=system, call_id=decided2.id, data=DecideRequest(seed=1))
    # A proposal in a second open call, where the applicant adds documents.
    doc_proposal = make_proposal(db, call=make_call(db), applicant=people["member"], org=org)
    db.flush()
    more = build_committee_world(db, people=people, org=org, proposal=proposal)
    decided_mine = db.scalar(
        select(Proposal.id).where(
            Proposal.call_id == decided.id, Proposal.applicant_id == people["member"].id
        )
    )
    return {
        "org": org,
        "people": people,
        "target": people["member"],
        "token": None,
        "ids": {
            "{call_id}": rev.id,
            "{draft_id}": draft.id,
            "{open_id}": open_call.id,
            "{committee_id}": in_committee.id,
            "{decided_id}": decided.id,
            "{decided2_id}": decided2.id,
            "{doc_proposal_id}": doc_proposal.id,
            "{decided_proposal_id}": decided_mine,
            "{proposal_id}": proposal.id,
            "{reviewer_id}": people["reviewer"].id,
            "{r2_id}": r2.id,
            "{spare_id}": spare.id,
            "{campus_id}": campus.id,
            "{spare_email}": spare.email,
            **more,
        },
    }


@pytest.fixture(scope="module")
def world(mod_factory: sessionmaker[Session], mod_settings: Settings) -> dict[str, Any]:
    session = mod_factory()
    built = _build(session)
    doc = documents.upload(
        session,
        actor=actor_for(session, built["people"]["member"].id),
        proposal_id=built["ids"]["{doc_proposal_id}"],
        kind="proposal_text",
        name="proposal.pdf",
        stream=io.BytesIO(tiny_pdf(["Aims"])),
        data_dir=mod_settings.data_dir,
        max_bytes=mod_settings.document_max_bytes,
    )
    built["ids"]["{document_id}"] = doc.id
    session.commit()
    session.close()
    return built


@pytest.fixture(scope="module")
def mod_settings(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Settings:
    return Settings(
        env="test", data_dir=Path(tmp_path_factory.mktemp("rv")), database_url=database_url
    )


@pytest.fixture(scope="module")
def mod_client(mod_settings: Settings, mod_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(mod_settings, session_factory=mod_factory)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture()
def case_db(mod_conn: Connection, mod_factory: sessionmaker[Session]) -> Iterator[Session]:
    nested = mod_conn.begin_nested()
    session = mod_factory()
    yield session
    session.close()
    nested.rollback()


def _resolve(value: Any, world: dict[str, Any], actor: str) -> Any:
    if isinstance(value, list):
        return [_resolve(v, world, actor) for v in value]
    if not isinstance(value, str):
        return value
    if value in world["ids"]:
        return world["ids"][value]
    if value == "{org}":
        return world["org"].id
    filled = fill(value, world, actor)
    for key, number in world["ids"].items():
        filled = filled.replace(key, str(number))
    return filled


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(mod_client, case_db, world, mod_settings, route, actor):
    method, template = route
    case = MATRIX[route]
    url = _resolve(template, world, actor)
    if isinstance(case.body, dict):
        case = Case(case.expect, body={k: _resolve(v, world, actor) for k, v in case.body.items()})
    if case.form:
        form = {k: str(_resolve(v, world, actor)) for k, v in case.form.items()}
        case = Case(case.expect, form=form)
    mod_client.cookies.clear()
    r = request_as(mod_client, case_db, mod_settings, world, actor, method, url, case)
    assert r.status_code == case.expect[actor], f"{method} {url} as {actor}: {r.text[:300]}"
