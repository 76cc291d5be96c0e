"""Proposals from another module enter review through review's own rules: a draft call
opens and closes by its transitions, eligibility is checked, errors name the source row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labline.core.access import command_line_actor
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.review.models import CallStatus, ProposalStatus
from labline.review.schemas import ProposalImport
from labline.review.service import intake
from tests.factories import make_call, make_org, make_person

SYSTEM = command_line_actor("test")


def _item(ref: str, applicant_id: int, **extra: object) -> ProposalImport:
    return ProposalImport.model_validate(
        {
            "ref": ref,
            "applicant_id": applicant_id,
            "title_en": f"Beamtime {ref}",
            "abstract_en": "Diffraction of thin films.",
            "requested_budget": Decimal(6),
            **extra,
        }
    )


def test_import_opens_and_closes_the_call_through_its_rules(db):
    call = make_call(db, status="draft")
    uni_org = make_org(db, kind="university")
    uni = make_person(db, org=uni_org)
    fund_org = make_org(db, kind="investment_fund")
    fund = make_person(db, org=fund_org)
    rows = intake.import_proposals(
        db,
        actor=SYSTEM,
        call_id=call.id,
        proposals=[_item("7", uni.id), _item("8", fund.id, organisation_id=fund_org.id)],
    )
    assert call.status == CallStatus.reviewing
    assert [r.status for r in rows] == [ProposalStatus.under_review, ProposalStatus.ineligible]
    # The applicant's organisation was taken from their membership.
    assert rows[0].organisation_id == uni_org.id
    assert intake.calibrated_scores(db, proposal_ids=[r.id for r in rows]) == {
        rows[0].id: None,
        rows[1].id: None,
    }


def test_import_refuses_without_changing_anything(db):
    call = make_call(db, status="draft")
    loner = make_person(db)  # no organisation anywhere
    with pytest.raises(InvalidInput, match="Proposal 42 has no organisation") as exc:
        intake.import_proposals(
            db, actor=SYSTEM, call_id=call.id, proposals=[_item("42", loner.id)]
        )
    assert exc.value.fields[0].field == "organisation_id"
    assert call.status == CallStatus.draft
    with pytest.raises(InvalidInput, match="no proposals"):
        intake.import_proposals(db, actor=SYSTEM, call_id=call.id, proposals=[])
    stranger = actor_for(db, make_person(db, org=make_org(db)).id)
    with pytest.raises(NotPermitted):
        intake.import_proposals(
            db, actor=stranger, call_id=call.id, proposals=[_item("1", loner.id)]
        )
    open_call = make_call(db)
    with pytest.raises(Conflict, match="draft call"):
        intake.import_proposals(
            db, actor=SYSTEM, call_id=open_call.id, proposals=[_item("1", loner.id)]
        )
