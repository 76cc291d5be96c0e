"""The new-need form: pickers instead of typed codes, and a failed submit that keeps every
value, check boxes included (an unchecked "submit now" must stay unchecked)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from labline.market.models import Mode, State, TechnologyNeed
from tests.factories import make_org, make_person, sign_in


def _form(client, org_id, **extra):
    return {
        "csrf_token": client.cookies.get("labline_csrf"),
        "kind": "need",
        "organisation_id": str(org_id),
        "title": "钙钛矿叠层组件封装",
        "summary": "perovskite tandem module encapsulation",
        "industry_code": "3825",
        **extra,
    }


def _checked(html: str, name: str, value: str | None = None) -> bool:
    pattern = rf'<input type="checkbox" name="{name}"' + (rf' value="{value}"' if value else "")
    tag = re.search(pattern + r"[^>]*>", html)
    assert tag, f"no check box {name}={value}"
    return "checked" in tag.group(0)


def test_the_form_offers_pickers_not_typed_codes(client, db):
    org = make_org(db)
    sign_in(client, make_person(db, org=org).email)
    page = client.get("/market/new?kind=need").text
    # every GB/T 4754 category, searchable by its name in both languages
    assert 'list="industry_code-choices"' in page
    option = re.search(r"<option value=\"3825\">3825 ([^<]*)</option>", page).group(1)
    assert "光伏" in option and "photovoltaic" in option.lower()
    assert 'type="date"' in page and 'name="deadline"' in page
    for mode in Mode:
        assert f'name="modes" value="{mode.value}"' in page
    assert _checked(page, "modes", "transfer") and not _checked(page, "modes", "equity")
    assert _checked(page, "submit_now")  # a fresh form submits for screening by default


def test_a_failed_submit_keeps_every_value_including_unticked_boxes(client, db):
    org = make_org(db)
    sign_in(client, make_person(db, org=org).email)
    client.get("/market/new?kind=need")
    before = db.scalar(select(func.count()).select_from(TechnologyNeed))
    form = _form(client, org.id, budget_min="9", budget_max="1", deadline="2030-01-15")
    form["modes"] = ["exclusive_licence", "joint_development"]  # two boxes ticked
    form["min_readiness"] = "6"
    # "submit_now" left unticked: a browser then posts nothing for it
    bad = client.post("/market/new", data=form)
    assert bad.status_code == 422 and "budget_max" in bad.text
    page = bad.text
    assert not _checked(page, "submit_now")
    assert _checked(page, "modes", "exclusive_licence")
    assert _checked(page, "modes", "joint_development")
    assert not _checked(page, "modes", "transfer")
    assert 'value="2030-01-15"' in page and 'value="3825"' in page
    assert "photovoltaic" in re.search(r'data-testid="industry_code-name">([^<]*)<', page).group(1)
    assert re.search(r'<option value="6" selected>', page)
    assert db.scalar(select(func.count()).select_from(TechnologyNeed)) == before

    form["budget_max"] = "900000"
    r = client.post("/market/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    need = db.get(TechnologyNeed, int(r.headers["location"].split("/")[-1].split("?")[0]))
    assert need.state == State.draft  # unticked: kept as a draft, not submitted
    assert need.modes == "exclusive_licence,joint_development"


def test_no_mode_ticked_is_an_error_on_the_field_not_a_silent_default(client, db):
    org = make_org(db)
    sign_in(client, make_person(db, org=org).email)
    client.get("/market/new?kind=need")
    bad = client.post("/market/new", data=_form(client, org.id, submit_now="on"))
    assert bad.status_code == 422
    assert re.search(r'id="modes-error"', bad.text)
    assert _checked(bad.text, "submit_now")
    assert not _checked(bad.text, "modes", "transfer")


def test_an_unknown_industry_is_refused_beside_its_picker(client, db):
    org = make_org(db)
    sign_in(client, make_person(db, org=org).email)
    client.get("/market/new?kind=need")
    bad = client.post(
        "/market/new", data=_form(client, org.id, industry_code="9999", modes="transfer")
    )
    assert bad.status_code == 422 and 'id="industry_code-error"' in bad.text
