"""Hostile input: control and bidirectional characters, script addresses, numbers as
date-times, and the exports, pages and headers that must survive them (issue 14)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from labline.core.models import Role
from labline.facilities.schemas import ClosureCreate, UsageCreate
from tests import clock
from tests.factories import bearer, make_achievement, make_org, make_person

ORG = {"kind": "enterprise", "region_code": "440300", "name_zh": "企业"}


def fields(r) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f["field"]: f["message"] for f in r.json()["error"]["fields"]}


@pytest.fixture()
def operator(db):  # type: ignore[no-untyped-def]
    return make_person(db, roles=(Role.platform_operator,))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name_en", "Evil\u001b[31mCorp", "control character"),
        ("name_en", "Canary\u0007Owner", "control character"),
        ("name_zh", "企业\u0085", "control character"),
        ("description", "one\u0008two", "control character"),
        ("name_en", "Invoice\u202egnp.exe", "bidirectional"),
        ("name_zh", "a\u2066b\u2069", "bidirectional"),
        ("name_en", "two\nlines", "single line"),
        ("website", "javascript:alert(document.cookie)", "http:// or https://"),
        ("website", "data:text/html,<script>alert(1)</script>", "http:// or https://"),
        ("website", "//evil.example/", "http:// or https://"),
    ],
)
def test_hostile_text_is_refused_at_input_naming_the_field(
    client, db, operator, field, value, words
):
    r = client.post(
        "/api/v1/organisations", json={**ORG, field: value}, headers=bearer(db, operator)
    )
    assert r.status_code == 422, r.text
    assert set(fields(r)) == {field} and words in fields(r)[field]


def test_multi_line_text_keeps_tabs_and_line_breaks(client, db, operator):
    body = {**ORG, "description": "Line one\n\tindented\r\nline three", "website": "https://x.cn/a"}
    r = client.post("/api/v1/organisations", json=body, headers=bearer(db, operator))
    assert r.status_code == 201, r.text
    assert r.json()["description"] == body["description"]


def test_an_achievement_with_control_characters_in_owners_is_refused(client, db):
    org = make_org(db, kind="university", region_code="320500")
    member = make_person(db, org=org)
    achievement = make_achievement(db, org=org)
    r = client.patch(
        f"/api/v1/market/achievements/{achievement.id}",
        json={"owners": "Canary\u0007Owner"},
        headers=bearer(db, member),
    )
    assert r.status_code == 422 and "control character" in fields(r)["owners"]
    r = client.patch(
        f"/api/v1/market/achievements/{achievement.id}",
        json={"title": "Tandem \u202ecells"},
        headers=bearer(db, member),
    )
    assert r.status_code == 422 and "bidirectional" in fields(r)["title"]


def test_exports_survive_control_characters_already_stored(client, db, operator):
    # Records written before input was checked (or straight into the database).
    make_achievement(db, owners="Canary\u0007Owner\u202e")
    make_org(db, name_en="Evil\u001bCorp")
    h = bearer(db, operator)
    r = client.get("/api/v1/market/achievements/export?format=xlsx", headers=h)
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "CanaryOwner" in cells
    r = client.get("/api/v1/organisations/export?format=xlsx", headers=h)
    assert r.status_code == 200, r.text
    cells = [c for row in load_workbook(io.BytesIO(r.content)).worksheets[0].values for c in row]
    assert "EvilCorp" in cells
    csv = client.get("/api/v1/organisations/export?format=csv", headers=h)
    assert csv.status_code == 200 and "\u001b" not in csv.text and "EvilCorp" in csv.text


def test_a_script_address_already_stored_is_not_rendered_as_a_link(client, db):
    org = make_org(db, website="javascript:alert(document.cookie)")
    page = client.get(f"/organisations/{org.id}")
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text
    safe = make_org(db, website="https://example.cn/")
    assert 'href="https://example.cn/"' in client.get(f"/organisations/{safe.id}").text


def test_an_org_admin_cannot_set_a_script_website(client, db):
    org = make_org(db)
    admin = make_person(db, org=org, org_role=Role.org_admin)
    url, h = f"/api/v1/organisations/{org.id}", bearer(db, admin)
    r = client.patch(url, json={"website": "javascript:alert(document.cookie)"}, headers=h)
    assert r.status_code == 422 and set(fields(r)) == {"website"}
    r = client.patch(url, json={"website": "https://lab.example.cn/about"}, headers=h)
    assert r.status_code == 200 and r.json()["website"] == "https://lab.example.cn/about"


# --- date-times --------------------------------------------------------------------------


def _usage(**times: object) -> dict[str, object]:
    return {"instrument_id": 1, "person_id": 1, **times}


@pytest.mark.parametrize("moment", [0, 1_700_000_000, "1700000000", 1.7e9, True])
def test_a_number_is_not_a_date_time(moment):
    end = clock.at(-1, 10).isoformat()
    with pytest.raises(ValidationError) as exc:
        UsageCreate.model_validate(_usage(started_at=moment, ended_at=end))
    (error,) = exc.value.errors()
    assert error["loc"] == ("started_at",) and "ISO 8601" in error["msg"]


def test_numbers_as_date_times_are_refused_by_the_api(client, db, operator):
    r = client.post(
        "/api/v1/facilities/usage",
        json=_usage(started_at=1_700_000_000, ended_at=1_700_003_600),
        headers=bearer(db, operator),
    )
    assert r.status_code == 422
    assert set(fields(r)) == {"started_at", "ended_at"}
    assert "ISO 8601" in fields(r)["started_at"]


def test_date_times_lie_in_each_fields_sane_range():
    ok = UsageCreate.model_validate(
        _usage(started_at=clock.at(-3, 9).isoformat(), ended_at=clock.at(-3, 10).isoformat())
    )
    assert ok.started_at == clock.at(-3, 9)
    for start, end in [
        ("1970-01-01T00:00:00Z", "1970-01-01T01:00:00Z"),  # the epoch
        (clock.at(30, 9).isoformat(), clock.at(30, 10).isoformat()),  # use in the future
        ((clock.NOW - timedelta(days=4000)).isoformat(), clock.at(-3, 10).isoformat()),
    ]:
        with pytest.raises(ValidationError) as exc:
            UsageCreate.model_validate(_usage(started_at=start, ended_at=end))
        assert "started_at" in {e["loc"][0] for e in exc.value.errors()}
    with pytest.raises(ValidationError):
        ClosureCreate(kind="maintenance", starts_at="1970-01-02T00:00:00Z", ends_at=clock.at(1, 9))
    with pytest.raises(ValidationError):
        ClosureCreate(kind="maintenance", starts_at=clock.at(1, 9), ends_at="9999-12-31T00:00:00Z")
    closure = ClosureCreate(kind="maintenance", starts_at=clock.at(1, 9), ends_at=clock.at(2, 9))
    assert closure.ends_at == clock.at(2, 9)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/facilities/figures?start=1700000000&end=2027-01-01T00:00:00Z",
        "/api/v1/market/figures?start=1700000000&end=2027-01-01",
        "/api/v1/review/figures?start=0&end=2027-01-01",
    ],
)
def test_query_date_times_are_iso_8601_only(client, db, operator, url):
    r = client.get(url, headers=bearer(db, operator))
    assert r.status_code == 422, r.text
    assert "ISO 8601" in fields(r)["start"] and "end" not in fields(r)
