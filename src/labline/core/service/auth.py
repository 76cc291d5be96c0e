"""Sign-in, web sessions, personal API tokens, and turning either into an Actor."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from labline.config import Settings
from labline.core.access import ANONYMOUS, Actor, require_signed_in
from labline.core.models import ApiToken, Person, Role, SignInAttempt, WebSession
from labline.core.schemas import TokenCreate
from labline.core.service.passwords import hash_password, needs_rehash, verify_password
from labline.db import utcnow
from labline.errors import FieldError, InvalidInput, NotFound, NotSignedIn, RateLimited

TOKEN_PREFIX = "llt_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def actor_for(session: Session, person_id: int) -> Actor:
    person = session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.roles), selectinload(Person.memberships))
    )
    if person is None or not person.is_active:
        return ANONYMOUS
    scoped: dict[Role, set[int | None]] = {}
    for grant in person.roles:
        scoped.setdefault(grant.role, set()).add(grant.organisation_id)
    return Actor(
        person_id=person.id,
        email=person.email,
        display_name=person.display_name,
        name_en=person.name_en,
        platform_roles=frozenset(g.role for g in person.roles),
        org_roles={m.organisation_id: m.role for m in person.memberships},
        scoped={k: frozenset(v) for k, v in scoped.items()},
    )


# A source that fails with many addresses is guessing passwords across accounts.
SPRAY_FACTOR = 4


def _check_rate(session: Session, *, settings: Settings, email: str, client: str) -> None:
    """Throttle per (address, source) and per source, never per address alone: five wrong
    passwords sent from one source do not lock the real owner out from another."""
    since = utcnow() - timedelta(seconds=settings.sign_in_window_s)
    recent = (SignInAttempt.succeeded.is_(False), SignInAttempt.at >= since)
    from_source = (
        select(func.count())
        .select_from(SignInAttempt)
        .where(*recent, SignInAttempt.client == client[:64])
    )
    pair = session.scalar(from_source.where(SignInAttempt.email == email)) or 0
    spray = session.scalar(from_source) or 0
    if (
        pair >= settings.sign_in_max_failures
        or spray >= settings.sign_in_max_failures * SPRAY_FACTOR
    ):
        raise RateLimited(
            "Too many failed sign-ins. Wait a few minutes and try again.",
            retry_after_s=settings.sign_in_window_s,
        )


def authenticate(
    session: Session, *, settings: Settings, email: str, password: str, client: str
) -> Person:
    """Check a password, with throttling per (e-mail, client address) and per client."""
    email = email.strip().lower()
    _check_rate(session, settings=settings, email=email, client=client)
    person = session.scalar(select(Person).where(Person.email == email))
    ok = verify_password(person.password_hash if person else None, password)
    ok = ok and person is not None and person.is_active
    session.add(SignInAttempt(email=email, client=client[:64], succeeded=ok))
    session.flush()
    if not ok or person is None:
        raise InvalidInput(
            "The e-mail address or password is not right.",
            fields=[FieldError("password", "e-mail address or password not recognised")],
        )
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def open_session(session: Session, *, settings: Settings, person: Person) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(secret),
            person_id=person.id,
            expires_at=utcnow() + timedelta(seconds=settings.session_max_age_s),
        )
    )
    # Expired sessions are swept on sign-in rather than by a scheduler.
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    session.flush()
    return secret


def close_session(session: Session, *, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(secret)))


def actor_from_session(session: Session, *, secret: str | None) -> Actor:
    if not secret:
        return ANONYMOUS
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(secret)))
    if row is None or _aware(row.expires_at) < utcnow():
        return ANONYMOUS
    return actor_for(session, row.person_id)


def token_owner(session: Session, *, token: str) -> tuple[int, int | None]:
    """The person a valid API token belongs to, and the token's id when its last use is
    stale (see touch_token). Reads only."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and _aware(row.expires_at) < now)
    ):
        raise NotSignedIn("This API token is unknown, expired or revoked.")
    # last_used_at at minute resolution: no write per request under load.
    stale = row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=1)
    return row.person_id, row.id if stale else None


def touch_token(session: Session, *, token_id: int) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def actor_from_token(session: Session, *, token: str) -> Actor:
    person_id, stale = token_owner(session, token=token)
    if stale is not None:
        touch_token(session, token_id=stale)
    return actor_for(session, person_id)


def create_token(session: Session, *, actor: Actor, data: TokenCreate) -> tuple[ApiToken, str]:
    require_signed_in(actor)
    assert actor.person_id is not None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person_id=actor.person_id,
        name=data.name,
        prefix=secret[:12],
        token_hash=_digest(secret),
        expires_at=utcnow() + timedelta(days=data.expires_in_days)
        if data.expires_in_days
        else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session, *, actor: Actor) -> list[ApiToken]:
    require_signed_in(actor)
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.person_id == actor.person_id).order_by(ApiToken.id)
        )
    )


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    require_signed_in(actor)
    token = session.get(ApiToken, token_id)
    if token is None or token.person_id != actor.person_id:
        raise NotFound(f"You have no token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def change_password(
    session: Session, *, actor: Actor, current_password: str, new_password: str
) -> None:
    require_signed_in(actor)
    person = session.get(Person, actor.person_id)
    assert person is not None
    if not verify_password(person.password_hash, current_password):
        raise InvalidInput(
            "The current password is not right.",
            fields=[FieldError("current_password", "does not match")],
        )
    person.password_hash = hash_password(new_password)
    session.execute(delete(WebSession).where(WebSession.person_id == person.id))
    session.flush()
