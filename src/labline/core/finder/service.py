"""Searching every kind of record at once: each module's `Searchable` (handed in by the
caller from the module records: the app's state, a command's context) is asked for its own
kinds, and answers only with what the actor may see; the results come back grouped by kind
in module order. Core imports no other domain: the searchables are passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.errors import FieldError, InvalidInput
from labline.finding import Found
from labline.modules import Searchable, SearchKind

PER_KIND = 5  # results per kind when every kind is asked
ONE_KIND = 30  # results when one kind is asked


@dataclass
class Group:
    kind: SearchKind
    found: list[Found] = field(default_factory=list)


def kinds_of(searchables: Sequence[Searchable]) -> list[SearchKind]:
    return [k for s in searchables for k in s.kinds]


def search_everything(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    searchables: Sequence[Searchable],
    query: str,
    kind: str | None = None,
    k: int | None = None,
) -> list[Group]:
    """The records of every kind (or of `kind` only) that match the query, grouped by kind;
    kinds with nothing found are left out."""
    require(actor, Permission.view_directory)
    if not query.strip():
        raise InvalidInput(
            "Say what to look for.", fields=[FieldError("q", "empty query", {"min_length": 1})]
        )
    known = [k_.kind for k_ in kinds_of(searchables)]
    if kind is not None and kind not in known:
        raise InvalidInput(
            f"There is no kind of record {kind!r}.",
            fields=[FieldError("kind", f"unknown kind {kind!r}", {"allowed": known})],
        )
    limit = k or (ONE_KIND if kind else PER_KIND)
    groups: list[Group] = []
    for searchable in searchables:
        wanted = [sk for sk in searchable.kinds if kind is None or sk.kind == kind]
        if not wanted:
            continue
        found = searchable.find(session, actor=actor, holder=holder, query=query, k=limit)
        for sk in wanted:
            items = [f for f in found if f.kind == sk.kind][:limit]
            if items:
                groups.append(Group(sk, items))
    return groups
