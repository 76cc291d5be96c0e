"""Decision letters: one per decided proposal, in the applicant's language, composed from
the decision, its recorded reasons, the reviews (anonymised: Reviewer 1, 2, ...), the
committee's written reasons for non-consensus cases and the working-day clock.

A letter never names a reviewer, an expert or a committee member, nor their organisation
or id: reviews are numbered, statements are unsigned, recorded reasons that mention an
expert's id are reworded, and any name, e-mail address or organisation name of the
people who judged the proposal is cut out of the free text they wrote.

Programme officers (operators) read letters as soon as the call is decided; the
applicant reads theirs once an officer has issued the call's letters (audited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from labline import clock, i18n
from labline.core import audit
from labline.core.access import Actor, require_signed_in
from labline.core.models import Organisation, Person
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.i18n import gettext as _
from labline.review import reasons as decision_reasons
from labline.review.documents.models import LetterIssue
from labline.review.letters.schemas import (
    Letter,
    LetterClock,
    LetterReview,
    LetterScore,
    LetterStatement,
)
from labline.review.models import (
    Call,
    CallStatus,
    CommitteeNote,
    GoldenTicket,
    Proposal,
    ProposalStatus,
    Review,
    Stance,
)
from labline.review.service.anonymity import redactor
from labline.review.service.calls import (
    _date_set,
    decision_due,
    get_call,
    is_manager,
    require_manager,
    working_days_between,
)

LANGUAGES = ("zh", "en")
LETTER_STATUSES = (
    ProposalStatus.funded,
    ProposalStatus.waitlisted,
    ProposalStatus.rejected,
    ProposalStatus.ineligible,
)
OUTCOMES = {
    ProposalStatus.funded: "funded",
    ProposalStatus.waitlisted: "waitlisted",
    ProposalStatus.rejected: "not_funded",
    ProposalStatus.ineligible: "not_eligible",
}
SHOWN_STANCES = (Stance.advocate, Stance.critic, Stance.vote_fund, Stance.vote_reject)


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    token = i18n.set_locale(lang)
    try:
        yield
    finally:
        i18n._locale.reset(token)


# --- who may read a letter, and when ------------------------------------------------------------


def issue_of(session: Session, call_id: int) -> LetterIssue | None:
    return session.scalar(select(LetterIssue).where(LetterIssue.call_id == call_id))


def letter_state(session: Session, actor: Actor, proposal: Proposal) -> str:
    """'ok', or why the actor cannot read the proposal's letter: 'forbidden', 'undecided',
    'not_issued'."""
    if not (is_manager(actor) or actor.person_id == proposal.applicant_id):
        return "forbidden"
    if proposal.call.status != CallStatus.decided or proposal.status not in LETTER_STATUSES:
        return "undecided"
    if not is_manager(actor) and issue_of(session, proposal.call_id) is None:
        return "not_issued"
    return "ok"


def _readable(session: Session, actor: Actor, proposal_id: int) -> Proposal:
    require_signed_in(actor)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.", proposal_id=proposal_id)
    state = letter_state(session, actor, proposal)
    if state == "forbidden":
        raise NotPermitted("Only the applicant and programme officers read a decision letter.")
    if state == "undecided":
        raise Conflict(
            "There is no decision letter yet: the proposal has not been decided.",
            proposal_status=proposal.status.value,
        )
    if state == "not_issued":
        raise Conflict(
            "The decision letters of this call have not been issued yet.", call_id=proposal.call_id
        )
    return proposal


def _language(session: Session, proposal: Proposal, lang: str | None) -> str:
    if lang in (None, ""):
        applicant = session.get(Person, proposal.applicant_id)
        locale = applicant.locale if applicant else "zh"
        return locale if locale in LANGUAGES else "zh"
    if lang not in LANGUAGES:
        raise InvalidInput(
            "Letters are written in Chinese or English.",
            fields=[FieldError("lang", "not a letter language", list(LANGUAGES))],
        )
    return lang


# --- the letter's words, in its language ---------------------------------------------------


def _headline(status: ProposalStatus) -> str:
    return {
        ProposalStatus.funded: _("Your proposal is funded."),
        ProposalStatus.waitlisted: _("Your proposal is on the waiting list."),
        ProposalStatus.rejected: _("Your proposal is not funded."),
        ProposalStatus.ineligible: _("Your proposal was not eligible for this call."),
    }[status]


def _labels() -> dict[str, str]:
    """The letter's own words, in its language (templates and text use these)."""
    return {
        "letter": _("Decision letter"),
        "call": _("Call"),
        "proposal": _("Proposal"),
        "applicant": _("Applicant"),
        "organisation": _("Organisation"),
        "decision": _("Decision"),
        "requested": _("Requested"),
        "awarded": _("Amount awarded"),
        "reasons": _("Reasons recorded with the decision"),
        "reviews": _("Review comments"),
        "no_reviews": _("No reviews were submitted for this proposal."),
        "overall": _("Overall (0–1)"),
        "committee": _("The committee's written reasons"),
        "clock": _("Working-day clock"),
        "submitted": _("Submitted"),
        "closed": _("Call closed"),
        "decided": _("Decided"),
        "used": _("Working days used"),
        "due": _("Decision due"),
        "issued": _("Issued"),
        "not_issued": _("Not issued yet"),
        "anonymous": _(
            "Reviewers are not named. Their comments are given as written, without names."
        ),
    }


def _used_line(clock: LetterClock) -> str:
    used, limit = clock.working_days_used, clock.working_days_limit
    if used is None:
        return "—"
    if clock.on_time:
        return _(
            "%(used)s of %(limit)s working days, counted from the call's close: on time",
            used=used,
            limit=limit,
        )
    return _(
        "%(used)s of %(limit)s working days, counted from the call's close: %(late)s late",
        used=used,
        limit=limit,
        late=used - limit,
    )


# --- composing ----------------------------------------------------------------------------------


def _clock(session: Session, call: Call, proposal: Proposal) -> LetterClock:
    decided = proposal.decided_at or session.scalar(
        select(func.max(Proposal.decided_at)).where(Proposal.call_id == call.id)
    )
    # Days on the platform's clock (the reader's while rendering for one), not UTC's: a
    # decision at 01:00 in Beijing is that day's.
    zone = clock.display_zone()
    decided_on = clock.in_zone(decided, zone).date() if decided else None
    used = (
        working_days_between(
            call.closes_on,
            decided_on,
            holidays=_date_set(call.holidays),
            extra=_date_set(call.extra_workdays),
        )
        if decided_on
        else None
    )
    return LetterClock(
        submitted_on=(
            clock.in_zone(proposal.submitted_at, zone).date() if proposal.submitted_at else None
        ),
        closes_on=call.closes_on,
        decided_on=decided_on,
        decision_due=decision_due(call),
        working_days_used=used,
        working_days_limit=call.decision_working_days,
    )


def compose(
    session: Session,
    proposal: Proposal,
    lang: str,
    clean: Callable[[str], str] | None = None,
) -> Letter:
    """The letter of a decided proposal (no permission check: callers check)."""
    call = proposal.call
    clean = clean or redactor(session, call.id)
    with in_language(lang):
        applicant = session.get(Person, proposal.applicant_id)
        org = session.get(Organisation, proposal.organisation_id)
        names = {c.id: (i18n.pick(c.name_zh, c.name_en), c.scale_max) for c in call.criteria}
        rows = session.scalars(
            select(Review)
            .where(Review.proposal_id == proposal.id, Review.submitted_at.is_not(None))
            .options(selectinload(Review.scores))
            .order_by(Review.id)
        ).all()
        reviews = [
            LetterReview(
                label=_("Reviewer %(n)s", n=i),
                overall=round(r.overall, 2),
                scores=[
                    LetterScore(
                        criterion=names[s.criterion_id][0],
                        score=s.score,
                        scale_max=names[s.criterion_id][1],
                    )
                    for s in sorted(r.scores, key=lambda s: s.criterion_id)
                    if s.criterion_id in names
                ],
                comment=clean(r.comment.strip()),
            )
            for i, r in enumerate(rows, start=1)
        ]
        committee: list[LetterStatement] = []
        if proposal.non_consensus:
            said = {
                Stance.advocate: _("For the proposal"),
                Stance.critic: _("Against the proposal"),
                Stance.vote_fund: _("A vote to fund"),
                Stance.vote_reject: _("A vote not to fund"),
            }
            for t in session.scalars(
                select(GoldenTicket).where(GoldenTicket.proposal_id == proposal.id)
            ):
                committee.append(
                    LetterStatement(
                        what=_("A senior expert's golden ticket"), text=clean(t.reason.strip())
                    )
                )
            for n in session.scalars(
                select(CommitteeNote)
                .where(
                    CommitteeNote.proposal_id == proposal.id,
                    CommitteeNote.stance.in_(SHOWN_STANCES),
                )
                .order_by(CommitteeNote.at, CommitteeNote.id)
            ):
                committee.append(LetterStatement(what=said[n.stance], text=clean(n.text.strip())))
        lottery = None
        labels = _labels()
        if proposal.by_lottery:
            won = proposal.status == ProposalStatus.funded
            lottery = "won" if won else "not_drawn"
            labels["lottery_line"] = (
                _("Drawn in the lottery at the funding line: funded.")
                if won
                else _("Not drawn in the lottery at the funding line.")
            )
        reasons = decision_reasons.sentences(proposal.decision, clean)
        issue = issue_of(session, call.id)
        clock = _clock(session, call, proposal)
        labels["used_line"] = _used_line(clock)
        return Letter(
            proposal_id=proposal.id,
            call_id=call.id,
            language=lang,
            call_code=call.code,
            call_title=i18n.pick(call.title_zh, call.title_en),
            title=i18n.pick(proposal.title_zh, proposal.title_en),
            applicant=i18n.pick(applicant.display_name, applicant.name_en) if applicant else "",
            organisation=i18n.pick(org.name_zh, org.name_en) if org else "",
            decision=OUTCOMES[proposal.status],
            headline=_headline(proposal.status),
            lottery=lottery,
            requested=proposal.requested_budget,
            amount=proposal.awarded if proposal.status == ProposalStatus.funded else None,
            reasons=reasons,
            reviews=reviews,
            committee=committee,
            clock=clock,
            issued_at=issue.at if issue else None,
            labels=labels,
        )


def letter(session: Session, *, actor: Actor, proposal_id: int, lang: str | None = None) -> Letter:
    proposal = _readable(session, actor, proposal_id)
    return compose(session, proposal, _language(session, proposal, lang))


def letters_for_call(
    session: Session, *, actor: Actor, call_id: int, lang: str | None = None
) -> list[Letter]:
    """Every decided proposal's letter (programme officers)."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.decided:
        raise Conflict(f"Letters come after the decisions; the call is {call.status.value}.")
    out = []
    clean = redactor(session, call.id)
    for p in session.scalars(
        select(Proposal)
        .where(Proposal.call_id == call.id, Proposal.status.in_(LETTER_STATUSES))
        .order_by(Proposal.id)
    ):
        out.append(compose(session, p, _language(session, p, lang), clean))
    return out


def issue_letters(session: Session, *, actor: Actor, call_id: int) -> LetterIssue:
    """A programme officer issues the call's letters: from now the applicants read them."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.decided:
        raise Conflict(f"Letters are issued after the decisions; the call is {call.status.value}.")
    done = issue_of(session, call.id)
    if done is not None:
        raise Conflict(
            f"This call's letters were issued on {done.at:%Y-%m-%d %H:%M} UTC.",
            issued_at=done.at.isoformat(),
        )
    count = session.scalar(
        select(func.count()).where(
            Proposal.call_id == call.id, Proposal.status.in_(LETTER_STATUSES)
        )
    )
    row = LetterIssue(
        call_id=call.id, letters=int(count or 0), issued_by_id=actor.person_id, at=clock.now()
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="issue_letters",
        entity_type="review_calls",
        entity_id=call.id,
        after={"letters": row.letters, "issued_by": actor.audit_label()},
    )
    return row
