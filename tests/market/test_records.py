"""Needs and achievements: lifecycle, validation that changes nothing, confidentiality."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted
from labline.market.models import AccessStatus, State, TechnologyNeed
from labline.market.schemas import (
    AccessDecision,
    AccessRequest,
    AchievementCreate,
    NeedCreate,
    NeedPatch,
    Transition,
)
from labline.market.service import records
from tests.factories import bearer, make_achievement, make_need, make_org, make_person, sign_in

FUTURE = (date.today() + timedelta(days=90)).isoformat()


def need_body(org_id: int, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "organisation_id": org_id,
        "title": "钙钛矿叠层电池封装技术",
        "summary": "寻求钙钛矿/晶硅叠层组件的封装方案",
        "problem": "湿热试验后效率衰减 12%",
        "requirements": "DH1000 后衰减 < 5%",
        "field": "钙钛矿叠层电池",
        "industry_code": "3825",
        "budget_min": "200000",
        "budget_max": "800000",
        "deadline": FUTURE,
        "modes": ["exclusive_licence", "joint_development"],
        "min_readiness": 5,
    }
    body.update(extra)
    return body


@pytest.fixture()
def people(db):
    enterprise = make_org(db)
    university = make_org(db, kind="university", region_code="320500")
    return {
        "enterprise": enterprise,
        "university": university,
        "owner": make_person(db, org=enterprise),
        "researcher": make_person(db, org=university),
        "stranger": make_person(db, org=make_org(db)),
        "operator": make_person(db, roles=(Role.platform_operator,)),
    }


def test_need_lifecycle_with_screening_and_reasons(db, people):
    owner = actor_for(db, people["owner"].id)
    operator = actor_for(db, people["operator"].id)
    need = records.create_need(
        db, actor=owner, data=NeedCreate.model_validate(need_body(people["enterprise"].id))
    )
    assert need.state == State.draft and need.region_code == "440300"
    assert need.modes == "exclusive_licence,joint_development"

    def move(actor, action, **extra):
        return records.transition(
            db,
            actor=actor,
            kind="need",
            record_id=need.id,
            data=Transition(action=action, **extra),
        )

    with pytest.raises(Conflict):  # not yet submitted
        move(operator, "publish")
    assert need.state == State.draft
    move(owner, "submit")
    with pytest.raises(NotPermitted):  # only an operator screens
        move(owner, "publish")
    with pytest.raises(ValidationError, match="reason"):
        Transition(action="return")
    move(operator, "return", reason="budget range is missing the currency")
    assert need.state == State.returned and "currency" in need.screening_note
    move(owner, "submit")
    move(operator, "publish")
    assert need.state == State.published and need.published_at is not None
    stranger = actor_for(db, people["stranger"].id)
    with pytest.raises(NotPermitted):
        move(stranger, "close", close_reason="withdrawn")
    move(owner, "close", close_reason="withdrawn")
    assert need.state == State.closed and need.close_reason.value == "withdrawn"
    with pytest.raises(Conflict):
        move(owner, "submit")


def test_drafts_are_invisible_to_outsiders(db, people):
    need = make_need(db, org=people["enterprise"], state="draft", published_at=None)
    stranger = actor_for(db, people["stranger"].id)
    with pytest.raises(NotFound):
        records.get_record(db, actor=stranger, kind="need", record_id=need.id)
    assert records.get_record(
        db, actor=actor_for(db, people["owner"].id), kind="need", record_id=need.id
    )


def test_editing_a_published_need_sends_it_back_to_screening(db, people):
    need = make_need(db, org=people["enterprise"])
    owner = actor_for(db, people["owner"].id)
    records.update_record(
        db, actor=owner, kind="need", record_id=need.id, data=NeedPatch(title="New public title")
    )
    assert need.state == State.screening


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget_min": "900000", "budget_max": "100"}, "budget_max"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"industry_code": "0000"}, "industry_code"),
        ({"min_readiness": 12}, "min_readiness"),
        ({"summary": "x" * 6000}, "summary"),
        ({"problem": "长" * 50_000}, "problem"),
        ({"modes": ["barter"]}, "modes.0"),
    ],
)
def test_bad_need_is_refused_by_the_api_naming_the_field(client, db, people, change, field):
    headers = bearer(db, people["owner"])
    before = db.scalar(select(func.count()).select_from(TechnologyNeed))
    r = client.post(
        "/api/v1/market/needs", json=need_body(people["enterprise"].id, **change), headers=headers
    )
    assert r.status_code == 422, r.text
    fields = {f["field"]: f for f in r.json()["error"]["fields"]}
    assert field in fields, fields
    assert fields[field]["message"]
    assert db.scalar(select(func.count()).select_from(TechnologyNeed)) == before


def test_bad_patch_changes_nothing(db, people):
    need = make_need(db, org=people["enterprise"])
    owner = actor_for(db, people["owner"].id)
    with pytest.raises(InvalidInput) as err:
        records.update_record(
            db,
            actor=owner,
            kind="need",
            record_id=need.id,
            data=NeedPatch(title="Fine title", budget_min=10**7),
        )
    assert err.value.fields[0].field == "budget_max"
    assert need.title.startswith("测试需求") and need.state == State.published


def test_an_enterprise_cannot_post_for_another_and_a_fund_cannot_post(db, people):
    stranger = actor_for(db, people["stranger"].id)
    with pytest.raises(NotPermitted):
        records.create_need(
            db, actor=stranger, data=NeedCreate.model_validate(need_body(people["enterprise"].id))
        )
    fund = make_org(db, kind="investment_fund")
    operator = actor_for(db, people["operator"].id)
    with pytest.raises(InvalidInput) as err:
        records.create_achievement(
            db,
            actor=operator,
            data=AchievementCreate(
                organisation_id=fund.id,
                kind="paper",
                title="A fund's paper",
                industry_code="3825",
                readiness=3,
            ),
        )
    assert err.value.fields[0].field == "organisation_id"


def test_readiness_above_nine_is_refused():
    with pytest.raises(ValidationError) as err:
        AchievementCreate(
            organisation_id=1, kind="paper", title="Too ready", industry_code="3825", readiness=12
        )
    assert err.value.errors()[0]["loc"] == ("readiness",)


def test_details_only_for_owner_operator_and_admitted(client, db, people):
    need = make_need(db, org=people["enterprise"], problem="SECRET-PROBLEM-42")
    url = f"/api/v1/market/needs/{need.id}"
    anon = client.get(url).json()
    assert anon["details_visible"] is False and "problem" not in anon and "budget_min" not in anon
    researcher = people["researcher"]
    r = client.get(url, headers=bearer(db, researcher))
    assert "SECRET-PROBLEM-42" not in r.text
    page = client.get(f"/market/needs/{need.id}")
    assert page.status_code == 200 and "SECRET-PROBLEM-42" not in page.text
    assert client.get(url, headers=bearer(db, people["owner"])).json()["problem"] == (
        "SECRET-PROBLEM-42"
    )
    assert "SECRET-PROBLEM-42" in client.get(url, headers=bearer(db, people["operator"])).text

    # The researcher accepts the NDA and asks; nothing shows until the owner admits.
    refused = client.post(
        f"{url}/access", json={"nda_accepted": False}, headers=bearer(db, researcher)
    )
    assert refused.status_code == 422
    asked = client.post(
        f"{url}/access", json={"nda_accepted": True}, headers=bearer(db, researcher)
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    assert "SECRET-PROBLEM-42" not in client.get(url, headers=bearer(db, researcher)).text
    stranger = client.post(
        f"{url}/access/{researcher.id}",
        json={"admit": True},
        headers=bearer(db, people["stranger"]),
    )
    assert stranger.status_code == 403
    ok = client.post(
        f"{url}/access/{researcher.id}", json={"admit": True}, headers=bearer(db, people["owner"])
    )
    assert ok.status_code == 200 and ok.json()["status"] == "admitted"
    assert client.get(url, headers=bearer(db, researcher)).json()["problem"] == "SECRET-PROBLEM-42"
    # ...and in the page, for the admitted researcher only.
    sign_in(client, researcher.email)
    assert "SECRET-PROBLEM-42" in client.get(f"/market/needs/{need.id}").text


def test_confidential_details_never_in_listings_or_exports(client, db, people):
    make_need(db, org=people["enterprise"], problem="HIDDEN-P", requirements="HIDDEN-R")
    make_achievement(db, org=people["university"], details="HIDDEN-D", inventors="HIDDEN-I")
    for url in (
        "/api/v1/market/needs",
        "/api/v1/market/achievements",
        "/api/v1/market/needs/export?format=json",
        "/api/v1/market/achievements/export?format=csv",
        "/market?kind=needs",
        "/market?kind=achievements",
    ):
        r = client.get(url, headers=bearer(db, people["stranger"]) if "api" in url else {})
        assert r.status_code == 200, url
        for secret in ("HIDDEN-P", "HIDDEN-R", "HIDDEN-D", "HIDDEN-I"):
            assert secret not in r.text, (url, secret)


def test_access_decision_records_who_decided(db, people):
    need = make_need(db, org=people["enterprise"])
    researcher = actor_for(db, people["researcher"].id)
    grant = records.request_access(
        db, actor=researcher, kind="need", record_id=need.id, data=AccessRequest(nda_accepted=True)
    )
    owner = actor_for(db, people["owner"].id)
    records.decide_access(
        db,
        actor=owner,
        kind="need",
        record_id=need.id,
        person_id=people["researcher"].id,
        data=AccessDecision(admit=False),
    )
    assert grant.status == AccessStatus.refused and grant.decided_by_id == people["owner"].id
    assert not records.can_read_details(db, researcher, need)


def test_the_expiry_sweep_closes_needs_past_their_deadline(db, people):
    late = make_need(db, org=people["enterprise"], deadline=date(2026, 1, 31))
    open_ = make_need(db, org=people["enterprise"], deadline=date(2026, 6, 30))
    with pytest.raises(NotPermitted):
        records.expire_needs(db, actor=actor_for(db, people["owner"].id), today=date(2026, 3, 1))
    operator = actor_for(db, people["operator"].id)
    assert records.expire_needs(db, actor=operator, today=date(2026, 3, 1)) == [late.id]
    assert late.state == State.closed and late.close_reason.value == "expired"
    assert open_.state == State.published


def test_a_passed_deadline_is_refused_in_the_readers_language(db, people):
    """Issue 17: the refusal said "deadline: must be after today" (a field path, in English)
    to every reader; it is the usual summary with the field's label, and the field's own
    message, in the reader's language."""
    from labline import i18n

    owner = actor_for(db, people["owner"].id)
    need = records.create_need(
        db, actor=owner, data=NeedCreate.model_validate(need_body(people["enterprise"].id))
    )
    token = i18n.set_locale("zh")
    try:
        with pytest.raises(InvalidInput) as exc:
            records.update_record(
                db,
                actor=owner,
                kind="need",
                record_id=need.id,
                data=NeedPatch(deadline=date(2020, 1, 1)),
            )
    finally:
        i18n.reset_locale(token)
    assert exc.value.fields[0].field == "deadline"
    assert "deadline" not in exc.value.message and "截止" in exc.value.message
