"""Importing and exporting organisations through the API and the web page."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from labline.core.models import Organisation, Role
from tests.factories import bearer, make_org, make_person, sign_in

BAD = (
    "name_zh,name_en,kind,region_code,industry_code\n"
    "甲公司,Jia Co,enterprise,320500,3825\n"
    "乙公司,Yi Co,castle,320500,3825\n"
    ",,enterprise,999999,3825\n"
)


def test_api_import_reports_every_bad_row_and_imports_nothing(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    before = db.scalar(select(func.count()).select_from(Organisation))
    r = client.post(
        "/api/v1/organisations/import",
        headers=bearer(db, op),
        files={"file": ("orgs.csv", BAD.encode(), "text/csv")},
    )
    assert r.status_code == 422
    rows = r.json()["error"]["rejected_rows"]
    assert [row["row"] for row in rows] == [3, 4]
    assert {e["field"] for e in rows[1]["errors"]} >= {"region_code"}
    assert db.scalar(select(func.count()).select_from(Organisation)) == before


def test_api_import_refuses_unknown_format(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    r = client.post(
        "/api/v1/organisations/import",
        headers=bearer(db, op),
        files={"file": ("orgs.txt", b"hello", "text/plain")},
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "file"


def test_export_as_excel(client, db):
    make_org(db, name_en="Exported Ltd")
    analyst = make_person(db, roles=(Role.analyst,))
    r = client.get(
        "/api/v1/organisations/export", params={"format": "xlsx"}, headers=bearer(db, analyst)
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    names = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "Exported Ltd" in names


def test_web_import_lists_rejected_rows(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, op.email)
    r = client.post(
        "/organisations/import",
        files={"file": ("orgs.csv", BAD.encode(), "text/csv")},
        data={"csrf_token": client.cookies.get("labline_csrf")},
    )
    assert r.status_code == 422 and 'data-testid="rejected-rows"' in r.text
    assert "castle" in r.text or "kind" in r.text
