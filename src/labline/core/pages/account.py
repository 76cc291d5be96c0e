"""Your account and API tokens; the audit trail page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline import zones
from labline.core.deps import (
    CsrfChecked,
    CurrentActor,
    Db,
    Paging,
)
from labline.core.schemas import (
    PersonUpdate,
    TokenCreate,
)
from labline.core.service import auth, people
from labline.core.service.audit_log import list_records
from labline.errors import NotSignedIn, validation_fields
from labline.schemas import Page
from labline.web.render import render

router = APIRouter(include_in_schema=False)

# --- account ----------------------------------------------------------------------------------


def _account_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    *,
    new_token: str | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The account page: the person, their organisations and tokens, a new token's secret once,
    and the time zone they read times in."""
    person = people.get_person(db, actor=actor, person_id=actor.person_id or 0)
    ctx = {
        "person": people.person_read(actor, person),
        "orgs": {m.organisation_id: m.organisation for m in person.memberships},
        "tokens": auth.list_tokens(db, actor=actor),
        "new_token": new_token,
        "zone_choices": zones.choices(),
        "platform_zone": request.app.state.settings.time_zone,
        "values": {"time_zone": person.time_zone or ""},
        **extra,
    }
    return render(request, "core/account.html", ctx, status=status)


def _signed_in(actor: CurrentActor) -> None:
    if actor.is_anonymous:
        raise NotSignedIn("Sign in to see your account.")


def _refused(
    request: Request,
    db: Db,
    actor: CurrentActor,
    exc: ValidationError,
    *,
    form: str,
    values: dict[str, str],
) -> Response:
    """The account page again after one of its forms was refused: the form's values kept and
    each error beside its field. `form` prefixes the form's context keys ("" or "token_")."""
    kept: dict[str, Any] = {
        f"{form}errors": validation_fields(exc.errors()),
        f"{form}values": values,
    }
    return _account_page(request, db, actor, status=422, **kept)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: Db, actor: CurrentActor) -> Response:
    _signed_in(actor)
    return _account_page(request, db, actor, saved=request.query_params.get("saved"))


@router.post("/account/time-zone", dependencies=[CsrfChecked])
def account_time_zone(
    request: Request,
    db: Db,
    actor: CurrentActor,
    time_zone: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Choose the zone times are shown in; empty: the platform's."""
    _signed_in(actor)
    try:
        data = PersonUpdate.model_validate({"time_zone": time_zone.strip() or None})
    except ValidationError as exc:
        return _refused(request, db, actor, exc, form="", values={"time_zone": time_zone})
    people.update_person(db, actor=actor, person_id=actor.person_id or 0, data=data)
    return RedirectResponse("/account?saved=time_zone", status_code=303)


@router.post("/account/tokens", dependencies=[CsrfChecked])
def account_create_token(
    request: Request,
    db: Db,
    actor: CurrentActor,
    name: Annotated[str, Form(max_length=200)] = "",
    expires_in_days: Annotated[str, Form(max_length=20)] = "90",
) -> Response:
    _signed_in(actor)
    values = {"name": name, "expires_in_days": expires_in_days}
    try:
        data = TokenCreate.model_validate(values)
    except ValidationError as exc:
        return _refused(request, db, actor, exc, form="token_", values=values)
    _token, secret = auth.create_token(db, actor=actor, data=data)
    return _account_page(request, db, actor, new_token=secret, status=201)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def account_revoke_token(db: Db, actor: CurrentActor, token_id: int) -> Response:
    auth.revoke_token(db, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    rows, total = list_records(db, actor=actor, page=paging, entity_type=entity_type)
    page: Page[Any] = Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)
    return render(request, "core/audit.html", {"page": page, "entity_type": entity_type or ""})
