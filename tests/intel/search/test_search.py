"""Document search on a real database: bilingual, filtered inside retrieval, grouped into
documents with marked terms, and blind to collections the reader may not see."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput
from labline.intel.documents.models import Collection
from labline.intel.documents.readers import Parsed, _checked, paragraphs_of, sha256_of
from labline.intel.documents.service.ingest import store
from labline.intel.search import service
from tests.factories import make_org, make_person

CLI = command_line_actor("test")
DOCS = [
    (
        "public",
        "关于加强基础研究的意见",
        "示例市政府",
        "2026-03-12",
        "基础研究是原始创新的源头。\n到2028年基础研究经费占比提高到12%。",
    ),
    (
        "public",
        "Remarks on basic research",
        "Office of Science",
        "2026-04-02",
        "We will raise funding for basic research by 20 percent.\nInnovation needs patience.",
    ),
    (
        "public",
        "关于整治内卷式竞争的通知",
        "示例市发改委",
        "2026-05-20",
        "光伏行业低价无序竞争，利润率降至3%以下。\n严格控制新增低端产能。",
    ),
    ("private", "企业内部基础研究计划", "某企业", "2026-07-01", "企业基础研究投入增加到营收的2%。"),
]


@pytest.fixture()
def world(db):
    org = make_org(db)
    public = Collection(name="public")
    private = Collection(name="private", organisation_id=org.id)
    db.add_all([public, private])
    db.flush()
    colls = {"public": public, "private": private}
    ids = []
    for coll, title, source, day, text in DOCS:
        parsed = _checked(
            Parsed(
                title,
                paragraphs_of(text),
                "text",
                sha256_of(text.encode()),
                source=source,
                issued_on=date.fromisoformat(day),
            ),
            title,
        )
        ids.append(store(db, collection=colls[coll], parsed=parsed).document.id)
    outsider = actor_for(db, make_person(db, password=False).id)
    insider = actor_for(db, make_person(db, org=org, org_role=Role.member, password=False).id)
    return SimpleNamespace(ids=ids, outsider=outsider, insider=insider, holder=SimpleNamespace())


def titles(found):
    return [f.document.title for f in found]


def test_chinese_query_finds_both_languages_with_marked_terms(db, world):
    found = service.search(db, actor=CLI, holder=world.holder, query="基础研究")
    assert set(titles(found)) >= {"关于加强基础研究的意见", "Remarks on basic research"}
    zh = next(f for f in found if f.document.title == "关于加强基础研究的意见")
    snippet = zh.paragraphs[0]
    assert any(snippet.text[s:e] == "基础研究" for s, e in snippet.spans)


def test_english_query_finds_chinese(db, world):
    found = service.search(db, actor=CLI, holder=world.holder, query="basic research", limit=10)
    assert "关于加强基础研究的意见" in titles(found)
    en = next(f for f in found if f.document.language == "en")
    marked = {en.paragraphs[0].text[s:e].lower() for s, e in en.paragraphs[0].spans}
    assert {"basic", "research"} <= marked


def test_filters(db, world):
    s = lambda **kw: titles(service.search(db, actor=CLI, holder=world.holder, **kw))  # noqa: E731
    assert s(query="research", language="en") == ["Remarks on basic research"]
    assert s(query="基础研究", source="示例市政府") == ["关于加强基础研究的意见"]
    found = service.search(
        db,
        actor=CLI,
        holder=world.holder,
        query="基础研究",
        since=date(2026, 4, 1),
        until=date(2026, 6, 30),
    )
    assert "Remarks on basic research" in titles(found)
    assert all(date(2026, 4, 1) <= f.document.issued_on <= date(2026, 6, 30) for f in found)
    by_date = s(query="基础研究 research", sort="date")
    assert by_date == sorted(
        by_date, key=lambda t: next(d[3] for d in DOCS if d[1] == t), reverse=True
    )
    with pytest.raises(InvalidInput):
        service.search(
            db,
            actor=CLI,
            holder=world.holder,
            query="x",
            since=date(2026, 5, 1),
            until=date(2026, 1, 1),
        )


def test_private_collection_is_searched_only_by_its_organisation(db, world):
    outside = titles(
        service.search(db, actor=world.outsider, holder=world.holder, query="基础研究")
    )
    inside = titles(service.search(db, actor=world.insider, holder=world.holder, query="基础研究"))
    assert "企业内部基础研究计划" not in outside
    assert "企业内部基础研究计划" in inside


def test_new_documents_are_found_on_the_next_search(db, world):
    assert service.search(db, actor=CLI, holder=world.holder, query="钙钛矿") == []
    text = "支持钙钛矿光伏研究。"
    parsed = _checked(Parsed("钙钛矿", [text], "text", sha256_of(text.encode())), "t")
    coll = db.query(Collection).filter_by(name="public").one()
    store(db, collection=coll, parsed=parsed)
    assert titles(service.search(db, actor=CLI, holder=world.holder, query="钙钛矿")) == ["钙钛矿"]


def _add(db, title, text, coll="public"):
    parsed = _checked(Parsed(title, paragraphs_of(text), "text", sha256_of(text.encode())), title)
    collection = db.query(Collection).filter_by(name=coll).one()
    return store(db, collection=collection, parsed=parsed).document


def test_thermal_management_is_one_term_in_both_languages(db, world):
    """热管理 is a word of the term list: jieba no longer cuts it into 热|管理, so it is not
    found through 热管 (a heat pipe) or 管理 (management) alone, and the bridge carries it
    to an English document on thermal management."""
    zh_text = "新能源汽车动力电池热管理系统的液冷板设计。\n热管理决定电池寿命。"
    _add(db, "电池热管理技术进展", zh_text)
    _add(db, "Spacecraft thermal management", "Passive thermal management keeps the payload cool.")
    _add(db, "热管散热器", "热管是一种高效传热元件，用于散热器。")
    _add(db, "企业管理办法", "加强企业管理，完善管理制度。")
    found = service.search(db, actor=CLI, holder=world.holder, query="热管理", limit=10)
    assert set(titles(found)[:2]) == {"电池热管理技术进展", "Spacecraft thermal management"}
    zh = found[titles(found).index("电池热管理技术进展")]
    marked = {p.text[s:e] for p in zh.paragraphs for s, e in p.spans}
    assert "热管理" in marked
    en = found[titles(found).index("Spacecraft thermal management")]
    marked_en = {en.paragraphs[0].text[s:e].lower() for s, e in en.paragraphs[0].spans}
    assert {"thermal", "management"} <= marked_en
    # The English words find the Chinese document the other way round.
    back = titles(service.search(db, actor=CLI, holder=world.holder, query="thermal management"))
    assert "电池热管理技术进展" in back
