"""In a real browser: a user books an instrument, checks in and out, and the facility
invoices the use; a facility manager drafts a beamtime schedule with the solver, has a bad
edit refused, and publishes it. Screenshots go to tests/_artifacts/screenshots."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, _h1, set_language, sign_in, sign_out

pytestmark = pytest.mark.browser


def _walk_instrument(server: Server) -> tuple[int, ZoneInfo]:
    """A facility whose local time is now about noon (so the walk never crosses midnight),
    with an always-open instrument that needs no approval, qualification or lead time."""
    now = datetime.now(UTC)
    offset = 12 - now.hour  # in -11 … +12, all valid Etc/GMT zones
    zone_name = "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    token = server.token(server.accounts["platform_operator"].email)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
    facilities = api.get("/api/v1/facilities").json()
    operator_id = facilities[0]["operator_id"]
    facility = api.post(
        "/api/v1/facilities",
        json={
            "operator_id": operator_id,
            "code": f"WALK{now:%H%M%S}",
            "name_zh": "浏览器测试平台",
            "name_en": "Browser walk lab",
            "timezone": zone_name,
        },
    )
    assert facility.status_code == 201, facility.text
    instrument = api.post(
        "/api/v1/facilities/instruments",
        json={
            "facility_id": facility.json()["id"],
            "code": f"WALK-{now:%H%M%S}",
            "name_zh": "台式扫描电镜",
            "name_en": "Benchtop SEM",
            "rate_internal": "300",
            "rate_external": "600",
            "opens_minute": 0,
            "closes_minute": 1440,
            "open_weekdays": "1234567",
            "lead_minutes": 0,
            "min_minutes": 30,
        },
    )
    assert instrument.status_code == 201, instrument.text
    return int(instrument.json()["id"]), ZoneInfo(zone_name)


def test_book_check_in_check_out_and_invoice(page: Any, server: Server) -> None:
    instrument_id, zone = _walk_instrument(server)
    member = server.accounts["member"]
    sign_in(page, member.email)
    set_language(page, "en")
    _goto(page, f"/facilities/instruments/{instrument_id}")
    assert _h1(page).startswith("Benchtop SEM")

    # Book from a few minutes from now for an hour, in the facility's local time.
    start = (datetime.now(zone) + timedelta(minutes=3)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    page.fill("#day", start.date().isoformat())
    page.fill("#start", start.strftime("%H:%M"))
    page.fill("#end", end.strftime("%H:%M"))
    page.fill("#purpose", "EDS of a coated cathode")
    with page.expect_navigation():
        page.locator("form[action$='/book'] button[type=submit]").click()
    assert "/facilities/bookings?note=booked-" in page.url, page.url
    booking_id = int(re.search(r"booked-(\d+)", page.url)[1])  # type: ignore[index]
    row = page.locator("tr", has=page.locator(f"td:text-is('{booking_id}')"))
    assert "confirmed" in row.inner_text()
    shot(page, "member-en-booked")

    # The same slot, booked again, is refused naming the booking it hit.
    _goto(page, f"/facilities/instruments/{instrument_id}")
    page.fill("#day", start.date().isoformat())
    page.fill("#start", start.strftime("%H:%M"))
    page.fill("#end", (start + timedelta(minutes=30)).strftime("%H:%M"))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form[action$='/book'] button[type=submit]").click()
    assert posted.value.status == 409
    page.wait_for_load_state()
    assert f"booking {booking_id}" in page.locator("main [role=alert]").first.inner_text()
    shot(page, "member-en-booking-conflict")

    _goto(page, "/facilities/bookings")
    row = page.locator("tr", has=page.locator(f"td:text-is('{booking_id}')"))
    with page.expect_navigation():
        row.get_by_role("button", name="Check in").click()
    row = page.locator("tr", has=page.locator(f"td:text-is('{booking_id}')"))
    assert "checked in" in row.inner_text()
    shot(page, "member-en-checked-in")
    with page.expect_navigation():
        row.get_by_role("button", name="Check out").click()
    row = page.locator("tr", has=page.locator(f"td:text-is('{booking_id}')"))
    assert "completed" in row.inner_text()
    sign_out(page, "en")

    # The facility invoices the member's organisation for the use (API), and the operator
    # reads the invoice in the browser.
    token = server.token(server.accounts["platform_operator"].email)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
    booking = api.get(f"/api/v1/facilities/bookings/{booking_id}").json()
    facility_id = api.get(f"/api/v1/facilities/instruments/{instrument_id}").json()["facility_id"]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    invoice = api.post(
        "/api/v1/facilities/invoices",
        json={
            "facility_id": facility_id,
            "organisation_id": booking["organisation_id"],
            "period_start": (today - timedelta(days=1)).isoformat(),
            "period_end": (today + timedelta(days=2)).isoformat(),
        },
    )
    assert invoice.status_code == 201, invoice.text
    assert len(invoice.json()["lines"]) == 1
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, "en")
    _goto(page, f"/facilities/invoices/{invoice.json()['id']}")
    assert invoice.json()["number"] in page.locator("main").inner_text()
    assert "Benchtop SEM" in page.locator("main").inner_text()
    shot(page, "operator-en-invoice")


def test_manager_schedules_and_publishes_beamtime(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["facility_manager"].email)
    set_language(page, "en")
    _goto(page, "/facilities/cycles")
    with page.expect_navigation():
        page.get_by_role("link", name="2027-1").click()
    assert "reviewing" in page.locator("dl.facts").inner_text()
    page.set_default_timeout(60_000)  # the solver takes up to 10 s
    with page.expect_navigation():
        page.get_by_role("button", name="Draft the schedule (CP-SAT)").click()
    summary = page.locator("main").inner_text()
    assert re.search(r"Placed \d+ experiments", summary), summary[:500]
    assert page.locator(".timeline .tl-bar").count() > 5
    shot(page, "manager-en-beamtime-draft")

    # Moving an experiment past the end of the cycle is refused with the rule it breaks.
    form = page.locator("form[action*='/schedule/']").first
    form.locator("input[name=start_shift]").fill("9999")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Move").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    assert "not within the cycle" in page.locator("main").inner_text()
    shot(page, "manager-en-beamtime-bad-edit")

    _goto(page, "/facilities/cycles/1")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish as bookings").click()
    assert "published" in page.locator("dl.facts").inner_text()
    shot(page, "manager-en-beamtime-published")
    set_language(page, "zh")
    shot(page, "manager-zh-beamtime-published")


def test_manager_closes_an_instrument_and_grants_a_qualification(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["facility_manager"].email)
    set_language(page, "en")
    _goto(page, "/facilities?q=SEM-01")
    with page.expect_navigation():
        page.get_by_role("link", name="Field-emission SEM").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Manage this instrument").click()
    day = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    page.select_option("#kind", "maintenance")
    page.fill("#from", day)
    page.fill("#to", day)
    page.fill("#reason", "Detector replacement")
    with page.expect_navigation():
        page.get_by_role("button", name="Close the instrument").click()
    assert "Detector replacement" in page.locator("main table").first.inner_text()
    page.fill("#email", server.accounts["member"].email)
    page.fill("#expires", "2027-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Grant or renew").click()
    assert "2027-12-31" in page.locator("main").inner_text()
    # A wrong e-mail is named as such.
    page.fill("#email", "nobody@example.invalid")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Grant or renew").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    # The form comes back with the address kept and the error beside its field.
    assert page.locator("#email").input_value() == "nobody@example.invalid"
    assert "no person with this e-mail address" in page.locator("main").inner_text()
    shot(page, "manager-en-instrument-bad-email")
    _goto(page, "/facilities/instruments/1/manage")
    shot(page, "manager-en-instrument-manage")
