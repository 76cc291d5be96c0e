"""Table downloads keep types: numbers are numbers and dates are dates in Excel, and no
stored text runs as a formula when a user opens the file (CSV or Excel)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from labline.core.models import Role
from labline.tabular import read_rows, write_rows
from tests.indicators.test_exports import _panel

ROW = {
    "name": '=HYPERLINK("http://evil","click")',
    "count": 3,
    "amount": Decimal("12.50"),
    "share": 0.25,
    "day": date(2026, 3, 1),
    "at": datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    "modes": ["transfer", "licence"],
    "note": "@SUM(A1)",
    "blank": None,
}
COLUMNS = list(ROW)


def test_excel_cells_are_typed(tmp_path):
    target = tmp_path / "t.xlsx"
    write_rows(target, COLUMNS, [ROW])
    sheet = load_workbook(target).active
    cells = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert cells["count"].data_type == "n" and cells["count"].value == 3
    assert cells["amount"].value == 12.5 and cells["share"].value == 0.25
    assert cells["day"].is_date and cells["day"].value == datetime(2026, 3, 1)
    assert cells["at"].is_date and cells["at"].value == datetime(2026, 3, 1, 8, 0)
    assert "UTC" in cells["at"].number_format
    assert cells["modes"].value == "transfer, licence"
    assert cells["blank"].value is None


def test_excel_text_never_becomes_a_formula(tmp_path):
    target = tmp_path / "t.xlsx"
    write_rows(target, COLUMNS, [ROW])
    cells = {h.value: c for h, c in zip(*load_workbook(target).active.iter_rows(), strict=True)}
    assert cells["name"].data_type == "s" and cells["name"].value == ROW["name"]
    assert cells["note"].data_type == "s"
    # and a round trip gives back what was written
    back = read_rows(target)[0]
    assert back["name"] == ROW["name"] and back["count"] == 3


def test_csv_quotes_formula_text_and_reads_it_back(tmp_path):
    target = tmp_path / "t.csv"
    write_rows(target, COLUMNS, [ROW | {"count": -3}])
    text = target.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert ",-3," in text  # a number is not text: never quoted
    back = read_rows(target)[0]
    assert back["name"] == ROW["name"] and back["note"] == "@SUM(A1)"


def test_indicator_download_holds_numbers(client, db):
    from tests.factories import make_person

    make_person(db, roles=(Role.analyst,))
    _panel(db)
    x = client.get("/api/v1/indicators/exp_a/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in sheet[1]]
    values = [row[header.index("value")] for row in sheet.iter_rows(min_row=2)]
    years = [row[header.index("year")] for row in sheet.iter_rows(min_row=2)]
    assert [v.data_type for v in values] == ["n", "n", "n"]
    assert [v.value for v in values] == [1.0, 3.0, 2.0]
    assert all(y.data_type == "n" for y in years)
