"""A licence's diligence checklist: the licensor lists obligations due within the term, the
licensee records the evidence that each was met; late ones are flagged and mailed; bad
entries refused by field with nothing changed; both sides read it, nobody else; from the
service, the API, the ledger page and the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from labline.core.models import OutboxMail
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted
from labline.market.diligence import service
from labline.market.diligence.models import DiligenceItem
from labline.market.diligence.schemas import DiligenceCreate, DiligenceEvidence
from labline.market.ledger import reminders
from tests import clock
from tests.cli import cli_runner
from tests.market.ledger.test_ledger import licence  # noqa: F401  (fixture)


def _count(db) -> int:  # type: ignore[no-untyped-def]
    return len(db.scalars(select(DiligenceItem)).all())


def test_obligations_are_listed_met_with_evidence_and_flagged_when_late(db, licence):  # noqa: F811
    c, seller, buyer = licence["contract"], licence["seller"], licence["buyer"]
    report = service.add(
        db,
        actor=seller,
        contract_id=c.id,
        data=DiligenceCreate(obligation="half-year report", due_on=clock.day(-10)),
    )
    trial = service.add(
        db,
        actor=seller,
        contract_id=c.id,
        data=DiligenceCreate(obligation="phase II started", due_on=clock.day(300)),
    )
    items = service.checklist(db, actor=buyer, contract_id=c.id)
    assert [(i.obligation, i.overdue) for i in items] == [
        ("half-year report", True),
        ("phase II started", False),
    ]
    # Late obligations go into the daily mail to both sides, with the contract's ledger.
    late = [o for o in reminders.overdue_items(db) if o.outstanding is None]
    assert {o.person_id for o in late} == {buyer.person_id, seller.person_id}
    assert reminders.mail_overdue(db, base_url="https://x") == 2
    mail = db.scalars(select(OutboxMail).where(OutboxMail.kind == "market.ledger-overdue")).first()
    assert "half-year report" in mail.body and f"/market/contracts/{c.id}/ledger" in mail.body
    met = service.record_evidence(
        db,
        actor=buyer,
        item_id=report.id,
        data=DiligenceEvidence(done_on=clock.day(-2), evidence="report H1 filed"),
    )
    assert met.done_on == clock.day(-2) and not met.overdue and met.evidence == "report H1 filed"
    assert [o for o in reminders.overdue_items(db) if o.outstanding is None] == []
    with pytest.raises(Conflict) as exc:  # met once; the evidence stays
        service.record_evidence(
            db,
            actor=buyer,
            item_id=report.id,
            data=DiligenceEvidence(done_on=clock.day(-1), evidence="again"),
        )
    assert exc.value.fields[0].field == "item_id"
    assert trial.id != report.id


def test_bad_entries_are_refused_by_field_and_change_nothing(db, licence):  # noqa: F811
    c, seller, buyer = licence["contract"], licence["seller"], licence["buyer"]
    item = service.add(
        db, actor=seller, contract_id=c.id, data=DiligenceCreate(obligation="report")
    )
    before = service.checklist(db, actor=seller, contract_id=c.id)
    term_end = c.signed_on.replace(year=c.signed_on.year + 10)
    for due in (c.signed_on - timedelta(days=1), term_end + timedelta(days=1)):
        with pytest.raises(InvalidInput) as exc:
            service.add(
                db,
                actor=seller,
                contract_id=c.id,
                data=DiligenceCreate(obligation="late one", due_on=due),
            )
        (error,) = exc.value.fields
        assert error.field == "due_on" and error.allowed["max"] == term_end.isoformat()
    # Day 2 is in the future everywhere (day 1 has begun at UTC+14 from 18:00 in Shanghai).
    for done in (clock.day(2), c.signed_on - timedelta(days=1)):
        with pytest.raises(InvalidInput) as exc:
            service.record_evidence(
                db,
                actor=buyer,
                item_id=item.id,
                data=DiligenceEvidence(done_on=done, evidence="x"),
            )
        assert exc.value.fields[0].field == "done_on"
    with pytest.raises(NotPermitted):  # the licensee does not set its own obligations
        service.add(db, actor=buyer, contract_id=c.id, data=DiligenceCreate(obligation="x"))
    with pytest.raises(NotPermitted):  # the licensor does not certify the licensee's work
        service.record_evidence(
            db,
            actor=seller,
            item_id=item.id,
            data=DiligenceEvidence(done_on=clock.day(-1), evidence="x"),
        )
    for call in (
        lambda: service.checklist(db, actor=licence["outsider"], contract_id=c.id),
        lambda: service.record_evidence(
            db,
            actor=licence["outsider"],
            item_id=item.id,
            data=DiligenceEvidence(done_on=clock.day(-1), evidence="x"),
        ),
        lambda: service.record_evidence(
            db,
            actor=buyer,
            item_id=999_999,
            data=DiligenceEvidence(done_on=clock.day(-1), evidence="x"),
        ),
    ):
        with pytest.raises(NotFound):  # nobody else learns that the contract exists
            call()
    assert service.checklist(db, actor=seller, contract_id=c.id) == before
    assert _count(db) == 1


def test_the_api_and_the_ledger_page_list_and_check_off_obligations(client, db):
    from labline.core.models import Organisation, Role
    from tests.factories import bearer, make_person, sign_in
    from tests.market.ledger.test_ledger import licence as make_licence

    world = make_licence.__wrapped__(db)  # type: ignore[attr-defined]
    c = world["contract"]
    seller = make_person(db, org=db.get(Organisation, c.seller_id), org_role=Role.org_admin)
    buyer = make_person(db, org=db.get(Organisation, c.buyer_id), org_role=Role.org_admin)
    db.commit()
    api = f"/api/v1/market/contracts/{c.id}/diligence"
    r = client.post(
        api, json={"obligation": "first sale within 3 years"}, headers=bearer(db, seller)
    )
    assert r.status_code == 201, r.text
    item = r.json()["id"]
    bad = client.post(
        api, json={"obligation": "", "due_on": "2020-01-01"}, headers=bearer(db, seller)
    )
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["error"]["fields"]} >= {"obligation"}
    assert client.get(api, headers=bearer(db, buyer)).json()[0]["obligation"].startswith("first")
    # On the page: the deal links to the ledger, which shows the checklist and its forms.
    sign_in(client, buyer.email)
    deal_page = client.get(f"/market/deals/{c.deal_id}").text
    assert f'href="/market/contracts/{c.id}/ledger"' in deal_page
    url = f"/market/contracts/{c.id}/ledger"
    page = client.get(url).text
    assert 'data-testid="diligence"' in page and "first sale within 3 years" in page
    form = {"csrf_token": client.cookies.get("labline_csrf"), "action": "evidence"}
    form |= {"item_id": str(item), "done_on": clock.day(5).isoformat(), "evidence": "sold"}
    refused = client.post(url, data=form, follow_redirects=False)
    assert refused.status_code == 422 and 'data-testid="ledger-errors"' in refused.text
    assert 'value="sold"' in refused.text  # what was typed stays
    form["done_on"] = clock.day(-1).isoformat()
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    shown = client.get(api, headers=bearer(db, buyer)).json()[0]
    assert shown["done_on"] == clock.day(-1).isoformat() and shown["evidence"] == "sold"


def test_the_command_line_lists_adds_and_checks_off(tmp_path: Path) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from labline.core.models import Person
    from tests.market.ledger.test_ledger import licence as make_licence

    run = cli_runner(tmp_path)

    run("db", "upgrade")
    engine = create_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    with Session(engine) as db:
        made = make_licence.__wrapped__(db)  # type: ignore[attr-defined]
        contract, buyer_org = made["contract"].id, made["contract"].buyer_id
        email = db.get(Person, made["buyer"].person_id).email
        db.commit()
    engine.dispose()
    due = clock.day(30).isoformat()
    assert "added" in run("market", "diligence", "add", str(contract), "trial start", "--due", due)
    refused = run("market", "diligence", "add", str(contract), "x", "--due", "1999-01-01", code=2)
    assert "due_on" in refused
    (item,) = json.loads(run("market", "diligence", "list", str(contract), "--json"))
    assert item["obligation"] == "trial start" and item["due_on"] == due
    on = clock.day(-1).isoformat()
    run("market", "diligence", "evidence", str(item["id"]), "CTR2026", "--on", on)
    (item,) = json.loads(run("market", "diligence", "list", str(contract), "--json"))
    assert item["done_on"] == on and item["evidence"] == "CTR2026"
    # The licensee's books in yuan, from the command line too (nothing invoiced yet).
    books = json.loads(run("market", "ledger-books", str(buyer_org), "--as", email, "--json"))
    assert books["organisation_id"] == buyer_org and books["contracts"] == []
    assert "not_found" in run("market", "ledger-books", "999999", "--as", email, code=2)
