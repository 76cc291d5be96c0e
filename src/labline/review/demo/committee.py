"""The demo's committee discussion and staged funding, on the decided call: a threaded
discussion (written before the decision) on the non-consensus proposals, and milestone
plans on three funded proposals — one with a milestone released and the next reported,
one waiting for the programme officer, one just planned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.models import Person
from labline.review.demo.rows import next_id
from labline.review.models import (
    DiscussionPost,
    Milestone,
    MilestoneStatus,
    Proposal,
    ProposalStatus,
)

if TYPE_CHECKING:
    from labline.demo.api import World

# (author: c = committee member, o = programme officer; parent index or None; stance; text)
THREAD: list[tuple[str, int | None, str | None, str]] = [
    (
        "c",
        None,
        "support",
        "两位评审给出高分，一位给出低分，分歧集中在可行性。若技术路线成立，收益远大于风险。"
        " Two reviewers scored it high and one low; they split on feasibility. If the route"
        " holds, the upside far outweighs the risk.",
    ),
    (
        "o",
        0,
        "question",
        "低分评审指出的中试放大问题，申请人是否有预实验数据？ Does the applicant have pilot"
        " data on the scale-up problem the low-scoring reviewer raised?",
    ),
    (
        "c",
        1,
        None,
        "有小试数据，但没有中试数据。建议分阶段资助，第一阶段以中试为考核点。 Bench data yes,"
        " pilot data no. Fund in stages, with the pilot as the first milestone.",
    ),
    (
        "o",
        None,
        "concern",
        "预算中设备费占比偏高，请委员会在表决时一并考虑。 Equipment is a large share of the"
        " budget; please weigh that in the vote.",
    ),
]

# (funded proposal, milestone position) -> stage; everything else is planned.
STAGES = {
    (0, 1): MilestoneStatus.released,
    (0, 2): MilestoneStatus.reported,
    (1, 1): MilestoneStatus.reported,
}
REPORTS = [
    "中试线连续运行72小时，良率92%，检测报告见附件。 The pilot line ran 72 hours at 92%"
    " yield; the test report is attached.",
    "第三方检测机构出具的样品检测报告已上传。 The third-party laboratory's test report on"
    " the samples is uploaded.",
    "结题报告与技术转让合同草案已提交。 The final report and a draft transfer contract are"
    " submitted.",
]
PLAN = [
    ("中试线验证 Pilot-line validation", 120, Decimal("0.4")),
    ("样品第三方检测 Third-party sample testing", 300, Decimal("0.35")),
    ("结题与成果转化 Final report and transfer", 540, Decimal("0.25")),
]


def build(world: World, *, call_id: int, flagged: Sequence[Proposal], decided_on: datetime) -> None:
    session = world.session
    people = dict(
        session.execute(
            select(Person.email, Person.id).where(
                Person.email.in_(["committee@labline.demo", "operator@labline.demo"])
            )
        ).all()
    )
    member, officer = people.get("committee@labline.demo"), people.get("operator@labline.demo")
    if member is None or officer is None:
        return
    post_id = next_id(world, DiscussionPost)
    posts: list[dict[str, Any]] = []
    for i, p in enumerate(flagged[:4]):
        first = post_id + len(posts)
        start = decided_on - timedelta(days=5) + timedelta(hours=i)
        for n, (who, parent, stance, text) in enumerate(THREAD[: 4 if i == 0 else 3]):
            posts.append(
                {
                    "id": first + n,
                    "proposal_id": p.id,
                    "parent_id": None if parent is None else first + parent,
                    "author_id": int(member if who == "c" else officer),
                    "stance": stance,
                    "text": text,
                    "at": start + timedelta(minutes=40 * n),
                    "edited_at": None,
                }
            )
    world.bulk("review", DiscussionPost, posts)

    funded = session.scalars(
        select(Proposal)
        .where(Proposal.call_id == call_id, Proposal.status == ProposalStatus.funded)
        .order_by(Proposal.non_consensus.desc(), Proposal.calibrated_rank, Proposal.id)
    ).all()
    ms_id = next_id(world, Milestone)
    rows: list[dict[str, Any]] = []
    start_day = decided_on.date()
    for k, p in enumerate(funded[:3]):
        award = p.awarded or p.requested_budget
        for pos, (title, days, share) in enumerate(PLAN, start=1):
            status = STAGES.get((k, pos), MilestoneStatus.planned)
            reported = status != MilestoneStatus.planned
            released = status == MilestoneStatus.released
            due: date = start_day + timedelta(days=days)
            # Reports and the release happened in the weeks after the decision.
            reported_at = decided_on + timedelta(days=55 + 8 * pos + k)
            rows.append(
                {
                    "id": ms_id + len(rows),
                    "proposal_id": p.id,
                    "position": pos,
                    "title": title,
                    "due_on": due,
                    "amount": (award * share).quantize(Decimal("0.01")),
                    "status": status.value,
                    "report": REPORTS[pos - 1] if reported else "",
                    "reported_at": reported_at if reported else None,
                    "reported_by_id": p.applicant_id if reported else None,
                    "decided_at": reported_at + timedelta(days=3) if released else None,
                    "decided_by_id": int(officer) if released else None,
                    "withheld_reason": "",
                    "created_at": decided_on,
                    "updated_at": decided_on,
                }
            )
    world.bulk("review", Milestone, rows)
