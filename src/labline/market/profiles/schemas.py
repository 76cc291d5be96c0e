"""Output for team and expert profiles and ranked teams (market.profiles.service)."""

from __future__ import annotations

from decimal import Decimal

from labline.market.models import State
from labline.schemas import Output


class AchievementBrief(Output):
    """An achievement on a team or expert profile: its public face only."""

    id: int
    title: str
    field: str
    readiness: int
    language: str
    state: State


class MemberRead(Output):
    expert_id: str
    name: str
    achievements: int
    person_id: int | None


class TeamRead(Output):
    id: int
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    name_zh: str
    name_en: str
    achievement_count: int
    inventor_count: int
    members: list[MemberRead]
    hidden_members: int
    fields: list[tuple[str, int]]
    readiness: dict[int, int]
    languages: list[str]
    contracts: int
    turnover_cny: Decimal | None
    deals: dict[str, int]


class TeamFull(TeamRead):
    achievements: list[AchievementBrief]


class ExpertRead(Output):
    id: str
    name: str
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    person_id: int | None
    team_id: int
    team_name_zh: str
    team_name_en: str
    achievements: list[AchievementBrief]
    co_inventors: list[MemberRead]
    fields: list[tuple[str, int]]
    readiness: dict[int, int]
    languages: list[str]
    contracts: int
    deals: dict[str, int]
