"""Core tables: organisations, teams, people, memberships, roles, sessions, tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labline.db import Base, Timestamped, utcnow


class OrganisationKind(enum.StrEnum):
    enterprise = "enterprise"
    university = "university"
    research_institute = "research_institute"
    hospital = "hospital"
    investment_fund = "investment_fund"
    facility_operator = "facility_operator"
    government_office = "government_office"


class OrganisationSize(enum.StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


class Role(enum.StrEnum):
    platform_operator = "platform_operator"
    org_admin = "org_admin"
    member = "member"
    reviewer = "reviewer"
    committee_member = "committee_member"
    facility_manager = "facility_manager"
    analyst = "analyst"
    # Invests for a fund or a company (guidance fund, venture fund, corporate venture): a
    # platform grant scoped to that organisation.
    investor = "investor"


# Roles held platform-wide (granted by an operator); org_admin and member come from memberships.
PLATFORM_ROLES = (
    Role.platform_operator,
    Role.reviewer,
    Role.committee_member,
    Role.facility_manager,
    Role.analyst,
    Role.investor,
)
MEMBERSHIP_ROLES = (Role.org_admin, Role.member)


def enum_type(e: type[enum.Enum], name: str) -> Enum:
    """A column type for a Python enum, the same for every domain's tables: stored as plain
    strings with a CHECK, identical on SQLite and PostgreSQL."""
    return Enum(e, name=name, native_enum=False, length=32, validate_strings=True)


# The old private name, still imported by the other domains' models until they switch to
# `enum_type` (their files belong to other branches; see the issue 12 report).
_enum = enum_type


class Organisation(Timestamped, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "organisation_kind"))
    # China: a GB/T 2260 division code; foreign partners: region_code is NULL, country set.
    country: Mapped[str] = mapped_column(String(2), default="CN")
    region_code: Mapped[str | None] = mapped_column(String(6))
    industry_code: Mapped[str | None] = mapped_column(String(4))
    size: Mapped[OrganisationSize | None] = mapped_column(enum_type(OrganisationSize, "org_size"))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    teams: Mapped[list[Team]] = relationship(back_populates="organisation")

    __table_args__ = (
        Index("ix_organisations_kind_region", "kind", "region_code"),
        Index("ix_organisations_industry", "industry_code"),
        Index("ix_organisations_name_en", "name_en"),
    )


class Team(Timestamped, Base):
    """A research team inside a university, institute or enterprise R&D centre."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    field_zh: Mapped[str] = mapped_column(String(200), default="")
    field_en: Mapped[str] = mapped_column(String(200), default="")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(back_populates="teams")

    __table_args__ = (Index("ix_teams_organisation", "organisation_id"),)


class Person(Timestamped, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # NULL: the person cannot sign in (e.g. imported contact, demo bulk person).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # The IANA zone times are shown in (outside facilities); NULL: the platform's.
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class Membership(Timestamped, Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    role: Mapped[Role] = mapped_column(enum_type(Role, "membership_role"), default=Role.member)
    title: Mapped[str] = mapped_column(String(120), default="")

    person: Mapped[Person] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("person_id", "organisation_id"),
        CheckConstraint("role IN ('org_admin', 'member')", name="membership_role_kind"),
        Index("ix_memberships_organisation", "organisation_id"),
    )


class RoleGrant(Timestamped, Base):
    """A platform-wide role; facility managers may be scoped to an operating organisation."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_type(Role, "granted_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )

    person: Mapped[Person] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("person_id", "role", "organisation_id"),)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __audit_ignore__ = ("last_used_at",)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # Only a SHA-256 of the secret is kept; the prefix lets a user recognise a token.
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    __tablename__ = "web_sessions"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Visit(Base):
    """When a person last came to a place (the home page), and the visit before that, so
    a page can show what is new since their last visit."""

    __tablename__ = "visits"
    __audited__ = False

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    place: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    previous_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    """Failed and successful sign-ins, for rate limiting across app servers."""

    __tablename__ = "sign_in_attempts"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_client_at", "client", "at"),
    )


class AuditRecord(Base):
    """Append-only, hash-chained record of every change (triggers forbid UPDATE/DELETE)."""

    __tablename__ = "audit_records"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    # ISO-8601 text so that the hashed form survives every backend unchanged.
    at: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # 0: a record hashed with plain SHA-256 (before keyed chains); 1: HMAC with the audit key.
    v: Mapped[int] = mapped_column(Integer, default=1, server_default="0")
    # Version 1: the keyed digest of each row the change left, by primary key (null: deleted),
    # so that verification can compare the tables with the trail.
    state: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_audit_records_entity", "entity_type", "entity_id"),
        {"info": {"append_only": ("labline_audit_append_only", "audit records are append-only")}},
    )


class AuditHead(Base):
    """The chain's head (last record, count, first keyed record), signed with the audit key.
    One row, rewritten with every append; outside the chain, so that a trimmed tail shows."""

    __tablename__ = "audit_head"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    keyed_from: Mapped[int | None] = mapped_column(Integer)
    mac: Mapped[str] = mapped_column(String(64))


class OutboxMail(Base):
    """An e-mail labline wants sent. Every message is kept here, sent or not: without a mail
    server the outbox is the record of what would have gone out."""

    __tablename__ = "mail_outbox"
    __audited__ = False  # the outbox is itself the record; sending only stamps it

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identifies the occasion (e.g. one reminder per assignment and deadline), so that a
    # command run twice queues one message.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("ix_mail_outbox_pending", "sent_at", "attempts"),)
