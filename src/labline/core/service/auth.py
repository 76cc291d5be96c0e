"""Sign-in, web sessions, personal API tokens, and turning either into an Actor."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, literal, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import CompoundSelect

from labline.config import Settings
from labline.core.access import ANONYMOUS, Actor, require_signed_in
from labline.core.models import (
    ApiToken,
    Membership,
    Person,
    Role,
    RoleGrant,
    SignInAttempt,
    WebSession,
)
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
    person = session.execute(select(*_PERSON).where(Person.id == person_id)).first()
    return _actor(session, person)


# The person's columns an Actor needs, read beside the token or web session in one query.
_PERSON = (
    Person.id,
    Person.email,
    Person.display_name,
    Person.name_en,
    Person.is_active,
    Person.time_zone,
)


def _actor(session: Session, person: Any) -> Actor:
    """The Actor of a person row (`_PERSON`): its grants and memberships in one query."""
    if person is None or not person.is_active:
        return ANONYMOUS
    grants: CompoundSelect[Any] = union_all(
        select(literal(True).label("granted"), RoleGrant.role, RoleGrant.organisation_id).where(
            RoleGrant.person_id == person.id
        ),
        select(literal(False), Membership.role, Membership.organisation_id).where(
            Membership.person_id == person.id
        ),
    )
    platform: set[Role] = set()
    org_roles: dict[int, Role] = {}
    scoped: dict[Role, set[int | None]] = {}
    for granted, role, org in session.execute(grants):
        role = Role(role)
        if granted:
            platform.add(role)
            scoped.setdefault(role, set()).add(org)
        else:
            org_roles[org] = role
    return Actor(
        person_id=person.id,
        email=person.email,
        display_name=person.display_name,
        name_en=person.name_en,
        platform_roles=frozenset(platform),
        org_roles=org_roles,
        scoped={k: frozenset(v) for k, v in scoped.items()},
        time_zone=person.time_zone,
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
    row = session.execute(
        select(WebSession.expires_at, *_PERSON)
        .join(Person, Person.id == WebSession.person_id)
        .where(WebSession.token_hash == _digest(secret))
    ).first()
    if row is None or _aware(row.expires_at) < utcnow():
        return ANONYMOUS
    return _actor(session, row)


def token_actor(session: Session, *, token: str) -> tuple[Actor, int | None]:
    """The Actor a valid API token acts for (two queries), and the token's id when its last
    use is stale (see touch_token). Reads only."""
    row = session.execute(
        select(
            ApiToken.id.label("token_id"),
            ApiToken.revoked_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            *_PERSON,
        )
        .join(Person, Person.id == ApiToken.person_id)
        .where(ApiToken.token_hash == _digest(token))
    ).first()
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and _aware(row.expires_at) < now)
    ):
        raise NotSignedIn("This API token is unknown, expired or revoked.")
    # last_used_at at minute resolution: no write per request under load.
    stale = row.last_used_at is None or now - _aware(row.last_used_at) > TOKEN_STAMP_EVERY
    return _actor(session, row), row.token_id if stale else None


TOKEN_STAMP_EVERY = timedelta(minutes=1)


def touch_token(session: Session, *, token_id: int) -> None:
    """Stamp the token's last use: bookkeeping, not audited (the column is left out of the
    trail's digests), and never a wait: on PostgreSQL a row another request is stamping is
    skipped (SKIP LOCKED), on SQLite the caller gives the stamp up when the lock is taken."""
    row = ApiToken.__table__.alias("stamped")
    free = select(row.c.id).where(row.c.id == token_id).with_for_update(skip_locked=True)
    # Through the connection: a Core statement, not an audited ORM bulk update.
    session.connection().execute(
        update(ApiToken).where(ApiToken.id == free.scalar_subquery()).values(last_used_at=utcnow())
    )


def actor_from_token(session: Session, *, token: str) -> Actor:
    actor, stale = token_actor(session, token=token)
    if stale is not None:
        touch_token(session, token_id=stale)
    return actor


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
