"""Import and export of needs and achievements; the web path and the command line."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from sqlalchemy import func, select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import ImportRejected
from labline.market.models import Achievement, State, TechnologyNeed
from labline.market.service import transfer
from tests.factories import bearer, make_achievement, make_org, make_person, sign_in

HEADER = "organisation_id,title,summary,industry_code,budget_min,budget_max,modes,min_readiness\n"


def test_a_csv_with_broken_rows_imports_nothing_and_reports_every_row(db, tmp_path):
    org = make_org(db)
    member = actor_for(db, make_person(db, org=org).id)
    path = tmp_path / "needs.csv"
    path.write_text(
        HEADER
        + f"{org.id},钠离子电池正极材料,寻求层状氧化物正极,3841,100000,300000,transfer,4\n"
        + f"{org.id},Bad budget need,x,3841,900000,100,transfer,4\n"
        + f"{org.id},Bad industry need,x,0000,1,2,transfer,4\n"
        + f"{org.id},Too ready need,x,3841,1,2,transfer,12\n"
        + "999999,Unknown organisation,x,3841,1,2,transfer,4\n"
        + f"{org.id},Extra cells,x,3841,1,2,transfer,4,surplus\n",
        encoding="utf-8",
    )
    try:
        transfer.import_records(db, actor=member, kind="need", source=path)
    except ImportRejected as exc:
        report = {r.row: {e.field for e in r.errors} for r in exc.rows}
    else:
        raise AssertionError("the import should have been rejected")
    assert report == {
        3: {"budget_max"},
        4: {"industry_code"},
        5: {"min_readiness"},
        6: {"organisation_id"},
        7: {"row"},
    }
    assert db.scalar(select(func.count()).select_from(TechnologyNeed)) == 0


def test_import_then_export_round_trip_without_details(db, tmp_path):
    university = make_org(db, kind="university")
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    rows = [
        {
            "organisation_id": university.id,
            "kind": "invention_patent",
            "title": "固态电解质界面修饰",
            "summary": "硫化物固态电池界面",
            "details": "DETAIL-SECRET",
            "industry_code": "3841",
            "readiness": 5,
            "modes": "transfer,nonexclusive_licence",
            "inventors": "INVENTOR-SECRET",
        }
    ]
    source = tmp_path / "a.json"
    source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    ids = transfer.import_records(
        db, actor=operator, kind="achievement", source=source, publish=True
    )
    made = db.get(Achievement, ids[0])
    assert made.state == State.published and made.details == "DETAIL-SECRET"
    for suffix in ("csv", "json", "xlsx"):
        target = tmp_path / f"out.{suffix}"
        assert transfer.export_records(db, actor=operator, kind="achievement", target=target) == 1
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "固态电解质界面修饰" in text
    assert "SECRET" not in text and "SECRET" not in (tmp_path / "out.json").read_text()


def test_publishing_on_import_is_for_operators(client, db):
    org = make_org(db)
    person = make_person(db, org=org)
    csv = HEADER + f"{org.id},Need imported over the API,x,3841,1,2,transfer,4\n"
    files = {"file": ("n.csv", csv.encode(), "text/csv")}
    r = client.post(
        "/api/v1/market/needs/import?publish=true", files=files, headers=bearer(db, person)
    )
    assert r.status_code == 403
    r = client.post("/api/v1/market/needs/import", files=files, headers=bearer(db, person))
    assert r.status_code == 201 and r.json()["imported"] == 1
    assert db.get(TechnologyNeed, r.json()["ids"][0]).state == State.draft


def test_web_path_post_a_need_get_suggestions_open_a_deal_sign_and_see_figures(client, db):
    enterprise = make_org(db)
    owner = make_person(db, org=enterprise)
    university = make_org(db, kind="university", region_code="320500")
    researcher = make_person(db, org=university)
    achievement = make_achievement(db, org=university)
    operator = make_person(db, roles=(Role.platform_operator,))

    sign_in(client, owner.email)
    page = client.get("/market/new?kind=need")
    assert page.status_code == 200
    token = client.cookies.get("labline_csrf")
    form = {
        "csrf_token": token,
        "kind": "need",
        "organisation_id": str(enterprise.id),
        "title": "钙钛矿叠层组件封装",
        "summary": "perovskite tandem module encapsulation damp heat",
        "industry_code": "3825",
        "budget_min": "9",
        "budget_max": "1",
        "modes": "exclusive_licence",
        "submit_now": "on",
    }
    bad = client.post("/market/new", data=form)
    assert bad.status_code == 422 and "budget_max" in bad.text
    form["budget_max"] = "900000"
    r = client.post("/market/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    need_id = int(re.search(r"/market/needs/(\d+)", r.headers["location"]).group(1))
    assert db.get(TechnologyNeed, need_id).state == State.screening

    client.cookies.clear()
    sign_in(client, operator.email)
    r = client.post(
        f"/market/needs/{need_id}",
        data={"csrf_token": client.cookies.get("labline_csrf"), "action": "publish"},
        follow_redirects=False,
    )
    assert r.status_code == 303

    client.cookies.clear()
    sign_in(client, owner.email)
    page = client.get(f"/market/needs/{need_id}")
    assert f"/market/achievements/{achievement.id}" in page.text  # suggested
    assert "offers exclusive licence" in page.text
    # "Useful" says it was recorded, on the suggestion itself
    r = client.post(
        f"/market/needs/{need_id}",
        data={
            "csrf_token": client.cookies.get("labline_csrf"),
            "action": "feedback",
            "judgement": "accept",
            "other_id": str(achievement.id),
            "rank": "1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and f"note=judged-accept-{achievement.id}" in r.headers["location"]
    judged = client.get(r.headers["location"]).text
    row = re.search(rf'<tr id="s-{achievement.id}">.*?</tr>', judged, re.S).group(0)
    assert 'data-testid="judged"' in row and "Recorded as useful" in row
    r = client.post(
        f"/market/needs/{need_id}",
        data={
            "csrf_token": client.cookies.get("labline_csrf"),
            "action": "open-deal",
            "other_id": str(achievement.id),
        },
        follow_redirects=False,
    )
    deal_url = r.headers["location"].split("?")[0]
    assert r.status_code == 303 and deal_url.startswith("/market/deals/")
    r = client.post(
        deal_url, data={"csrf_token": client.cookies.get("labline_csrf"), "action": "introduce"}
    )
    assert r.status_code == 403  # the side that showed interest does not introduce

    client.cookies.clear()
    sign_in(client, researcher.email)
    csrf = client.cookies.get("labline_csrf")
    for action in ("introduce", "accept_nda"):
        r = client.post(deal_url, data={"csrf_token": csrf, "action": action})
        assert r.status_code == 200, r.text  # followed to the deal page
    client.cookies.clear()
    sign_in(client, owner.email)
    client.post(
        deal_url, data={"csrf_token": client.cookies.get("labline_csrf"), "action": "accept_nda"}
    )
    client.cookies.clear()
    sign_in(client, researcher.email)
    csrf = client.cookies.get("labline_csrf")
    r = client.post(deal_url, data={"csrf_token": csrf, "action": "negotiate"})
    assert r.status_code == 200 and 'data-testid="contract-form"' in r.text
    bad = client.post(
        deal_url,
        data={
            "csrf_token": csrf,
            "action": "contract",
            "kind": "licence",
            "amount": "-1",
            "currency": "CNY",
            "signed_on": "2026-03-01",
            "registration_no": "2026320500000001",
        },
    )
    assert bad.status_code == 422 and "cannot be negative" in bad.text
    ok = client.post(
        deal_url,
        data={
            "csrf_token": csrf,
            "action": "contract",
            "kind": "licence",
            "amount": "800000",
            "currency": "CNY",
            "signed_on": "2026-03-01",
            "registration_no": "2026320500000001",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "2026320500000001" in client.get(deal_url).text
    figures = client.get("/market/figures?year=2026")
    assert figures.status_code == 200 and "800,000" in figures.text


def test_command_line_report_import_and_suggest(tmp_path):
    from labline.cli import cli

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path), "--database-url", f"sqlite:///{tmp_path / 'c.db'}"]
    from labline.core import database
    from labline.core.models import Organisation
    from labline.db import make_engine, make_sessionmaker, transaction

    eng = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    database.upgrade(eng)
    with transaction(make_sessionmaker(eng)) as s:
        ent = Organisation(name_zh="企业", name_en="Firm", kind="enterprise", region_code="440300")
        uni = Organisation(name_zh="大学", name_en="Uni", kind="university", region_code="320500")
        s.add_all([ent, uni])
        s.flush()
        ent_id, uni_id = ent.id, uni.id
    eng.dispose()
    needs = tmp_path / "needs.csv"
    needs.write_text(
        "organisation_id,title,summary,industry_code,modes\n"
        f"{ent_id},单克隆抗体纯化工艺,提高抗体纯化收率,27,exclusive_licence\n",
        encoding="utf-8",
    )
    achievements = tmp_path / "achievements.json"
    achievements.write_text(
        json.dumps(
            [
                {
                    "organisation_id": uni_id,
                    "kind": "know_how",
                    "title": "Monoclonal antibody purification process",
                    "summary": "antibody purification with higher yield",
                    "industry_code": "27",
                    "readiness": 6,
                    "modes": "exclusive_licence",
                }
            ]
        ),
        encoding="utf-8",
    )
    r = runner.invoke(cli, [*base, "market", "import", "need", str(needs), "--publish"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli, [*base, "market", "import", "achievement", str(achievements), "--publish"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, [*base, "market", "suggest", "need", "1", "--json"])
    assert r.exit_code == 0, r.output
    found = json.loads(r.stdout)
    assert found[0]["title"] == "Monoclonal antibody purification process"
    assert "offers exclusive licence" in found[0]["explanation"]
    r = runner.invoke(
        cli, [*base, "market", "report", "--start", "2026-01-01", "--end", "2027-01-01"]
    )
    assert r.exit_code == 0 and "contracts" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation_id,title,industry_code\n1,ok?,27\n", encoding="utf-8")
    r = runner.invoke(cli, [*base, "market", "import", "need", str(bad)])
    assert r.exit_code == 2 and "title" in r.output
