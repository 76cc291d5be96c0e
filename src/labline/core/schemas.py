"""Validated input and output for organisations, people, roles and tokens."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from labline import zones
from labline.core import refdata
from labline.core.models import OrganisationKind, OrganisationSize, Role
from labline.schemas import Name, Output, StrictInput, WebAddress

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# Unified social credit code (GB 32100-2015): no I, O, S, V, Z.
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _check_region(v: str | None) -> str | None:
    if v is not None and not refdata.is_region_code(v):
        raise ValueError("unknown region code; use a GB/T 2260 code such as 440300 (Shenzhen)")
    return v


def _check_industry(v: str | None) -> str | None:
    if v is not None and not refdata.is_industry_code(v):
        raise ValueError(
            "unknown industry code; use a GB/T 4754-2017 code such as 3825 (photovoltaic devices)"
        )
    return v


def _check_country(v: str | None) -> str | None:
    if v is not None and not refdata.is_country_code(v):
        raise ValueError("unknown country; use an ISO 3166-1 alpha-2 code such as CN or DE")
    return v


def _leave_out_not_null(v: Any) -> Any:
    """For partial updates: a field may be left out, but null would erase a required value."""
    if v is None:
        raise ValueError("may be left out to keep the current value, but cannot be null")
    return v


class _OrganisationFields(StrictInput):
    @field_validator("region_code", check_fields=False)
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        return _check_region(v)

    @field_validator("industry_code", check_fields=False)
    @classmethod
    def _industry(cls, v: str | None) -> str | None:
        return _check_industry(v)

    @field_validator("country", check_fields=False)
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        return _check_country(v.upper() if v else v)

    @field_validator("credit_code", check_fields=False)
    @classmethod
    def _credit(cls, v: str | None) -> str | None:
        if v is not None and not CREDIT_RE.match(v):
            raise ValueError(
                "a unified social credit code has 18 characters, e.g. 91440300MA5F00000X"
            )
        return v


class OrganisationCreate(_OrganisationFields):
    name_zh: Name = Field(default="", max_length=200)
    name_en: Name = Field(default="", max_length=200)
    kind: OrganisationKind
    country: str = Field(default="CN", min_length=2, max_length=2)
    region_code: str | None = Field(default=None, max_length=6)
    industry_code: str | None = Field(default=None, max_length=4)
    size: OrganisationSize | None = None
    credit_code: str | None = None
    website: WebAddress | None = Field(default=None, max_length=300)
    description: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _named_and_placed(self) -> OrganisationCreate:
        if not (self.name_zh or self.name_en):
            raise ValueError("name_zh: give the name in Chinese or English (name_en), or both")
        if self.country == "CN" and self.region_code is None:
            raise ValueError("region_code: required for an organisation in China")
        if self.country != "CN" and self.region_code is not None:
            raise ValueError("region_code: only for organisations in China; leave it empty")
        return self


class OrganisationUpdate(_OrganisationFields):
    name_zh: Name | None = Field(default=None, max_length=200)
    name_en: Name | None = Field(default=None, max_length=200)
    kind: OrganisationKind | None = None
    region_code: str | None = Field(default=None, max_length=6)
    industry_code: str | None = Field(default=None, max_length=4)
    size: OrganisationSize | None = None
    website: WebAddress | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=20_000)

    _not_null = field_validator("name_zh", "name_en", "kind", "description")(_leave_out_not_null)


class OrganisationRead(Output):
    id: int
    name_zh: str
    name_en: str
    kind: OrganisationKind
    country: str
    region_code: str | None
    industry_code: str | None
    size: OrganisationSize | None
    credit_code: str | None
    website: str | None
    description: str
    created_at: datetime


class OrganisationFilter(StrictInput):
    q: str | None = Field(default=None, max_length=200)
    kind: OrganisationKind | None = None
    region_code: str | None = Field(default=None, max_length=6)
    industry_code: str | None = Field(default=None, max_length=4)
    country: str | None = Field(default=None, max_length=2)


Locale = Literal["en", "zh"]


class PersonCreate(StrictInput):
    email: str = Field(max_length=254)
    display_name: Name = Field(min_length=1, max_length=120)
    name_en: Name = Field(default="", max_length=120)
    password: str | None = Field(default=None, min_length=10, max_length=200)
    locale: Locale = "en"
    organisation_id: int | None = None
    membership_role: Literal["org_admin", "member"] = "member"
    title: Name = Field(default="", max_length=120)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if not EMAIL_RE.match(v):
            raise ValueError("not an e-mail address")
        return v.lower()


class PersonUpdate(StrictInput):
    display_name: Name | None = Field(default=None, min_length=1, max_length=120)
    name_en: Name | None = Field(default=None, max_length=120)
    locale: Locale | None = None
    is_active: bool | None = None
    # An IANA name; null: the platform's zone.
    time_zone: str | None = Field(default=None, max_length=64)

    _not_null = field_validator("display_name", "name_en", "locale", "is_active")(
        _leave_out_not_null
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None and not zones.is_zone(v):
            raise ValueError("not an IANA time zone name (such as Europe/Berlin or Asia/Shanghai)")
        return v


class PasswordChange(StrictInput):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class MembershipRead(Output):
    organisation_id: int
    role: Role
    title: str


class PersonRead(Output):
    id: int
    display_name: str
    name_en: str
    email: str | None = None  # only for those allowed to see contacts
    locale: str
    time_zone: str | None = None
    is_active: bool
    roles: list[Role] = Field(default_factory=list)
    memberships: list[MembershipRead] = Field(default_factory=list)


class RoleGrantCreate(StrictInput):
    role: Literal[
        "platform_operator",
        "reviewer",
        "committee_member",
        "facility_manager",
        "analyst",
        "investor",
    ]
    organisation_id: int | None = None


class TokenCreate(StrictInput):
    name: Name = Field(min_length=1, max_length=80)
    expires_in_days: int | None = Field(default=90, ge=1, le=3650)


class TokenRead(Output):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret; shown once, never again")


class SignIn(StrictInput):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class AuditRecordRead(Output):
    seq: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None
    hash: str


class RowDifferenceRead(Output):
    table: str
    key: str
    problem: str  # edited, deleted, inserted, undeleted, duplicate


class ChainReportRead(Output):
    """The chain (checked, first_broken_seq, reason), its signed head, the anchor file and
    the audited tables against the trail; ok only when all of them hold."""

    checked: int
    ok: bool
    first_broken_seq: int | None
    reason: str
    head: str = ""
    anchor: str = ""
    rows_checked: int = 0
    unverifiable_rows: int = 0
    legacy_records: int = 0
    problems: list[str] = Field(default_factory=list)
    differences: list[RowDifferenceRead] = Field(default_factory=list)
