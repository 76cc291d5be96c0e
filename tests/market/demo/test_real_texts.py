"""Real technology records in the demo market (`labline demo --texts DIR`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from labline.demo import vocab
from labline.demo.api import World
from labline.market.demo.real import real_achievements
from labline.market.demo.topics import industry_of
from labline.market.models import Achievement

ROOT = Path(__file__).resolve().parents[3]
TEXTS = Path(os.environ.get("LABLINE_TEXTS", ROOT.parent / "shared" / "data" / "texts"))
SECTOR = {s["key"]: s for s in vocab.SECTORS}


def _world(db, texts: Path | None) -> World:  # type: ignore[no-untyped-def]
    from tests.factories import make_org

    world = World(seed=42, size="small", session=db, texts=texts)
    for key in ("software", "bio", "materials"):
        org = make_org(db, kind="research_institute", region_code="320500")
        world.orgs_by_kind.setdefault("research_institute", []).append(org.id)
        world.org_sector[org.id] = SECTOR[key]
    university = make_org(db, kind="university", region_code="320500")
    world.orgs_by_kind["university"] = [university.id]
    world.org_sector[university.id] = SECTOR["steel"]
    return world


def test_without_texts_nothing_is_added(db, tmp_path):
    assert real_achievements(_world(db, None), 1, {}) == []
    assert real_achievements(_world(db, tmp_path / "absent"), 1, {}) == []


def test_records_go_to_an_institute_of_their_own_division(db, tmp_path):
    folder = tmp_path / "nasa_techtransfer_en"
    folder.mkdir()
    rows = [
        {
            "type": "software",
            "case_number": f"ARC-{i}",
            "title": f"Flight software tool {i}",
            "abstract": "A planning tool.",
            "category": "computer technology",
            "nasa_center": "ARC",
        }
        for i in range(3)
    ] + [
        {
            "type": "spinoff",
            "case_number": "X",
            "title": "A sold product",
            "abstract": "Sold.",
            "category": "computer technology",
        },
        {
            "type": "patent",
            "case_number": "Y",
            "title": "Unmapped thing",
            "abstract": "?",
            "category": "ps",
        },
    ]
    (folder / "nasa_techtransfer.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows), encoding="utf-8"
    )
    world = _world(db, tmp_path)
    made = real_achievements(world, 10, {})
    assert [r["id"] for r in made] == [10, 11, 12]  # spinoff and unmapped left out
    for r in made:
        assert r["industry_code"] == "65" and r["state"] == "published"
        assert industry_of(world.org_sector[r["organisation_id"]])[:2] == "65"
    world.bulk("market-real-texts", Achievement, made)
    assert db.get(Achievement, 10).language == "en"


@pytest.mark.skipif(not TEXTS.is_dir(), reason=f"the real texts are not at {TEXTS}")
def test_the_real_sets_load_in_both_languages(db):
    world = _world(db, TEXTS)
    made = real_achievements(world, 1, {})
    assert len(made) == 300 and {r["language"] for r in made} == {"zh", "en"}
    for r in made:  # in its owner's division whenever some institute has that division,
        # else a university's: never a specialised institute of another field
        owner = industry_of(world.org_sector[r["organisation_id"]])[:2]
        assert (
            owner == r["industry_code"][:2]
            or r["organisation_id"] in world.orgs_by_kind["university"]
        )
