"""A region's page and two regions compared show a map of the provinces for one indicator of
the profile (the reader picks which), with the page's regions outlined; the map's key and its
"no data" come in the reader's language."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from labline.core.models import Role
from tests.factories import make_person, sign_in

DATA = Path(__file__).parent / "data" / "china_rd_2021_2023.csv"
SPEC = re.compile(r"data-map='([^']*)'")


def _spec(page: str) -> dict:
    found = SPEC.findall(page)
    assert len(found) == 1, "one map on the page"
    return dict(json.loads(html.unescape(found[0])))


@pytest.fixture()
def panel(client, db):
    analyst = make_person(db, roles=(Role.analyst,))
    sign_in(client, analyst.email)
    r = client.post(
        "/indicators/import",
        files={"file": (DATA.name, DATA.read_bytes(), "text/csv")},
        data={"csrf_token": client.cookies.get("labline_csrf")},
    )
    assert r.status_code == 201


def test_a_region_page_maps_an_indicator_with_the_region_outlined(client, panel):
    page = client.get("/indicators/regions/110000")
    assert page.status_code == 200 and 'data-testid="region-map"' in page.text
    spec = _spec(page.text)
    assert spec["marked"] == ["北京"]
    values = {v["name"]: v["value"] for v in spec["values"]}
    assert len(values) == 31 and "北京" in values  # every province, not only the page's one
    assert spec["labels"]["no_data"] == "no data"
    # Every outline named in the reader's language, for a province without a value too.
    assert spec["names"]["新疆"] == "Xinjiang" and spec["names"]["台湾"] == "Taiwan"
    assert '<select id="map" name="map">' in page.text  # the indicator on the map is chosen


def test_compare_outlines_both_regions_and_keeps_the_chosen_indicator(client, panel):
    client.cookies.set("labline_lang", "zh")
    page = client.get(
        "/indicators/regions/110000", params={"compare": "440000", "map": "v4_ztr_jf_RD"}
    )
    assert page.status_code == 200
    spec = _spec(page.text)
    assert spec["marked"] == ["北京", "广东"]
    assert spec["values"] and next(v for v in spec["values"] if v["name"] == "北京")["value"] > 0
    assert '<option value="v4_ztr_jf_RD" selected>' in page.text
    assert spec["labels"] == {
        "no_data": "无数据",
        "high": "高",
        "low": "低",
        "download": "下载 PNG",
    }
    # The compare form keeps the map's indicator, the map's form keeps the comparison.
    assert '<input type="hidden" name="map" value="v4_ztr_jf_RD">' in page.text
    assert '<input type="hidden" name="compare" value="440000">' in page.text


def test_an_unknown_indicator_for_the_map_falls_back_to_the_profile(client, panel):
    page = client.get("/indicators/regions/110000", params={"map": "no-such-indicator"})
    assert page.status_code == 200 and _spec(page.text)["values"]
