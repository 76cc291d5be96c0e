"""Directory search through the API, the page and the command: fresh, bilingual, explained."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from labline.cli import cli
from labline.core.models import Role, Team
from tests.factories import bearer, make_org, make_person


def test_new_records_are_searchable_at_once_in_both_languages(client, db):
    op = make_person(db, roles=(Role.platform_operator,))
    h = bearer(db, op)
    make_org(db, name_zh="苏州钙钛矿光电有限公司", name_en="Suzhou Perovskite Optoelectronics")
    assert client.get("/api/v1/search", params={"q": "钙钛矿"}).status_code == 200  # index built
    created = client.post(
        "/api/v1/organisations",
        headers=h,
        json={
            "name_zh": "合肥氢冶金研究院",
            "name_en": "Hefei Institute of Hydrogen Metallurgy",
            "kind": "research_institute",
            "region_code": "340100",
        },
    ).json()
    hits = client.get("/api/v1/search", params={"q": "hydrogen metallurgy"}).json()
    assert hits[0]["id"] == created["id"] and hits[0]["type"] == "organisation"
    assert "hydrogen" in hits[0]["matched_terms"] and hits[0]["lexical"] > 0
    # A Chinese query finds it too, and an edit is seen on the next search.
    assert client.get("/api/v1/search", params={"q": "氢冶金"}).json()[0]["id"] == created["id"]
    client.patch(
        f"/api/v1/organisations/{created['id']}",
        headers=h,
        json={"name_en": "Hefei Green Steel Lab"},
    )
    top = client.get("/api/v1/search", params={"q": "green steel lab"}).json()[0]
    assert top["name_en"] == "Hefei Green Steel Lab"


def test_teams_filters_and_bad_input(client, db):
    org = make_org(db, kind="university", name_zh="测试大学", name_en="Test University")
    db.add(
        Team(
            organisation_id=org.id,
            name_zh="固态电池课题组",
            name_en="Solid-state Battery Group",
            field_zh="固态电池",
            field_en="solid-state batteries",
        )
    )
    db.flush()
    hits = client.get("/api/v1/search", params={"q": "solid-state battery", "type": "team"}).json()
    assert hits and hits[0]["type"] == "team" and hits[0]["organisation_id"] == org.id
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "!!!"}).json() == []
    assert client.get("/api/v1/search", params={"q": "x", "type": "castle"}).status_code == 422


def test_search_page_explains_matches(client, db):
    make_org(db, name_zh="深圳固态锂电池有限公司", name_en="Shenzhen Solid Lithium Battery Co.")
    page = client.get("/search", params={"q": "lithium battery"})
    assert page.status_code == 200 and 'data-testid="search-hit"' in page.text
    assert "Shenzhen Solid Lithium Battery Co." in page.text and "matched" in page.text


def test_command_line_search(tmp_path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, [*base, "demo", "--size", "small"]).exit_code == 0
    out = runner.invoke(cli, [*base, "search", "钙钛矿叠层电池", "--json", "-k", "3"])
    assert out.exit_code == 0, out.output
    groups = {g["kind"]: g["found"] for g in json.loads(out.output)}
    hits = sorted(groups["organisation"] + groups.get("team", []), key=lambda h: -h["score"])[:3]
    assert len(hits) == 3 and all("钙钛矿" in h["title"] + h["detail"] for h in hits)
    assert groups["need"] and groups["achievement"]  # every kind: `labline search` is the box


def test_the_apps_live_encoder_is_a_setting(monkeypatch):
    from labline.config import Settings
    from labline.core.directory.service import live_encoder

    monkeypatch.delenv("LABLINE_SEARCH_ENCODER", raising=False)
    assert live_encoder().name == "use-multilingual-v3"  # the app's default
    monkeypatch.setenv("LABLINE_SEARCH_ENCODER", "use+e5")
    assert Settings().search_encoder == "use+e5"
    assert live_encoder().name == "use-multilingual-v3*0.2+multilingual-e5-small-q4*0.8"
    monkeypatch.setenv("LABLINE_SEARCH_ENCODER", "e5")
    with pytest.raises(ValueError, match="search_encoder"):
        Settings()
