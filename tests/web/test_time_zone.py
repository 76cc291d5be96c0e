"""Each person reads times outside facilities on their own clock: the time zone on their
account (an IANA name picked from a searchable list), by default the platform's setting.
Facility bookings stay in the facility's zone. Issue 17: every such time was Asia/Shanghai."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from labline import clock
from labline.config import Settings
from labline.core.models import Person
from labline.market.deals.schemas import MessageCreate
from labline.market.deals.service import deals
from tests.factories import sign_in
from tests.market.deals.test_deals import opened, parties

__all__ = ["parties"]

WRITTEN = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 08:30 in Berlin (summer), 14:30 in Shanghai


def _message(db, p):  # type: ignore[no-untyped-def]
    deal = opened(db, p)
    message = deals.add_message(db, actor=p.seller, deal_id=deal.id, data=MessageCreate(body="好"))
    message.created_at = WRITTEN
    db.flush()
    return deal


def _shown(html: str) -> str:
    found = re.search(r'data-testid="message-time">([^<]*)</time>', html)
    assert found, "no message time on the page"
    return found.group(1)


def _post(client, path, data):  # type: ignore[no-untyped-def]
    token = client.cookies.get("labline_csrf")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_a_person_in_berlin_reads_a_deal_message_at_berlin_time(client, db, parties):
    p = parties
    deal = _message(db, p)
    sign_in(client, p.buyer_p.email)
    # Without a zone of their own: the platform's (Asia/Shanghai by default).
    assert _shown(client.get(f"/market/deals/{deal.id}").text) == "2026-07-01 14:30"
    page = client.get("/account").text
    assert re.search(r'<option value="Europe/Berlin">[^<]*UTC\+01:00', page), "no zone picker"
    r = _post(client, "/account/time-zone", {"time_zone": "Europe/Berlin"})
    assert r.status_code == 303, r.text
    assert 'data-testid="time-zone-saved"' in client.get(r.headers["location"]).text
    db.expire_all()
    assert db.get(Person, p.buyer_p.id).time_zone == "Europe/Berlin"
    assert _shown(client.get(f"/market/deals/{deal.id}").text) == "2026-07-01 08:30"
    # Empty: back to the platform's zone.
    assert _post(client, "/account/time-zone", {"time_zone": ""}).status_code == 303
    assert _shown(client.get(f"/market/deals/{deal.id}").text) == "2026-07-01 14:30"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_zone_name_is_refused_by_field_and_changes_nothing(client, db, parties, lang):
    p = parties
    db.execute(update(Person).where(Person.id == p.buyer_p.id).values(time_zone="Asia/Tokyo"))
    sign_in(client, p.buyer_p.email)
    client.cookies.set("labline_lang", lang)
    r = _post(client, "/account/time-zone", {"time_zone": "Europe/Atlantis"})
    assert r.status_code == 422
    error = re.search(r'<div class="error" id="time_zone-error">([^<]*)</div>', r.text)
    assert error, r.text[-2000:]
    assert {"en": "IANA time zone", "zh": "时区名称"}[lang] in error.group(1)
    assert re.search(r'<input id="time_zone" name="time_zone" [^>]*value="Europe/Atlantis"', r.text)
    db.expire_all()
    assert db.get(Person, p.buyer_p.id).time_zone == "Asia/Tokyo"


def test_the_platform_setting_is_the_default_and_must_be_a_zone():
    assert Settings(time_zone="Europe/Berlin").time_zone == "Europe/Berlin"
    with pytest.raises(ValidationError, match="time_zone"):
        Settings(time_zone="Mars/Olympus")


def test_the_reader_zone_applies_to_the_localtime_filter_but_not_to_a_facility():
    from labline.web.render import environment

    env = environment()
    at = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    with clock.reading_in("Europe/Berlin"):
        shown = env.from_string("{{ at|localtime }} {{ at|localtime('Asia/Shanghai') }}")
        assert shown.render(at=at) == "2026-01-15 09:00 2026-01-15 16:00"
    assert env.from_string("{{ at|localtime }}").render(at=at) == "2026-01-15 16:00"


def test_the_api_sets_ones_own_zone_and_refuses_a_bad_one(client, db, parties):
    from tests.factories import bearer

    p = parties
    auth = bearer(db, p.buyer_p)
    url = f"/api/v1/people/{p.buyer_p.id}"
    bad = client.patch(url, json={"time_zone": "Europe/Atlantis"}, headers=auth)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "time_zone"
    ok = client.patch(url, json={"time_zone": "Europe/Berlin"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["time_zone"] == "Europe/Berlin"
    back = client.patch(url, json={"time_zone": None}, headers=auth)
    assert back.status_code == 200 and back.json()["time_zone"] is None
