"""Finding organisations and research teams with labline.search, kept fresh from the audit log.

The index lives beside the database (labline.core.indexes): a snapshot in the data folder
plus the audit tail, which every process replays before each search — so a new or edited
organisation is searchable on the next request, in every process; the worker encodes it.
Dense at every size (no DENSE_LIMIT).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core import refdata
from labline.core.access import Actor, Permission, require
from labline.core.directory.schemas import SearchHitRead
from labline.core.indexes import service as indexes
from labline.core.indexes.encoder import live_encoder as live_encoder
from labline.core.models import Organisation, Team
from labline.errors import FieldError, InvalidInput
from labline.finding import Ask, Found
from labline.search import Record, SearchError, SearchIndex
from labline.search.dense import Encoder
from labline.search.filters import Kind
from labline.search.index import Hit
from labline.search.queries import QueryVectors
from labline.search.surface import surface_terms

FACETS: dict[str, Kind] = {
    "type": "keyword",
    "kind": "keyword",
    "region": "keyword",
    "industry": "keyword",
}


@dataclass
class DirectoryIndex:
    index: SearchIndex
    audit_seq: int


def _names(code: str | None, lookup: Any) -> str:
    item = lookup(code) if code else None
    return f"{item.name_zh} {item.name_en}" if item else ""


def organisation_record(org: Organisation) -> Record:
    return Record(
        f"organisation:{org.id}",
        {
            "title": f"{org.name_zh} {org.name_en}",
            "keywords": " ".join(
                [
                    _names(org.industry_code, refdata.industry),
                    _names(org.region_code, refdata.region),
                ]
            ),
            "body": org.description or "",
        },
        {
            "type": "organisation",
            "kind": org.kind.value,
            "region": org.region_code or org.country,
            "industry": org.industry_code,
        },
    )


def team_record(team: Team) -> Record:
    org = team.organisation
    return Record(
        f"team:{team.id}",
        {
            "title": f"{team.name_zh} {team.name_en}",
            "keywords": f"{team.field_zh} {team.field_en}",
            "body": f"{org.name_zh} {org.name_en}",
        },
        {
            "type": "team",
            "kind": org.kind.value,
            "region": org.region_code or org.country,
            "industry": org.industry_code,
        },
    )


def _new_part(_part: str, encoder: Encoder | None) -> SearchIndex:
    return SearchIndex(facets=FACETS, use_dense=encoder is not None, encoder=encoder)


def _live_records(session: Session) -> dict[str, list[Record]]:
    orgs = session.scalars(select(Organisation).order_by(Organisation.id)).all()
    teams = session.scalars(
        select(Team).options(selectinload(Team.organisation)).order_by(Team.id)
    ).all()
    return {"records": [organisation_record(o) for o in orgs] + [team_record(t) for t in teams]}


def _changed(session: Session, table: str, eid: int) -> list[tuple[str, str, Record | None]]:
    """An organisation's change re-reads its teams too (their records carry its name)."""
    if table == "organisations":
        org = session.get(Organisation, eid)
        if org is None:
            return [("records", f"organisation:{eid}", None)]
        out: list[tuple[str, str, Record | None]] = [
            ("records", f"organisation:{eid}", organisation_record(org))
        ]
        return out + [("records", f"team:{t.id}", team_record(t)) for t in org.teams]
    team = session.get(Team, eid)
    return [("records", f"team:{eid}", team_record(team) if team is not None else None)]


SPEC = indexes.register(
    indexes.Spec(
        name="directory",
        parts=("records",),
        tables=("organisations", "teams"),
        new_part=_new_part,
        live_records=_live_records,
        changed=_changed,
    )
)


def directory_for(session: Session, holder: Any) -> DirectoryIndex:
    """The holder's (an app's state, a command's context) index: opened from the snapshot
    beside the database (labline.core.indexes) and caught up with the audit trail."""
    live = indexes.open_index(session, SPEC, holder)
    return DirectoryIndex(live.parts["records"], live.audit_seq)


def search_directory(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    query: str,
    k: int = 20,
    kind: str | None = None,
    type: str | None = None,
    region_code: str | None = None,
    industry_code: str | None = None,
    vectors: QueryVectors | None = None,
) -> list[Hit]:
    """The hits with explanations; `vectors` shares the query's vector with a search's
    other indexes (the one search box), else the query is encoded here."""
    require(actor, Permission.view_directory)
    filters = {
        key: value
        for key, value in {
            "kind": kind,
            "type": type,
            "region": region_code,
            "industry": industry_code,
        }.items()
        if value
    }
    if region_code and region_code.endswith("0000"):
        filters["region"] = region_code[:2]  # a province includes its cities (prefix match)
    index = directory_for(session, holder).index
    vectors = vectors or QueryVectors(query)
    try:
        return index.search(
            query, k=k, filters=filters, explain=True, query_vector=vectors.for_index(index)
        )
    except SearchError as exc:
        raise InvalidInput(
            str(exc), fields=[FieldError(getattr(exc, "field", "q"), str(exc))]
        ) from exc


def _text_of(record: Organisation | Team) -> str:
    """The text a directory record is indexed by (see organisation_record, team_record)."""
    fields = (
        organisation_record(record) if isinstance(record, Organisation) else team_record(record)
    ).fields
    return " ".join(v for v in fields.values() if v)


def resolve(session: Session, hits: list[Hit]) -> list[SearchHitRead]:
    """Each hit with the record it points at, ready for a page, the API or a command."""
    org_ids = [int(h.id.split(":")[1]) for h in hits if h.id.startswith("organisation:")]
    team_ids = [int(h.id.split(":")[1]) for h in hits if h.id.startswith("team:")]
    orgs = {
        o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
    }
    teams = {
        t.id: t
        for t in session.scalars(
            select(Team).where(Team.id.in_(team_ids)).options(selectinload(Team.organisation))
        )
    }
    out = []
    for hit in hits:
        kind_, _, raw = hit.id.partition(":")
        record: Organisation | Team | None = (orgs if kind_ == "organisation" else teams).get(
            int(raw)
        )
        if record is None:
            continue
        org = record if isinstance(record, Organisation) else record.organisation
        e = hit.explanation
        out.append(
            SearchHitRead(
                type=kind_,
                id=record.id,
                name_zh=record.name_zh,
                name_en=record.name_en,
                kind=org.kind.value,
                region_code=org.region_code,
                industry_code=org.industry_code,
                organisation_id=org.id,
                organisation_zh=org.name_zh,
                organisation_en=org.name_en,
                score=round(hit.score, 4),
                lexical=round(e.lexical, 4) if e else 0.0,
                bridge=round(e.bridge, 4) if e else 0.0,
                semantic=round(e.semantic, 4) if e else 0.0,
                # Whole words of the record, not the index's stems and n-grams.
                matched_terms=surface_terms(e.matched_terms, _text_of(record), 8) if e else [],
                matched_fields=e.matched_fields if e else [],
            )
        )
    return out


def find(session: Session, ask: Ask) -> list[Found]:
    """Organisations and research teams for the one search box (core's Searchable)."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    hits = search_directory(
        session,
        actor=ask.actor,
        holder=ask.holder,
        query=ask.query,
        k=ask.k * 2,
        vectors=ask.vectors,
    )
    return [
        Found(
            kind=h.type,
            id=h.id,
            path=f"/organisations/{h.organisation_id}",
            title=h.name_zh,
            title_en=h.name_en,
            detail=f"{h.organisation_zh} / {h.organisation_en}" if h.type == "team" else "",
            score=h.score,
            matched_terms=tuple(h.matched_terms),
            lexical=h.lexical,
            bridge=h.bridge,
            semantic=h.semantic,
        )
        for h in resolve(session, hits)
    ]
