"""JSON API: a language model's digest of a document (when `LABLINE_LLM_URL` is set)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from labline.core.deps import CurrentActor, Db
from labline.intel.digests import service
from labline.intel.digests.schemas import AbstractiveDigestRead

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])


@router.get(
    "/documents/{document_id}/digest/llm",
    response_model=AbstractiveDigestRead,
    responses={409: {"description": "No language model is configured"}},
)
def llm_digest(
    request: Request,
    db: Db,
    actor: CurrentActor,
    document_id: int,
    lang: Literal["zh", "en"] | None = None,
) -> Any:
    """An abstractive digest by the configured OpenAI-compatible server, in either language:
    each point cites paragraphs; points the cited paragraphs do not support (words, numbers)
    are dropped and counted. 409 when no model is configured."""
    return service.llm_digest(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=lang,
    )
