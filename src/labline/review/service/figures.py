"""Review figures by province for the indicators module: proposals received, proposals
funded, the amount awarded (万元) and how many funded ones came through the non-consensus
track — by the province of the applicant's organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from labline.core.models import Organisation
from labline.core.refdata import province_of
from labline.review.models import Proposal, ProposalStatus


def by_region(session: Session, *, start: datetime, end: datetime) -> list[tuple[str, str, float]]:
    where_org = (Organisation.region_code, Organisation.country)
    submitted = session.execute(
        select(*where_org, func.count())
        .select_from(Proposal)
        .join(Organisation, Organisation.id == Proposal.organisation_id)
        .where(Proposal.submitted_at >= start, Proposal.submitted_at < end)
        .group_by(*where_org)
    ).all()
    funded = session.execute(
        select(
            *where_org,
            func.count(),
            func.coalesce(func.sum(Proposal.awarded), 0),
            func.coalesce(func.sum(cast(case((Proposal.non_consensus, 1), else_=0), Integer)), 0),
        )
        .select_from(Proposal)
        .join(Organisation, Organisation.id == Proposal.organisation_id)
        .where(
            Proposal.status == ProposalStatus.funded,
            Proposal.decided_at >= start,
            Proposal.decided_at < end,
        )
        .group_by(*where_org)
    ).all()
    totals: dict[tuple[str, str], float] = {}
    for region, country, n in submitted:
        key = (province_of(region, country), "review_proposals")
        totals[key] = totals.get(key, 0.0) + float(n)
    for region, country, n, amount, nc in funded:
        p = province_of(region, country)
        for code, value in (
            ("review_funded", float(n or 0)),
            ("review_funding_amount", float(amount or 0) / 10_000),  # yuan → 万元
            ("nonconsensus_funded", float(nc or 0)),
        ):
            totals[(p, code)] = totals.get((p, code), 0.0) + value
    return [(p, code, round(v, 4)) for (p, code), v in sorted(totals.items())]
