"""Live indicators from labline's own records: computed from the facility usage log by the
operator's province, following corrections, public to read and stored only by analysts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from labline import registry
from labline.core.access import ANONYMOUS
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotPermitted
from labline.facilities.models import UsageRecord
from labline.indicators.models import IndicatorObservation
from labline.indicators.service import live
from tests.factories import make_facility, make_instrument, make_org, make_person

# What the app and the command line hand the indicators: the module records' providers.
PROVIDERS = registry.live_figure_providers()


def test_every_module_with_records_declares_its_provider():
    """The providers come from the module records, not import strings: none is skipped."""
    assert set(PROVIDERS) == {"facilities", "market", "review"}
    assert all(callable(p) for p in PROVIDERS.values())


def test_only_the_providers_handed_in_are_asked(db):
    use_of_a_facility(db, year=2025)
    only = {"facilities": PROVIDERS["facilities"]}
    figures = live.live_figures(db, actor=ANONYMOUS, year=2025, providers=only)
    assert figures and {f.module for f in figures} == {"facilities"}
    assert live.live_figures(db, actor=ANONYMOUS, year=2025, providers={}) == []


def use_of_a_facility(db, *, year: int) -> dict:
    """A Shenzhen operator's instrument used 3 h by its own staff and 5 h + 2 h by two
    outside users; a Beijing operator's 4 h by one outsider."""
    sz = make_org(db, kind="facility_operator", region_code="440305")
    bj = make_org(db, kind="facility_operator", region_code="110108")
    outside = make_org(db, region_code="310115")
    inst_sz = make_instrument(db, facility=make_facility(db, operator=sz))
    inst_bj = make_instrument(db, facility=make_facility(db, operator=bj))
    staff, a, b = (make_person(db, org=o) for o in (sz, outside, outside))
    start = datetime(year, 3, 2, 9, tzinfo=UTC)
    records = []
    for inst, person, org, hours, external in (
        (inst_sz, staff, sz, 3, False),
        (inst_sz, a, outside, 5, True),
        (inst_sz, b, outside, 2, True),
        (inst_bj, a, outside, 4, True),
    ):
        r = UsageRecord(
            instrument_id=inst.id,
            person_id=person.id,
            organisation_id=org.id,
            started_at=start,
            ended_at=start + timedelta(hours=hours),
            hours=Decimal(hours),
            samples=0,
            external=external,
            source="manual",
        )
        db.add(r)
        records.append(r)
    db.flush()
    return {"records": records, "instrument": inst_sz, "a": a, "outside": outside}


def _values(figures):
    return {(f.region, f.indicator): f.value for f in figures}


def test_facility_figures_by_province(db):
    world = use_of_a_facility(db, year=2025)
    values = _values(live.live_figures(db, actor=ANONYMOUS, year=2025, providers=PROVIDERS))
    assert values[("440000", "facility_service_hours")] == 10
    assert values[("440000", "facility_users_served")] == 3
    assert values[("440000", "instrument_sharing_rate")] == 70.0
    assert values[("110000", "facility_service_hours")] == 4
    assert values[("110000", "instrument_sharing_rate")] == 100.0
    assert not any(key[0] == "310000" for key in values)  # users' home does not count
    # Another year has none of it.
    assert live.live_figures(db, actor=ANONYMOUS, year=2024, providers=PROVIDERS) == []

    # A correction replaces the record it corrects: 5 h becomes 1 h.
    wrong = world["records"][1]
    db.add(
        UsageRecord(
            instrument_id=wrong.instrument_id,
            person_id=wrong.person_id,
            organisation_id=wrong.organisation_id,
            started_at=wrong.started_at,
            ended_at=wrong.started_at + timedelta(hours=1),
            hours=Decimal(1),
            samples=0,
            external=True,
            source="manual",
            corrects_id=wrong.id,
        )
    )
    db.flush()
    values = _values(live.live_figures(db, actor=ANONYMOUS, year=2025, providers=PROVIDERS))
    assert values[("440000", "facility_service_hours")] == 6
    assert values[("440000", "instrument_sharing_rate")] == 50.0


def test_storing_a_year_replaces_its_earlier_live_values(db):
    use_of_a_facility(db, year=2025)
    analyst = actor_for(db, make_person(db, roles=(Role.analyst,)).id)
    member = actor_for(db, make_person(db).id)
    with pytest.raises(NotPermitted):
        live.store_live(db, actor=member, year=2025, providers=PROVIDERS)
    first = live.store_live(db, actor=analyst, year=2025, providers=PROVIDERS)
    assert first.rows_stored == 6
    again = live.store_live(db, actor=analyst, year=2025, providers=PROVIDERS)
    stored = db.scalars(select(IndicatorObservation).where(IndicatorObservation.year == 2025)).all()
    assert len(stored) == 6 and {o.import_id for o in stored} == {again.import_id}
    hours = {o.region_code: o.value for o in stored if o.indicator_code == "facility_service_hours"}
    assert hours == {"440000": 10.0, "110000": 4.0}
    assert {o.unit for o in stored if o.indicator_code == "instrument_sharing_rate"} == {"%"}
    with pytest.raises(InvalidInput, match="no records for 2019"):
        live.store_live(db, actor=analyst, year=2019, providers=PROVIDERS)
    with pytest.raises(InvalidInput) as err:
        live.live_figures(db, actor=analyst, year=1900, providers=PROVIDERS)
    assert err.value.fields[0].field == "year"


def test_review_figures_by_the_applicants_province(db):
    from labline.review.models import ProposalStatus
    from tests.factories import make_call, make_proposal

    call = make_call(db)
    when = datetime(2025, 6, 1, tzinfo=UTC)
    hz = make_org(db, kind="university", region_code="330106")
    wh = make_org(db, kind="university", region_code="420111")
    make_proposal(db, call=call, org=hz, submitted_at=when)
    make_proposal(
        db,
        call=call,
        org=hz,
        submitted_at=when,
        status=ProposalStatus.funded,
        awarded=Decimal("800000"),
        decided_at=when + timedelta(days=60),
        non_consensus=True,
    )
    make_proposal(
        db,
        call=call,
        org=wh,
        submitted_at=when,
        status=ProposalStatus.funded,
        awarded=Decimal("250000"),
        decided_at=when + timedelta(days=60),
    )
    make_proposal(db, call=call, org=wh, submitted_at=when - timedelta(days=400))  # 2024
    values = _values(live.live_figures(db, actor=ANONYMOUS, year=2025, providers=PROVIDERS))
    assert values[("330000", "review_proposals")] == 2
    assert values[("330000", "review_funded")] == 1
    assert values[("330000", "review_funding_amount")] == 80.0  # 万元
    assert values[("330000", "nonconsensus_funded")] == 1
    assert values[("420000", "review_proposals")] == 1
    assert values[("420000", "nonconsensus_funded")] == 0
    assert values[("420000", "review_funding_amount")] == 25.0


def test_command_line_takes_the_providers_from_the_root(tmp_path):
    """`labline indicators live` asks the providers the root command handed it (from the
    module records): an empty database has no figures, and storing none is refused."""
    import json

    from click.testing import CliRunner

    from labline.cli import cli

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    out = runner.invoke(cli, [*base, "indicators", "live", "--year", "2025", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == []
    refused = runner.invoke(cli, [*base, "indicators", "live", "--year", "2025", "--store"])
    assert refused.exit_code == 2 and "no records for 2025" in refused.output
