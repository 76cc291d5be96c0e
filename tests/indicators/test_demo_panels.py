"""The demo world's indicator panels are filled: from the small real panel shipped with
labline on a fresh machine, from the full yearbook files when the demo is given their folder
(`labline demo --indicators DIR`, which `make demo` passes when ../shared is there)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from labline.demo.api import World
from labline.demo.cli import demo as demo_cmd
from labline.indicators.demo import SHIPPED, step_indicators
from labline.indicators.service import read

EXPECTED = {
    "rd_intensity",
    "rd_expenditure",
    "basic_research_share",
    "enterprise_share_rd",
    "government_share_rd",
    "invention_applications",
}


def _coverage(db) -> dict[str, read.Coverage]:
    return {c.indicator_code: c for c in read.coverage(db)}


def test_a_fresh_machine_gets_the_shipped_panel(db, client):
    assert SHIPPED.is_file() and (SHIPPED.parent / "README.md").is_file()
    world = World(seed=42, size="small", session=db)
    step_indicators(world)
    cov = _coverage(db)
    assert set(cov) >= EXPECTED
    assert (cov["rd_intensity"].first_year, cov["rd_intensity"].last_year) == (2019, 2023)
    assert cov["rd_intensity"].regions == 32  # 31 provinces and the national total
    # The published figures: national R&D intensity 2.65 % in 2023, Beijing 6.73 %.
    year, ranked = read.ranking(db, indicator="rd_intensity", year=2023, higher_is_better=True)
    values = dict(ranked)
    assert year == 2023 and values["CN"] == 2.65 and values["110000"] == 6.73
    page = client.get("/indicators/rd_intensity")
    assert page.status_code == 200 and "6.73" in page.text


def test_the_full_yearbook_files_when_given(db, shared_data: Path):
    world = World(seed=42, size="small", session=db, indicators=shared_data)
    step_indicators(world)
    cov = _coverage(db)
    assert (cov["rd_intensity"].first_year, cov["rd_intensity"].last_year) == (2011, 2023)
    assert world.counts["indicator values"] > 2500


def test_the_demo_command_takes_the_folder(tmp_path: Path):
    bad = CliRunner().invoke(demo_cmd, ["--indicators", str(tmp_path / "missing")])
    assert bad.exit_code == 2 and "--indicators" in bad.output
