"""Request dependencies for every module's routes: the acting person (resolved by the core's
sign-in service) beside the shared web ones, re-exported so that a route imports one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from labline.core.access import ANONYMOUS, Actor
from labline.core.audit import AuditActor
from labline.core.service import auth
from labline.db import is_writing, write_apart
from labline.web.deps import (
    CsrfChecked,
    CsrfFailed,
    Db,
    Paging,
    SubmittedForm,
    bearer_token,
    get_db,
    get_settings,
    page_params,
    submitted_form,
)

__all__ = [
    "SESSION_COOKIE",
    "CsrfChecked",
    "CsrfFailed",
    "CurrentActor",
    "Db",
    "Paging",
    "SubmittedForm",
    "get_actor",
    "get_db",
    "get_settings",
    "page_params",
    "submitted_form",
]

SESSION_COOKIE = "labline_session"


def _token_actor(db: Db, token: str) -> Actor:
    actor, stale = auth.token_actor(db, token=token)
    if stale is not None:
        if is_writing(db):
            auth.touch_token(db, token_id=stale)
        else:
            # A read must not take (or wait for) the write lock for this advisory stamp: it
            # gets a short write of its own, given up at once when the database is busy.
            write_apart(db, lambda s: auth.touch_token(s, token_id=stale), wait=False)
    return actor


def get_actor(request: Request, db: Db) -> Actor:
    """Who acts: an API token's owner, else the web session's person, else anonymous. Uses
    the request's own session (one connection per request)."""
    token = bearer_token(request)
    is_api = request.url.path.startswith("/api/")
    if token is not None:
        actor = _token_actor(db, token)
    elif is_api and request.method not in ("GET", "HEAD", "OPTIONS"):
        # Unsafe API calls need a token: a browser's cookie alone cannot make them (CSRF).
        actor = ANONYMOUS
    else:
        actor = auth.actor_from_session(db, secret=request.cookies.get(SESSION_COOKIE))
    request.state.actor = actor
    db.info["audit_actor"] = AuditActor(actor.person_id, actor.audit_label())
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]
