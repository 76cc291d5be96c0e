"""The demo market's topics and texts: each need and achievement is about one topic (a
sector's field); `true_matches` is the ground truth the matching benchmark scores against."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.demo import vocab
from labline.market.models import (
    Achievement,
    TechnologyNeed,
)

START = datetime(2025, 12, 1, tzinfo=UTC)


DAYS = 365


# (zh, en) aspects of a problem or a result
ASPECTS = [
    ("量产工艺", "mass-production process"),
    ("成本降低", "cost reduction"),
    ("可靠性提升", "reliability improvement"),
    ("性能优化", "performance optimisation"),
    ("在线检测", "in-line inspection"),
    ("国产化替代", "domestic substitute"),
    ("寿命延长", "lifetime extension"),
    ("能耗降低", "energy saving"),
]


METRICS = [
    ("良率提升至98%以上", "yield above 98%"),
    ("成本降低30%", "30% lower cost"),
    ("寿命达到10年", "a 10-year service life"),
    ("能耗降低20%", "20% less energy"),
    ("效率提升2个百分点", "2 points higher efficiency"),
    ("通过1000小时可靠性测试", "passing a 1000-hour reliability test"),
]


def topics() -> list[tuple[dict[str, Any], str, str]]:
    """(sector, field in Chinese, field in English) for every field of every sector."""
    return [(s, zh, en) for s in vocab.SECTORS for zh, en in s["fields"]]


def topic_of(field: str) -> int | None:
    for i, (_s, zh, en) in enumerate(topics()):
        if field in (zh, en):
            return i
    return None


def true_matches(session: Session) -> dict[int, set[int]]:
    """need id -> the published achievements on its topic (the demo's ground truth)."""
    by_topic: dict[int, set[int]] = {}
    for aid, field in session.execute(
        select(Achievement.id, Achievement.field).where(
            Achievement.state.in_(("published", "negotiating"))
        )
    ):
        t = topic_of(field)
        if t is not None:
            by_topic.setdefault(t, set()).add(aid)
    out = {}
    for nid, field in session.execute(select(TechnologyNeed.id, TechnologyNeed.field)):
        t = topic_of(field)
        if t is not None:
            out[nid] = by_topic.get(t, set())
    return out


def industry_of(sector: dict[str, Any]) -> str:
    """The sector's GB/T 4754 class (its fallback where the reference data lacks it)."""
    from labline.core import refdata

    code = sector["industry"]
    return str(code if refdata.is_industry_code(code) else sector["fallback"])


def published_when(rng: random.Random, after: datetime | None = None) -> datetime:
    """A moment in the demo year (after `after`, if given)."""
    base = after or START
    left = max(1, (START + timedelta(days=DAYS) - base).days)
    return base + timedelta(days=rng.randrange(0, left), hours=rng.randrange(1, 10))


def need_text(
    rng: random.Random, sector: dict[str, Any], zh: str, en: str, lang: str
) -> dict[str, str]:
    """A need's title, summary and details on the topic, in `lang`."""
    aspect, metric = rng.choice(ASPECTS), rng.choice(METRICS)
    if lang == "zh":
        return {
            "title": f"{zh}{aspect[0]}技术需求",
            "summary": f"我公司从事{sector['zh']}生产，需要在{zh}方面解决{aspect[0]}问题，"
            f"目标{metric[0]}。",
            "problem": f"现有{zh}产线存在瓶颈，{aspect[0]}难以满足客户要求。",
            "requirements": f"{metric[0]}；一年内完成中试验证。",
            "field": zh,
        }
    return {
        "title": f"Seeking {aspect[1]} for {en}",
        "summary": f"A {sector['en'].lower()} manufacturer needs {aspect[1]} for {en},"
        f" aiming at {metric[1]}.",
        "problem": f"Our {en} line is limited by {aspect[1]}; customers ask for {metric[1]}.",
        "requirements": f"{metric[1]}; pilot validation within a year.",
        "field": en,
    }


def achievement_text(
    rng: random.Random, sector: dict[str, Any], zh: str, en: str, lang: str
) -> dict[str, str]:
    """An achievement's title, summary and details on the topic, in `lang`."""
    aspect, metric = rng.choice(ASPECTS), rng.choice(METRICS)
    if lang == "zh":
        return {
            "title": f"一种{zh}的{aspect[0]}方法",
            "summary": f"本成果面向{sector['zh']}行业，提出{zh}{aspect[0]}新方法，"
            f"实验验证{metric[0]}。",
            "details": f"关键工艺参数与配方见专利说明书；{metric[0]}的中试数据。",
            "field": zh,
        }
    return {
        "title": f"{aspect[1].capitalize()} method for {en}",
        "summary": f"A new {aspect[1]} method for {en} in the {sector['en'].lower()} industry, "
        f"validated at {metric[1]}.",
        "details": f"Process window and recipe for {en}; pilot data showing {metric[1]}.",
        "field": en,
    }
