"""Two-sided matching with labline.search: achievements for a need, needs for an achievement.

Each app process (or command) holds one pair of indexes per database, built the first time
it is needed and caught up with the audit trail before each use (as the directory search
does). Only live records (published, negotiating) are indexed, and only their public face:
title, summary, field and industry names; confidential details never enter an index, so
they cannot surface in a suggestion or its explanation.

The feedback log records what users did with each suggestion; the quality report and the
labelled set are computed from it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core import refdata
from labline.core.access import Actor, require_signed_in
from labline.core.directory.service import live_encoder
from labline.core.models import AuditRecord, Role
from labline.errors import FieldError, InvalidInput, NotPermitted
from labline.i18n import gettext
from labline.market.models import Achievement, Feedback, FeedbackAction, TechnologyNeed
from labline.market.schemas import FeedbackCreate
from labline.market.service.records import LIVE_STATES, get_achievement, get_need, is_owner
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
MODE_WORDS = {
    "transfer": "transfer",
    "exclusive_licence": "exclusive licence",
    "nonexclusive_licence": "non-exclusive licence",
    "joint_development": "joint development",
    "commissioned_development": "commissioned development",
    "equity": "equity investment",
}
_lock = threading.Lock()


@dataclass
class MarketIndex:
    needs: SearchIndex
    achievements: SearchIndex
    audit_seq: int


def _names(code: str | None, lookup: Any) -> str:
    item = lookup(code) if code else None
    return f"{item.name_zh} {item.name_en}" if item else ""


def _split(modes: str) -> list[str]:
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
            "modes": _split(a.modes),
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
            "modes": _split(n.modes),
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


# --- suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: str  # what is suggested: achievement | need
    id: int
    title: str
    summary: str
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    region_code: str | None
    industry_code: str
    readiness: int | None
    modes: list[str]
    rank: int
    score: float
    matched_terms: list[str]
    explanation: str


def _query(record: TechnologyNeed | Achievement) -> str:
    return f"{record.title} {record.field} {record.summary}"[:2000]


def plain_terms(terms: dict[str, float], text: str, limit: int = 5) -> list[str]:
    """Matched index terms as a reader would write them: for English, the word in the record's
    text that a stem comes from; for Chinese, the longest runs of the text that matched
    n-grams cover (钙钛 + 钛矿 + 叠层 -> 钙钛矿叠层), not the n-grams themselves."""
    covered = [False] * len(text)
    for term in terms:
        if term.isascii():
            continue
        at = text.find(term)
        while at >= 0:
            for i in range(at, at + len(term)):
                covered[i] = True
            at = text.find(term, at + 1)
    out: list[str] = []
    run = ""
    for ch, on in zip(text + " ", [*covered, False], strict=True):
        if on:
            run += ch
            continue
        if len(run) >= 2 and run not in out:
            out.append(run)
        run = ""
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", text)
    for term in terms:
        if not term.isascii():
            continue
        surface = next((w.lower() for w in words if w.lower().startswith(term)), None)
        if surface is not None and surface not in out:
            out.append(surface)  # a bridged term the record does not contain is left out
    return out[:limit]


def explain(
    need: TechnologyNeed | None,
    achievement: Achievement | None,
    *,
    matched: list[str],
    semantic: float,
) -> str:
    """The engine's explanation in plain words, in the reader's language."""
    parts = []
    if matched:
        parts.append(gettext("matched: %(terms)s", terms=", ".join(matched)))
    elif semantic > 0:
        parts.append(gettext("similar in meaning"))
    if need is not None and achievement is not None:
        if need.min_readiness:
            key = (
                "readiness %(level)s meets required %(required)s+"
                if achievement.readiness >= need.min_readiness
                else "readiness %(level)s is below the required %(required)s+"
            )
            parts.append(gettext(key, level=achievement.readiness, required=need.min_readiness))
        common = [m for m in _split(achievement.modes) if m in _split(need.modes)]
        if common:
            modes = ", ".join(gettext(MODE_WORDS[m]) for m in common)
            parts.append(gettext("offers %(modes)s", modes=modes))
        else:
            parts.append(gettext("no wanted cooperation mode offered"))
    return "; ".join(parts)


def _facet_filters(
    *,
    industry_code: str | None = None,
    region_code: str | None = None,
    min_readiness: int | None = None,
    modes: list[str] | None = None,
    type: str | None = None,
) -> dict[str, Any]:

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


def _search(index: SearchIndex, query: str, k: int, filters: dict[str, Any]) -> list[Hit]:
    try:
        return index.search(query, k=k, filters=filters, explain=True)
    except SearchError as exc:
        raise InvalidInput(
            str(exc), fields=[FieldError(getattr(exc, "field", "q"), str(exc))]
        ) from exc


def suggest_for_need(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    need_id: int,
    k: int = 10,
    industry_code: str | None = None,
    region_code: str | None = None,
    min_readiness: int | None = None,
    modes: list[str] | None = None,
    type: str | None = None,
) -> list[Suggestion]:
    """Ranked achievements for a need; for the need's organisation and operators."""
    need = get_need(session, actor=actor, need_id=need_id)
    _require_owner_view(actor, need)
    filters = _facet_filters(
        industry_code=industry_code,
        region_code=region_code,
        min_readiness=min_readiness,
        modes=modes,
        type=type,
    )
    market = market_for(session, holder)
    hits = _search(market.achievements, _query(need), k * 2 + 5, filters)
    out: list[Suggestion] = []
    for hit, a in _live_hits(session, hits, Achievement):
        if a.organisation_id == need.organisation_id:
            continue
        out.append(_suggestion("achievement", a, hit, len(out) + 1, a.readiness, need, a))
        if len(out) == k:
            break
    return out


def suggest_for_achievement(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    achievement_id: int,
    k: int = 10,
    industry_code: str | None = None,
    region_code: str | None = None,
    modes: list[str] | None = None,
) -> list[Suggestion]:
    """The needs an achievement could meet (push); a need asking for more readiness than the
    achievement has is left out."""
    achievement = get_achievement(session, actor=actor, achievement_id=achievement_id)
    _require_owner_view(actor, achievement)
    filters = _facet_filters(industry_code=industry_code, region_code=region_code, modes=modes)
    market = market_for(session, holder)
    hits = _search(market.needs, _query(achievement), k * 3 + 5, filters)
    out: list[Suggestion] = []
    for hit, n in _live_hits(session, hits, TechnologyNeed):
        if n.organisation_id == achievement.organisation_id:
            continue
        if n.min_readiness and n.min_readiness > achievement.readiness:
            continue
        out.append(_suggestion("need", n, hit, len(out) + 1, n.min_readiness, n, achievement))
        if len(out) == k:
            break
    return out


def _live_hits(
    session: Session, hits: list[Hit], model: type[Achievement] | type[TechnologyNeed]
) -> Iterator[tuple[Hit, Any]]:
    """The hits whose records are still live, in rank order, with their organisations."""
    ids = [int(h.id.split(":")[1]) for h in hits]
    rows: list[Any] = list(
        session.scalars(
            select(model).where(model.id.in_(ids)).options(selectinload(model.organisation))
        )
    )
    found = {r.id: r for r in rows}
    for hit in hits:
        record = found.get(int(hit.id.split(":")[1]))
        if record is not None and record.state in LIVE_STATES:
            yield hit, record


def _suggestion(
    kind: str,
    record: Achievement | TechnologyNeed,
    hit: Hit,
    rank: int,
    readiness: int | None,
    need: TechnologyNeed,
    achievement: Achievement,
) -> Suggestion:
    """One suggested record, with the engine's terms and the reason in plain words."""
    e = hit.explanation
    terms = plain_terms(
        dict(e.matched_terms) if e else {},
        f"{record.title} {record.field} {record.summary}".lower(),
    )
    return Suggestion(
        kind=kind,
        id=record.id,
        title=record.title,
        summary=record.summary,
        organisation_id=record.organisation_id,
        organisation_zh=record.organisation.name_zh,
        organisation_en=record.organisation.name_en,
        region_code=record.region_code,
        industry_code=record.industry_code,
        readiness=readiness,
        modes=_split(record.modes),
        rank=rank,
        score=round(hit.score, 4),
        matched_terms=terms,
        explanation=explain(need, achievement, matched=terms, semantic=e.semantic if e else 0.0),
    )


def _require_owner_view(actor: Actor, record: TechnologyNeed | Achievement) -> None:
    if is_owner(actor, record):
        return
    require_signed_in(actor)
    raise NotPermitted(
        "Suggestions are shown to the record's organisation and operators.", record_id=record.id
    )


# --- feedback and quality ------------------------------------------------------------------------


def record_feedback(session: Session, *, actor: Actor, data: FeedbackCreate) -> Feedback:
    require_signed_in(actor)
    need = session.get(TechnologyNeed, data.need_id)
    achievement = session.get(Achievement, data.achievement_id)
    problems = []
    if need is None:
        problems.append(FieldError("need_id", f"no need {data.need_id}"))
    if achievement is None:
        problems.append(FieldError("achievement_id", f"no achievement {data.achievement_id}"))
    if problems or need is None or achievement is None:
        raise InvalidInput("The suggestion's records do not exist.", fields=problems)
    owner_side = need if data.side == "need" else achievement
    if not is_owner(actor, owner_side):
        raise NotPermitted(
            "Only the organisation the suggestion was made to can judge it.",
            record_id=owner_side.id,
        )
    fb = Feedback(**data.model_dump(), person_id=actor.person_id)
    session.add(fb)
    session.flush()
    return fb


def require_analyst(actor: Actor) -> None:
    if actor.is_operator or actor.has(Role.analyst):
        return
    require_signed_in(actor)
    raise NotPermitted("Only operators and analysts read the matching quality.")


def _latest(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[tuple[int, int], Feedback]:
    stmt = select(Feedback).order_by(Feedback.id)
    if start is not None:
        stmt = stmt.where(Feedback.created_at >= start)
    if end is not None:
        stmt = stmt.where(Feedback.created_at < end)
    latest: dict[tuple[int, int], Feedback] = {}
    for fb in session.scalars(stmt):
        latest[(fb.need_id, fb.achievement_id)] = fb  # a later judgement replaces an earlier
    return latest


def quality(
    session: Session,
    *,
    actor: Actor,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """Precision (suggestions accepted or contacted ÷ suggestions judged) and acceptance rate
    (accepted ÷ judged), over each pair's latest judgement."""
    require_analyst(actor)
    return quality_of(list(_latest(session, start, end).values()))


def quality_of(feedback: list[Feedback]) -> dict[str, Any]:
    counts = Counter(fb.action for fb in feedback)
    judged = len(feedback)
    accepted = counts[FeedbackAction.accept]
    contacted = counts[FeedbackAction.contact]
    dismissed = counts[FeedbackAction.dismiss]
    reasons = Counter(fb.reason for fb in feedback if fb.action == FeedbackAction.dismiss)
    return {
        "suggestions_judged": judged,
        "accepted": accepted,
        "contacted": contacted,
        "dismissed": dismissed,
        "precision": round((accepted + contacted) / judged, 4) if judged else None,
        "acceptance_rate": round(accepted / judged, 4) if judged else None,
        "dismiss_reasons": dict(reasons.most_common(20)),
    }


LABEL_COLUMNS = ["need_id", "achievement_id", "label", "action", "reason", "need", "achievement"]


def labelled_set(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """(need, achievement, 1 = a good match / 0 = not) from each pair's latest judgement; public
    titles only."""
    require_analyst(actor)
    latest = _latest(session, None, None)
    need_ids = {n for n, _a in latest}
    ach_ids = {a for _n, a in latest}
    needs = {
        n.id: n.title
        for n in session.scalars(select(TechnologyNeed).where(TechnologyNeed.id.in_(need_ids)))
    }
    achs = {
        a.id: a.title
        for a in session.scalars(select(Achievement).where(Achievement.id.in_(ach_ids)))
    }
    return [
        {
            "need_id": fb.need_id,
            "achievement_id": fb.achievement_id,
            "label": 0 if fb.action == FeedbackAction.dismiss else 1,
            "action": fb.action.value,
            "reason": fb.reason,
            "need": needs.get(fb.need_id, ""),
            "achievement": achs.get(fb.achievement_id, ""),
        }
        for (_n, _a), fb in sorted(latest.items())
    ]
