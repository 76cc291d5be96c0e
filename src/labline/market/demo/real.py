"""Real technology records in the demo market (`labline demo --texts DIR`).

With a texts folder (../shared/data/texts: NASA technologies offered for licence, US
patent abstracts, Chinese scientific abstracts), the demo world adds a fixed sample of
each set as published achievements, mapped as `labline market import` maps them
(market/service/texts.py). Each record goes to a university or institute whose own
sector is in the record's industry division, so a newcomer sees a materials institute
offering materials results; where none is, to a university (broad by nature), never to a
specialised institute of another field. Deterministic from the seed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labline.errors import InvalidInput
from labline.market.demo.topics import industry_of, published_when
from labline.market.schemas import AchievementCreate
from labline.market.service.texts import achievement_values, read_lines

if TYPE_CHECKING:
    from labline.demo.api import World

SETS = (
    "nasa_techtransfer_en/nasa_techtransfer.jsonl",
    "uspto_patent_abstracts_en/uspto_patent_abstracts.jsonl",
    "csl_zh_sci_abstracts/csl_dev.jsonl",
)
PER_SET = {"small": 100, "medium": 400, "large": 1000}


def sample(texts: Path, per_set: int, rng: random.Random) -> list[dict[str, Any]]:
    """Up to `per_set` mapped records of each set found in `texts` (NASA spinoff stories,
    products already sold, are left out)."""
    out = []
    for name in SETS:
        path = texts / name
        if not path.is_file():
            continue
        rows = []
        for _n, row, _problem in read_lines(path):
            if row is None or row.get("type") == "spinoff":
                continue
            try:
                values = achievement_values(row, 1)
                AchievementCreate.model_validate(values)
            except (InvalidInput, ValueError):
                continue
            rows.append(values)
        out += rng.sample(rows, min(per_set, len(rows)))
    return out


def real_achievements(world: World, first_id: int, region: dict[int, Any]) -> list[dict[str, Any]]:
    """Rows for the achievements table (ids from `first_id`); [] without a texts folder."""
    if world.texts is None or not Path(world.texts).is_dir():
        return []
    rng = world.rng("market-real-texts")
    sellers = [
        o for k in ("university", "research_institute") for o in world.orgs_by_kind.get(k, [])
    ]
    if not sellers:
        return []
    universities = world.orgs_by_kind.get("university", []) or sellers
    by_division: dict[str, list[int]] = {}
    for org in sellers:
        sector = world.org_sector.get(org)
        if sector is not None:
            by_division.setdefault(industry_of(sector)[:2], []).append(org)
    rows = []
    for i, values in enumerate(sample(Path(world.texts), PER_SET.get(world.size, 100), rng)):
        org = rng.choice(by_division.get(values["industry_code"][:2]) or universities)
        published = published_when(rng)
        rows.append(
            {
                **{k: v for k, v in values.items() if k != "organisation_id"},
                "id": first_id + i,
                "organisation_id": org,
                "team_id": None,
                "created_by_id": None,
                "details": "",
                "region_code": region.get(org),
                "ip_status": values.get("ip_status", ""),
                "ip_numbers": values.get("ip_numbers", ""),
                "owners": values.get("owners", ""),
                "inventors": "",
                "price": None,
                "modes": "transfer,nonexclusive_licence",
                "state": "published",
                "screening_note": "",
                "close_reason": None,
                "published_at": published,
                "closed_at": None,
                "created_at": published,
                "updated_at": published,
            }
        )
    return rows
