"""Downloads of stored panels, composite indices and live figures: CSV (with a BOM, so
Excel reads Chinese), Excel and JSON, with region names in both languages."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.indicators.service import store
from tests.factories import make_person
from tests.indicators.test_live import use_of_a_facility


def _panel(db):
    analyst = actor_for(db, make_person(db, roles=(Role.analyst,)).id)
    rows = [
        {"indicator": code, "region": region, "year": 2021, "value": value, "unit": "%"}
        for code, scale in (("exp_a", 1.0), ("exp_b", 2.0))
        for region, value in (("110000", 1.0 * scale), ("310000", 3.0 * scale), ("440000", 2.0))
    ]
    store.store_rows(db, actor=analyst, rows=rows, filename="e.csv")


def test_indicator_panel_as_csv_and_excel(client, db):
    _panel(db)
    r = client.get("/api/v1/indicators/exp_a/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="exp_a.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["region_code"], x["region_zh"], float(x["value"])) for x in rows] == [
        ("110000", "北京市", 1.0),
        ("310000", "上海市", 3.0),
        ("440000", "广东省", 2.0),
    ]
    x = client.get("/api/v1/indicators/exp_a/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(x.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("indicator_code", "region_code", "region_zh", "region_en")
    assert table[2][3] == "Shanghai" and len(table) == 4
    assert client.get("/api/v1/indicators/nope/export").status_code == 404
    assert client.get("/api/v1/indicators/exp_a/export?format=pdf").status_code == 422


def test_index_and_live_downloads(client, db):
    _panel(db)
    r = client.get(
        "/api/v1/indicators/index/export",
        params={"indicator": ["exp_a", "exp_b"], "year": 2021, "format": "json"},
    )
    assert r.status_code == 200
    ranked = r.json()
    assert ranked[0]["region_code"] == "310000"  # best on both
    assert {row["rank"] for row in ranked} == {1, 2, 3}
    use_of_a_facility(db, year=2025)
    live = client.get("/api/v1/indicators/live/export", params={"year": 2025, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(live.content.decode("utf-8-sig"))))
    hours = {
        x["region_en"]: float(x["value"])
        for x in rows
        if x["indicator"] == "facility_service_hours"
    }
    assert hours == {"Guangdong": 10.0, "Beijing": 4.0}
