"""The market's search indexes: live needs and achievements, one pair per database.

They live beside the database (labline.core.indexes): a snapshot on disk plus the audit
tail, opened by each process and caught up before each use; the worker encodes. Dense
matching is on at every size (the engine's IVF answers above its exact limit). Only live
records (published, negotiating) are indexed, and only their public face: title, summary,
field and industry names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.indexes import service as indexes
from labline.errors import FieldError, InvalidInput
from labline.market.models import Achievement, TechnologyNeed
from labline.market.service.records import LIVE_STATES
from labline.search import Record, SearchError, SearchIndex, bridge
from labline.search.dense import Encoder
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
TABLES = ("market_needs", "market_achievements")
Vector = NDArray[np.float32]


@dataclass
class MarketIndex:
    needs: SearchIndex
    achievements: SearchIndex
    audit_seq: int
    note: str = ""  # how it was opened (a snapshot rebuilt, and why)
    encodes: bool = True  # may encode a query here (tests, commands), not in a web request


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


EXACT_LIMIT = 50_000


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


def _new_part(part: str, encoder: Encoder | None) -> SearchIndex:
    facets = NEED_FACETS if part == "needs" else ACHIEVEMENT_FACETS
    index = SearchIndex(facets=facets, use_dense=encoder is not None, encoder=encoder)
    # Above this many records the IVF index answers (saved with the snapshot): an exact
    # scan of 200,000 vectors read 400 MB a suggestion, 114 ms of its 200 ms under load
    # (benchmarks/market_scale.py).
    index.vectors.exact_limit = EXACT_LIMIT
    return index


def _live_records(session: Session) -> dict[str, list[Record]]:
    needs = session.scalars(
        select(TechnologyNeed)
        .where(TechnologyNeed.state.in_(LIVE_STATES))
        .order_by(TechnologyNeed.id)
    )
    achievements = session.scalars(
        select(Achievement).where(Achievement.state.in_(LIVE_STATES)).order_by(Achievement.id)
    )
    return {
        "needs": [need_record(n) for n in needs],
        "achievements": [achievement_record(a) for a in achievements],
    }


def _changed(session: Session, table: str, eid: int) -> list[tuple[str, str, Record | None]]:
    if table == "market_needs":
        need = session.get(TechnologyNeed, eid)
        live = need is not None and need.state in LIVE_STATES
        return [("needs", f"need:{eid}", need_record(need) if live and need else None)]
    ach = session.get(Achievement, eid)
    live = ach is not None and ach.state in LIVE_STATES
    return [
        ("achievements", f"achievement:{eid}", achievement_record(ach) if live and ach else None)
    ]


SPEC = indexes.register(
    indexes.Spec(
        name="market",
        parts=("needs", "achievements"),
        tables=TABLES,
        new_part=_new_part,
        live_records=_live_records,
        changed=_changed,
    )
)


def build(session: Session, *, dense: bool = True) -> indexes.Live:
    """Every live record read and encoded in this process (benchmarks: today's design)."""
    if dense:
        return indexes.build(session, SPEC, inline=True)
    live = indexes.Live({p: _new_part(p, None) for p in SPEC.parts}, indexes.last_seq(session))
    for part, records in _live_records(session).items():
        live.parts[part].add(records)
    return live


def market_for(session: Session, holder: Any) -> MarketIndex:
    """The market's indexes for this holder (an app's state, a command's context): opened
    from the snapshot beside the database and caught up with the audit tail before use."""
    live = indexes.open_index(session, SPEC, holder)
    return MarketIndex(
        live.parts["needs"],
        live.parts["achievements"],
        live.audit_seq,
        live.note,
        indexes.encodes_inline(holder),
    )


def warm_up(session: Session, holder: Any) -> None:
    """Open the dictionaries a first query uses (an app process does this before it
    accepts requests). The market's index is opened by the core's warm-up with the others,
    from its snapshot only: one missing is built by the worker, not before the first
    request is answered."""
    bridge.warm()


def query_vector(market: MarketIndex, record: TechnologyNeed | Achievement) -> Vector | None:
    """The record's own vector, to search with (nothing encoded). A record still waiting
    for the worker searches with a zero vector, which the engine moves toward its best
    lexical hits; None (encode the query) only where encoding in the caller is allowed."""
    if isinstance(record, TechnologyNeed):
        index, rid = market.needs, f"need:{record.id}"
    else:
        index, rid = market.achievements, f"achievement:{record.id}"
    vec = indexes.record_vector(index, rid)
    if vec is None and not market.encodes and index.encoder is not None:
        return np.zeros(index.encoder.dim, dtype=np.float32)
    return vec


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


def search(
    index: SearchIndex,
    query: str,
    k: int,
    filters: dict[str, Any],
    query_vector: Vector | None = None,
) -> list[Hit]:
    """The index's hits with explanations; a bad query or filter is the caller's error."""
    try:
        return index.search(query, k=k, filters=filters, explain=True, query_vector=query_vector)
    except SearchError as exc:
        raise InvalidInput(
            str(exc), fields=[FieldError(getattr(exc, "field", "q"), str(exc))]
        ) from exc
