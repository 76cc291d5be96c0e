"""Request dependencies: the unit of work, the acting person, CSRF, pagination."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from labline.config import Settings
from labline.core.access import ANONYMOUS, Actor
from labline.core.audit import AuditActor
from labline.core.service import auth
from labline.errors import LablineError
from labline.schemas import MAX_PER_PAGE, PageParams
from labline.web import csrf

SESSION_COOKIE = "labline_session"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """The request's transaction: committed before the response is sent, or rolled back."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


Db = Annotated[Session, Depends(get_db, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def get_actor(request: Request, db: Db) -> Actor:
    token = _bearer(request)
    is_api = request.url.path.startswith("/api/")
    if token is not None:
        actor = auth.actor_from_token(db, token=token)
    elif is_api and request.method not in ("GET", "HEAD", "OPTIONS"):
        # Unsafe API calls need a token: a browser's cookie alone cannot make them (CSRF).
        actor = ANONYMOUS
    else:
        actor = auth.actor_from_session(db, secret=request.cookies.get(SESSION_COOKIE))
    request.state.actor = actor
    db.info["audit_actor"] = AuditActor(actor.person_id, actor.audit_label())
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


class CsrfFailed(LablineError):
    status = 403
    code = "csrf_failed"


async def check_csrf(request: Request) -> None:
    """For form posts: the token in the form (or header) must match the signed cookie."""
    submitted = request.headers.get(csrf.HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(csrf.FIELD)
        submitted = value if isinstance(value, str) else None
    settings: Settings = request.app.state.settings
    if not csrf.matches(settings.secret_key, request.cookies.get(csrf.COOKIE), submitted):
        raise CsrfFailed(
            "This form has expired or did not come from labline. Reload the page and try again."
        )


CsrfChecked = Depends(check_csrf)


def page_params(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> PageParams:
    return PageParams(page=page, per_page=per_page)


Paging = Annotated[PageParams, Depends(page_params)]


async def submitted_form(request: Request) -> dict[str, str]:
    """The posted form's text fields (files are not accepted by these forms)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


SubmittedForm = Annotated[dict[str, str], Depends(submitted_form)]
