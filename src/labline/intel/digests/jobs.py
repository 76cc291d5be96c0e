"""The worker's job for language-model digests (registered with the queue on import; the
module record imports it, so the app, the commands and `labline worker` all know it)."""

from __future__ import annotations

from labline.core.indexes import jobs
from labline.intel.digests import llm_runs


def llm_digest_job(run_id: int, *, last_attempt: bool = True) -> str:
    """Ask the model for run `run_id`'s digest; the job owns its transactions."""
    with jobs.sessions()() as session:
        try:
            run = llm_runs.perform(
                session,
                settings=jobs.current_settings(),
                run_id=run_id,
                checkpoint=session.commit,
                last_attempt=last_attempt,
            )
        finally:
            session.commit()  # what the run says about itself stays (its failure too)
        return f"run {run.id}: {run.state}"


jobs.register_task(llm_runs.JOB, llm_digest_job)
