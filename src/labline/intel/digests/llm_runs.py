"""Language-model digests in the background: a request stores a run and enqueues the
worker's job (after its commit); the job asks the model, checks every point against its
cited paragraphs and stores the digest, reporting its progress on the run as it goes. A
web request never waits for the model. A failed attempt is retried by the queue; after the
last, the run says so and the job is kept on the operators' page (/admin/jobs)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.clock import now
from labline.config import Settings
from labline.core.access import Actor
from labline.core.indexes import jobs
from labline.errors import Conflict, FieldError, InvalidInput, NotFound
from labline.intel.digests import llm
from labline.intel.digests.models import FINISHED, LlmDigestRun
from labline.intel.digests.schemas import AbstractiveDigestRead, LlmDigestRunRead
from labline.intel.documents.models import Document
from labline.intel.documents.service import records

JOB = "intel_llm_digest"


def _language(language: str | None, default: str) -> str:
    language = language or default or "zh"
    if language not in llm.LANGUAGES:
        raise InvalidInput(
            "Unknown language", fields=[FieldError("lang", "unknown", list(llm.LANGUAGES))]
        )
    return language


def _require_model(settings: Settings) -> None:
    if not llm.enabled(settings):
        raise Conflict("No language model is configured (set LABLINE_LLM_URL).")


def request_digest(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    document_id: int,
    language: str | None = None,
    background: bool = True,
) -> LlmDigestRun:
    """Ask the worker for a language model's digest of a document the actor may read; a
    run for the same document and language still under way is returned, not doubled.
    With `background=False` (the command line) a new run is stored and not enqueued: its
    caller performs it (`digest_now`)."""
    doc = records.get_document(session, actor=actor, document_id=document_id)
    _require_model(settings)
    language = _language(language, doc.language)
    running = (
        None
        if not background
        else session.scalar(
            select(LlmDigestRun)
            .where(LlmDigestRun.document_id == doc.id, LlmDigestRun.language == language)
            .where(LlmDigestRun.state.not_in(FINISHED))
            .order_by(LlmDigestRun.id.desc())
            .limit(1)
        )
    )
    if running is not None:
        return running
    run = LlmDigestRun(
        document_id=doc.id,
        language=language,
        model=settings.llm_model,
        requested_by_id=actor.person_id,
        state="queued",
        created_at=now(),
    )
    session.add(run)
    session.flush()
    if background:
        jobs.enqueue_after_commit(session, JOB, run.id)
    return run


def digest_now(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    document_id: int,
    language: str | None = None,
    checkpoint: Callable[[], None],
) -> LlmDigestRun:
    """A run stored and performed here, as the worker's job performs it (the command line
    waits for the model; the page and the API show the run afterwards). `checkpoint` is
    the caller's commit: the run, its stages and a failure are kept."""
    run = request_digest(
        session,
        actor=actor,
        settings=settings,
        document_id=document_id,
        language=language,
        background=False,
    )
    checkpoint()
    return perform(
        session, settings=settings, run_id=run.id, checkpoint=checkpoint, last_attempt=True
    )


def get_run(session: Session, *, actor: Actor, run_id: int) -> LlmDigestRun:
    """A run, to whoever may read its document (NotFound otherwise)."""
    run = session.get(LlmDigestRun, run_id)
    if run is None:
        raise NotFound("No such language-model digest.")
    records.get_document(session, actor=actor, document_id=run.document_id)
    return run


def latest_run(
    session: Session, *, actor: Actor, settings: Settings, document_id: int, language: str | None
) -> LlmDigestRun | None:
    """The newest run for the document in that language (None: never asked for)."""
    doc = records.get_document(session, actor=actor, document_id=document_id)
    _require_model(settings)
    return session.scalar(
        select(LlmDigestRun)
        .where(
            LlmDigestRun.document_id == doc.id,
            LlmDigestRun.language == _language(language, doc.language),
        )
        .order_by(LlmDigestRun.id.desc())
        .limit(1)
    )


def run_read(run: LlmDigestRun) -> LlmDigestRunRead:
    result = (
        AbstractiveDigestRead.model_validate_json(run.result)
        if run.state == "done" and run.result
        else None
    )
    return LlmDigestRunRead(
        id=run.id,
        document_id=run.document_id,
        language=run.language,
        model=run.model,
        state=run.state,
        attempts=run.attempts,
        finished=run.state in FINISHED,
        error=run.error,
        created_at=run.created_at,
        finished_at=run.finished_at,
        result=result,
    )


def perform(
    session: Session,
    *,
    settings: Settings,
    run_id: int,
    checkpoint: Callable[[], None],
    last_attempt: bool,
) -> LlmDigestRun:
    """The worker's job: ask, check, store; each stage written (`checkpoint`, the job's
    commit) before it starts, so the page shows it. A failure is written on the run and
    raised again, for the queue to retry (or, after `last_attempt`, to keep)."""
    run = session.get(LlmDigestRun, run_id)
    if run is None or run.state == "done":  # its document is gone, or a retry came late
        raise NotFound(f"language-model digest run {run_id} is gone or done")
    run.attempts += 1
    run.state, run.error = "asking", ""
    checkpoint()
    try:
        doc = session.get(Document, run.document_id)
        if doc is None:
            raise NotFound(f"document {run.document_id} is gone")
        answer = llm.ask(settings, llm.prompt(doc, run.language))
        run.state = "checking"
        checkpoint()
        paragraphs = [p.text for p in doc.paragraphs]
        found = llm.checked_digest(
            llm.parse(answer), paragraphs, model=settings.llm_model, language=run.language
        )
    except Exception as exc:
        run.state = "failed" if last_attempt else "retrying"
        run.error = str(exc)[:2000] or type(exc).__name__
        if last_attempt:
            run.finished_at = now()
        checkpoint()
        raise
    run.result = found.model_dump_json()
    run.model = settings.llm_model
    run.state, run.finished_at = "done", now()
    checkpoint()
    return run
