"""Review pages: the calls, a call with its working-day clock and (for the committee) the
ranked list, a proposal with its review form, reviews and committee notes; and the
manager's steps (close, assign, analyse, decide) as form posts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from labline import i18n
from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.models import Membership, Organisation
from labline.errors import FieldError, InvalidInput, LablineError, validation_fields
from labline.fields import field_label
from labline.review import views
from labline.review.committee.service import decisions
from labline.review.schemas import (
    AssignmentRun,
    DecideRequest,
    NoteCreate,
    ProposalCreate,
    ReviewSubmit,
)
from labline.review.service import assign, calls, queue, reminders, reviews
from labline.web.render import render

router = APIRouter(include_in_schema=False)

STEPS = ("open", "close", "assign", "analyse", "remind", "decide")


@router.get("/review", response_class=HTMLResponse)
def calls_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    signed_in = not actor.is_anonymous
    to_review, reviewed = queue.review_queue(db, actor=actor) if signed_in else ([], [])
    ctx = {
        "calls": [(c, calls.decision_due(c)) for c in calls.list_calls(db, actor=actor)],
        "mine": calls.my_proposals(db, actor=actor) if signed_in else [],
        "to_review": to_review,
        "reviewed": reviewed,
    }
    return render(request, "review/calls.html", ctx)


@router.get("/review/calls/{call_id}", response_class=HTMLResponse)
def call_page(request: Request, db: Db, actor: CurrentActor, call_id: int) -> Response:
    return render(request, "review/call.html", views.call_context(db, actor, call_id))


@router.post("/review/calls/{call_id}/step", dependencies=[CsrfChecked])
def call_step(
    request: Request, db: Db, actor: CurrentActor, call_id: int, form: SubmittedForm
) -> Response:
    """The manager moves the call on: close, assign reviewers, analyse reviews, decide."""
    step = form.get("step", "")
    if step not in STEPS:
        raise InvalidInput(
            f"Unknown step {step!r}.", fields=[FieldError("step", "unknown", list(STEPS))]
        )
    calls.require_manager(actor)
    if step in IRREVERSIBLE and form.get("confirm") != "yes":
        # Closing submissions and deciding cannot be undone: the page asks first.
        ctx = views.call_context(db, actor, call_id)
        ctx["confirm"] = {"step": step, "seed": form.get("seed", "").strip()}
        ctx["early"] = step == "close" and calls.today() < ctx["call"].closes_on
        return render(request, "review/call.html", ctx)
    try:
        if step == "open":
            calls.open_call(db, actor=actor, call_id=call_id)
        elif step == "close":
            calls.close_call(db, actor=actor, call_id=call_id)
        elif step == "assign":
            assign.run_assignment(db, actor=actor, call_id=call_id, data=AssignmentRun())
        elif step == "analyse":
            reviews.analyse(db, actor=actor, call_id=call_id)
        elif step == "remind":
            sent = reminders.remind_reviewers(
                db,
                actor=actor,
                call_id=call_id,
                base_url=request.app.state.settings.base_url,
            )
            ctx = views.call_context(db, actor, call_id)
            ctx["notice"] = (
                i18n.gettext(
                    "%(queued)s reminders queued in the mail outbox (%(owing)s reviewers owe"
                    " reviews).",
                    queued=sent.queued,
                    owing=sent.reviewers,
                )
                if sent.stage != "none"
                else i18n.gettext("No reminders yet: the deadline is more than 3 days away.")
            )
            return render(request, "review/call.html", ctx)
        else:
            seed = form.get("seed", "").strip()
            data = DecideRequest(seed=int(seed) if seed.isdigit() else None)
            decisions.decide(db, actor=actor, call_id=call_id, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = views.call_context(db, actor, call_id)
        ctx["message"] = exc.message
        return render(request, "review/call.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/calls/{call_id}?done={step}", status_code=303)


IRREVERSIBLE = ("close", "decide")
FORM_FIELDS = (
    "organisation_id",
    "title_zh",
    "title_en",
    "abstract_zh",
    "abstract_en",
    "keywords",
    "requested_budget",
)


def _apply_context(db: Db, actor: Any, call_id: int) -> dict[str, Any]:
    require_signed_in(actor)
    call = calls.get_call(db, actor=actor, call_id=call_id)
    orgs = db.scalars(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.person_id == actor.person_id)
        .order_by(Organisation.id)
    ).all()
    return {"call": call, "orgs": orgs, "values": {}, "errors": [], "message": None}


@router.get("/review/calls/{call_id}/apply", response_class=HTMLResponse)
def apply_page(request: Request, db: Db, actor: CurrentActor, call_id: int) -> Response:
    return render(request, "review/apply.html", _apply_context(db, actor, call_id))


@router.post("/review/calls/{call_id}/apply", dependencies=[CsrfChecked])
def apply(
    request: Request, db: Db, actor: CurrentActor, call_id: int, form: SubmittedForm
) -> Response:
    """Submit a proposal from the form; every problem is shown beside its field."""
    ctx = _apply_context(db, actor, call_id)
    values = {k: form.get(k, "").strip() for k in FORM_FIELDS}
    ctx["values"] = values
    org = values["organisation_id"]
    try:
        data = ProposalCreate.model_validate(
            {
                **values,
                "call_id": call_id,
                "organisation_id": int(org) if org.isdigit() else 0,
                "requested_budget": values["requested_budget"] or "0",
            }
        )
        proposal = calls.submit_proposal(db, actor=actor, data=data)
    except ValidationError as exc:
        ctx["errors"] = validation_fields(exc.errors())
        ctx["message"] = "; ".join(f"{field_label(e.field)}: {e.message}" for e in ctx["errors"])
        return render(request, "review/apply.html", ctx, status=422)
    except LablineError as exc:
        db.rollback()
        ctx["errors"] = exc.fields
        ctx["message"] = exc.message
        return render(request, "review/apply.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/proposals/{proposal.id}?done=submitted", status_code=303)


@router.get("/review/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_page(request: Request, db: Db, actor: CurrentActor, proposal_id: int) -> Response:
    require_signed_in(actor)
    return render(request, "review/proposal.html", views.proposal_context(db, actor, proposal_id))


@router.post("/review/proposals/{proposal_id}/review", dependencies=[CsrfChecked])
def review_form(
    request: Request, db: Db, actor: CurrentActor, proposal_id: int, form: SubmittedForm
) -> Response:
    require_signed_in(actor)
    ctx = views.proposal_context(db, actor, proposal_id)
    ctx["values"] = dict(form)
    scores = []
    errors = []
    for c in ctx["criteria"]:
        raw = form.get(f"score_{c.code}", "").strip()
        if not raw.lstrip("-").isdigit():
            errors.append(FieldError(f"score_{c.code}", "give a whole number"))
            continue
        scores.append({"criterion": c.code, "score": int(raw), "comment": ""})
    try:
        if errors:
            raise InvalidInput("Every criterion needs a score.", fields=errors)
        confidence = form.get("confidence", "3")
        data = ReviewSubmit(
            scores=scores,
            confidence=int(confidence) if confidence.isdigit() else 0,
            comment=form.get("comment", ""),
        )
        reviews.submit_review(db, actor=actor, proposal_id=proposal_id, data=data)
    except ValidationError as exc:
        ctx["errors"] = validation_fields(exc.errors())
        ctx["message"] = "; ".join(f"{field_label(e.field)}: {e.message}" for e in ctx["errors"])
        return render(request, "review/proposal.html", ctx, status=422)
    except LablineError as exc:
        db.rollback()
        ctx["errors"] = [
            FieldError(
                "score_" + ctx["criteria"][int(e.field.split(".")[1])].code
                if e.field.startswith("scores.") and e.field.endswith(".score")
                else e.field,
                e.message,
            )
            for e in exc.fields
        ]
        ctx["message"] = exc.message
        return render(request, "review/proposal.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/proposals/{proposal_id}?done=review", status_code=303)


@router.post("/review/proposals/{proposal_id}/note", dependencies=[CsrfChecked])
def note_form(
    request: Request, db: Db, actor: CurrentActor, proposal_id: int, form: SubmittedForm
) -> Response:
    """A committee note, or (with kind=ticket) a golden ticket."""
    require_signed_in(actor)
    try:
        if form.get("kind") == "ticket":
            reviews.golden_ticket(
                db, actor=actor, proposal_id=proposal_id, reason=form.get("text", "").strip()
            )
        else:
            data = NoteCreate(stance=form.get("stance", ""), text=form.get("text", ""))
            decisions.add_note(db, actor=actor, proposal_id=proposal_id, data=data)
    except ValidationError as exc:
        ctx = views.proposal_context(db, actor, proposal_id)
        ctx["message"] = "; ".join(
            f"{field_label(e.field)}: {e.message}" for e in validation_fields(exc.errors())
        )
        return render(request, "review/proposal.html", ctx, status=422)
    except LablineError as exc:
        db.rollback()
        ctx = views.proposal_context(db, actor, proposal_id)
        ctx["message"] = exc.message
        return render(request, "review/proposal.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/proposals/{proposal_id}?done=note", status_code=303)
