"""The programme manager's forms: a new call, its review panel, institution aliases; and
every reviewer's own publications (the expertise the assignment solver scores).

Registered before review.pages so that /review/calls/new is not read as a call id.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.models import Organisation, Person
from labline.errors import FieldError, InvalidInput, LablineError, invalid_input
from labline.review.models import Authorship, InstitutionAlias, Publication
from labline.review.schemas import AliasCreate, CallCreate, PanelAdd, PublicationCreate
from labline.review.service import calls, conflicts
from labline.web.render import reader_today, render

router = APIRouter(include_in_schema=False)

# The criteria are rows: names, a scale picked from the usual ones, a weight, and which one
# measures originality (the non-consensus track reads it).
SCALES = ("1-5", "1-7", "1-9", "1-10", "0-10", "0-100")
ROW_FIELDS = ("code", "name_zh", "name_en", "scale", "weight")
MAX_ROWS = 20
DEFAULT_CRITERIA: tuple[dict[str, str], ...] = (
    {
        "code": "originality",
        "name_zh": "原创性",
        "name_en": "Originality",
        "scale": "1-9",
        "weight": "0.35",
        "originality": "yes",
    },
    {
        "code": "value",
        "name_zh": "科学价值",
        "name_en": "Scientific value",
        "scale": "1-9",
        "weight": "0.3",
        "originality": "",
    },
    {
        "code": "feasibility",
        "name_zh": "可行性",
        "name_en": "Feasibility",
        "scale": "1-9",
        "weight": "0.2",
        "originality": "",
    },
    {
        "code": "team",
        "name_zh": "团队",
        "name_en": "Team",
        "scale": "1-9",
        "weight": "0.15",
        "originality": "",
    },
)
CALL_FIELDS = (
    "code",
    "title_zh",
    "title_en",
    "description",
    "budget",
    "max_request",
    "reviewers_per_proposal",
    "max_load",
    "opens_on",
    "closes_on",
    "reviews_due",
    "decision_working_days",
    "holidays",
)


def criteria_rows(form: dict[str, str]) -> list[dict[str, str]]:
    """The filled rows of the criteria table, in order (an empty row is left out)."""
    rows = []
    for i in range(MAX_ROWS):
        row = {k: form.get(f"criteria.{i}.{k}", "").strip() for k in ROW_FIELDS}
        row["originality"] = "yes" if form.get("originality") == str(i) else ""
        if any(row[k] for k in ("code", "name_zh", "name_en", "weight")):
            rows.append(row)
    return rows


def _code_of(row: dict[str, str]) -> str:
    """A criterion's code: as given, else made from its English name."""
    if row["code"]:
        return row["code"]
    return re.sub(r"[^a-z0-9]+", "_", row["name_en"].lower()).strip("_")[:40]


def criteria_payload(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The rows as CallCreate's criteria; validation names each bad cell (criteria.N.x)."""
    out = []
    for row in rows:
        low, _, high = row["scale"].partition("-")
        out.append(
            {
                "code": _code_of(row),
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "scale_min": low,
                "scale_max": high,
                "weight": row["weight"],
                "is_originality": bool(row["originality"]),
            }
        )
    return out


def _blank_row() -> dict[str, str]:
    return {
        "code": "",
        "name_zh": "",
        "name_en": "",
        "scale": "1-9",
        "weight": "",
        "originality": "",
    }


def _form_context(
    values: dict[str, str], rows: list[dict[str, str]], *, extra: int = 2
) -> dict[str, Any]:
    shown = [*rows, *(_blank_row() for _ in range(max(extra, 5 - len(rows))))][:MAX_ROWS]
    return {
        "values": values,
        "rows": shown,
        "scales": SCALES,
        "max_rows": MAX_ROWS,
        "errors": [],
        "message": None,
    }


def _new_call_defaults(request: Request) -> dict[str, str]:
    today = reader_today(request)
    return {
        "reviewers_per_proposal": "3",
        "max_load": "8",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "reviews_due": (today + timedelta(days=60)).isoformat(),
        "decision_working_days": "30",
    }


@router.get("/review/calls/new", response_class=HTMLResponse)
def new_call_page(request: Request, actor: CurrentActor) -> Response:
    calls.require_manager(actor)
    ctx = _form_context(_new_call_defaults(request), [dict(r) for r in DEFAULT_CRITERIA])
    return render(request, "review/call_form.html", ctx)


@router.post("/review/calls/new", dependencies=[CsrfChecked])
def new_call(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    calls.require_manager(actor)
    values = {k: form.get(k, "").strip() for k in CALL_FIELDS}
    rows = criteria_rows(form)
    if form.get("more_rows"):
        # "Add a criterion row": the same form with one more empty row, nothing created.
        return render(request, "review/call_form.html", _form_context(values, rows, extra=3))
    try:
        data = _call_input(values, rows)
        call = calls.create_call(db, actor=actor, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = _form_context(values, rows)
        ctx.update(errors=exc.fields, message=exc.message)
        return render(request, "review/call_form.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/calls/{call.id}?done=created", status_code=303)


def _call_input(values: dict[str, str], rows: list[dict[str, str]]) -> CallCreate:
    """The form's fields and criteria rows as a call, or InvalidInput naming each field."""
    payload: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    payload["criteria"] = criteria_payload(rows)
    try:
        return CallCreate.model_validate(payload)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None


def _call_values(call: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A call as the form shows it: its fields as text, its criteria as rows."""
    values = {k: "" if getattr(call, k) is None else str(getattr(call, k)) for k in CALL_FIELDS}
    rows = [
        {
            "code": c.code,
            "name_zh": c.name_zh,
            "name_en": c.name_en,
            "scale": f"{c.scale_min}-{c.scale_max}",
            "weight": f"{c.weight:g}",
            "originality": "yes" if c.is_originality else "",
        }
        for c in call.criteria
    ]
    return values, rows


@router.get("/review/calls/{call_id}/edit", response_class=HTMLResponse)
def edit_call_page(request: Request, db: Db, actor: CurrentActor, call_id: int) -> Response:
    calls.require_manager(actor)
    call = calls.get_call(db, actor=actor, call_id=call_id)
    ctx = _form_context(*_call_values(call))
    ctx["call"] = call
    return render(request, "review/call_form.html", ctx)


@router.post("/review/calls/{call_id}/edit", dependencies=[CsrfChecked])
def edit_call(
    request: Request, db: Db, actor: CurrentActor, call_id: int, form: SubmittedForm
) -> Response:
    calls.require_manager(actor)
    call = calls.get_call(db, actor=actor, call_id=call_id)
    values = {k: form.get(k, "").strip() for k in CALL_FIELDS}
    rows = criteria_rows(form)
    if form.get("more_rows"):
        return render(
            request, "review/call_form.html", {**_form_context(values, rows, extra=3), "call": call}
        )
    try:
        data = _call_input(values, rows)
        calls.update_call(db, actor=actor, call_id=call_id, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = {**_form_context(values, rows), "call": call}
        ctx.update(errors=exc.fields, message=exc.message)
        return render(request, "review/call_form.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/calls/{call_id}?done=changed", status_code=303)


# --- the review panel ---------------------------------------------------------------------------


def _panel_context(db: Db, actor: Actor, call_id: int) -> dict[str, Any]:
    calls.require_manager(actor)
    call = calls.get_call(db, actor=actor, call_id=call_id)
    members = calls.panel(db, call.id)
    people = {
        p.id: p
        for p in db.scalars(select(Person).where(Person.id.in_([m.person_id for m in members])))
    }
    works = dict(
        db.execute(
            select(Authorship.person_id, func.count())
            .where(Authorship.person_id.in_(list(people)))
            .group_by(Authorship.person_id)
        ).all()
    )
    rows = [(m, people.get(m.person_id), works.get(m.person_id, 0)) for m in members]
    return {"call": call, "rows": rows, "values": {}, "errors": [], "message": None}


@router.get("/review/calls/{call_id}/panel", response_class=HTMLResponse)
def panel_page(request: Request, db: Db, actor: CurrentActor, call_id: int) -> Response:
    return render(request, "review/panel.html", _panel_context(db, actor, call_id))


def _people_by_email(db: Db, text: str, field: str) -> list[int]:
    emails = [e.strip().lower() for e in text.replace(",", "\n").splitlines() if e.strip()]
    if not emails:
        raise InvalidInput(
            "Give at least one e-mail address.", fields=[FieldError(field, "is empty")]
        )
    found = dict(db.execute(select(Person.email, Person.id).where(Person.email.in_(emails))).all())
    unknown = [e for e in emails if e not in found]
    if unknown:
        raise InvalidInput(
            f"Nobody has these e-mail addresses: {', '.join(unknown[:10])}.",
            fields=[FieldError(field, f"unknown: {', '.join(unknown[:10])}")],
        )
    return [found[e] for e in emails]


@router.post("/review/calls/{call_id}/panel", dependencies=[CsrfChecked])
def panel_add(
    request: Request, db: Db, actor: CurrentActor, call_id: int, form: SubmittedForm
) -> Response:
    values = {k: form.get(k, "").strip() for k in ("emails", "max_load")}
    try:
        calls.require_manager(actor)
        ids = _people_by_email(db, values["emails"], "emails")
        load = values["max_load"]
        try:
            data = PanelAdd(person_ids=ids, max_load=int(load) if load else None)
        except (ValidationError, ValueError) as exc:
            raise InvalidInput(
                "The load limit must be a whole number from 1 to 1000.",
                fields=[FieldError("max_load", "not a whole number from 1 to 1000")],
            ) from exc
        calls.add_to_panel(db, actor=actor, call_id=call_id, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = _panel_context(db, actor, call_id)
        ctx.update(values=values, errors=exc.fields, message=exc.message)
        return render(request, "review/panel.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/calls/{call_id}/panel?done=added", status_code=303)


# --- publications and aliases -------------------------------------------------------------------


def _publications_context(db: Db, actor: Actor) -> dict[str, Any]:
    require_signed_in(actor)
    stmt = select(Publication).order_by(Publication.id.desc()).limit(100)
    if not calls.is_manager(actor):
        mine = select(Authorship.publication_id).where(Authorship.person_id == actor.person_id)
        stmt = stmt.where(Publication.id.in_(mine))
    return {
        "publications": db.scalars(stmt).all(),
        "is_manager": calls.is_manager(actor),
        "values": {"year": str(clock.today().year), "kind": "paper"},
        "errors": [],
        "message": None,
    }


@router.get("/review/publications", response_class=HTMLResponse)
def publications_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "review/publications.html", _publications_context(db, actor))


@router.post("/review/publications", dependencies=[CsrfChecked])
def publication_add(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    keys = ("kind", "title", "keywords", "abstract", "year", "authors")
    values = {k: form.get(k, "").strip() for k in keys}
    try:
        require_signed_in(actor)
        authors = (
            _people_by_email(db, values["authors"], "authors")
            if values["authors"]
            else [actor.person_id]
        )
        try:
            data = PublicationCreate.model_validate(
                {
                    "kind": values["kind"] or "paper",
                    "title": values["title"],
                    "keywords": values["keywords"],
                    "abstract": values["abstract"],
                    "year": values["year"] or "0",
                    "author_ids": [a for a in authors if a is not None],
                }
            )
        except ValidationError as exc:
            raise invalid_input(exc.errors()) from None
        conflicts.add_publication(db, actor=actor, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = _publications_context(db, actor)
        ctx.update(values=values, errors=exc.fields, message=exc.message)
        return render(request, "review/publications.html", ctx, status=exc.status)
    return RedirectResponse("/review/publications?done=added", status_code=303)


def _aliases_context(db: Db, actor: Actor) -> dict[str, Any]:
    calls.require_manager(actor)
    aliases = db.scalars(select(InstitutionAlias).order_by(InstitutionAlias.id)).all()
    ids = {a.organisation_id for a in aliases} | {a.same_as_id for a in aliases}
    orgs = {o.id: o for o in db.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    return {"aliases": aliases, "orgs": orgs, "values": {}, "errors": [], "message": None}


@router.get("/review/aliases", response_class=HTMLResponse)
def aliases_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "review/aliases.html", _aliases_context(db, actor))


@router.post("/review/aliases", dependencies=[CsrfChecked])
def alias_add(request: Request, db: Db, actor: CurrentActor, form: SubmittedForm) -> Response:
    values = {k: form.get(k, "").strip() for k in ("organisation_id", "same_as_id")}
    try:
        calls.require_manager(actor)
        try:
            data = AliasCreate.model_validate(
                {k: int(v) if v.isdigit() else 0 for k, v in values.items()}
            )
        except ValidationError as exc:
            raise invalid_input(exc.errors()) from None
        conflicts.add_alias(db, actor=actor, data=data)
    except LablineError as exc:
        db.rollback()
        ctx = _aliases_context(db, actor)
        ctx.update(values=values, errors=exc.fields, message=exc.message)
        return render(request, "review/aliases.html", ctx, status=exc.status)
    return RedirectResponse("/review/aliases?done=added", status_code=303)
