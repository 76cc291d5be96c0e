"""Issue 17 on the cap table: in Shanghai's small hours the issuance form offered yesterday
(the UTC date) and the service refused the local today. Now the form offers its reader's
today, and an issuance is refused only on a day in the future everywhere on earth."""

from __future__ import annotations

import re

import time_machine

from labline.core.models import Role
from labline.market.captable import service
from labline.market.captable.models import CapIssuance
from tests import clock
from tests.factories import make_person, sign_in
from tests.market.captable.test_captable import package, w  # noqa: F401  (fixture)

# 00:30 in Shanghai on clock.TODAY (2026-12-01), i.e. 2026-11-30T16:30Z: 06:30 at UTC+14.
SMALL_HOURS = clock.at(0, 0, 30)


def test_the_issuance_form_offers_and_takes_the_readers_today(client, db, w):  # noqa: F811
    issuer = w["issuer"]
    service.import_ocf(db, actor=w["admin"], issuer_id=issuer.id, package=package())
    admin = make_person(db, org=issuer, org_role=Role.org_admin)
    sign_in(client, admin.email)
    client.get("/lang/en")
    url = f"/market/captables/{issuer.id}"
    before = db.query(CapIssuance).count()
    with time_machine.travel(SMALL_HOURS, tick=False):
        page = client.get(url).text
        found = re.search(r'<input id="issued_on" [^>]*value="([^"]*)"', page)
        assert found and found.group(1) == clock.day(0).isoformat()  # not UTC's 30 November
        form = {
            "legal_name": "Fund II",
            "stock_class_id": "pref",
            "quantity": "500000",
            "share_price": "2.5",
            "currency": "CNY",
            "csrf_token": client.cookies.get("labline_csrf"),
        }
        r = client.post(url, data={**form, "issued_on": clock.day(2).isoformat()})
        assert r.status_code == 422
        errors = re.search(r'data-testid="captable-errors">(.*?)</div>', r.text, re.S)
        assert errors and "after today" in errors.group(1), r.text
        assert db.query(CapIssuance).count() == before  # nothing issued
        r = client.post(
            url, data={**form, "issued_on": clock.day(0).isoformat()}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
    issued = service.cap_table(db, actor=w["admin"], issuer_id=issuer.id).issuances
    assert len(issued) == before + 1
    assert max(i.issued_on for i in issued) == clock.day(0)
