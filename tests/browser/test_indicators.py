"""In a real browser: an analyst imports the provincial R&D panel and builds an index with
rank intervals, reads labline's own figures by province (and files them in the panel), and
decomposes growth from a Penn World Table extract — in English and Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def test_analyst_reads_and_stores_live_figures(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, "en")
    _goto(page, "/indicators/live?year=2026")
    table = page.locator("main table:not(.map-values)")  # the maps' value tables aside
    assert "Research facility service hours" in table.inner_text()
    assert table.locator("tbody tr").count() >= 2  # the demo's operators sit in two provinces
    assert page.locator("main figure svg").count() >= 3
    shot(page, "analyst-en-live-figures")
    # Each chart downloads as a PNG drawn in the browser; the table as Excel.
    with page.expect_download() as png:
        page.locator("main figure .chart-png").first.click()
    assert png.value.suggested_filename.endswith(".png")
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel").click()
    assert xlsx.value.suggested_filename == "labline-live-2026.xlsx"
    with page.expect_navigation():
        page.get_by_role("button", name="Store in the panel").click()
    assert "Stored in the indicator panel" in page.locator("main [role=status]").inner_text()
    # The stored values now appear among the panels.
    _goto(page, "/indicators")
    assert (
        "facility_service_hours" in page.locator("main table:not(.map-values)").first.inner_text()
    )
    set_language(page, "zh")
    _goto(page, "/indicators/live?year=2026")
    assert "大型科研设施服务机时" in page.locator("main table:not(.map-values)").first.inner_text()
    shot(page, "analyst-zh-live-figures")


def test_analyst_decomposes_growth_from_a_pwt_table(page: Any, server: Server) -> None:
    extract = Path(__file__).parents[1] / "indicators" / "data" / "pwt1001_extract.csv"
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, "zh")
    _goto(page, "/indicators/growth")
    page.set_input_files("#file", str(extract))
    page.fill("#first_year", "2005")
    page.fill("#last_year", "2019")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "增长来源" in page.locator("main").inner_text()
    assert page.locator("main figure svg:visible").count() == 2  # the desktop's pictures
    shot(page, "analyst-zh-growth-accounting")


def test_analyst_imports_the_provincial_panel_and_builds_an_index(
    page: Any, server: Server
) -> None:
    panel = Path(__file__).parents[1] / "indicators" / "data" / "china_rd_2021_2023.csv"
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, "en")
    _goto(page, "/indicators/import")
    page.set_input_files("#file", str(panel))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "192" in page.locator("main").inner_text()  # every row stored
    shot(page, "analyst-en-panel-imported")
    _goto(page, "/indicators/index")
    page.select_option("#indicator", ["v4_ztr_jf_RD", "v4_ztr_qd_RD"])
    page.fill("#year", "2023")
    with page.expect_navigation():
        page.locator("main form.filters button[type=submit]").click()
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 31
    assert "Beijing" in rows.first.inner_text() or "Guangdong" in rows.first.inner_text()
    assert page.locator("main figure svg line").count() > 31  # the rank-interval whiskers
    shot(page, "analyst-en-index-rank-intervals")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel").click()
    assert xlsx.value.suggested_filename == "index-2023.xlsx"
