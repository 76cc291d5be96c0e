"""Who may see what of an organisation's market activity: one rule, used by every view."""

from __future__ import annotations

from labline.core.access import Actor


def turnover_visible(actor: Actor, *, organisation_id: int) -> bool:
    """An organisation's contract turnover (on its team profiles and in the figures by
    organisation) is its own business: its members and the platform's operators see it."""
    return actor.is_operator or organisation_id in actor.org_roles
