"""Finding organisations and research teams with labline.search, kept fresh from the audit log.

Each app process (or command) holds one index per database. It is built from the
database the first time it is needed, saved in the data folder, and before each search
it catches up with every change the audit trail has recorded since — so a new or
edited organisation is searchable on the next request, in every process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core import refdata
from labline.core.access import Actor, Permission, require
from labline.core.directory.schemas import SearchHitRead
from labline.core.indexes.encoder import live_encoder as live_encoder
from labline.core.models import AuditRecord, Organisation, Team
from labline.errors import FieldError, InvalidInput
from labline.search import Record, SearchError, SearchIndex
from labline.search.filters import Kind
from labline.search.index import Hit
from labline.search.persistence import load as load_index
from labline.search.persistence import save as save_index
from labline.search.surface import surface_terms

FACETS: dict[str, Kind] = {
    "type": "keyword",
    "kind": "keyword",
    "region": "keyword",
    "industry": "keyword",
}


DENSE_LIMIT = 20_000  # above this many records the directory index is lexical only (encoding cost)
_lock = threading.Lock()


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


def _last_seq(session: Session) -> int:
    return int(
        session.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1)) or 0
    )


def build(session: Session, *, dense: bool | None = None) -> DirectoryIndex:
    orgs = session.scalars(select(Organisation).order_by(Organisation.id)).all()
    teams = session.scalars(
        select(Team).options(selectinload(Team.organisation)).order_by(Team.id)
    ).all()
    records = [organisation_record(o) for o in orgs] + [team_record(t) for t in teams]
    use_dense = len(records) <= DENSE_LIMIT if dense is None else dense
    index = SearchIndex(
        facets=FACETS, use_dense=use_dense, encoder=live_encoder() if use_dense else None
    )
    for i in range(0, len(records), 5000):
        index.add(records[i : i + 5000])
    return DirectoryIndex(index, _last_seq(session))


def catch_up(session: Session, directory: DirectoryIndex) -> int:
    """Apply every organisation and team change recorded since the index was last fresh."""
    rows = session.execute(
        select(AuditRecord.seq, AuditRecord.entity_type, AuditRecord.entity_id)
        .where(AuditRecord.seq > directory.audit_seq)
        .where(AuditRecord.entity_type.in_(("organisations", "teams")))
        .order_by(AuditRecord.seq)
    ).all()
    changed = {(etype, eid) for _seq, etype, eid in rows if eid.isdigit()}
    bulk = any(not eid.isdigit() for _s, _t, eid in rows)  # a bulk load: rebuild instead
    if bulk:
        fresh = build(session, dense=directory.index.encoder is not None)
        directory.index, directory.audit_seq = fresh.index, fresh.audit_seq
        return len(rows)
    upserts: list[Record] = []
    for etype, eid in changed:
        if etype == "organisations":
            org = session.get(Organisation, int(eid))
            if org is None:
                directory.index.delete([f"organisation:{eid}"])
            else:
                upserts.append(organisation_record(org))
                upserts += [team_record(t) for t in org.teams]
        else:
            team = session.get(Team, int(eid))
            if team is None:
                directory.index.delete([f"team:{eid}"])
            else:
                upserts.append(team_record(team))
    if upserts:
        directory.index.add(upserts)
    directory.audit_seq = max([directory.audit_seq, *[r[0] for r in rows]])
    return len(changed)


def save(directory: DirectoryIndex, folder: Path) -> None:
    save_index(directory.index, folder)
    (folder / "audit_seq.txt").write_text(str(directory.audit_seq), encoding="utf-8")


def load(session: Session, folder: Path) -> DirectoryIndex | None:
    """A saved index, if there is one that this database has not moved behind."""
    try:
        seq = int((folder / "audit_seq.txt").read_text(encoding="utf-8"))
        index = load_index(folder, encoder=live_encoder())
    except (OSError, ValueError, SearchError):
        return None
    if seq > _last_seq(session):  # the database was restored to an earlier state
        return None
    return DirectoryIndex(index, seq)


def directory_for(session: Session, holder: Any, *, data_dir: Path | None = None) -> DirectoryIndex:
    """The holder's (an app's state, a command's context) index: loaded or built once, then
    caught up with the audit trail before each use."""
    with _lock:
        directory: DirectoryIndex | None = getattr(holder, "directory_index", None)
        if directory is None:
            folder = data_dir / "search" / "directory" if data_dir else None
            directory = (load(session, folder) if folder else None) or build(session)
            holder.directory_index = directory
        catch_up(session, directory)
        return directory


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
) -> list[Hit]:
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
    settings = getattr(holder, "settings", None)
    directory = directory_for(session, holder, data_dir=getattr(settings, "data_dir", None))
    try:
        return directory.index.search(query, k=k, filters=filters, explain=True)
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
