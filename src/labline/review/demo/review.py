"""The demo world's funding calls: one decided call (60 bilingual proposals, 30 reviewers
with publications, an exact assignment, reviews with some split, calibration, a golden
ticket, committee statements, a decision with a lottery at the funding line) and one
open call. Deterministic from the world's seed; rows with fixed ids go in by bulk insert,
and the real services assign, analyse and decide."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Membership, Organisation, Person
from labline.review.committee.service import decisions
from labline.review.demo import committee as demo_committee
from labline.review.demo.documents import step_documents_and_letters
from labline.review.demo.rows import (
    AT,
    call_row,
    criteria_rows,
    next_id,
    proposal_row,
    review_rows,
)
from labline.review.demo.topics import ANGLES, TOPICS
from labline.review.models import (
    Authorship,
    Call,
    CallStatus,
    CommitteeNote,
    ConflictDeclaration,
    Criterion,
    GoldenTicket,
    Panel,
    Proposal,
    Publication,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from labline.review.schemas import AssignmentRun, DecideRequest
from labline.review.service import assign, reviews

if TYPE_CHECKING:
    from labline.demo.api import World


# The tie tolerances the demo's committee tries, in order, until its decision has a lottery.
TIE_TOLERANCES = (0.02, 0.03, 0.04, 0.05)


def step_review(world: World) -> None:
    rng = world.rng("review")
    session = world.session
    call_id = next_id(world, Call)
    calls = [
        call_row(
            call_id,
            f"RD-{2026 + call_id}",
            "2026年度省重点研发计划·前沿探索项目",
            "2026 Provincial Key R&D Programme: Frontier Exploration",
            description="支持原创性强、可能颠覆现有路线的探索研究；设非共识项目通道。"
            " Supports original, possibly disruptive research, with a non-consensus track.",
        ),
        call_row(
            call_id + 1,
            f"RD-{2027 + call_id}",
            "2027年度省重点研发计划·产业关键技术",
            "2027 Provincial Key R&D Programme: Key Industrial Technologies",
            status="open",
            opens_on=date(2026, 11, 1),
            closes_on=date(2027, 1, 31),
            reviews_due=date(2027, 3, 31),
        ),
    ]
    world.bulk("review", Call, calls)
    criteria = criteria_rows(next_id(world, Criterion), calls)
    world.bulk("review", Criterion, criteria)

    # Applicants: staff of universities, institutes, hospitals and enterprises.
    staff = session.execute(
        select(Membership.person_id, Membership.organisation_id, Organisation.kind)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .order_by(Membership.id)
    ).all()
    research = [
        (int(p), int(o))
        for p, o, k in staff
        if k.value in ("university", "research_institute", "hospital")
    ]
    others = [(int(p), int(o)) for p, o, k in staff if k.value == "enterprise"]
    seen: set[int] = set()
    pool = []
    for person, org in research + others:
        if person not in seen:
            seen.add(person)
            pool.append((person, org))
    demo_member = session.scalar(select(Person.id).where(Person.email == "member@labline.demo"))
    applicants = [x for x in pool if x[0] != demo_member][:59]
    member_org = session.scalar(
        select(Membership.organisation_id).where(Membership.person_id == demo_member)
    )
    if demo_member is not None and member_org is not None:
        applicants.insert(7, (int(demo_member), int(member_org)))
    applicants = applicants[:60]

    # Reviewers: 29 experts on the call's panel (invited for this call, without accounts)
    # plus the demo reviewer, each with papers and patents.
    person_id = next_id(world, Person)
    membership_id = next_id(world, Membership)
    from labline.demo.api import person_name as _person_name

    homes = [int(o) for o in world.orgs_by_kind.get("research_institute", [])] + [
        int(o) for o in world.orgs_by_kind.get("university", [])
    ]
    people: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    reviewers = []
    for n in range(29):
        zh, en = _person_name(rng)
        pid = person_id + n
        people.append(
            {
                "id": pid,
                "email": f"{en.lower().replace(' ', '.')}.r{pid}@expert.example.cn",
                "display_name": zh,
                "name_en": en,
                "password_hash": None,
                "locale": "zh",
                "is_active": True,
                "created_at": AT,
                "updated_at": AT,
            }
        )
        memberships.append(
            {
                "id": membership_id + n,
                "person_id": pid,
                "organisation_id": homes[n % len(homes)] if homes else applicants[0][1],
                "team_id": None,
                "role": "member",
                "title": "研究员 Professor",
                "created_at": AT,
                "updated_at": AT,
            }
        )
        reviewers.append(pid)
    world.bulk("review", Person, people)
    world.bulk("review", Membership, memberships)
    demo_reviewer = session.scalar(select(Person.id).where(Person.email == "reviewer@labline.demo"))
    if demo_reviewer is not None:
        reviewers.insert(0, int(demo_reviewer))

    pub_id = next_id(world, Publication)
    auth_id = next_id(world, Authorship)
    pubs: list[dict[str, Any]] = []
    authors: list[dict[str, Any]] = []
    for i, rid in enumerate(reviewers):
        topics = [i % len(TOPICS), (i * 7 + 3) % len(TOPICS)]
        for k, t in enumerate(topics):
            zh, en, kw = TOPICS[t]
            pid = pub_id + len(pubs)
            pubs.append(
                {
                    "id": pid,
                    "kind": "patent" if k else "paper",
                    "title": (zh if rng.random() < 0.4 else en) + ("" if k else " — a study"),
                    "keywords": kw,
                    "abstract": f"{en}. {zh}。",
                    "year": rng.choice([2019, 2021, 2023, 2024, 2025]),
                }
            )
            authors.append({"id": auth_id + len(authors), "publication_id": pid, "person_id": rid})
            # Some reviewers co-authored with an applicant: a conflict the rules must catch.
            if rng.random() < 0.15:
                authors.append(
                    {
                        "id": auth_id + len(authors),
                        "publication_id": pid,
                        "person_id": rng.choice(applicants)[0],
                    }
                )
    world.bulk("review", Publication, pubs)
    world.bulk("review", Authorship, authors)
    world.bulk(
        "review",
        Panel,
        [
            {
                "id": next_id(world, Panel) + i,
                "call_id": call_id,
                "person_id": rid,
                "max_load": None,
            }
            for i, rid in enumerate(reviewers)
        ],
    )

    # Sixty proposals: each topic from three angles, in both languages.
    prop_id = next_id(world, Proposal)
    proposals = []
    quality: dict[int, float] = {}
    original: set[int] = set()
    flip: dict[int, int] = {}
    for n, (applicant, org) in enumerate(applicants):
        zh, en, kw = TOPICS[n % len(TOPICS)]
        a_zh, a_en = ANGLES[(n // len(TOPICS)) % len(ANGLES)]
        pid = prop_id + n
        quality[pid] = min(0.95, max(0.1, rng.gauss(0.55, 0.15)))
        if a_en.startswith("a radically") and rng.random() < 0.6:
            flip[pid] = rng.randrange(2)
            original.add(pid)
        proposals.append(
            proposal_row(
                id=pid,
                call_id=call_id,
                applicant_id=applicant,
                organisation_id=org,
                title_zh=f"{zh}的{a_zh}",
                title_en=f"{en}: {a_en}",
                abstract_zh=f"本项目围绕{zh}，开展{a_zh}。拟解决的关键科学问题包括材料与器件"
                "的稳定性、可放大制备及成本。预期形成自主知识产权并开展中试验证。",
                abstract_en=f"This project addresses {en.lower()} through {a_en} work. It"
                " targets stability, scalable fabrication and cost, and plans patents and a"
                " pilot-scale demonstration.",
                keywords=kw,
                requested_budget=Decimal(rng.choice([5, 6, 8, 10, 12, 15, 18, 20])) * 100_000,
                submitted_at=datetime(2026, 7, 1, tzinfo=UTC) + timedelta(hours=n * 9),
            )
        )
    world.bulk("review", Proposal, proposals)
    # A few applicants name experts to avoid.
    decl_id = next_id(world, ConflictDeclaration)
    avoid = [
        {
            "id": decl_id + i,
            "proposal_id": proposals[i * 11]["id"],
            "reviewer_id": reviewers[(i * 5 + 2) % len(reviewers)],
            "rule": "avoid_list",
            "reason": "竞争关系 a direct competitor",
            "declared_by_id": proposals[i * 11]["applicant_id"],
            "created_at": AT,
            "updated_at": AT,
        }
        for i in range(4)
    ]
    world.bulk("review", ConflictDeclaration, avoid)

    # The real solver assigns; the call is then in review.
    system = command_line_actor("demo")
    call = session.get(Call, call_id)
    assert call is not None
    call.status = CallStatus.reviewing
    session.flush()
    assign.run_assignment(
        session, actor=system, call_id=call_id, data=AssignmentRun(alternates=2, seed=world.seed)
    )

    # Reviews: quality + the reviewer's habit + noise; original proposals split reviewers.
    habit = {rid: rng.gauss(0, 0.08) for rid in reviewers}
    rows = session.execute(
        select(ReviewAssignment.id, ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.call_id == call_id, ReviewAssignment.kind == "primary")
        .order_by(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id)
    ).all()
    review_id = next_id(world, Review)
    score_id = next_id(world, ReviewScore)
    crit = [c for c in criteria if c["call_id"] == call_id]
    reviews_made: list[dict[str, Any]] = []
    score_rows: list[dict[str, Any]] = []
    seen_per: dict[int, int] = {}
    for aid, pid, rid in rows:
        k = seen_per.get(pid, 0)
        seen_per[pid] = k + 1
        enthusiast = (k + flip.get(pid, 0)) % 2 == 0
        base = (0.85 if enthusiast else 0.15) if pid in original else quality[pid] + habit[rid]
        values = []
        for c in crit:
            x = base + rng.gauss(0, 0.06)
            if c["code"] == "originality" and pid in original:
                x = 0.95 if enthusiast else 0.3
            values.append(max(1, min(9, round(1 + 8 * x))))
        review, scores = review_rows(
            rng,
            review_id=review_id + len(reviews_made),
            assignment_id=aid,
            proposal_id=pid,
            reviewer_id=rid,
            crit=crit,
            values=values,
            submitted_at=datetime(2026, 8, 1, tzinfo=UTC) + timedelta(hours=len(reviews_made)),
            first_score_id=score_id + len(score_rows),
        )
        reviews_made.append(review)
        score_rows += scores
    world.bulk("review", Review, reviews_made)
    world.bulk("review", ReviewScore, score_rows)

    # A golden ticket from the demo committee member, for a well-liked but not top proposal.
    expert = session.scalar(select(Person.id).where(Person.email == "committee@labline.demo"))
    ticket_for = proposals[23]["id"]
    if expert is not None:
        world.bulk(
            "review",
            GoldenTicket,
            [
                {
                    "id": next_id(world, GoldenTicket),
                    "call_id": call_id,
                    "proposal_id": ticket_for,
                    "expert_id": int(expert),
                    "reason": "思路新颖，可能开辟新方向。A new idea that could open a field.",
                    "at": datetime(2026, 9, 1, tzinfo=UTC),
                }
            ],
        )
    reviews.analyse(session, actor=system, call_id=call_id)

    flagged = sorted(
        (
            p
            for p in session.scalars(select(Proposal).where(Proposal.call_id == call_id))
            if p.non_consensus
        ),
        key=lambda p: -(p.calibrated_score or 0),
    )
    if expert is not None:
        note_id = next_id(world, CommitteeNote)
        notes: list[dict[str, Any]] = []
        for i, p in enumerate(flagged[:4]):
            for stance, text in (
                (
                    "advocate",
                    "若成功将改变该领域的技术路线。If it works it changes the field's route.",
                ),
                ("critic", "可行性论证不足，建议分阶段资助。Feasibility is thin; fund in stages."),
            ):
                notes.append(
                    {
                        "id": note_id + len(notes),
                        "proposal_id": p.id,
                        "author_id": int(expert),
                        "stance": stance,
                        "text": text,
                        "at": datetime(2026, 9, 10, 9, tzinfo=UTC) + timedelta(hours=i),
                    }
                )
        world.bulk("review", CommitteeNote, notes)
    # The committee funds its two strongest non-consensus proposals and the golden ticket.
    picks = list(dict.fromkeys([p.id for p in flagged[:2]] + ([ticket_for] if expert else [])))
    # The demo shows the lottery at the funding line, whatever the scores: a decision that
    # found no tie is undone and taken again with a wider tolerance (the API's default 0.02
    # first). Whether the line has a tie otherwise depends on every upstream detail (the
    # analyser's words change the reviewers assigned, hence the scores).
    for tolerance in TIE_TOLERANCES:
        attempt = session.begin_nested()
        report = decisions.decide(
            session,
            actor=system,
            call_id=call_id,
            data=DecideRequest(
                fund_non_consensus=picks,
                seed=world.seed % 2**31,
                waitlist=6,
                tie_tolerance=tolerance,
            ),
        )
        if report.lottery is not None or tolerance == TIE_TOLERANCES[-1]:
            attempt.commit()
            break
        attempt.rollback()
    for p in session.scalars(select(Proposal).where(Proposal.call_id == call_id)):
        p.decided_at = AT
    session.flush()
    demo_committee.build(world, call_id=call_id, flagged=flagged, decided_on=AT)
    step_documents_and_letters(world, call_id, world.data_dir)
