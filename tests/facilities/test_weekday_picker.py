"""Opening days are ticked by name (周一 … 周日, Mon … Sun), not typed as "123456"."""

from __future__ import annotations

from labline.core.models import Role, RoleGrant
from tests.factories import make_instrument, make_person, sign_in

RULES = {
    "rate_internal": "120",
    "rate_external": "360",
    "min_minutes": "30",
    "max_minutes": "240",
    "lead_minutes": "60",
    "setup_minutes": "0",
    "cleanup_minutes": "0",
    "late_cancel_hours": "24",
    "qualification_code": "",
    "opens": "08:00",
    "closes": "20:00",
    "is_active": "on",
}


def _manager(db, instrument):
    person = make_person(db)
    db.add(
        RoleGrant(
            person_id=person.id,
            role=Role.facility_manager,
            organisation_id=instrument.facility.operator_id,
        )
    )
    db.flush()
    return person


def test_weekdays_are_check_boxes_by_name(client, db):
    instrument = make_instrument(db, open_weekdays="12345")
    sign_in(client, _manager(db, instrument).email)
    page = client.get(f"/facilities/instruments/{instrument.id}/manage").text
    assert 'name="open_weekdays" value="1" checked' in page
    assert 'name="open_weekdays" value="6" >' in page or 'value="6" > ' in page
    assert "Mon" in page and "Sun" in page
    client.get("/lang/zh")
    zh = client.get(f"/facilities/instruments/{instrument.id}/manage").text
    assert "周一" in zh and "周日" in zh

    url = f"/facilities/instruments/{instrument.id}/manage/rules"
    form = RULES | {
        "csrf_token": client.cookies.get("labline_csrf"),
        "open_weekdays": ["5", "1", "3"],
    }
    r = client.post(url, data=form, follow_redirects=False)
    assert r.status_code == 303
    db.refresh(instrument)
    assert instrument.open_weekdays == "135"

    form["open_weekdays"] = []  # none ticked: a field error, nothing changed
    r = client.post(url, data=form, follow_redirects=False)
    assert r.status_code == 422
    db.refresh(instrument)
    assert instrument.open_weekdays == "135"


def test_the_instrument_page_names_its_open_days(client, db):
    instrument = make_instrument(db, open_weekdays="123456")
    page = client.get(f"/facilities/instruments/{instrument.id}").text
    assert "Mon, Tue, Wed, Thu, Fri, Sat</span>" in page and "123456" not in page
    client.get("/lang/zh")
    assert (
        "周一、周二、周三、周四、周五、周六</span>"
        in client.get(f"/facilities/instruments/{instrument.id}").text
    )
