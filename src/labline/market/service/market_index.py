"""The market's search indexes: live needs and achievements, one pair per database.

Each app process (or command) holds one pair, built the first time it is needed and caught
up with the audit trail before each use. Only live records (published, negotiating) are
indexed, and only their public face: title, summary, field and industry names.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.directory.service import live_encoder
from labline.core.models import AuditRecord
from labline.errors import FieldError, InvalidInput
from labline.market.models import Achievement, TechnologyNeed
from labline.market.service.records import LIVE_STATES
from labline.search import Record, SearchError, SearchIndex
from labline.search.filters import Kind
from labline.search.index import Hit

ACHIEVEMENT_FACETS: dict[str, Kind] = {
    "industry": "keyword",
    "region": "keyword",
    "readiness": "int",
    "modes": "keywords",
    "type": "keyword",
    "language": "keyword",
}
NEED_FACETS: dict[str, Kind] = {
    "industry": "keyword",
    "region": "keyword",
    "modes": "keywords",
    "language": "keyword",
}
DENSE_LIMIT = 20_000
TABLES = ("market_needs", "market_achievements")
_lock = threading.Lock()


@dataclass
class MarketIndex:
    needs: SearchIndex
    achievements: SearchIndex
    audit_seq: int


def _names(code: str | None, lookup: Any) -> str:
    item = lookup(code) if code else None
    return f"{item.name_zh} {item.name_en}" if item else ""


def split_modes(modes: str) -> list[str]:
    """The modes column ("transfer,equity") as a list."""
    return [m for m in modes.split(",") if m]


def achievement_record(a: Achievement) -> Record:
    return Record(
        f"achievement:{a.id}",
        {
            "title": a.title,
            "keywords": f"{a.field} {_names(a.industry_code, refdata.industry)}",
            "summary": a.summary,
        },
        {
            "industry": a.industry_code,
            "region": a.region_code,
            "readiness": a.readiness,
            "modes": split_modes(a.modes),
            "type": str(a.kind),
            "language": a.language,
        },
    )


def need_record(n: TechnologyNeed) -> Record:
    return Record(
        f"need:{n.id}",
        {
            "title": n.title,
            "keywords": f"{n.field} {_names(n.industry_code, refdata.industry)}",
            "summary": n.summary,
        },
        {
            "industry": n.industry_code,
            "region": n.region_code,
            "modes": split_modes(n.modes),
            "language": n.language,
        },
    )


def _last_seq(session: Session) -> int:
    return int(
        session.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1)) or 0
    )


def build(session: Session, *, dense: bool | None = None) -> MarketIndex:
    needs = session.scalars(
        select(TechnologyNeed)
        .where(TechnologyNeed.state.in_(LIVE_STATES))
        .order_by(TechnologyNeed.id)
    ).all()
    achievements = session.scalars(
        select(Achievement).where(Achievement.state.in_(LIVE_STATES)).order_by(Achievement.id)
    ).all()
    use_dense = len(needs) + len(achievements) <= DENSE_LIMIT if dense is None else dense
    encoder = live_encoder() if use_dense else None
    n_index = SearchIndex(facets=NEED_FACETS, use_dense=use_dense, encoder=encoder)
    a_index = SearchIndex(facets=ACHIEVEMENT_FACETS, use_dense=use_dense, encoder=encoder)
    if needs:
        n_index.add([need_record(n) for n in needs])
    if achievements:
        a_index.add([achievement_record(a) for a in achievements])
    return MarketIndex(n_index, a_index, _last_seq(session))


def catch_up(session: Session, market: MarketIndex) -> int:
    """Apply every need and achievement change the audit trail recorded since the last use."""
    rows = session.execute(
        select(AuditRecord.seq, AuditRecord.entity_type, AuditRecord.entity_id)
        .where(AuditRecord.seq > market.audit_seq)
        .where(AuditRecord.entity_type.in_(TABLES))
        .order_by(AuditRecord.seq)
    ).all()
    if any(not eid.isdigit() for _s, _t, eid in rows):  # a bulk load: rebuild
        fresh = build(session, dense=market.needs.encoder is not None)
        market.needs, market.achievements = fresh.needs, fresh.achievements
        market.audit_seq = fresh.audit_seq
        return len(rows)
    changed = {(etype, int(eid)) for _s, etype, eid in rows}
    for etype, eid in changed:
        if etype == "market_needs":
            need = session.get(TechnologyNeed, eid)
            if need is not None and need.state in LIVE_STATES:
                market.needs.add([need_record(need)])
            else:
                market.needs.delete([f"need:{eid}"])
        else:
            ach = session.get(Achievement, eid)
            if ach is not None and ach.state in LIVE_STATES:
                market.achievements.add([achievement_record(ach)])
            else:
                market.achievements.delete([f"achievement:{eid}"])
    market.audit_seq = max([market.audit_seq, *[r[0] for r in rows]])
    return len(changed)


def market_for(session: Session, holder: Any) -> MarketIndex:
    """The holder's (an app's state, a command's context) indexes, caught up before use."""
    with _lock:
        market: MarketIndex | None = getattr(holder, "market_index", None)
        if market is None or market.audit_seq > _last_seq(session):
            market = build(session)
            holder.market_index = market
        else:
            catch_up(session, market)
        return market


def query_text(record: TechnologyNeed | Achievement) -> str:
    """The words a record is searched by: its title, field and summary (capped)."""
    return f"{record.title} {record.field} {record.summary}"[:2000]


def facet_filters(
    *,
    industry_code: str | None = None,
    region_code: str | None = None,
    min_readiness: int | None = None,
    modes: list[str] | None = None,
    type: str | None = None,
) -> dict[str, Any]:
    """The search filters for the facets asked for (a region includes its sub-regions)."""
    filters: dict[str, Any] = {}
    if industry_code:
        filters["industry"] = industry_code
    if region_code:
        filters["region"] = refdata.region_prefix(region_code)
    if min_readiness is not None:
        if not 1 <= min_readiness <= 9:
            raise InvalidInput(
                "The readiness filter is out of range.",
                fields=[FieldError("min_readiness", "must be 1 to 9", {"ge": 1, "le": 9})],
            )
        filters["readiness"] = {"gte": min_readiness}
    if modes:
        filters["modes"] = modes
    if type:
        filters["type"] = type
    return filters


def search(index: SearchIndex, query: str, k: int, filters: dict[str, Any]) -> list[Hit]:
    """The index's hits with explanations; a bad query or filter is the caller's error."""
    try:
        return index.search(query, k=k, filters=filters, explain=True)
    except SearchError as exc:
        raise InvalidInput(
            str(exc), fields=[FieldError(getattr(exc, "field", "q"), str(exc))]
        ) from exc
