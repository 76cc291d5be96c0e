"""What the form walk (tests/browser/test_walk_forms.py) found, one test each: a failed API
token, instrument closure or new person came back as an error page that lost the form; a
refusal by role was an English sentence on the Chinese page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from labline.core.models import ApiToken, Role
from labline.facilities.models import Closure
from tests.factories import make_instrument, make_org, make_person, sign_in


def _post(client, path, data):  # type: ignore[no-untyped-def]
    token = client.cookies.get("labline_csrf")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _error(page: str, name: str) -> str:
    found = re.search(rf'<div class="error" id="{re.escape(name)}-error">([^<]*)</div>', page)
    assert found, f"no error beside {name}"
    return found.group(1)


def test_a_bad_token_lifetime_keeps_the_account_form(client, db):
    person = make_person(db, org=make_org(db))
    sign_in(client, person.email)
    client.cookies.set("labline_lang", "zh")
    r = _post(client, "/account/tokens", {"name": "夜间同步", "expires_in_days": "0"})
    assert r.status_code == 422
    assert 'value="夜间同步"' in r.text and 'name="expires_in_days" type="number"' in r.text
    assert re.search(r"[\u4e00-\u9fff]", _error(r.text, "expires_in_days"))
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_closure_that_ends_before_it_starts_keeps_the_manage_form(client, db):
    instrument = make_instrument(db)
    manager = make_person(db, roles=(Role.facility_manager,), org=make_org(db))
    sign_in(client, manager.email)
    path = f"/facilities/instruments/{instrument.id}/manage/closures"
    bad = {"kind": "shutdown", "from": "2030-04-02", "to": "2030-03-01", "reason": "年度维护"}
    r = _post(client, path, bad)
    assert r.status_code == 422, r.text[-1500:]
    assert 'value="2030-04-02"' in r.text and 'value="年度维护"' in r.text
    assert '<option value="shutdown" selected>' in r.text
    assert _error(r.text, "to") and "<li>Last day: " in r.text
    assert db.scalar(select(func.count()).select_from(Closure)) == 0


def test_an_address_already_registered_keeps_the_person_form(client, db):
    operator = make_person(db, roles=(Role.platform_operator,), org=make_org(db))
    taken = make_person(db, org=make_org(db))
    sign_in(client, operator.email)
    r = _post(client, "/people/new", {"email": taken.email, "display_name": "重名者"})
    assert r.status_code == 409, r.text[-1500:]
    assert _error(r.text, "email") and 'value="重名者"' in r.text
    assert '<a href="#email">E-mail address</a>' in r.text  # the label, not the field's name


def test_a_refusal_by_role_is_in_the_readers_language(client, db):
    member = make_person(db, org=make_org(db))
    sign_in(client, member.email)
    client.cookies.set("labline_lang", "zh")
    r = client.get("/audit")
    assert r.status_code == 403
    assert "您的角色" in r.text and "do not allow" not in r.text
