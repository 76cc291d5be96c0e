"""Indicator panels: import (API, web, service), bad rows refused, rankings and profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from labline.core.models import Role
from labline.indicators import regions
from labline.indicators.service import read, store
from tests.factories import bearer, make_person, sign_in

DATA = Path(__file__).parent / "data" / "china_rd_2021_2023.csv"


def test_region_names_as_statistics_tables_write_them():
    assert regions.resolve("北京") == "110000"
    assert regions.resolve("内蒙古") == "150000"
    assert regions.resolve("广西") == "450000"
    assert regions.resolve("新疆") == "650000"
    assert regions.resolve("全国") == "CN"
    assert regions.resolve("Guangdong") == "440000"
    assert regions.resolve("CHN") == "CHN"
    assert regions.resolve("Atlantis") is None


@pytest.fixture()
def analyst(db):
    return make_person(db, roles=(Role.analyst,))


def test_import_the_real_provincial_panel_and_rank_it(client, db, analyst):
    r = client.post(
        "/api/v1/indicators/import",
        headers=bearer(db, analyst),
        files={"file": (DATA.name, DATA.read_bytes(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["rows_stored"] == body["rows_read"] == 31 * 2 * 3 + 2 * 3
    assert body["years"] == [2021, 2023]
    ranking = client.get("/api/v1/indicators/v4_ztr_qd_RD/ranking").json()
    assert ranking["year"] == 2023
    top = [row["region_code"] for row in ranking["rows"][:2]]
    assert top == ["110000", "310000"]  # Beijing, then Shanghai, by R&D intensity
    national = next(row for row in ranking["rows"] if row["region_code"] == "CN")
    assert national["value"] == pytest.approx(2.65)  # China 2023, as the yearbook publishes it
    series = client.get(
        "/api/v1/indicators/v4_ztr_qd_RD/series", params={"region": ["北京"]}
    ).json()
    assert [p["year"] for p in series["series"]["110000"]] == [2021, 2022, 2023]


def test_reimport_replaces_values_not_duplicates(db, analyst):
    from labline.core.service.auth import actor_for

    actor = actor_for(db, analyst.id)
    rows = [{"indicator": "x", "region": "北京", "year": 2020, "value": 1.0, "unit": "%"}]
    store.store_rows(db, actor=actor, rows=rows, filename="a.csv")
    store.store_rows(db, actor=actor, rows=[{**rows[0], "value": 2.0}], filename="b.csv")
    assert read.series(db, indicator="x") == {"110000": [(2020, 2.0)]}


def test_bad_rows_are_all_named_and_nothing_is_stored(client, db, analyst):
    csv = (
        "indicator,region,year,value,unit\n"
        "x,北京,2020,1.0,%\n"
        "x,Atlantis,2020,1.0,%\n"
        "x,上海,20x0,1.0,%\n"
        "x,广东,2020,abc,%\n"
        "x,北京,2020,3.0,%\n"
        "x,天津,2020,1.0,‰\n"
    )
    r = client.post(
        "/api/v1/indicators/import",
        headers=bearer(db, analyst),
        files={"file": ("bad.csv", csv.encode(), "text/csv")},
    )
    assert r.status_code == 422
    rows = {
        row["row"]: {e["field"] for e in row["errors"]}
        for row in r.json()["error"]["rejected_rows"]
    }
    assert rows == {3: {"region"}, 4: {"year"}, 5: {"value"}, 6: {"year"}, 7: {"unit"}}
    assert client.get("/api/v1/indicators").json() == []


def test_only_analysts_and_operators_import(client, db):
    reviewer = make_person(db, roles=(Role.reviewer,))
    r = client.post(
        "/api/v1/indicators/import",
        headers=bearer(db, reviewer),
        files={"file": (DATA.name, DATA.read_bytes(), "text/csv")},
    )
    assert r.status_code == 403


def test_pages_show_charts_in_both_languages(client, db, analyst):
    sign_in(client, analyst.email)
    r = client.post(
        "/indicators/import",
        files={"file": (DATA.name, DATA.read_bytes(), "text/csv")},
        data={"csrf_token": client.cookies.get("labline_csrf")},
    )
    assert r.status_code == 201
    extra = (
        "indicator,region,year,value,unit\n"
        "patents,北京,2023,218,件/万人\npatents,广东,2023,41,件/万人\n"
    )
    r = client.post(
        "/indicators/import",
        files={"file": ("p.csv", extra.encode(), "text/csv")},
        data={"csrf_token": client.cookies.get("labline_csrf")},
    )
    assert r.status_code == 201
    page = client.get("/indicators/v4_ztr_qd_RD")
    assert (
        page.status_code == 200
        and page.text.count('class="chart-set"') == 2
        and "Beijing" in page.text
    )
    client.cookies.set("labline_lang", "zh")
    page = client.get("/indicators/regions/北京", params={"compare": "广东"})
    assert page.status_code == 200 and "北京市" in page.text and "广东省" in page.text
    assert page.text.count("<polygon") == 4 + 2 and "指标概况" in page.text  # rings + two regions
    assert client.get("/indicators/nothing").status_code == 404


def test_command_line_import_and_ranking(tmp_path):
    import json

    from click.testing import CliRunner

    from labline.cli import cli

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, [*base, "users", "create", "a@b.cn", "--name", "A"]).exit_code == 0
    done = runner.invoke(cli, [*base, "indicators", "store", str(DATA)])
    assert done.exit_code == 0 and "stored 192 values" in done.output
    out = runner.invoke(cli, [*base, "indicators", "ranking", "v4_ztr_qd_RD", "--json"])
    ranked = json.loads(out.output)
    assert ranked["year"] == 2023 and ranked["rows"][0][0] == "110000"
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,region,year,value\nx,Atlantis,2020,1\n", encoding="utf-8")
    refused = runner.invoke(cli, [*base, "indicators", "store", str(bad)])
    assert refused.exit_code == 2 and "row 2: region" in refused.output


def test_composite_index_with_rank_intervals(client, db, analyst):
    r = client.post(
        "/api/v1/indicators/import",
        headers=bearer(db, analyst),
        files={"file": (DATA.name, DATA.read_bytes(), "text/csv")},
    )
    assert r.status_code == 201
    params = {"indicator": ["v4_ztr_qd_RD", "v4_ztr_jf_RD"], "year": 2023, "draws": 200}
    index = client.get("/api/v1/indicators/index", params=params).json()
    assert len(index["rows"]) == 31 and abs(sum(index["weights"]) - 1) < 1e-9
    top = index["rows"][0]
    assert top["rank"] == 1 and top["rank_low"] <= 1 <= top["rank_high"]
    assert {index["rows"][0]["region_code"], index["rows"][1]["region_code"]} <= {
        "110000",
        "440000",
        "310000",
        "320000",
    }
    bad = client.get(
        "/api/v1/indicators/index", params={"indicator": ["v4_ztr_qd_RD", "nope"], "year": 2023}
    )
    assert bad.status_code == 422 and "nope" in bad.json()["error"]["message"]
    client.cookies.set("labline_lang", "zh")
    page = client.get("/indicators/index", params={"indicator": params["indicator"], "year": 2023})
    assert page.status_code == 200 and "排名区间" in page.text and "<svg" in page.text


def test_command_line_composite_index(tmp_path):
    import json

    from click.testing import CliRunner

    from labline.cli import cli

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, [*base, "indicators", "store", str(DATA)]).exit_code == 0
    out = runner.invoke(
        cli,
        [
            *base,
            "indicators",
            "stored-index",
            "--indicator",
            "v4_ztr_qd_RD",
            "--indicator",
            "v4_ztr_jf_RD",
            "--year",
            "2022",
            "--json",
            "--draws",
            "100",
        ],
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["rows"]
    assert len(rows) == 31 and rows[0]["rank"] == 1
