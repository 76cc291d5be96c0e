"""JSON API: a language model's digest of a document, made by the worker in the background
(when `LABLINE_LLM_URL` is set): ask for it, then read the run until it is finished."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from labline.core.deps import CurrentActor, Db
from labline.errors import NotFound
from labline.intel.digests import llm_runs
from labline.intel.digests.schemas import LlmDigestRunRead

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])
NO_MODEL: dict[int | str, dict[str, Any]] = {
    409: {"description": "No language model is configured"}
}


@router.post(
    "/documents/{document_id}/digest/llm",
    response_model=LlmDigestRunRead,
    status_code=202,
    responses=NO_MODEL,
)
def request_llm_digest(
    request: Request,
    db: Db,
    actor: CurrentActor,
    document_id: int,
    lang: Literal["zh", "en"] | None = None,
) -> Any:
    """Ask the configured OpenAI-compatible server for an abstractive digest, in either
    language; the worker runs it. Read the run (`/llm-digests/{id}`) until `finished`:
    each point of its `result` cites paragraphs; points the cited paragraphs do not
    support (words, numbers) are dropped and counted. 409 when no model is configured."""
    run = llm_runs.request_digest(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=lang,
    )
    return llm_runs.run_read(run)


@router.get(
    "/documents/{document_id}/digest/llm", response_model=LlmDigestRunRead, responses=NO_MODEL
)
def latest_llm_digest(
    request: Request,
    db: Db,
    actor: CurrentActor,
    document_id: int,
    lang: Literal["zh", "en"] | None = None,
) -> Any:
    """The newest language-model digest asked for this document in that language (404 if
    none was)."""
    run = llm_runs.latest_run(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=lang,
    )
    if run is None:
        raise NotFound("No language-model digest was asked for in this language.")
    return llm_runs.run_read(run)


@router.get("/llm-digests/{run_id}", response_model=LlmDigestRunRead)
def llm_digest_run(db: Db, actor: CurrentActor, run_id: int) -> Any:
    """Where the worker is with a language-model digest, and the digest once done."""
    return llm_runs.run_read(llm_runs.get_run(db, actor=actor, run_id=run_id))
