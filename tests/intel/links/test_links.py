"""Links from a document to the directory and the market, and from a need to documents, on a
real database through the other domains' public services."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotFound
from labline.intel.documents.models import Collection
from labline.intel.documents.readers import Parsed, _checked, paragraphs_of, sha256_of
from labline.intel.documents.service.ingest import store
from labline.intel.links import service
from labline.intel.links.service import name_confidence
from tests.factories import make_achievement, make_need, make_org, make_person, sign_in

CLI = command_line_actor("test")
POLICY = (
    "关于支持钙钛矿太阳能电池产业发展的若干措施\n"
    "支持清华大学、示例光伏科技有限公司联合开展钙钛矿叠层电池攻关。\n"
    "江苏省对钙钛矿组件中试线给予配套资金，到2027年量产效率达到26%。\n"
)


def _store(db, coll, title, text, day="2026-03-01"):
    parsed = _checked(
        Parsed(
            title,
            paragraphs_of(text),
            "text",
            sha256_of(text.encode()),
            source="示例省科技厅",
            issued_on=date.fromisoformat(day),
        ),
        title,
    )
    return store(db, collection=coll, parsed=parsed).document.id


@pytest.fixture()
def world(db):
    tsinghua = make_org(db, name_zh="清华大学", name_en="Tsinghua University", kind="university")
    firm = make_org(
        db, name_zh="示例光伏科技有限公司", name_en="Example PV Co.", region_code="320500"
    )
    for org in (tsinghua, firm):
        db.refresh(org)  # enums as the database returns them
    achievement = make_achievement(
        db, org=tsinghua, title="钙钛矿叠层电池封装技术", field="钙钛矿叠层电池", language="zh"
    )
    need = make_need(db, org=firm, title="钙钛矿组件湿热稳定性提升", field="钙钛矿太阳能电池")
    draft = make_need(db, org=firm, title="钙钛矿草稿需求", state="draft")
    public = Collection(name="policy")
    private = Collection(name="firm-only", organisation_id=firm.id)
    db.add_all([public, private])
    db.flush()
    doc = _store(db, public, "关于支持钙钛矿太阳能电池产业发展的若干措施", POLICY)
    old = _store(db, public, "钙钛矿电池旧文件", "钙钛矿电池研发早期支持。\n", "2020-01-01")
    secret = _store(db, private, "企业内部钙钛矿计划", "企业内部钙钛矿太阳能电池计划。\n")
    member = actor_for(db, make_person(db, password=False).id)
    return SimpleNamespace(
        doc=doc,
        old=old,
        secret=secret,
        achievement=achievement,
        need=need,
        draft=draft,
        tsinghua=tsinghua,
        firm=firm,
        member=member,
        holder=SimpleNamespace(),
    )


def test_name_confidence():
    assert name_confidence("清华大学", "清华大学", "Tsinghua University") == 1.0
    assert name_confidence("the Tsinghua University", "清华大学", "Tsinghua University") == 1.0
    assert 0.6 < name_confidence("中国科学院物理研究所", "中国科学院") < 0.9
    assert name_confidence("北京大学", "南京大学") < 0.5 < name_confidence("北京大学", "北京大学")
    # what sets two names apart decides: another city's bureau is another bureau
    assert name_confidence("示例市科学技术局", "成都市科学技术局") < 0.5
    assert name_confidence("Department of Energy", "Department of Education") < 0.5
    assert name_confidence("宁德时代新能源科技股份有限公司", "宁德时代新能源科技有限公司") > 0.8
    # the same body's name in another country is another body
    assert name_confidence("教育部", "美国教育部", "Department of Education") < 0.5
    # English names by their words: two centres share three, not the one that tells them apart
    assert name_confidence("Goddard Space Flight Center", "Marshall Space Flight Center") < 0.5
    assert name_confidence("State Department", "Department of State") >= 0.8
    assert name_confidence("NASA Johnson Space Center", "Johnson Space Center") > 0.8
    # "the Education and Homeland Security Departments" are read as two (engine.mentions)
    dhs = ("美国国土安全部", "Department of Homeland Security")
    assert name_confidence("Homeland Security Department", *dhs) >= 0.8
    assert name_confidence("Education Department", *dhs) < 0.5


def _record(title, field, summary=""):
    return SimpleNamespace(title=title, field=field, summary=summary)


def test_general_words_link_no_record():
    """The demo's template titles hold 优化 and "system": a policy's 优化服务 or a speech's
    financial system is no evidence (results/intel_links.json measured 0 of 43 before)."""
    edatool = _record("一种EDA工具的性能优化方法", "EDA工具")
    bms = _record(
        "Energy saving method for battery management systems", "battery management systems"
    )
    assert service.term_confidence("优化", edatool, 1.0, 1.0)[0] == 0.0
    assert service.term_confidence("system", bms, 1.0, 1.0)[0] == 0.0
    assert service.term_confidence("energy", bms, 1.0, 1.0)[0] == 0.0


def test_a_technical_term_links_by_the_records_field():
    cell = _record("一种钙钛矿叠层电池的寿命延长方法", "钙钛矿叠层电池")
    assert service.term_confidence("钙钛矿叠层电池", cell, 1.0, 1.0) == (0.9, "text")
    assert service.term_confidence("钙钛矿", cell, 1.0, 1.0) == (0.8, "text")  # a listed term
    thermal = _record("Lifetime extension method for thermal management", "thermal management")
    assert service.term_confidence("passive thermal management", thermal, 1.0, 1.0)[0] == 0.8
    # an unlisted fragment of the record's field, or the template's aspect, is not shown
    bms = _record("一种电池管理系统的成本降低方法", "电池管理系统")
    assert service.term_confidence("管理系统", bms, 1.0, 1.0)[0] < service.MIN_CONFIDENCE
    mab = _record("一种单克隆抗体的国产化替代方法", "单克隆抗体")
    assert service.term_confidence("国产化", mab, 1.0, 1.0)[0] < service.MIN_CONFIDENCE


def test_a_policy_on_perovskite_shows_what_is_on_offer(db, world):
    links = service.document_links(
        db, actor=world.member, holder=world.holder, document_id=world.doc
    )
    orgs = {m.text: m for m in links.organisations}
    assert orgs["清华大学"].links[0].id == str(world.tsinghua.id)
    assert orgs["清华大学"].links[0].confidence == 1.0
    assert orgs["清华大学"].paragraphs == [2]
    assert orgs["示例光伏科技有限公司"].links[0].id == str(world.firm.id)
    achievements = {r.id: r for r in links.achievements}
    needs = {r.id: r for r in links.needs}
    assert str(world.achievement.id) in achievements
    assert achievements[str(world.achievement.id)].basis == "text"
    assert achievements[str(world.achievement.id)].confidence >= 0.8
    assert "钙钛矿" in achievements[str(world.achievement.id)].via
    assert str(world.need.id) in needs
    assert str(world.draft.id) not in needs  # a draft is nobody's business
    terms = {m.text: m for m in links.terms}
    assert terms["钙钛矿"].paragraphs == [1, 2, 3]
    place = next(m for m in links.places if m.code == "320000")
    assert place.links[0].kind == "region" and place.links[0].confidence == 1.0
    # every link's confidence is shown and bounded
    for r in [*links.achievements, *links.needs, *(x for m in links.terms for x in m.links)]:
        assert 0 < r.confidence <= 1


def test_links_respect_the_document_collection(db, world):
    with pytest.raises(NotFound):
        service.document_links(
            db, actor=world.member, holder=world.holder, document_id=world.secret
        )


def test_documents_about_a_need_newest_first(db, world):
    record, about = service.documents_about_record(
        db, actor=world.member, holder=world.holder, kind="need", record_id=world.need.id
    )
    assert record.id == world.need.id
    ids = [d.id for d in about.documents]
    assert ids[:2] == [world.doc, world.old]
    assert world.secret not in ids
    with pytest.raises(NotFound):
        service.documents_about_record(
            db, actor=world.member, holder=world.holder, kind="need", record_id=world.draft.id
        )
    with pytest.raises(InvalidInput):
        service.documents_about(db, actor=world.member, holder=world.holder, term="  ")


def test_need_page_shows_recent_documents_through_the_panel(db, client, world):
    person = make_person(db, org=world.firm, org_role=Role.member)
    sign_in(client, person.email)
    page = client.get(f"/market/needs/{world.need.id}")
    assert page.status_code == 200
    assert 'data-testid="intel-panel"' in page.text
    assert "关于支持钙钛矿太阳能电池产业发展的若干措施" in page.text
    assert "企业内部钙钛矿计划" in page.text  # the firm's own private collection
    client.post("/logout")


def test_need_page_for_the_anonymous_has_no_panel(client, world):
    page = client.get(f"/market/needs/{world.need.id}")
    assert page.status_code == 200
    assert "intel-panel" not in page.text


def test_links_page_and_api(db, client, world):
    person = make_person(db)
    sign_in(client, person.email)
    page = client.get(f"/intel/documents/{world.doc}/links")
    assert page.status_code == 200
    assert "钙钛矿叠层电池封装技术" in page.text and "100%" in page.text
    data = client.get(f"/api/v1/intel/documents/{world.doc}/links").json()
    assert {"organisations", "places", "terms", "achievements", "needs"} <= set(data)
    about = client.get("/api/v1/intel/about", params={"term": "钙钛矿"}).json()
    assert about["documents"][0]["id"] == world.doc
    bad = client.get("/api/v1/intel/about", params={"term": ""})
    assert bad.status_code == 422
    page = client.get(f"/intel/about/need/{world.need.id}")
    assert page.status_code == 200 and "钙钛矿电池旧文件" in page.text
    assert client.get(f"/intel/about/nonsense/{world.need.id}").status_code == 422
