"""Growth accounting from the web and the API on a real Penn World Table extract: TFP
reproduces PWT's rtfpna, contributions add up to output growth, bad tables are named."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.factories import make_person, sign_in

EXTRACT = Path(__file__).parent.parent / "data" / "pwt1001_extract.csv"


def _pwt() -> dict[tuple[str, int], float]:
    with EXTRACT.open() as fh:
        return {
            (r["country"], int(r["year"])): float(r["rtfpna"])
            for r in csv.DictReader(fh)
            if r["rtfpna"]
        }


def test_api_reproduces_pwt_and_adds_up(client, db):
    from tests.factories import bearer

    h = bearer(db, make_person(db))
    files = {"file": ("pwt.csv", EXTRACT.read_bytes(), "text/csv")}
    r = client.post("/api/v1/indicators/growth", headers=h, files=files)
    assert r.status_code == 200, r.text
    rows = r.json()
    published = _pwt()
    checked = 0
    for row in rows:
        key = (row["country"], row["year"])
        if key in published:
            assert abs(row["tfp"] - published[key]) < 1e-6, key
            checked += 1
        if row["dln_output"] is not None:
            parts = row["capital"] + row["labour"] + row["human_capital"] + row["dln_tfp"]
            assert abs(parts - row["dln_output"]) < 1e-12
    assert checked >= 50
    x = client.post("/api/v1/indicators/growth?format=xlsx", headers=h, files=files)
    assert x.headers["content-type"].startswith("application/vnd.openxmlformats")
    # Anonymous callers are turned away; a table without the inputs is named.
    assert client.post("/api/v1/indicators/growth", files=files).status_code == 401
    bad = {"file": ("bad.csv", b"country,year,rgdpna\nX,2000,1\n", "text/csv")}
    r = client.post("/api/v1/indicators/growth", headers=h, files=bad)
    assert r.status_code == 422
    assert "rkna" in r.json()["error"]["message"]
    gap = "\n".join(
        line for line in EXTRACT.read_text().splitlines() if not line.startswith("DEU,Germany,2005")
    )
    r = client.post(
        "/api/v1/indicators/growth",
        headers=h,
        files={"file": ("gap.csv", gap.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "2004" in r.json()["error"]["message"]


def test_page_draws_sources_of_growth(client, db):
    person = make_person(db)
    sign_in(client, person.email)
    page = client.get("/indicators/growth")
    assert page.status_code == 200
    r = client.post(
        "/indicators/growth",
        files={"file": ("pwt.csv", EXTRACT.read_bytes(), "text/csv")},
        data={
            "csrf_token": client.cookies.get("labline_csrf") or "",
            "first_year": "2005",
            "last_year": "2019",
        },
    )
    assert r.status_code == 200, r.text[:500]
    assert r.text.count("<svg") >= 2
    assert "2005–2019" in r.text and "Germany" in r.text


def test_api_lends_us_hours_to_years_without_hours(client, db):
    """Jamaica's hours stop in 2002: PWT's rtfpna (2017 = 1) moves its later hours with the
    United States' (held constant, its levels were off by up to 0.017)."""
    from tests.factories import bearer

    table = EXTRACT.with_name("pwt1001_jamaica.csv")
    with table.open() as fh:
        published = {(r["country"], int(r["year"])): float(r["rtfpna"]) for r in csv.DictReader(fh)}
    files = {"file": ("pwt.csv", table.read_bytes(), "text/csv")}
    r = client.post("/api/v1/indicators/growth", headers=bearer(db, make_person(db)), files=files)
    assert r.status_code == 200, r.text
    jamaica = [row for row in r.json() if row["country"] == "Jamaica"]
    assert len(jamaica) == 25
    for row in jamaica:
        assert abs(row["tfp"] - published[("Jamaica", row["year"])]) < 1e-6, row["year"]
