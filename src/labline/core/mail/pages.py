"""The mail outbox page (for administrators)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.mail import service as mail
from labline.web.deps import CurrentActor, Db
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/mail", response_class=HTMLResponse)
def mail_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    pending: bool = False,
) -> Response:
    rows = mail.outbox(db, actor=actor, pending_only=pending)
    return render(request, "core/mail.html", {"rows": rows, "pending": pending})
