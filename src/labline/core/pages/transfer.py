"""HTML pages for importing organisations from a file (all or nothing, every bad row shown)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from labline.core.access import Permission, require
from labline.core.deps import CsrfChecked, CurrentActor, Db
from labline.core.service import transfer
from labline.errors import ImportRejected, InvalidInput
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/organisations/import", response_class=HTMLResponse)
def import_form(request: Request, db: Db, actor: CurrentActor) -> Response:
    require(actor, Permission.manage_organisations)
    return render(request, "core/organisation_import.html", {"columns": transfer.COLUMNS[1:]})


@router.post("/organisations/import", dependencies=[CsrfChecked])
async def import_upload(
    request: Request, db: Db, actor: CurrentActor, file: Annotated[UploadFile, File()]
) -> Response:
    ctx: dict[str, object] = {"columns": transfer.COLUMNS[1:], "filename": file.filename}
    try:
        ctx["created"] = await run_in_threadpool(
            transfer.import_upload, db, actor=actor, upload=file
        )
        status = 201
    except ImportRejected as exc:
        db.rollback()
        ctx["rejected"] = exc.extra["rejected_rows"]
        ctx["message"] = exc.message
        status = 422
    except InvalidInput as exc:
        db.rollback()
        ctx["message"] = exc.message
        ctx["fields"] = [f.as_dict() for f in exc.fields]
        status = 422
    return render(request, "core/organisation_import.html", ctx, status=status)
