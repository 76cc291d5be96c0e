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

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor, require_signed_in
from labline.core.models import Role
from labline.errors import FieldError, InvalidInput, NotPermitted
from labline.i18n import gettext
from labline.market.models import Achievement, Feedback, FeedbackAction, TechnologyNeed
from labline.market.schemas import FeedbackCreate
from labline.market.service.market_index import (
    facet_filters,
    market_for,
    query_text,
    query_vector,
    search,
    split_modes,
)
from labline.market.service.records import LIVE_STATES, get_achievement, get_need, is_owner
from labline.search.index import Hit
from labline.search.surface import surface_terms

MODE_WORDS = {
    "transfer": "transfer",
    "exclusive_licence": "exclusive licence",
    "nonexclusive_licence": "non-exclusive licence",
    "joint_development": "joint development",
    "commissioned_development": "commissioned development",
    "equity": "equity investment",
}


# --- suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A ranked suggestion; also the API's output (declared once, here)."""

    kind: Literal["need", "achievement"]  # what is suggested
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


def plain_terms(terms: dict[str, float], text: str, limit: int = 5) -> list[str]:
    """Matched index terms as a reader would write them (labline.search.surface)."""
    return surface_terms(terms, text, limit)


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
        common = [m for m in split_modes(achievement.modes) if m in split_modes(need.modes)]
        if common:
            modes = ", ".join(gettext(MODE_WORDS[m]) for m in common)
            parts.append(gettext("offers %(modes)s", modes=modes))
        else:
            parts.append(gettext("no wanted cooperation mode offered"))
    return "; ".join(parts)


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
    require_owner_view(actor, need)
    filters = facet_filters(
        industry_code=industry_code,
        region_code=region_code,
        min_readiness=min_readiness,
        modes=modes,
        type=type,
    )
    market = market_for(session, holder)
    hits = search(
        market.achievements, query_text(need), k * 2 + 5, filters, query_vector(market, need)
    )
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
    require_owner_view(actor, achievement)
    filters = facet_filters(industry_code=industry_code, region_code=region_code, modes=modes)
    market = market_for(session, holder)
    hits = search(
        market.needs,
        query_text(achievement),
        k * 3 + 5,
        filters,
        query_vector(market, achievement),
    )
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
    kind: Literal["need", "achievement"],
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
        modes=split_modes(record.modes),
        rank=rank,
        score=round(hit.score, 4),
        matched_terms=terms,
        explanation=explain(need, achievement, matched=terms, semantic=e.semantic if e else 0.0),
    )


def require_owner_view(actor: Actor, record: TechnologyNeed | Achievement) -> None:
    """Suggestions for a record (and watches on it) are its organisation's and operators'."""
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


def latest_feedback(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[tuple[int, int], Feedback]:
    """The last judgement of each (need, achievement) pair given in [start, end)."""
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
    return quality_of(list(latest_feedback(session, start, end).values()))


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
    latest = latest_feedback(session, None, None)
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
