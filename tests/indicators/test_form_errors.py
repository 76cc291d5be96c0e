"""Errors that used to replace the page (and lose the form) are messages on the form: a
composite index whose regions lack some indicators, a growth table lacking columns."""

from __future__ import annotations

import re

from labline.core.models import Role
from labline.indicators.models import IndicatorObservation
from tests.factories import make_person, sign_in


def test_a_composite_index_short_of_values_says_so_on_its_form(client, db):
    for region, code, value in (
        ("110000", "rd_intensity", 6.5),
        ("110000", "patents_per_10k", 200.0),
        ("440000", "rd_intensity", 3.6),  # no patents figure for Guangdong
    ):
        db.add(
            IndicatorObservation(indicator_code=code, region_code=region, year=2023, value=value)
        )
    db.flush()
    sign_in(client, make_person(db, roles=(Role.analyst,)).email)
    r = client.get(
        "/indicators/index",
        params={"indicator": ["rd_intensity", "patents_per_10k"], "year": 2023},
    )
    assert r.status_code == 422
    alert = re.search(r'data-testid="form-error">(.*?)</div>', r.text, re.S).group(1)
    assert "Guangdong" in alert and "50%" in alert and "Choose other indicators" in alert
    assert "'index'" not in alert and "440000" not in alert  # no internal names or codes
    # the form is there, with the choice kept
    assert re.search(r'<option value="patents_per_10k" selected>', r.text)
    assert 'name="year"' in r.text and 'value="2023"' in r.text

    client.cookies.set("labline_lang", "zh")
    r = client.get(
        "/indicators/index",
        params={"indicator": ["rd_intensity", "patents_per_10k"], "year": 2023},
    )
    assert "广东" in re.search(r'data-testid="form-error">(.*?)</div>', r.text, re.S).group(1)


def test_a_growth_table_lacking_columns_says_so_on_its_form(client, db):
    sign_in(client, make_person(db).email)
    client.get("/indicators/growth")
    r = client.post(
        "/indicators/growth",
        files={"file": ("short.csv", b"country,year,rgdpna\nChina,2019,1\n", "text/csv")},
        data={
            "csrf_token": client.cookies.get("labline_csrf") or "",
            "first_year": "2005",
            "countries": "China Germany",
        },
    )
    assert r.status_code == 422
    alert = re.search(r'data-testid="form-error">(.*?)</div>', r.text, re.S).group(1)
    # The column names are written as code (neither language's words).
    assert "lacks the columns rkna, emp, hc, labsh" in re.sub(r"</?code>", "", alert)
    assert "<code>rkna</code>" in alert
    assert 'id="file-error"' in r.text  # beside the file box too
    assert "[" not in alert  # not a Python list
    assert 'name="file"' in r.text  # the form, to choose the file again
    assert 'value="China Germany"' in r.text and 'value="2005"' in r.text
