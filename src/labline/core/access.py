"""Who is acting, and what they may do. Every service takes an `actor` and checks here.

Permissions are named capabilities; a role grants a set of them. Organisation-scoped
rules (an org admin edits their own organisation) are decided with `can_manage_org`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from labline.core.models import Role
from labline.errors import NotPermitted, NotSignedIn


class Permission(enum.StrEnum):
    view_directory = "view_directory"  # organisations: public
    view_people = "view_people"  # people directory: signed-in users
    view_contacts = "view_contacts"  # e-mail addresses of anyone
    manage_organisations = "manage_organisations"
    manage_people = "manage_people"
    grant_roles = "grant_roles"
    view_audit = "view_audit"
    import_export = "import_export"
    view_outbox = "view_outbox"  # the mail outbox holds everyone's addresses and messages
    view_jobs = "view_jobs"  # failed background jobs (their arguments and errors)


SIGNED_IN = frozenset({Permission.view_directory, Permission.view_people})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.platform_operator: frozenset(Permission),
    Role.org_admin: SIGNED_IN,
    Role.member: SIGNED_IN,
    Role.reviewer: SIGNED_IN,
    Role.committee_member: SIGNED_IN,
    Role.facility_manager: SIGNED_IN,
    Role.analyst: SIGNED_IN | {Permission.import_export},
    Role.investor: SIGNED_IN,
}
ANONYMOUS_PERMISSIONS = frozenset({Permission.view_directory})


@dataclass(frozen=True)
class Actor:
    person_id: int | None = None
    email: str = ""
    display_name: str = ""
    name_en: str = ""
    platform_roles: frozenset[Role] = frozenset()
    # organisation id -> org_admin | member
    org_roles: dict[int, Role] = field(default_factory=dict)
    # the roles a facility manager holds per operating organisation (None = everywhere)
    scoped: dict[Role, frozenset[int | None]] = field(default_factory=dict)
    # The local command line: whoever runs it already holds the database.
    system: bool = False
    # The IANA zone the person reads times in (None: the platform's).
    time_zone: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None and not self.system

    @property
    def roles(self) -> frozenset[Role]:
        return self.platform_roles | frozenset(self.org_roles.values())

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.is_anonymous:
            return ANONYMOUS_PERMISSIONS
        perms: set[Permission] = set(SIGNED_IN)
        for role in self.roles:
            perms |= ROLE_PERMISSIONS[role]
        return frozenset(perms)

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_operator(self) -> bool:
        return Role.platform_operator in self.platform_roles

    def audit_label(self) -> str:
        if self.system:
            return self.display_name or "system"
        return "anonymous" if self.is_anonymous else f"person:{self.person_id} {self.email}"


ANONYMOUS = Actor()


def command_line_actor(label: str) -> Actor:
    return Actor(
        display_name=label, platform_roles=frozenset({Role.platform_operator}), system=True
    )


def require_signed_in(actor: Actor) -> None:
    if actor.is_anonymous:
        raise NotSignedIn("Sign in to do this.")


def require(actor: Actor, permission: Permission) -> None:
    if permission in actor.permissions:
        return
    require_signed_in(actor)
    raise NotPermitted(
        "Your roles (%(roles)s) do not allow '%(permission)s'.",
        params={"roles": ", ".join(sorted(actor.roles)) or "none", "permission": permission.value},
        permission=permission.value,
    )


def can_manage_org(actor: Actor, organisation_id: int) -> bool:
    return actor.is_operator or actor.org_roles.get(organisation_id) == Role.org_admin


def require_org_admin(actor: Actor, organisation_id: int) -> None:
    if can_manage_org(actor, organisation_id):
        return
    require_signed_in(actor)
    raise NotPermitted(
        "Only a platform operator or this organisation's admin can do this.",
        organisation_id=organisation_id,
    )
