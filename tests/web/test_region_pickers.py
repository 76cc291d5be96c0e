"""Wherever a region is entered (an organisation, the directory and market filters, market
figures, a watch, the indicators' comparison), it is picked from China's GB/T 2260
divisions, searchable by code or by name in either language: never a bare code box."""

from __future__ import annotations

import re

import pytest

from labline.core.models import Role
from labline.indicators.models import IndicatorObservation
from tests.factories import make_org, make_person, sign_in


def _region_option(page: str, name: str, code: str) -> str:
    assert f'list="{name}-choices"' in page, f"{name} is not a picker"
    found = re.search(
        rf'<datalist id="{name}-choices">.*?<option value="{code}">([^<]*)</option>', page, re.S
    )
    assert found, f"{code} is not offered for {name}"
    return found.group(1)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/organisations/new", "region_code"),
        ("/organisations", "region_code"),
        ("/market", "region"),
        ("/market/figures", "region"),
        ("/market/watches", "region_code"),
    ],
)
def test_regions_are_picked_by_name_in_both_languages(client, db, path, name):
    operator = make_person(db, roles=(Role.platform_operator, Role.analyst), org=make_org(db))
    sign_in(client, operator.email)
    r = client.get(path)
    assert r.status_code == 200, r.text
    # A prefecture is named with its province, in Chinese and in English.
    shenzhen = _region_option(r.text, name, "440300")
    assert "深圳市" in shenzhen and "Shenzhen" in shenzhen and "广东" in shenzhen
    assert "Guangdong" in _region_option(r.text, name, "440000")
    # A whole picker: every province and prefecture, not a typed code.
    assert r.text.count('<option value="') >= 300


def test_organisation_edit_keeps_the_picked_region(client, db):
    org = make_org(db, region_code="320500")  # 苏州市
    admin = make_person(db, org=org, org_role=Role.org_admin)
    sign_in(client, admin.email)
    page = client.get(f"/organisations/{org.id}/edit").text
    assert re.search(
        r'<input id="region_code" name="region_code" list="region_code-choices" '
        r'value="320500"',
        page,
    )
    assert "苏州" in _region_option(page, "region_code", "320500")
    assert 'value="None"' not in page


def test_indicators_compare_offers_the_regions_with_figures(client, db):
    for region, value in (("110000", 6.5), ("440000", 3.6), ("DE", 3.1)):
        db.add(
            IndicatorObservation(
                indicator_code="rd_intensity", region_code=region, year=2023, value=value
            )
        )
    db.flush()
    analyst = make_person(db, roles=(Role.analyst,))
    sign_in(client, analyst.email)
    page = client.get("/indicators/regions/110000").text
    assert "广东" in _region_option(page, "compare", "440000")
    assert "Germany" in _region_option(page, "compare", "DE")
    # the region shown is not offered as its own comparison
    assert '<option value="110000">' not in page
    r = client.get("/indicators/regions/110000?compare=440000")
    assert r.status_code == 200
