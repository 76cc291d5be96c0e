"""An investor's page: what it follows, what that brings up, its deals by stage (columns),
and the forms to follow, unfollow and ask for an introduction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.access import Actor
from labline.core.deps import CsrfChecked, CurrentActor, Db, Paging, SubmittedForm
from labline.core.models import Role
from labline.core.names import industry_choices, region_choices
from labline.core.pages.forms import failed_form
from labline.errors import FieldError, InvalidInput, LablineError
from labline.i18n import N_
from labline.market.investors import service
from labline.market.investors.schemas import FollowCreate, IntroductionCreate, InvestorCreate
from labline.schemas import PageParams
from labline.web.render import render

router = APIRouter()
ACTIONS = ("follow", "unfollow", "introduce")
KINDS = {
    "guidance_fund": N_("Government guidance fund"),
    "venture_fund": N_("Venture fund"),
    "corporate_venture": N_("Corporate venture"),
}
FOLLOW_KINDS = {
    "field": N_("Field (industry code)"),
    "region": N_("Region"),
    "project": N_("Funded project"),
    "achievement": N_("Achievement"),
    "team": N_("Team"),
}
# The follow form's pickers: each kind's input, searchable by code or name in both languages.
FOLLOW_PICKERS = {
    "field": ("follow_industry", N_("A field (GB/T 4754 industry)")),
    "region": ("follow_region", N_("A region (GB/T 2260)")),
    "team": ("follow_team", N_("A team")),
    "achievement": ("follow_achievement", N_("An achievement")),
    "project": ("follow_project", N_("A funded project")),
}


def _choices(db: Db, actor: Any, investor_id: int) -> dict[str, list[tuple[str, str]]]:
    return {
        "field": industry_choices(),
        "region": region_choices(),
        **service.follow_choices(db, actor=actor, investor_id=investor_id),
    }


def _picked(db: Db, actor: Any, investor_id: int, form: dict[str, str]) -> dict[str, Any]:
    """The follow form's kind and value: the picked code or id, or a name typed in full
    (in either language) that names one field, region, team, achievement or project."""
    kind = form.get("kind", "")
    name = FOLLOW_PICKERS.get(kind, ("", ""))[0]
    typed = (form.get(name) or form.get("value") or "").strip()
    if typed and not (typed.isascii() and typed.isalnum()):
        if kind not in FOLLOW_PICKERS:
            found = None
        elif kind in service.PICKED_BY_NAME:
            found = service.find_by_name(
                db, actor=actor, investor_id=investor_id, kind=kind, typed=typed
            )
        else:
            coded = {"field": industry_choices, "region": region_choices}[kind]()
            found = next((c for c, label in coded if _names(typed, c, label)), None)
        if found is None:
            raise InvalidInput(
                f"{typed!r} names none of the choices.",
                fields=[FieldError(name, N_("names none of the choices: pick one from the list"))],
            )
        return {"kind": kind, "value": found}
    return {"kind": kind or None, "value": typed}


def _names(typed: str, code: str, label: str) -> bool:
    return typed == label or typed in label.split(" · ") or typed == f"{code} {label}"


def _context(
    db: Db, actor: Any, investor_id: int, paging: PageParams | None = None
) -> dict[str, Any]:
    return {
        "page": service.profile(db, actor=actor, investor_id=investor_id, page=paging),
        "values": {},
        "kinds": KINDS,
        "follow_kinds": FOLLOW_KINDS,
        "pickers": FOLLOW_PICKERS,
        "choices": _choices(db, actor, investor_id),
        # Pickers whose choices are searched on the server as one types.
        "suggest": {
            kind: f"/api/v1/market/investors/{investor_id}/follow-choices?kind={kind}&q="
            for kind in service.PICKED_BY_NAME
        },
    }


def _list_context(db: Db, actor: Actor) -> dict[str, Any]:
    rows = service.list_investors(db, actor=actor)
    mine = service.my_profile(db, actor=actor)
    return {
        "rows": rows,
        "mine": {r.id for r in rows if actor.is_operator or (mine and r.id == mine.id)},
        "profile": mine,
        # A holder of the role without a profile yet is offered the form.
        "can_register": mine is None and actor.has(Role.investor),
        "organisations": service.investing_for(db, actor=actor),
        "kinds": KINDS,
        "values": {},
    }


@router.get("/market/investors", response_class=HTMLResponse)
def investors_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "market/investors.html", _list_context(db, actor))


@router.post("/market/investors", dependencies=[CsrfChecked])
def register_investor(
    request: Request, db: Db, actor: CurrentActor, form: SubmittedForm
) -> Response:
    try:
        data = InvestorCreate.model_validate(
            {
                "organisation_id": form.get("organisation_id") or None,
                "kind": form.get("kind") or None,
                "thesis": form.get("thesis", ""),
            }
        )
        done = service.register(db, actor=actor, data=data)
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "market/investors.html",
            lambda: _list_context(db, actor),
            values=form,
            passthrough=(401, 404),
        )
    return RedirectResponse(f"/market/investors/{done.id}?note=done", status_code=303)


@router.get("/market/investors/{investor_id}", response_class=HTMLResponse)
def investor_page(
    request: Request, db: Db, actor: CurrentActor, investor_id: int, paging: Paging
) -> Response:
    ctx = _context(db, actor, investor_id, paging)
    ctx["note"] = request.query_params.get("note")
    return render(request, "market/investor.html", ctx)


def _act(db: Db, actor: Any, investor_id: int, form: dict[str, str]) -> str:
    action = form.get("action", "")
    if action == "follow":
        picked = _picked(db, actor, investor_id, form)
        data = FollowCreate.model_validate(picked)
        service.follow(db, actor=actor, investor_id=investor_id, data=data)
    elif action == "unfollow":
        follow_id = form.get("follow_id", "")
        if not follow_id.isdigit():
            raise InvalidInput("Say which follow.", fields=[FieldError("follow_id", "required")])
        service.unfollow(db, actor=actor, investor_id=investor_id, follow_id=int(follow_id))
    elif action == "introduce":
        intro = IntroductionCreate.model_validate(
            {"achievement_id": form.get("achievement_id"), "note": form.get("note", "")}
        )
        done = service.introduce(db, actor=actor, investor_id=investor_id, data=intro)
        return f"/market/deals/{done.deal_id}"
    else:
        raise InvalidInput(
            f"Unknown action {action!r}.", fields=[FieldError("action", "unknown", list(ACTIONS))]
        )
    return f"/market/investors/{investor_id}?note=done"


@router.post("/market/investors/{investor_id}", dependencies=[CsrfChecked])
def investor_action(
    request: Request, db: Db, actor: CurrentActor, investor_id: int, form: SubmittedForm
) -> Response:
    try:
        target = _act(db, actor, investor_id, form)
    except (ValidationError, LablineError) as exc:
        # A follow's value is shown beside the picker it came from.
        picker = FOLLOW_PICKERS.get(form.get("kind", ""), ("value", ""))[0]
        return failed_form(
            request,
            db,
            exc,
            "market/investor.html",
            lambda: _context(db, actor, investor_id),
            values=form,
            field_names={"value": picker} if form.get("action") == "follow" else None,
            passthrough=(401, 404),
        )
    return RedirectResponse(target, status_code=303)
