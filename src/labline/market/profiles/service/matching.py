"""Ranked research teams for a need: the engine's ranked achievements pooled per team, with
the reasons in plain words."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.i18n import gettext
from labline.market.profiles.service.teams import facts, teams_of, view
from labline.market.service.matching import suggest_for_need

DAMPING = 0.5  # each further matching achievement counts half as much as the one before
POOL = 50  # achievement suggestions pooled into teams


@dataclass
class TeamSuggestion:
    """A team ranked for a need; also the API's output (declared once, here)."""

    rank: int
    team_id: int
    name_zh: str
    name_en: str
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    score: float
    achievement_ids: list[int]
    achievement_titles: list[str]
    achievement_ranks: list[int]
    matched_terms: list[str]
    explanation: str


def team_score(scores: list[float]) -> float:
    """The best hit plus the next ones damped geometrically (s1 + s2/2 + s3/4 + ...).

    The best achievement decides most (a team with one excellent match beats one with many
    weak ones), the breadth of a team's fit counts a little, and the sum stays below twice
    the best score, so a big team cannot climb by volume alone (the "max + decayed sum"
    used in expert finding, between CombMAX and CombSUM)."""
    return sum(s * DAMPING**i for i, s in enumerate(sorted(scores, reverse=True)))


def _plain(suggestions: list[Any], terms: list[str]) -> str:
    best = suggestions[0]
    parts = [gettext("best match #%(rank)s: %(title)s", rank=best.rank, title=best.title)]
    if len(suggestions) > 1:
        others = ", ".join(f"#{s.rank}" for s in suggestions[1:4])
        parts.append(
            gettext(
                "%(count)s more matching achievements (%(ranks)s)",
                count=len(suggestions) - 1,
                ranks=others,
            )
        )
    if terms:
        parts.append(gettext("matched: %(terms)s", terms=", ".join(terms)))
    return "; ".join(parts)


def suggest_teams_for_need(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    need_id: int,
    k: int = 10,
    **filters: Any,
) -> list[TeamSuggestion]:
    """Ranked teams for a need, from the engine's ranked achievements (same filters and the
    same permission: the need's organisation and operators)."""
    hits = suggest_for_need(session, actor=actor, holder=holder, need_id=need_id, k=POOL, **filters)
    return teams_from_hits(session, actor=actor, hits=hits, k=k)


def teams_from_hits(
    session: Session, *, actor: Actor, hits: list[Any], k: int = 10
) -> list[TeamSuggestion]:
    """Pool ranked achievement suggestions (from `suggest_for_need`) into ranked teams."""
    teams = teams_of(session, {h.organisation_id for h in hits})
    team_of = {a.id: t for t in teams for a in t.achievements}
    grouped: dict[int, list[Any]] = defaultdict(list)
    for h in hits:
        t = team_of.get(h.id)
        if t is not None:
            grouped[t.id].append(h)
    by_id = {t.id: t for t in teams}
    ranked = sorted(grouped.items(), key=lambda kv: (-team_score([s.score for s in kv[1]]), kv[0]))[
        :k
    ]
    known = facts(session, actor, [by_id[team_id] for team_id, _f in ranked])
    out: list[TeamSuggestion] = []
    for team_id, found in ranked:
        tv = view(session, actor, by_id[team_id], known)
        terms = Counter(t for s in found for t in s.matched_terms)
        top = [t for t, _n in sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        out.append(
            TeamSuggestion(
                rank=len(out) + 1,
                team_id=team_id,
                name_zh=tv.name_zh,
                name_en=tv.name_en,
                organisation_id=tv.organisation.id,
                organisation_zh=tv.organisation.name_zh,
                organisation_en=tv.organisation.name_en,
                score=round(team_score([s.score for s in found]), 4),
                achievement_ids=[s.id for s in found],
                achievement_titles=[s.title for s in found],
                achievement_ranks=[s.rank for s in found],
                matched_terms=top,
                explanation=_plain(found, top),
            )
        )
    return out
