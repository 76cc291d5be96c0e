"""A company's cap table as a page: holders and classes, the OCF download, and (for the
company's admins and operators) an equity issuance form and an OCF import."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.errors import FieldError, InvalidInput, LablineError, validation_fields
from labline.i18n import gettext as _
from labline.market.captable import service
from labline.market.captable.schemas import IssuanceCreate
from labline.web.charts import bar_chart
from labline.web.render import reader_today, render

router = APIRouter()
MAX_UPLOAD = 5 * 1024 * 1024


def _context(db: Db, actor: Any, issuer_id: int, request: Request) -> dict[str, Any]:
    table = service.cap_table(db, actor=actor, issuer_id=issuer_id)
    bars = [(h.legal_name, float(h.percent)) for h in table.holders[:30] if h.total]
    return {
        "table": table,
        "chart": bar_chart(bars, title=_("Ownership (% of shares issued)"), record_labels=True)
        if bars
        else None,
        "today": reader_today(request).isoformat(),
        "note": request.query_params.get("note"),
        "values": {},
        "teams": {t.id: t for t in table.teams},
    }


def _refused(
    request: Request, db: Db, actor: Any, issuer_id: int, exc: Exception, form: dict[str, str]
) -> Response:
    db.rollback()
    ctx = _context(db, actor, issuer_id, request)
    ctx["values"] = form
    if isinstance(exc, ValidationError):
        ctx["errors"], status = validation_fields(exc.errors()), 422
    else:
        assert isinstance(exc, LablineError)
        ctx["errors"], ctx["message"], status = exc.fields, exc.message, exc.status
    return render(request, "market/captable.html", ctx, status=status)


@router.get("/market/captables/{issuer_id}", response_class=HTMLResponse)
def captable_page(request: Request, db: Db, actor: CurrentActor, issuer_id: int) -> Response:
    return render(request, "market/captable.html", _context(db, actor, issuer_id, request))


@router.post("/market/captables/{issuer_id}", dependencies=[CsrfChecked])
def issue(
    request: Request, db: Db, actor: CurrentActor, issuer_id: int, form: SubmittedForm
) -> Response:
    fields = (
        "stock_class_id",
        "quantity",
        "share_price",
        "currency",
        "issued_on",
        "deal_id",
        "team_id",
    )
    data: dict[str, Any] = {k: form.get(k, "").strip() or None for k in fields}
    if form.get("stakeholder_id"):
        data["stakeholder_id"] = form["stakeholder_id"]
    else:
        data["new_stakeholder"] = {
            "legal_name": form.get("legal_name", ""),
            "stakeholder_type": form.get("stakeholder_type") or "INSTITUTION",
            "relationship": form.get("relationship") or "INVESTOR",
        }
    data = {k: v for k, v in data.items() if v is not None}
    try:
        service.issue(
            db, actor=actor, issuer_id=issuer_id, data=IssuanceCreate.model_validate(data)
        )
    except ValidationError as exc:
        return _refused(request, db, actor, issuer_id, exc, form)
    except LablineError as exc:
        if exc.status in (401, 404):
            raise
        return _refused(request, db, actor, issuer_id, exc, form)
    return RedirectResponse(f"/market/captables/{issuer_id}?note=issued", status_code=303)


@router.post("/market/captables/{issuer_id}/import", dependencies=[CsrfChecked])
async def import_ocf(
    request: Request,
    db: Db,
    actor: CurrentActor,
    issuer_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    service.require_editor(db, actor=actor, issuer_id=issuer_id)
    raw = await file.read(MAX_UPLOAD + 1)
    try:
        if len(raw) > MAX_UPLOAD:
            raise InvalidInput(
                "The file is too large.", fields=[FieldError("file", "at most 5 MB")]
            )
        try:
            package = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(
                "The file is not JSON.", fields=[FieldError("file", f"not JSON: {exc}")]
            ) from None
        service.import_ocf(db, actor=actor, issuer_id=issuer_id, package=package)
    except LablineError as exc:
        if exc.status in (401, 404):
            raise
        return _refused(request, db, actor, issuer_id, exc, {})
    return RedirectResponse(f"/market/captables/{issuer_id}?note=imported", status_code=303)
