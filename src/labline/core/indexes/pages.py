"""The operators' page of background jobs that failed after their retries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db
from labline.core.indexes import service
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    rows = service.job_failures(db, actor=actor)
    return render(request, "core/jobs.html", {"rows": rows})
