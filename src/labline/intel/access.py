"""Who may do what with documents.

Analysts and operators ingest, search and export; signed-in members search and read
published collections; a collection private to an organisation is read only by that
organisation's people and operators (analysts of other organisations included)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, true

from labline.core.access import Actor, Permission, require, require_signed_in
from labline.intel.documents.models import Collection


def can_ingest(actor: Actor) -> bool:
    return Permission.import_export in actor.permissions


def require_ingest(actor: Actor) -> None:
    require(actor, Permission.import_export)


def require_reader(actor: Actor) -> None:
    require_signed_in(actor)


def can_read(actor: Actor, collection: Collection) -> bool:
    if actor.is_operator:
        return True
    if actor.is_anonymous:
        return False
    if collection.organisation_id is not None:
        return collection.organisation_id in actor.org_roles
    return collection.published or can_ingest(actor)


def readable_for(actor: Actor) -> ColumnElement[bool]:
    """The collections this actor may read, as a SQL condition on Collection."""
    if actor.is_operator:
        return true()
    own = list(actor.org_roles)
    public: ColumnElement[bool] = Collection.organisation_id.is_(None)
    if not can_ingest(actor):
        public = and_(public, Collection.published.is_(True))
    return or_(public, Collection.organisation_id.in_(own)) if own else public


def can_write(actor: Actor, collection: Collection) -> bool:
    return can_ingest(actor) and can_read(actor, collection)
