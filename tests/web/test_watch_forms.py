"""A failed watch submission (market or documents) comes back as the form, with every value
kept and each error beside its field; nothing is saved. Issue 17: it used to replace the page
with an error page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from labline.core.models import Role
from labline.intel.watches.models import DocumentWatch
from labline.market.models import Watch
from tests.factories import make_org, make_person, sign_in


def _post(client, path, data):
    token = client.cookies.get("labline_csrf")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"{name} is not in the form"
    return found.group(1)


def test_a_failed_market_watch_keeps_the_form(client, db):
    scout = make_person(db, org=make_org(db, kind="enterprise"))
    sign_in(client, scout.email)
    bad = {
        "kind": "field",
        "record_kind": "need",
        "query": "钙钛矿",
        "field": "",
        "industry_code": "",
        "region_code": "440300",
        "min_readiness": "7",
    }
    r = _post(client, "/market/watches", bad)
    assert r.status_code == 422, r.text
    page = r.text
    assert 'data-testid="watch-form"' in page
    # Every value kept, select boxes too.
    assert _value(page, "query") == "钙钛矿"
    assert _value(page, "region_code") == "440300"
    assert _value(page, "min_readiness") == "7"
    assert '<option value="field" selected>' in page
    assert '<option value="need" selected>' in page
    # The error beside its field.
    assert 'id="industry_code-error"' in page
    r = _post(client, "/market/watches", {**bad, "industry_code": "3562", "min_readiness": "12"})
    assert r.status_code == 422
    assert 'id="min_readiness-error"' in r.text and _value(r.text, "industry_code") == "3562"
    assert db.scalar(select(func.count()).select_from(Watch)) == 0


def test_a_failed_market_watch_in_chinese(client, db):
    scout = make_person(db, org=make_org(db, kind="enterprise"))
    sign_in(client, scout.email)
    client.cookies.set("labline_lang", "zh")
    r = _post(client, "/market/watches", {"kind": "search", "query": " "})
    assert r.status_code == 422
    error = re.search(r'<div class="error" id="query-error">([^<]*)</div>', r.text)
    assert error and re.search(r"[\u4e00-\u9fff]", error.group(1)), r.text[-3000:]


def test_a_market_watch_shows_field_and_cross_field_errors_at_once(client, db):
    scout = make_person(db, org=make_org(db, kind="enterprise"))
    sign_in(client, scout.email)
    for lang in ("en", "zh"):
        client.cookies.set("labline_lang", lang)
        bad = {"kind": "field", "region_code": "44", "min_readiness": "12", "query": "钙钛矿"}
        r = _post(client, "/market/watches", bad)
        assert r.status_code == 422, r.text
        errors = dict(re.findall(r'<div class="error" id="([a-z_]+)-error">([^<]*)</div>', r.text))
        assert set(errors) == {"region_code", "min_readiness", "industry_code"}, errors
        if lang == "zh":
            assert all(re.search(r"[\u4e00-\u9fff]", m) for m in errors.values()), errors
        assert _value(r.text, "region_code") == "44" and _value(r.text, "query") == "钙钛矿"
    assert db.scalar(select(func.count()).select_from(Watch)) == 0


def test_a_failed_document_watch_keeps_the_form(client, db):
    analyst = make_person(db, roles=(Role.analyst,), org=make_org(db))
    sign_in(client, analyst.email)
    r = _post(
        client, "/intel/watches", {"query": "基础研究", "language": "zh", "source": "x" * 201}
    )
    assert r.status_code == 422, r.text
    assert _value(r.text, "query") == "基础研究"
    assert _value(r.text, "source") == "x" * 201
    assert '<option value="zh" lang="zh" selected>' in r.text
    assert 'id="source-error"' in r.text
    assert "<li>Source or issuer: " in r.text  # the error list names the field by its label
    assert db.scalar(select(func.count()).select_from(DocumentWatch)) == 0
    # A good one is saved and leads back to the page.
    r = _post(client, "/intel/watches", {"query": "基础研究", "language": "zh"})
    assert r.status_code == 303
