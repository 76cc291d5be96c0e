"""Hostile requests: security headers, no inline script, oversized chunked bodies, the order
of refusals (401 before 422, 403 for acting for another organisation), 405 with Allow, and
downloads documented in OpenAPI (issue 14)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from labline.app import create_app
from labline.config import Settings
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import NotPermitted
from labline.facilities.beamtime.schemas import CycleCreate, ProposalCreate
from labline.facilities.beamtime.service import cycles as beamtime
from labline.facilities.schemas import BookingCreate
from labline.facilities.service import bookings
from labline.review.schemas import ProposalCreate as ReviewProposal
from labline.review.service import calls
from tests import clock
from tests.factories import bearer, make_call, make_facility, make_instrument, make_org, make_person

SRC = Path(__file__).parents[2] / "src" / "labline"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    for url in ("/", "/api/docs", "/sign-in", "/api/v1/organisations"):
        r = client.get(url)
        csp = r.headers.get("content-security-policy", "")
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert script.split() == ["script-src", "'self'"], (url, csp)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # In development and tests there is no HSTS (it would pin localhost to https).
    assert "strict-transport-security" not in client.get("/").headers


def test_production_answers_with_hsts(tmp_path):
    settings = Settings(
        env="production",
        data_dir=tmp_path,
        secret_key="s" * 40,
        database_url="sqlite://",
        base_url="https://labline.example.cn",
    )
    with TestClient(create_app(settings)) as c:
        hsts = c.get("/healthz").headers.get("strict-transport-security", "")
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 15_552_000


def test_no_template_or_page_carries_inline_script_or_event_handlers(client):
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    found = [
        f"{path.relative_to(SRC)}: {m.group(0)}"
        for path in SRC.rglob("templates/**/*.html")
        for m in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
    assert not inline.search(client.get("/api/docs").text)


def test_a_chunked_body_over_the_limit_answers_413(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"name_en": "'
        for _ in range(11):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    r = client.post(
        "/api/v1/organisations",
        content=chunks(),
        headers={**bearer(db, operator), "content-type": "application/json"},
    )
    assert r.status_code == 413, r.text[:300]
    assert r.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/api/v1/organisations", {"bogus": 1}),
        ("POST", "/api/v1/organisations", {"kind": "no such kind"}),
        ("PATCH", "/api/v1/organisations/1", {"website": "javascript:x"}),
        ("POST", "/api/v1/facilities/bookings", {"starts_at": 1}),
        ("POST", "/api/v1/market/needs", "not json"),
        ("POST", "/api/v1/tokens", b"!\x157\xff"),
    ],
)
def test_anonymous_writes_answer_401_before_validation(client, method, url, body):
    if isinstance(body, dict):
        r = client.request(method, url, json=body)
    else:
        r = client.request(method, url, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "not_signed_in"


def test_405_names_the_allowed_methods(client):
    r = client.delete("/api/v1/me")
    assert r.status_code == 405
    assert "GET" in {m.strip() for m in r.headers["allow"].split(",")}
    r = client.put("/api/v1/organisations")
    assert r.status_code == 405 and {"GET", "POST"} <= set(r.headers["allow"].split(", "))


def test_downloads_are_documented_in_openapi(client):
    spec = client.get("/api/openapi.json").json()
    downloads = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            names = {p["name"] for p in op.get("parameters", [])}
            if "format" in names or path.endswith("/export"):
                downloads.append((method, path))
                content = op["responses"]["200"].get("content", {})
                assert {"text/csv", EXCEL} <= set(content), (method, path, sorted(content))
    assert len(downloads) >= 5


# --- acting for another organisation is 403 ------------------------------------------------


def test_booking_for_another_organisation_is_403(db, client):
    instrument = make_instrument(db, facility=make_facility(db))
    member = make_person(db, org=make_org(db))
    stranger_org = make_org(db)
    start = clock.at(3, 10)
    body = {
        "instrument_id": instrument.id,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "organisation_id": stranger_org.id,
    }
    r = client.post("/api/v1/facilities/bookings", json=body, headers=bearer(db, member))
    assert r.status_code == 403, r.text
    with pytest.raises(NotPermitted):
        bookings.create_booking(
            db, actor=actor_for(db, member.id), data=BookingCreate.model_validate(body)
        )


def test_applying_for_another_organisation_is_403(db):
    call = make_call(db)
    applicant = make_person(db, org=make_org(db, kind="university"))
    other = make_org(db, kind="university")
    data = ReviewProposal(
        call_id=call.id,
        organisation_id=other.id,
        title_en="Someone else's project",
        abstract_en="An abstract.",
        requested_budget=Decimal("1000"),
    )
    with pytest.raises(NotPermitted):
        calls.submit_proposal(db, actor=actor_for(db, applicant.id), data=data)


def test_proposing_beamtime_for_another_organisation_is_403(db):
    facility = make_facility(db, operator=make_org(db, kind="facility_operator"))
    line = make_instrument(db, facility=facility, open_weekdays="1234567")
    manager = actor_for(db, make_person(db, roles=(Role.facility_manager,)).id)
    start = clock.at(60, 0)
    cycle = beamtime.create_cycle(
        db,
        actor=manager,
        data=CycleCreate(
            facility_id=facility.id,
            code="H-1",
            name="Hostile",
            starts_at=start,
            ends_at=start + timedelta(days=7),
            instrument_ids=[line.id],
        ),
    )
    user = actor_for(db, make_person(db, org=make_org(db)).id)
    data = ProposalCreate(
        instrument_id=line.id, title="Not mine", shifts_requested=1, organisation_id=make_org(db).id
    )
    with pytest.raises(NotPermitted):
        beamtime.submit_proposal(db, actor=user, cycle_id=cycle.id, data=data)
