"""Watches and the inbox: a saved search, a followed need and a followed field each file
a newly published record once, with the reason; nothing old, nothing twice, nothing for
someone else."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.service.auth import actor_for
from labline.errors import NotFound, NotPermitted, validation_fields
from labline.market.models import InboxItem
from labline.market.schemas import Transition
from labline.market.service import records
from labline.market.watches import service as watches
from labline.market.watches.schemas import WatchCreate
from tests.factories import make_achievement, make_need, make_org, make_person

OPERATOR = command_line_actor("test")


@pytest.fixture()
def world(db):
    enterprise = make_org(db, region_code="440300")
    university = make_org(db, kind="university", region_code="320500")
    need = make_need(
        db,
        org=enterprise,
        title="钙钛矿叠层电池组件封装",
        summary="需要提高钙钛矿叠层电池组件的湿热稳定性",
        field="钙钛矿 叠层",
    )
    old = make_achievement(db, org=university)  # published before anyone watched
    owner = actor_for(db, make_person(db, org=enterprise).id)
    scout = actor_for(db, make_person(db, org=make_org(db)).id)
    return SimpleNamespace(
        need=need,
        old=old,
        university=university,
        owner=owner,
        scout=scout,
        holder=SimpleNamespace(),
    )


def publish(db, **fields):
    a = make_achievement(db, state="screening", published_at=None, **fields)
    records.transition(
        db, actor=OPERATOR, kind="achievement", record_id=a.id, data=Transition(action="publish")
    )
    return a


def test_new_records_reach_the_inbox_once_with_the_reason(db, world):
    search = watches.create_watch(
        db,
        actor=world.scout,
        data=WatchCreate(kind="search", query="perovskite tandem encapsulation"),
    )
    field = watches.create_watch(
        db, actor=world.scout, data=WatchCreate(kind="field", industry_code="27")
    )
    follow = watches.create_watch(
        db, actor=world.owner, data=WatchCreate(kind="need", need_id=world.need.id)
    )
    assert len(watches.sweep(db, holder=world.holder)) == 0  # the old record is not news
    solar = publish(db, org=world.university)
    vaccine = publish(
        db,
        org=world.university,
        title="mRNA vaccine lipid nanoparticle formulation",
        summary="Lipid nanoparticles for mRNA vaccines with cold-chain stability",
        field="vaccines",
        industry_code="27",
    )
    assert len(watches.sweep(db, holder=world.holder)) == 3
    mine = watches.inbox(db, actor=world.scout, holder=world.holder)
    found = {(i.watch_id, i.record_id): i for i in mine}
    assert set(found) == {(search.id, solar.id), (field.id, vaccine.id)}
    assert found[(search.id, solar.id)].reason.startswith("matched: ")
    assert "27" in found[(field.id, vaccine.id)].reason
    owners = watches.inbox(db, actor=world.owner, holder=world.holder)
    assert [(i.watch_id, i.record_id) for i in owners] == [(follow.id, solar.id)]
    # Nothing twice.
    assert len(watches.sweep(db, holder=world.holder)) == 0
    item = found[(search.id, solar.id)]
    assert watches.mark_read(db, actor=world.scout, item_id=item.id).read_at is not None
    assert [
        i.id for i in watches.inbox(db, actor=world.scout, holder=world.holder, unread_only=True)
    ] == [found[(field.id, vaccine.id)].id]
    # Someone else's inbox and watches are not yours.
    with pytest.raises(NotFound):
        watches.mark_read(db, actor=world.owner, item_id=item.id)
    with pytest.raises(NotPermitted):
        watches.delete_watch(db, actor=world.owner, watch_id=search.id)
    watches.delete_watch(db, actor=world.scout, watch_id=search.id)
    left = db.scalars(select(InboxItem).where(InboxItem.person_id == world.scout.person_id)).all()
    assert [i.watch_id for i in left] == [field.id]  # its items went with it


def test_bad_watches_are_named(db, world):
    with pytest.raises(ValidationError, match="query"):
        WatchCreate(kind="search", query="  ")
    with pytest.raises(ValidationError, match="need_id"):
        WatchCreate(kind="need")
    with pytest.raises(ValidationError, match="industry_code"):
        WatchCreate(kind="field")
    with pytest.raises(ValidationError, match="industry_code"):
        WatchCreate(kind="field", industry_code="9999")
    # Following a need is for those who may see its suggestions.
    with pytest.raises(NotPermitted):
        watches.create_watch(
            db, actor=world.scout, data=WatchCreate(kind="need", need_id=world.need.id)
        )
    assert watches.my_watches(db, actor=world.scout) == []


def test_field_errors_and_rules_between_fields_are_reported_together():
    """Pydantic skips after-validators once a field fails: the form showed the cross-field
    error only after the fields were fixed (issue 17)."""
    cases = [
        ({"kind": "search", "min_readiness": "12"}, {"min_readiness", "query"}),
        ({"kind": "field", "region_code": "1"}, {"region_code", "industry_code"}),
        (
            {"kind": "need", "industry_code": "9999", "query": "x" * 501},
            {"need_id", "industry_code", "query"},
        ),
        # A field's own error is not repeated by the rule about it.
        ({"kind": "need", "need_id": "abc"}, {"need_id"}),
        ({"kind": "field", "industry_code": "9999"}, {"industry_code"}),
    ]
    for values, fields in cases:
        with pytest.raises(ValidationError) as err:
            WatchCreate.model_validate(values)
        named = [f.field for f in validation_fields(err.value.errors())]
        assert sorted(named) == sorted(fields), (values, named)
    # Valid values pass; the rule alone is still enforced on them.
    assert WatchCreate.model_validate({"kind": "field", "field": "电池"}).field == "电池"
    with pytest.raises(ValidationError) as err:
        WatchCreate.model_validate({"kind": "search", "query": " ", "min_readiness": "3"})
    assert [f.field for f in validation_fields(err.value.errors())] == ["query"]


def test_new_inbox_items_become_one_mail_per_person_once(db, world):
    from labline.core.models import OutboxMail, Person

    watches.create_watch(db, actor=world.scout, data=WatchCreate(kind="field", industry_code="27"))
    watches.create_watch(
        db, actor=world.owner, data=WatchCreate(kind="need", need_id=world.need.id)
    )
    db.get(Person, world.owner.person_id).locale = "zh"
    publish(db, org=world.university)
    publish(db, org=world.university, title="mRNA LNP", field="vaccines", industry_code="27")
    items = watches.sweep(db, holder=world.holder)
    assert watches.mail_digests(db, items=items, base_url="https://x.cn") == 2
    assert watches.mail_digests(db, items=items, base_url="https://x.cn") == 0  # once
    mails = {m.person_id: m for m in db.scalars(select(OutboxMail))}
    assert set(mails) == {world.scout.person_id, world.owner.person_id}
    assert mails[world.owner.person_id].subject.startswith("labline：")  # in Chinese
    scout_mail = mails[world.scout.person_id]
    assert "mRNA LNP" in scout_mail.body and "https://x.cn/market/achievements/" in scout_mail.body
    assert scout_mail.to_address == world.scout.email
