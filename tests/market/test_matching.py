"""Two-sided matching through labline.search: cross-lingual, filtered, explained, judged."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import NotPermitted
from labline.market.schemas import FeedbackCreate, Transition
from labline.market.service import market_index, matching, records
from tests.factories import make_achievement, make_need, make_org, make_person


@pytest.fixture()
def market(db):
    enterprise = make_org(db, region_code="440300")
    university = make_org(db, kind="university", region_code="320500")
    institute = make_org(db, kind="research_institute", region_code="110108")
    need = make_need(
        db,
        org=enterprise,
        title="单克隆抗体纯化工艺",
        summary="寻求单克隆抗体下游纯化工艺，提高收率，降低宿主蛋白残留",
        field="抗体 纯化",
        industry_code="27",
        modes="exclusive_licence,joint_development",
        min_readiness=5,
        language="zh",
    )
    antibody = make_achievement(
        db,
        org=university,
        title="Continuous chromatography purification of monoclonal antibodies",
        summary="A purification process for antibody manufacturing with higher yield",
        field="antibody purification",
        industry_code="27",
        readiness=6,
        modes="exclusive_licence,nonexclusive_licence",
    )
    early = make_achievement(
        db,
        org=institute,
        title="Antibody purification with a new affinity resin",
        summary="Early laboratory results on antibody purification resins",
        field="antibody purification",
        industry_code="27",
        readiness=3,
        modes="transfer",
    )
    solar = make_achievement(db, org=university)  # perovskite: unrelated
    draft = make_achievement(
        db,
        org=university,
        title="Monoclonal antibody purification draft",
        state="draft",
        industry_code="27",
        published_at=None,
    )
    owner = make_person(db, org=enterprise)
    researcher = make_person(db, org=university)
    return SimpleNamespace(
        need=need,
        antibody=antibody,
        early=early,
        solar=solar,
        draft=draft,
        owner=actor_for(db, owner.id),
        researcher=actor_for(db, researcher.id),
        stranger=actor_for(db, make_person(db, org=make_org(db)).id),
        analyst=actor_for(db, make_person(db, roles=(Role.analyst,)).id),
        holder=SimpleNamespace(),
    )


def test_a_chinese_need_finds_english_achievements_explained(db, market):
    found = matching.suggest_for_need(
        db, actor=market.owner, holder=market.holder, need_id=market.need.id
    )
    ids = [s.id for s in found]
    assert ids[0] == market.antibody.id, [(s.title, s.score) for s in found]
    assert market.early.id in ids
    assert market.draft.id not in ids  # only published records are suggested
    top = found[0]
    assert "readiness 6 meets required 5+" in top.explanation
    assert "offers exclusive licence" in top.explanation
    early = next(s for s in found if s.id == market.early.id)
    assert "below the required 5+" in early.explanation
    assert "no wanted cooperation mode offered" in early.explanation


def test_filters_work_inside_retrieval(db, market):
    found = matching.suggest_for_need(
        db,
        actor=market.owner,
        holder=market.holder,
        need_id=market.need.id,
        min_readiness=5,
        region_code="320000",
    )
    assert [s.id for s in found if s.id in (market.antibody.id, market.early.id)] == [
        market.antibody.id
    ]
    assert all(s.region_code.startswith("32") for s in found)
    assert all(s.readiness >= 5 for s in found)


def test_an_achievement_finds_the_needs_it_could_meet(db, market):
    found = matching.suggest_for_achievement(
        db, actor=market.researcher, holder=market.holder, achievement_id=market.antibody.id
    )
    assert [s.id for s in found][:1] == [market.need.id]
    assert found[0].kind == "need"
    # A need that requires readiness 5+ is not pushed to a readiness-3 result.
    institute_member = make_person(db, org=market.early.organisation)
    early = matching.suggest_for_achievement(
        db,
        actor=actor_for(db, institute_member.id),
        holder=market.holder,
        achievement_id=market.early.id,
    )
    assert market.need.id not in [s.id for s in early]


def test_suggestions_are_for_the_records_owner_only(db, market):
    with pytest.raises(NotPermitted):
        matching.suggest_for_need(
            db, actor=market.stranger, holder=market.holder, need_id=market.need.id
        )


def test_newly_published_and_closed_records_update_the_index(db, market):
    found = matching.suggest_for_need(
        db, actor=market.owner, holder=market.holder, need_id=market.need.id
    )
    assert market.draft.id not in [s.id for s in found]
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    for action in ("submit", "publish"):
        records.transition(
            db,
            actor=operator,
            kind="achievement",
            record_id=market.draft.id,
            data=Transition(action=action),
        )
    records.transition(
        db,
        actor=operator,
        kind="achievement",
        record_id=market.antibody.id,
        data=Transition(action="close", close_reason="withdrawn"),
    )
    again = [
        s.id
        for s in matching.suggest_for_need(
            db, actor=market.owner, holder=market.holder, need_id=market.need.id
        )
    ]
    assert market.draft.id in again and market.antibody.id not in again


def test_confidential_text_never_reaches_the_index(db, market):
    market.antibody.details = "ZEOLITE-SECRET"
    db.flush()
    index = market_index.market_for(db, market.holder).achievements
    assert len(index) == 3
    assert not any("ZEOLITE" in " ".join(text.values()) for text in index.texts)
    hits = index.search("ZEOLITE-SECRET", k=5, explain=True)
    assert not any(h.explanation and h.explanation.matched_terms for h in hits)


def test_feedback_gives_quality_and_a_labelled_set(db, market):
    def judge(achievement, action, reason=""):
        matching.record_feedback(
            db,
            actor=market.owner,
            data=FeedbackCreate(
                need_id=market.need.id,
                achievement_id=achievement.id,
                side="need",
                action=action,
                reason=reason,
                rank=1,
            ),
        )

    with pytest.raises(ValidationError, match="reason"):
        FeedbackCreate(need_id=1, achievement_id=1, side="need", action="dismiss")
    judge(market.antibody, "accept")
    judge(market.early, "dismiss", "readiness too low")
    judge(market.solar, "dismiss", "wrong field")
    judge(market.solar, "contact")  # the latest judgement of a pair counts
    with pytest.raises(NotPermitted):  # the suggestion was not made to the stranger
        matching.record_feedback(
            db,
            actor=market.stranger,
            data=FeedbackCreate(
                need_id=market.need.id,
                achievement_id=market.early.id,
                side="need",
                action="accept",
            ),
        )
    q = matching.quality(db, actor=market.analyst)
    assert q["suggestions_judged"] == 3
    assert q["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert q["acceptance_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert q["dismiss_reasons"] == {"readiness too low": 1}
    with pytest.raises(NotPermitted):
        matching.quality(db, actor=market.owner)
    rows = matching.labelled_set(db, actor=market.analyst)
    labels = {(r["achievement_id"], r["label"]) for r in rows}
    assert labels == {(market.antibody.id, 1), (market.early.id, 0), (market.solar.id, 1)}
    assert all("secret" not in str(r).lower() for r in rows)


def test_plain_terms_read_like_words():
    terms = {"钙钛": 2.0, "钛矿": 2.0, "钙钛矿": 2.0, "叠层": 1.5, "antibodi": 1.0}
    text = "钙钛矿叠层电池 antibodies for purification"
    assert matching.plain_terms(terms, text) == ["钙钛矿叠层", "antibodies"]
    assert matching.plain_terms({"可靠": 1.0, "靠性": 1.0}, "封装可靠性提升") == ["可靠性"]
