"""Form posts from the dossier page: the committee's discussion (post, reply, correct) and
staged funding (plan, report, release, withhold). Each success returns to the dossier;
each problem re-renders it with the message, the fields at fault and what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.errors import FieldError, LablineError, validation_fields
from labline.fields import field_label
from labline.review import views
from labline.review.committee.schemas import (
    MilestonePlan,
    MilestoneReport,
    MilestoneWithhold,
    PostCreate,
    PostUpdate,
)
from labline.review.committee.service import discussion, milestones
from labline.web.render import render

router = APIRouter(include_in_schema=False)

PLAN_ROWS = 4


def _attempt(
    request: Request,
    db: Db,
    actor: Any,
    proposal_id: int,
    form: dict[str, str],
    action: Callable[[], Any],
    *,
    done: str,
    anchor: str,
    rename: Callable[[str], str] = lambda f: f,
) -> Response:
    """Run one form's action; on failure roll back and show the dossier with the problem."""
    require_signed_in(actor)
    try:
        result = action()
    except ValidationError as exc:
        errors = validation_fields(exc.errors())
        message = "; ".join(f"{field_label(rename(e.field))}: {e.message}" for e in errors)
        status = 422
    except LablineError as exc:
        db.rollback()
        errors, message, status = exc.fields, exc.message, exc.status
    else:
        target = f"#post-{result.id}" if done == "post" else anchor
        return RedirectResponse(
            f"/review/proposals/{proposal_id}?done={done}{target}", status_code=303
        )
    ctx = views.proposal_context(db, actor, proposal_id)
    ctx["message"] = message
    ctx["form_errors"] = [FieldError(rename(e.field), e.message, e.allowed) for e in errors]
    ctx["form_values"] = dict(form)
    return render(request, "review/proposal.html", ctx, status=status)


@router.post("/review/proposals/{proposal_id}/discussion", dependencies=[CsrfChecked])
def post_form(
    request: Request, db: Db, actor: CurrentActor, proposal_id: int, form: SubmittedForm
) -> Response:
    """A new post, or (with reply_to) a reply to one."""

    def act() -> Any:
        reply = form.get("reply_to", "").strip()
        data = PostCreate.model_validate(
            {
                "text": form.get("text", ""),
                "reply_to": int(reply) if reply.isdigit() else None,
                "stance": form.get("stance") or None,
            }
        )
        return discussion.post(db, actor=actor, proposal_id=proposal_id, data=data)

    return _attempt(request, db, actor, proposal_id, form, act, done="post", anchor="")


@router.post(
    "/review/proposals/{proposal_id}/discussion/{post_id}/edit", dependencies=[CsrfChecked]
)
def edit_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    post_id: int,
    form: SubmittedForm,
) -> Response:
    def act() -> Any:
        data = PostUpdate(text=form.get("text", ""))
        return discussion.edit(db, actor=actor, proposal_id=proposal_id, post_id=post_id, data=data)

    return _attempt(request, db, actor, proposal_id, form, act, done="post", anchor="")


@router.post("/review/proposals/{proposal_id}/milestones", dependencies=[CsrfChecked])
def plan_form(
    request: Request, db: Db, actor: CurrentActor, proposal_id: int, form: SubmittedForm
) -> Response:
    """The plan from up to four rows of title, due date and amount (blank rows skipped)."""
    used = [
        i
        for i in range(PLAN_ROWS)
        if any(form.get(f"{k}_{i}", "").strip() for k in ("title", "due_on", "amount"))
    ]

    def rename(field: str) -> str:
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "milestones" and parts[1].isdigit():
            n = int(parts[1])
            return f"{parts[2]}_{used[n]}" if n < len(used) else field
        return field

    def act() -> Any:
        rows = [
            {k: form.get(f"{k}_{i}", "").strip() for k in ("title", "due_on", "amount")}
            for i in used
        ]
        data = MilestonePlan.model_validate({"milestones": rows})
        return milestones.set_plan(db, actor=actor, proposal_id=proposal_id, data=data)

    return _attempt(
        request, db, actor, proposal_id, form, act, done="plan", anchor="#funding", rename=rename
    )


def _step(
    request: Request,
    db: Db,
    actor: Any,
    proposal_id: int,
    milestone_id: int,
    step: str,
    form: dict[str, str],
) -> Response:
    def act() -> Any:
        ids = {"proposal_id": proposal_id, "milestone_id": milestone_id}
        if step == "report":
            data = MilestoneReport(evidence=form.get("evidence", ""))
            return milestones.report(db, actor=actor, data=data, **ids)
        if step == "release":
            return milestones.release(db, actor=actor, **ids)
        reason = MilestoneWithhold(reason=form.get("reason", ""))
        return milestones.withhold(db, actor=actor, data=reason, **ids)

    return _attempt(request, db, actor, proposal_id, form, act, done=step, anchor="#funding")


MILESTONE = "/review/proposals/{proposal_id}/milestones/{milestone_id}"


@router.post(MILESTONE + "/report", dependencies=[CsrfChecked])
def report_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    milestone_id: int,
    form: SubmittedForm,
) -> Response:
    """The grantee's report on the current milestone, with its evidence."""
    return _step(request, db, actor, proposal_id, milestone_id, "report", form)


@router.post(MILESTONE + "/release", dependencies=[CsrfChecked])
def release_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    milestone_id: int,
    form: SubmittedForm,
) -> Response:
    return _step(request, db, actor, proposal_id, milestone_id, "release", form)


@router.post(MILESTONE + "/withhold", dependencies=[CsrfChecked])
def withhold_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    milestone_id: int,
    form: SubmittedForm,
) -> Response:
    return _step(request, db, actor, proposal_id, milestone_id, "withhold", form)
