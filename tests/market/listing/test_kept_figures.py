"""A company's listing figures kept per organisation: each entry with its period and who
entered it, the history kept, the latest checked against every standard with the article
and the gap; entered from the API, the form and the command line; confidential to the
company's people and operators; bad input refused by field with nothing kept."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from labline.core.access import ANONYMOUS, command_line_actor
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotFound, NotPermitted, NotSignedIn
from labline.market.listing import service
from labline.market.listing.models import ListingFiguresEntry
from labline.market.listing.schemas import ListingEntryCreate
from tests import clock
from tests.cli import cli_runner
from tests.factories import bearer, make_org, make_person, sign_in

OP = command_line_actor("test")
YI = 100_000_000
LAST_YEAR_END = clock.TODAY.replace(month=1, day=1) - timedelta(days=1)


def entry(**figures):  # type: ignore[no-untyped-def]
    return ListingEntryCreate.model_validate({"period_end": LAST_YEAR_END.isoformat(), **figures})


def kept(db, org_id: int) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(
        select(func.count())
        .select_from(ListingFiguresEntry)
        .where(ListingFiguresEntry.organisation_id == org_id)
    )


def test_entries_are_kept_with_period_and_author_and_the_latest_is_checked(db):
    company = make_org(db)
    admin = make_person(db, org=company, org_role=Role.org_admin, display_name="王会计")
    actor = actor_for(db, admin.id)
    older = (LAST_YEAR_END - timedelta(days=365)).isoformat()
    service.record_figures(
        db,
        actor=actor,
        organisation_id=company.id,
        data=ListingEntryCreate.model_validate(
            {"period_end": older, "market_value": str(41 * YI), "technology_advantage": True}
        ),
    )
    service.record_figures(
        db,
        actor=actor,
        organisation_id=company.id,
        data=entry(market_value=str(14 * YI), revenue_last_year=str(YI)),
    )
    page = service.organisation_readiness(db, actor=actor, organisation_id=company.id)
    assert [e.period_end.isoformat() for e in page.history] == [LAST_YEAR_END.isoformat(), older]
    assert page.latest is not None and page.latest.entered_by == "王会计"
    assert page.latest.market_value == Decimal(14 * YI)
    # The latest period is checked: 14亿 meets no standard (the older 41亿 would meet 5).
    assert page.readiness is not None and page.readiness.met == []
    two = next(s for s in page.readiness.standards if s.standard == 2)
    assert "2.1.2" in two.article
    gaps = {c.criterion: c.gap for c in two.alternatives[0].criteria}
    assert gaps["market_value"] == Decimal(YI) and gaps["revenue_last_year"] == Decimal(YI)
    # A correction for the same period is a new entry: it wins, the first stays as history.
    service.record_figures(
        db,
        actor=OP,
        organisation_id=company.id,
        data=entry(market_value=str(16 * YI), revenue_last_year=str(3 * YI)),
    )
    page = service.organisation_readiness(db, actor=actor, organisation_id=company.id)
    assert len(page.history) == 3 and page.latest is not None
    assert page.latest.market_value == Decimal(16 * YI) and page.latest.entered_by == "test"


def test_the_figures_are_the_companys_confidential_business(db):
    company = make_org(db)
    member = actor_for(db, make_person(db, org=company).id)
    outsider = actor_for(db, make_person(db, org=make_org(db)).id)
    analyst = actor_for(db, make_person(db, roles=(Role.analyst,)).id)
    service.record_figures(
        db, actor=OP, organisation_id=company.id, data=entry(market_value=str(YI))
    )
    assert service.organisation_readiness(db, actor=member, organisation_id=company.id).latest
    for who in (outsider, analyst):
        with pytest.raises(NotFound):
            service.organisation_readiness(db, actor=who, organisation_id=company.id)
        with pytest.raises(NotFound):
            service.record_figures(
                db, actor=who, organisation_id=company.id, data=entry(market_value="1")
            )
    with pytest.raises(NotSignedIn):
        service.organisation_readiness(db, actor=ANONYMOUS, organisation_id=company.id)
    with pytest.raises(NotPermitted):  # a member reads, the admins enter
        service.record_figures(
            db, actor=member, organisation_id=company.id, data=entry(market_value="1")
        )
    assert kept(db, company.id) == 1


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"period_end": (clock.TODAY + timedelta(days=1)).isoformat()}, "period_end"),
        ({"period_end": "1980-12-31"}, "period_end"),
    ],
)
def test_a_period_outside_the_allowed_range_is_refused_and_nothing_kept(db, figures, field):
    company = make_org(db)
    with pytest.raises(InvalidInput) as exc:
        service.record_figures(
            db,
            actor=OP,
            organisation_id=company.id,
            data=ListingEntryCreate.model_validate({"market_value": "1", **figures}),
        )
    assert [f.field for f in exc.value.fields] == [field]
    assert kept(db, company.id) == 0


def test_only_a_company_keeps_listing_figures(db):
    university = make_org(db, kind="university")
    with pytest.raises(InvalidInput) as exc:
        service.record_figures(
            db, actor=OP, organisation_id=university.id, data=entry(market_value="1")
        )
    assert exc.value.fields[0].field == "organisation_id"
    assert exc.value.fields[0].allowed == ["enterprise"]
    assert kept(db, university.id) == 0


def test_the_api_keeps_figures_and_refuses_bad_ones_by_field(client, db):
    company = make_org(db)
    admin = make_person(db, org=company, org_role=Role.org_admin)
    headers = bearer(db, admin)
    url = f"/api/v1/market/listing/organisations/{company.id}"
    body = {
        "period_end": LAST_YEAR_END.isoformat(),
        "market_value": "4500000000",
        "technology_advantage": True,
    }
    r = client.post(f"{url}/figures", json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert Decimal(r.json()["market_value"]) == Decimal(45 * YI)  # a decimal string, no float
    for bad, field in (
        ({**body, "market_value": "-1"}, "market_value"),
        ({**body, "revenue_last_year": "1.5亿"}, "revenue_last_year"),
        ({**body, "period_end": "2026-13-01"}, "period_end"),
        ({k: v for k, v in body.items() if k != "period_end"}, "period_end"),
    ):
        r = client.post(f"{url}/figures", json=bad, headers=headers)
        assert r.status_code == 422, (bad, r.text)
        assert field in {f["field"] for f in r.json()["error"]["fields"]}, r.text
    shown = client.get(url, headers=headers).json()
    assert shown["readiness"]["met"] == [5] and len(shown["history"]) == 1
    assert kept(db, company.id) == 1


def test_the_form_keeps_figures_and_shows_them_against_the_standards(client, db):
    company = make_org(db)
    admin = make_person(db, org=company, org_role=Role.org_admin)
    sign_in(client, admin.email)
    url = f"/market/listing/organisations/{company.id}"
    assert f'href="{url}"' in client.get("/market/listing").text  # the way there
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="listing-entry-form"' in page.text
    form = {
        "csrf_token": client.cookies.get("labline_csrf"),
        "period_end": LAST_YEAR_END.isoformat(),
        "market_value": "4000000000",
        "pharmaceutical": "1",
        "core_products_in_phase2": "2",
    }
    r = client.post(url, data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    shown = client.get(url).text
    assert 'data-testid="standard-5"' in shown and "2.1.2" in shown
    assert LAST_YEAR_END.isoformat() in shown and 'data-testid="listing-history"' in shown
    bad = client.post(url, data={**form, "market_value": "-5"}, follow_redirects=False)
    assert bad.status_code == 422 and 'data-testid="listing-errors"' in bad.text
    assert 'value="-5"' in bad.text  # what was typed stays in the form
    assert kept(db, company.id) == 1


def test_the_command_line_keeps_and_shows_figures(tmp_path: Path):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    run = cli_runner(tmp_path)

    run("db", "upgrade")
    engine = create_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    with Session(engine) as db:
        company = make_org(db).id
        db.commit()
    engine.dispose()
    source = tmp_path / "figures.json"
    source.write_text(json.dumps({"market_value": "4500000000", "technology_advantage": True}))
    org = str(company)
    done = run(
        "market", "listing-figures", "record", org, str(source), "--period-end", str(LAST_YEAR_END)
    )
    assert "standard 5: MET" in done
    data = json.loads(run("market", "listing-figures", "show", org, "--json"))
    assert data["readiness"]["met"] == [5] and data["latest"]["entered_by"].startswith("cli:")
    refused = run("market", "listing-figures", "record", org, str(source), code=2)
    assert "period_end" in refused
    again = json.loads(run("market", "listing-figures", "show", org, "--json"))
    assert len(again["history"]) == 1
