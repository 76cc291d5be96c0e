"""Pages: a language model's digest of a document, beside the extractive one, made by the
worker; the page polls the run (htmx) until it is finished."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.intel.digests import llm_runs
from labline.intel.documents.service import records
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/intel/documents/{document_id}/digest/llm", response_class=HTMLResponse)
def llm_digest_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    document_id: int,
    lang: Literal["zh", "en"] | None = None,
) -> Response:
    run = llm_runs.latest_run(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=lang,
    )
    doc = records.get_document(db, actor=actor, document_id=document_id)
    ctx = {
        "doc": doc,
        "lang": lang or doc.language or "zh",
        "run": llm_runs.run_read(run) if run else None,
    }
    return render(request, "intel/llm_digest.html", ctx)


@router.post("/intel/documents/{document_id}/digest/llm", dependencies=[CsrfChecked])
def request_llm_digest_form(
    request: Request, db: Db, actor: CurrentActor, document_id: int, form: SubmittedForm
) -> Response:
    run = llm_runs.request_digest(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=form.get("lang") or None,
    )
    url = f"/intel/documents/{document_id}/digest/llm?lang={run.language}"
    return RedirectResponse(url, status_code=303)


@router.get("/intel/llm-digests/{run_id}", response_class=HTMLResponse)
def llm_digest_run_fragment(request: Request, db: Db, actor: CurrentActor, run_id: int) -> Response:
    """The run's progress (polled while it is under way) or its checked digest."""
    run = llm_runs.get_run(db, actor=actor, run_id=run_id)
    doc = records.get_document(db, actor=actor, document_id=run.document_id)
    return render(request, "intel/_llm_run.html", {"doc": doc, "run": llm_runs.run_read(run)})
